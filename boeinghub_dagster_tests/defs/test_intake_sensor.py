"""The inbox sensor with real files in a temporary inbox, ticked against a real instance."""

import pytest

from boeinghub_dagster_tests.support.inbox import xlsx_bytes

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _folder(ticker, sub):
    from pathlib import Path

    return Path(ticker.inbox.path) / sub


@pytest.mark.parametrize(
    "name,content",
    [
        ("parts.txt", b"BACB30LH3-4\n# a comment\nMS20470AD4-6, WF338109=K3\n"),
        ("parts.csv", b"qty,part_number\n1,BACB30LH3-4\n2,MS20470AD4-6\n3,WF338109=K3\n"),
        ("parts.xlsx", xlsx_bytes([["Part Number"], ["BACB30LH3-4"], ["MS20470AD4-6"], ["WF338109=K3"]])),
    ],
)
def test_each_format_becomes_one_batch_and_one_run(ticker, store, instance, name, content):
    ticker.drop(name, content)
    first = ticker.tick()
    assert first.run_requests == [] and "waiting" in first.skip_reason.skip_message
    result = ticker.tick()
    assert len(result.run_requests) == 1
    run = result.run_requests[0]
    batch = store.intake().get(int(run.tags["boeinghub/intake-batch"]))
    assert (batch["file_name"], batch["accepted"], batch["status"]) == (name, 3, "launched")
    assert store.intake().parts(batch["id"]) == ["BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"]
    assert run.run_config["ops"]["extraction"]["config"] == {"intake_batch_id": batch["id"], "intake_chunk": 1}
    assert run.tags["boeinghub/intake-chunk"] == "1/1"
    assert run.tags["boeinghub/api"] == "boeing"
    assert set(instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"}
    assert (_folder(ticker, "processed") / name).read_bytes() == content
    assert not (_folder(ticker, "") / name).exists()


def test_some_bad_lines_accept_the_rest_and_list_the_bad_ones(ticker, store):
    content = b"BACB30LH3-4\nBAD|PART\nMS20470AD4-6\nA...B\nBACB30LH3-4\n"
    ticker.drop("mixed.txt", content)
    run = ticker.settle().run_requests[0]
    batch = store.intake().get(int(run.tags["boeinghub/intake-batch"]))
    assert (batch["lines"], batch["accepted"], batch["rejected"], batch["duplicates"]) == (5, 2, 2, 1)
    bad = (_folder(ticker, "processed") / "mixed.txt.rejected-lines.csv").read_text()
    assert "BAD|PART" in bad and "A...B" in bad and bad.startswith("line,value,reason")
    assert (_folder(ticker, "processed") / "mixed.txt").read_bytes() == content


def test_files_being_written_are_left_alone(ticker):
    ticker.drop(".hidden.txt", b"BACB30LH3-4\n")
    ticker.drop("upload.txt.part", b"BACB30LH3-4\n")
    growing = ticker.drop("growing.txt", b"BACB30LH3-4\n")
    ticker.tick()
    growing.write_bytes(b"BACB30LH3-4\nMS20470AD4-6\n")
    result = ticker.tick()
    assert result.run_requests == []
    assert "growing.txt: waiting" in result.skip_reason.skip_message
    assert ticker.tick().run_requests[0].tags["boeinghub/intake-file"] == "growing.txt"
    assert (_folder(ticker, "") / ".hidden.txt").exists() and (_folder(ticker, "") / "upload.txt.part").exists()


def test_the_same_content_twice_is_one_batch(ticker, store):
    ticker.drop("a.txt", b"BACB30LH3-4\n")
    first = ticker.settle().run_requests
    ticker.drop("again.txt", b"BACB30LH3-4\n")
    second = ticker.settle()
    assert len(first) == 1 and second.run_requests == []
    assert "same content as batch" in second.skip_reason.skip_message and "a.txt" in second.skip_reason.skip_message
    rows = store.intake().report()
    assert sorted(r["status"] for r in rows) == ["duplicate", "running"]
    assert (_folder(ticker, "processed") / "again.txt.duplicate.txt").read_text().startswith("same content")


def test_publish_folder_files_are_tagged_for_publishing(ticker):
    ticker.drop("publish/ready.txt", b"BACB30LH3-4\n")
    run = ticker.settle().run_requests[0]
    assert run.tags["boeinghub/intake-target"] == "publish"
    assert run.tags["boeinghub/intake-file"] == "publish/ready.txt"


def test_a_lost_tick_after_recording_is_redone_without_a_second_batch(ticker, store):
    """The daemon died after the sensor recorded the batch but before it kept the result."""
    ticker.drop("a.txt", b"BACB30LH3-4\nMS20470AD4-6\n")
    ticker.tick()
    lost = ticker.tick(persist=False)
    redo = ticker.tick()
    ticker.tick()
    assert len(ticker.launched) == 1
    assert len(lost.run_requests) == 1
    assert [r.run_key for r in redo.run_requests] == [r.run_key for r in lost.run_requests]
    assert len(store.intake().report()) == 1
    assert set(ticker.instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6"}


def test_a_crash_between_recording_and_moving_loses_nothing(ticker, store, monkeypatch):
    from boeinghub_dagster.resources.inbox import InboxResource as Inbox

    ticker.drop("a.txt", b"BACB30LH3-4\n")
    ticker.tick()
    monkeypatch.setattr(Inbox, "move", lambda *a, **k: (_ for _ in ()).throw(OSError("disk gone")))
    crashed = ticker.tick(persist=False)  # recorded, then the move failed, and the tick's result was lost
    assert "could not be taken in (disk gone)" in crashed.skip_reason.skip_message
    monkeypatch.undo()
    assert (_folder(ticker, "") / "a.txt").exists()  # not lost
    result = ticker.tick()
    assert len(result.run_requests) == 1  # requested from the recorded batch
    assert len(store.intake().report()) == 1
    assert (_folder(ticker, "processed") / "a.txt").exists()
    ticker.tick()
    assert len(ticker.launched) == 1


def test_runs_already_launched_are_not_requested_again(ticker, store, instance):
    ticker.drop("a.txt", b"BACB30LH3-4\n")
    assert len(ticker.settle().run_requests) == 1
    assert ticker.tick().run_requests == []
    assert [r.run_id for r in ticker.launched] == [store.intake().report()[0]["run_id"]]


def test_an_unreadable_file_does_not_block_the_files_behind_it(ticker, monkeypatch):
    ticker.drop("stuck.txt", b"BACB30LH3-4\n")
    ticker.drop("fine.txt", b"MS20470AD4-6\n")
    from boeinghub_dagster.resources.inbox import InboxResource

    real = InboxResource.open_regular

    def open_regular(self, file):
        if file.path.name == "stuck.txt":
            raise PermissionError(13, "Permission denied")
        return real(self, file)

    monkeypatch.setattr(InboxResource, "open_regular", open_regular)
    ticker.tick()
    result = ticker.tick()
    assert [r.tags["boeinghub/intake-file"] for r in result.run_requests] == ["fine.txt"]
    assert (_folder(ticker, "") / "stuck.txt").exists()
    monkeypatch.undo()
    assert [r.tags["boeinghub/intake-file"] for r in ticker.tick().run_requests] == ["stuck.txt"]


def test_an_oversized_file_is_refused_without_being_read(ticker, store, monkeypatch):
    from pathlib import Path

    import boeinghub_dagster.defs.intake.steps.inbox as steps

    monkeypatch.setattr(steps, "MAX_FILE_BYTES", 10)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("an oversized file must not be read whole"))
    content = b"BACB30LH3-4\nMS20470AD4-6\n"
    ticker.drop("huge.txt", content)
    ticker.settle()
    monkeypatch.undo()
    assert (_folder(ticker, "rejected") / "huge.txt").read_bytes() == content
    assert "file too large: 25 bytes" in (_folder(ticker, "rejected") / "huge.txt.reason.txt").read_text()


def test_a_crash_after_recording_a_rejection_records_it_once(ticker, store, monkeypatch):
    from boeinghub_dagster.resources.inbox import InboxResource as Inbox

    ticker.drop("bad.pdf", b"%PDF-1.4")
    ticker.tick()
    monkeypatch.setattr(Inbox, "move", lambda *a, **k: (_ for _ in ()).throw(OSError("disk gone")))
    ticker.tick()  # recorded, then the move failed: the file stays, the tick goes on
    monkeypatch.undo()
    ticker.tick()
    assert [r["status"] for r in store.intake().report()] == ["rejected"]
    assert (_folder(ticker, "rejected") / "bad.pdf.reason.txt").exists()


def test_an_idle_tick_does_not_load_partition_keys(ticker, monkeypatch):
    monkeypatch.setattr(
        type(ticker.instance), "get_dynamic_partitions", lambda *a, **k: pytest.fail("idle tick loaded keys")
    )
    result = ticker.tick()
    assert result.skip_reason.skip_message == "inbox is empty"


def test_a_resumed_batch_still_lists_its_rejected_lines(ticker, store, monkeypatch):
    from boeinghub_dagster.resources.inbox import InboxResource as Inbox

    ticker.drop("mixed.txt", b"BACB30LH3-4\nBAD|PART\n")
    ticker.tick()
    monkeypatch.setattr(Inbox, "move", lambda *a, **k: (_ for _ in ()).throw(OSError("disk gone")))
    ticker.tick()  # batch recorded, move failed
    monkeypatch.undo()
    ticker.tick()  # resumed: moved now
    assert len(store.intake().report()) == 1
    assert "BAD|PART" in (_folder(ticker, "processed") / "mixed.txt.rejected-lines.csv").read_text()
