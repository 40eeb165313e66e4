"""`BOEINGHUB_INBOX=s3://bucket/prefix` (issue 15, item 7): uploads ticked through the real `inbox_sensor`
against a real instance, the bucket on the suite's S3 server (moto, one per module, a bucket per test).

The same rules and reasons as the folder: batches, `processed/` and `rejected/` with their notes, duplicates
by sha256, oversized objects refused from their listed size, an object replaced between listing and reading
left for the next tick, unsafe names refused; and a move killed (SIGKILL) between the copy and the delete
ends at the next tick on the same object, never a second copy. moto cannot store a key holding a newline
(its router drops the request), so the unsafe names here are other control characters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from boeinghub_dagster.cli import main
from boeinghub_dagster.defs.intake.steps import inbox as steps
from boeinghub_dagster.resources import inbox_s3
from boeinghub_dagster.resources.inbox_s3 import JOURNAL, S3InboxResource
from boeinghub_dagster_tests.support.inbox import Ticker
from boeinghub_dagster_tests.support.s3 import (
    ACCESS_KEY_ID,
    REGION,
    SECRET_ACCESS_KEY,
    inbox_objects,
    new_s3_inbox,
    s3_server,
    upload,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PARTS = b"BACB30LH3-4\nBAD|PART\nMS20470AD4-6\n"
READ: list[str] = []  # names the sensor read, for the inboxes below
REPLACE: dict[str, bytes] = {}  # name -> what an uploader puts there between the listing and the read


class RecordingInbox(S3InboxResource):
    """The real S3 inbox; an uploader may replace an object after the listing, just before the GET."""

    def read(self, file, limit):
        READ.append(file.name)
        if file.name in REPLACE:
            upload(self, file.relative, REPLACE.pop(file.name))
        return super().read(file, limit)


@pytest.fixture(scope="module")
def endpoint():
    with s3_server() as url:
        yield url


@pytest.fixture
def inbox(endpoint):
    READ.clear()
    return new_s3_inbox(endpoint, RecordingInbox)


def _rows(store) -> dict[str, dict]:
    return {r["file_name"]: r for r in store.intake().report(limit=100)}


def test_uploads_become_batches_and_move_to_processed_or_rejected_with_their_notes(inbox, instance, store):
    upload(inbox, "parts.txt", PARTS)
    upload(inbox, "publish/ready.csv", b"part_number\nNAS1149F0363P\n")
    upload(inbox, "manual.pdf", b"%PDF-1.4")
    upload(inbox, "sub/inside.txt", b"A99\n")
    upload(inbox, "", b"")  # the folder markers an S3 console and Supabase Studio write
    upload(inbox, ".emptyFolderPlaceholder", b"")
    ticker = Ticker(instance, inbox, store)
    first = ticker.tick()
    assert first.run_requests == [] and "parts.txt: waiting one more tick" in first.skip_reason.skip_message
    runs = ticker.tick().run_requests
    assert sorted((r.tags["boeinghub/intake-file"], r.tags["boeinghub/intake-target"]) for r in runs) == [
        ("parts.txt", "extraction"),
        ("publish/ready.csv", "publish"),
    ]
    rows = _rows(store)
    assert store.intake().parts(rows["parts.txt"]["id"]) == ["BACB30LH3-4", "MS20470AD4-6"]
    assert rows["manual.pdf"]["status"] == "rejected" and "unsupported file type '.pdf'" in rows["manual.pdf"]["reason"]
    objects = inbox_objects(inbox)
    assert objects["processed/parts.txt"] == PARTS and b"BAD|PART" in objects["processed/parts.txt.rejected-lines.csv"]
    assert objects["processed/ready.csv"].endswith(b"NAS1149F0363P\n")
    assert objects["rejected/manual.pdf"] == b"%PDF-1.4"
    assert b"unsupported file type '.pdf'" in objects["rejected/manual.pdf.reason.txt"]
    assert set(objects) - {k for k in objects if k.startswith(("processed/", "rejected/"))} == {
        "",
        ".emptyFolderPlaceholder",
        "sub/inside.txt",
    }  # markers skipped; a folder stays, by design
    assert "sub/: a folder, left in place" in "\n".join(ticker.logged)

    upload(inbox, "again.txt", PARTS)  # the same content: a duplicate pointing at the first batch
    upload(inbox, "parts.txt", b"WF338109=K3\n")  # a name taken in processed/: a free name
    ticker.settle()
    rows, objects = _rows(store), inbox_objects(inbox)
    first_id = rows["parts.txt"]["id"]
    assert rows["again.txt"]["status"] == "duplicate" and rows["again.txt"]["duplicate_of"] == first_id
    note = objects["processed/again.txt.duplicate.txt"].decode()
    assert note.startswith("same content (sha256 ") and f"as batch {first_id} (parts.txt)" in note
    assert objects["processed/again.txt"] == PARTS and objects["processed/parts-1.txt"] == b"WF338109=K3\n"
    kept = [line for line in ticker.logged if line.startswith("parts.txt: batch ")]
    assert "(kept as processed/parts-1.txt)" in kept[-1]
    assert not any(JOURNAL in key for key in objects) and len(store.intake().report(limit=100)) == 5


def test_an_object_over_the_size_limit_is_refused_unread_and_moved_whole(inbox, instance, store, monkeypatch):
    monkeypatch.setattr(steps, "MAX_FILE_BYTES", 64 * 1024)
    monkeypatch.setattr(inbox_s3, "COPY_LIMIT", 5 * 2**20)  # and copied in parts, as one over 5 GiB would be
    monkeypatch.setattr(inbox_s3, "COPY_PART_BYTES", 5 * 2**20)
    big = os.urandom(6 * 2**20)
    upload(inbox, "huge.txt", big)
    Ticker(instance, inbox, store).settle()
    reason = _rows(store)["huge.txt"]["reason"]
    assert reason == "file too large: 6291456 bytes, the limit is 65536 bytes (refused from its size, unread)"
    assert READ == []  # never read, never hashed
    objects = inbox_objects(inbox)
    assert objects["rejected/huge.txt"] == big and objects["rejected/huge.txt.reason.txt"] == f"{reason}\n".encode()
    assert "huge.txt" not in objects


def test_an_object_replaced_between_listing_and_reading_is_left_for_the_next_tick(inbox, instance, store):
    upload(inbox, "parts.txt", b"BACB30LH3-4\n")
    REPLACE["parts.txt"] = b"MS20470AD4-6\nNAS1149F0363P\n"
    ticker = Ticker(instance, inbox, store)
    replaced = ticker.settle()
    assert replaced.run_requests == [] and store.intake().report() == []
    assert "parts.txt: it was replaced or removed since it was listed; left for the next tick" in ticker.logged
    assert "waiting one more tick" in ticker.tick().skip_reason.skip_message  # a new version: stable twice first
    run = ticker.tick().run_requests[0]
    batch = int(run.tags["boeinghub/intake-batch"])
    assert store.intake().parts(batch) == ["MS20470AD4-6", "NAS1149F0363P"]
    assert inbox_objects(inbox)["processed/parts.txt"] == b"MS20470AD4-6\nNAS1149F0363P\n"


def test_unsafe_key_names_are_refused_and_long_ones_kept_within_255_bytes(inbox, instance, store):
    long_name = "l" * 300 + ".txt"
    upload(inbox, "esc\x1b[2Jclear.csv", b"A7\n")
    upload(inbox, "parts\u202egnp.txt", b"A6\n")
    upload(inbox, "publish/\x07bell.txt", b"A8\n")
    upload(inbox, long_name, b"A1\n=1+2\n")
    ticker = Ticker(instance, inbox, store)
    results = [ticker.tick(), ticker.tick()]
    rows, objects = _rows(store), inbox_objects(inbox)
    for label, kept, why in [
        ("esc\\x1b[2Jclear.csv", "esc%1B[2Jclear.csv", "control character 0x1b"),
        ("parts\\u202egnp.txt", "parts%E2%80%AEgnp.txt", "the invisible character U+202E"),
        ("publish/\\x07bell.txt", "%07bell.txt", "control character 0x07"),
    ]:
        assert rows[label]["status"] == "rejected" and f"unsafe file name: it holds {why}" in rows[label]["reason"]
        assert objects[f"rejected/{kept}"] and why.encode() in objects[f"rejected/{kept}.reason.txt"]
    kept = next(k for k in objects if k.startswith("processed/l") and k.endswith(".txt"))
    assert objects[kept] == b"A1\n=1+2\n" and len(kept.removeprefix("processed/").encode()) <= 236
    assert len(kept.removeprefix("processed/").encode()) + len(".rejected-lines.csv") <= 255
    assert f"{kept}.rejected-lines.csv" in objects and rows[long_name]["accepted"] == 1
    assert all(line.isprintable() for line in ticker.logged)
    assert all(v.isprintable() for r in results for req in r.run_requests for v in req.tags.values())
    assert not [k for k in objects if not k.startswith(("processed/", "rejected/"))]


KILLER = """
import os, signal, sys
import dagster as dg
from boeinghub_dagster.defs.intake.sensors import inbox_sensor
from boeinghub_dagster.resources.inbox_s3 import S3InboxResource
from boeinghub_dagster.resources.store import StoreResource
from boeinghub_dagster_tests.support.s3 import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY

S3InboxResource._delete_source = lambda self, file: os.kill(os.getpid(), signal.SIGKILL)  # copied, not deleted
path, endpoint, url, cursor = sys.argv[1:5]
inbox = S3InboxResource(path=path, endpoint_url=endpoint, access_key_id=ACCESS_KEY_ID,
                        secret_access_key=SECRET_ACCESS_KEY, region=REGION, timeout_seconds=5)
with dg.instance_for_test() as instance:
    resources = {"inbox": inbox, "store": StoreResource(database_url=url)}
    inbox_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
"""


def test_a_move_killed_between_copy_and_delete_ends_without_a_second_copy(inbox, instance, store, database_url):
    upload(inbox, "parts.txt", PARTS)
    ticker = Ticker(instance, inbox, store)
    ticker.tick()
    args = [inbox.path, inbox.endpoint_url, database_url, ticker.cursor]
    died = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLER), *args], capture_output=True, timeout=180)
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()[-2000:]
    halfway = inbox_objects(inbox)
    assert halfway["parts.txt"] == halfway["processed/parts.txt"] == PARTS  # copied, and still in the inbox
    assert [k for k in halfway if JOURNAL in k] and len(store.intake().report()) == 1

    result = ticker.tick()
    assert len(result.run_requests) == 1 and any(line.startswith("parts.txt: resumed batch") for line in ticker.logged)
    objects = inbox_objects(inbox)
    assert sorted(objects) == ["processed/parts.txt", "processed/parts.txt.rejected-lines.csv"]  # one copy, no journal
    ticker.tick()
    assert len(store.intake().report()) == 1 and len(ticker.launched) == 1


def test_boeinghub_intake_uploads_into_the_bucket_under_free_names(
    inbox, instance, store, tmp_path, monkeypatch, capsys
):
    settings = {
        "SUPABASE_S3_ENDPOINT": inbox.endpoint_url,
        "SUPABASE_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "SUPABASE_S3_REGION": REGION,
        "BOEINGHUB_INBOX": inbox.path,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "parts.txt").write_bytes(b"BACB30LH3-4\n")
    (tmp_path / ".hidden.txt").write_bytes(b"BACB30LH3-4\n")
    monkeypatch.delenv("SUPABASE_S3_SECRET_ACCESS_KEY", raising=False)
    assert main(["intake", str(tmp_path / "parts.txt")]) == 2
    assert "set SUPABASE_S3_SECRET_ACCESS_KEY (the hub's S3 connection)" in capsys.readouterr().err
    monkeypatch.setenv("SUPABASE_S3_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    assert main(["intake", str(tmp_path / ".hidden.txt"), str(tmp_path / "parts.txt")]) == 2  # refused whole
    assert main(["intake", str(tmp_path / "parts.txt")]) == main(["intake", str(tmp_path / "parts.txt")]) == 0
    assert main(["intake", "--publish", str(tmp_path / "parts.txt")]) == 0
    out = capsys.readouterr()
    bucket = inbox.location()[0]
    assert out.out.split() == [f"s3://{bucket}/inbox/{k}" for k in ("parts.txt", "parts-1.txt", "publish/parts.txt")]
    assert "names starting with '.'" in out.err and SECRET_ACCESS_KEY not in out.out + out.err
    assert sorted(inbox_objects(inbox)) == ["parts-1.txt", "parts.txt", "publish/parts.txt"]  # nothing overwritten
    assert len(Ticker(instance, inbox, store).settle().run_requests) == 1  # one batch, two duplicates
    assert sorted(r["status"] for r in store.intake().report()).count("duplicate") == 2
