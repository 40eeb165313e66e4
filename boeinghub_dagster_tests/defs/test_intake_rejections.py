"""Bad intake files, ticked through the real inbox sensor: each is refused whole (docs/behaviour.md §3).

A refused file lands byte-identical in `rejected/` with `<name>.reason.txt` naming
the specific problem, is recorded as a `rejected` intake batch with that reason,
requests no run and adds no part-number partition.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from boeinghub_dagster_tests.support.inbox import Ticker, xlsx_bytes
from boeinghub_dagster_tests.support.inbox_corpus import CASES, good_xlsx

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _folder(ticker: Ticker, sub: str) -> Path:
    return Path(ticker.inbox.path) / sub


@pytest.mark.parametrize("name,make,fragment,env", CASES, ids=[c[0] for c in CASES])
def test_a_bad_file_is_rejected_whole_with_a_specific_reason(
    ticker, store, instance, monkeypatch, name, make, fragment, env
):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    content = make()
    ticker.drop(name, content)

    first = ticker.tick()
    assert first.run_requests == [] and f"{name}: waiting" in first.skip_reason.skip_message
    assert (_folder(ticker, "") / name).exists()  # not judged before it is known to be complete

    result = ticker.tick()
    assert result.run_requests == [] and not result.dynamic_partitions_requests
    assert f"{name}: rejected" in result.skip_reason.skip_message and fragment in result.skip_reason.skip_message
    assert not (_folder(ticker, "") / name).exists()
    assert (_folder(ticker, "rejected") / name).read_bytes() == content  # untouched
    reason = (_folder(ticker, "rejected") / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert fragment in reason
    assert list(_folder(ticker, "processed").iterdir()) == []

    rows = store.intake().report()
    assert len(rows) == 1
    row = rows[0]
    assert (row["file_name"], row["status"], row["target"]) == (name, "rejected", "extraction")
    assert fragment in row["reason"] and reason == f"{row['reason']}\n"
    unread = name == "too-large.txt"  # refused from its size: never read, never hashed
    assert row["sha256"] == hashlib.sha256(b"" if unread else content).hexdigest()
    assert (row["accepted"], row["run_id"]) == (0, None)
    assert store.intake().pending() == []

    again = ticker.tick()  # nothing left to do, nothing re-requested
    assert again.run_requests == [] and len(store.intake().report()) == 1
    assert instance.get_dynamic_partitions("part_numbers") == []
    assert ticker.launched == []


def test_a_rejected_file_in_publish_keeps_its_target_and_a_second_one_of_the_same_name_gets_a_suffix(ticker, store):
    ticker.drop("publish/bad.txt", b"")
    ticker.settle()
    ticker.drop("bad.txt", b"BAD|PART\n")
    ticker.settle()
    rejected = _folder(ticker, "rejected")
    assert (rejected / "bad.txt").read_bytes() == b"" and (rejected / "bad-1.txt").read_bytes() == b"BAD|PART\n"
    assert "empty file (0 bytes)" in (rejected / "bad.txt.reason.txt").read_text()
    assert "character '|' is not allowed" in (rejected / "bad-1.txt.reason.txt").read_text()
    rows = {r["file_name"]: r for r in store.intake().report()}
    assert {k: (r["status"], r["target"]) for k, r in rows.items()} == {
        "publish/bad.txt": ("rejected", "publish"),
        "bad.txt": ("rejected", "extraction"),
    }


def test_one_bad_file_does_not_hold_back_a_good_one(ticker, store, instance):
    ticker.drop("bad.csv", b'part_number\n"BACB30LH3-4\n')
    ticker.drop("good.txt", b"BACB30LH3-4\n")
    result = ticker.settle()
    assert [r.tags["boeinghub/intake-file"] for r in result.run_requests] == ["good.txt"]
    assert (_folder(ticker, "rejected") / "bad.csv").exists() and (_folder(ticker, "processed") / "good.txt").exists()
    assert sorted((r["file_name"], r["status"]) for r in store.intake().report()) == [
        ("bad.csv", "rejected"),
        ("good.txt", "running"),
    ]
    assert instance.get_dynamic_partitions("part_numbers") == ["BACB30LH3-4"]


def test_a_file_still_being_written_is_neither_rejected_nor_moved(ticker, store, instance):
    """The partial-write case: half an xlsx would be refused as damaged, but it is still growing."""
    good = good_xlsx()
    half = len(good) // 2
    path = ticker.drop("growing.xlsx", good[:half])
    first = ticker.tick()
    with path.open("ab") as f:
        f.write(good[half : half + 100])
    second = ticker.tick()
    with path.open("ab") as f:
        f.write(good[half + 100 :])
    third = ticker.tick()
    for result in (first, second, third):
        assert result.run_requests == [] and "growing.xlsx: waiting" in result.skip_reason.skip_message
    assert path.read_bytes() == good  # still in the inbox, untouched
    assert list(_folder(ticker, "rejected").iterdir()) == [] and list(_folder(ticker, "processed").iterdir()) == []
    assert store.intake().report() == []

    stable = ticker.tick()  # same size and mtime as last tick: complete
    assert [r.tags["boeinghub/intake-file"] for r in stable.run_requests] == ["growing.xlsx"]
    assert not path.exists() and (_folder(ticker, "processed") / "growing.xlsx").read_bytes() == good
    assert [(r["status"], r["accepted"]) for r in store.intake().report()] == [("running", 3)]
    assert set(instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"}


def test_a_windows_1252_file_is_read_as_such_and_its_batch_records_the_encoding(ticker, store, instance):
    """Excel's CSV export on Windows: not UTF-8, once refused whole, now read."""
    content = "Référence;Désignation\nBACB30LH3-4;Écrou à river 12 €\nMS20470AD4-6;Rivet tête ronde\n".encode("cp1252")
    ticker.drop("commande.csv", content)
    ticker.drop("plain.txt", b"WF338109=K3\n")
    result = ticker.settle()
    assert sorted(r.tags["boeinghub/intake-file"] for r in result.run_requests) == ["commande.csv", "plain.txt"]
    by_file = {r["file_name"]: r for r in store.intake().report()}
    assert (
        by_file["commande.csv"]["accepted"],
        by_file["commande.csv"]["rejected"],
        by_file["commande.csv"]["reason"],
    ) == (2, 0, None)
    assert by_file["commande.csv"]["encoding"] == "windows-1252" and by_file["plain.txt"]["encoding"] == "utf-8"
    assert set(instance.get_dynamic_partitions("part_numbers")) == {"BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"}
    assert (_folder(ticker, "processed") / "commande.csv").read_bytes() == content  # untouched
    assert list(_folder(ticker, "rejected").iterdir()) == []


def test_the_sensor_says_which_encoding_it_read(ticker, store):
    ticker.drop("commande.txt", "# commandé\nBACB30LH3-4\n".encode("cp1252"))
    ticker.settle()
    ticker.drop("parts.xlsx", xlsx_bytes([["MS20470AD4-6"]]))
    ticker.settle()
    assert "commande.txt: batch 1, read as windows-1252, 1 parts (1 new)" in "\n".join(ticker.logged)
    assert "parts.xlsx: batch 2, read as an .xlsx workbook, 1 parts (1 new)" in "\n".join(ticker.logged)
    assert sorted((r["file_name"], r["encoding"]) for r in store.intake().report()) == [
        ("commande.txt", "windows-1252"),
        ("parts.xlsx", None),
    ]
