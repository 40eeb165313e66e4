"""`boeinghub intake`, run as a real subprocess: atomic, never-overwriting copies into the inbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from boeinghub_dagster.resources.inbox import InboxResource
from boeinghub_dagster_tests.support.inbox import Ticker, xlsx_bytes

XLSX = xlsx_bytes([["Part Number"], ["BACB30LH3-4"], ["MS20470AD4-6"], ["WF338109=K3"]])


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "BOEINGHUB_INBOX"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "boeinghub_dagster", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") or p.name.endswith(".part"))


@pytest.fixture
def sources(tmp_path) -> dict[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    files = {
        "parts.txt": b"BACB30LH3-4\n# comment\nMS20470AD4-6\n",
        "parts.xlsx": XLSX,
        "weird \xe9 name.csv": b"part_number\nWF338109=K3\n",
    }
    out = {}
    for name, content in files.items():
        (src / name).write_bytes(content)
        out[name] = src / name
    return out


def test_intake_copies_files_byte_identical_and_prints_each_destination(tmp_path, sources):
    inbox = tmp_path / "inbox" / "nested"  # created when missing
    result = run_cli("intake", *map(str, sources.values()), "--inbox", str(inbox))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(inbox / name) for name in sources]
    for name, source in sources.items():
        assert (inbox / name).read_bytes() == source.read_bytes()
        assert source.exists()  # a copy, not a move
    assert sorted(p.name for p in inbox.iterdir()) == sorted(sources)
    assert result.stderr == ""


def test_the_inbox_comes_from_boeinghub_inbox_then_data_inbox(tmp_path, sources):
    env_inbox = tmp_path / "from-env"
    result = run_cli("intake", str(sources["parts.txt"]), env={"BOEINGHUB_INBOX": str(env_inbox)})
    assert result.returncode == 0, result.stderr
    assert (env_inbox / "parts.txt").read_bytes() == sources["parts.txt"].read_bytes()

    flag = tmp_path / "from-flag"  # --inbox wins over the environment
    assert (
        run_cli(
            "intake", str(sources["parts.txt"]), "--inbox", str(flag), env={"BOEINGHUB_INBOX": str(env_inbox)}
        ).returncode
        == 0
    )
    assert (flag / "parts.txt").exists() and not (env_inbox / "parts-1.txt").exists()

    cwd = tmp_path / "project"
    cwd.mkdir()
    result = run_cli("intake", str(sources["parts.txt"]), cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(cwd / "data" / "inbox" / "parts.txt")
    assert (cwd / "data" / "inbox" / "parts.txt").read_bytes() == sources["parts.txt"].read_bytes()


def test_an_existing_name_is_never_overwritten(tmp_path, sources):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "parts.txt").write_bytes(b"EARLIER\n")
    (inbox / "parts-1.txt").write_bytes(b"EARLIER TOO\n")
    txt = str(sources["parts.txt"])
    result = run_cli("intake", txt, txt, str(sources["parts.xlsx"]), "--inbox", str(inbox))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        str(inbox / "parts-2.txt"),
        str(inbox / "parts-3.txt"),
        str(inbox / "parts.xlsx"),
    ]
    assert (inbox / "parts.txt").read_bytes() == b"EARLIER\n" and (
        inbox / "parts-1.txt"
    ).read_bytes() == b"EARLIER TOO\n"
    assert (
        (inbox / "parts-2.txt").read_bytes()
        == (inbox / "parts-3.txt").read_bytes()
        == sources["parts.txt"].read_bytes()
    )
    assert leftovers(inbox) == []


def test_publish_drops_into_the_publish_folder(tmp_path, sources):
    inbox = tmp_path / "inbox"
    result = run_cli("intake", "--publish", str(sources["parts.xlsx"]), env={"BOEINGHUB_INBOX": str(inbox)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(inbox / "publish" / "parts.xlsx")
    assert (inbox / "publish" / "parts.xlsx").read_bytes() == XLSX
    assert not (inbox / "parts.xlsx").exists()
    assert leftovers(inbox) == []


@pytest.mark.parametrize(
    "make,problem",
    [
        (lambda tmp: tmp / "does-not-exist.txt", "no such file"),
        (lambda tmp: (tmp / "a-folder.txt").mkdir() or tmp / "a-folder.txt", "is a directory"),
        (
            lambda tmp: (tmp / ".hidden.txt").write_bytes(b"BACB30LH3-4\n") and tmp / ".hidden.txt",
            "the inbox takes names starting with '.' or ending in '.part' for files still being written",
        ),
    ],
    ids=["missing", "directory", "dotfile"],
)
def test_a_bad_argument_exits_2_naming_the_file_and_copies_nothing(tmp_path, sources, make, problem):
    inbox = tmp_path / "inbox"
    bad = make(tmp_path)
    result = run_cli("intake", str(sources["parts.txt"]), str(bad), "--inbox", str(inbox))
    assert result.returncode == 2
    assert f"{bad}: {problem}" in result.stderr
    assert result.stdout == ""
    assert not inbox.exists() or list(inbox.rglob("*")) == []  # nothing copied, not even the good file, no .part


def test_usage_errors_exit_2():
    result = run_cli("intake")
    assert result.returncode == 2 and "FILE" in result.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_file_copied_by_the_cli_is_accepted_by_the_real_sensor(tmp_path, sources, instance, store):
    inbox = tmp_path / "inbox"
    ticker = Ticker(instance, InboxResource(path=str(inbox)), store)
    ticker.tick()  # the sensor is already watching
    result = run_cli("intake", str(sources["parts.xlsx"]), "--inbox", str(inbox))
    assert result.returncode == 0, result.stderr
    first = ticker.tick()
    assert first.run_requests == [] and "parts.xlsx: waiting" in first.skip_reason.skip_message
    run = ticker.tick().run_requests[0]
    assert run.tags["boeinghub/intake-file"] == "parts.xlsx"
    batch = store.intake().get(int(run.tags["boeinghub/intake-batch"]))
    assert (batch["status"], batch["accepted"], batch["rejected"]) == ("launched", 3, 0)
    assert store.intake().parts(batch["id"]) == ["BACB30LH3-4", "MS20470AD4-6", "WF338109=K3"]
    assert (inbox / "processed" / "parts.xlsx").read_bytes() == XLSX
    assert list((inbox / "rejected").iterdir()) == [] and leftovers(inbox) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_half_written_part_file_is_never_seen_by_the_sensor(tmp_path, instance, store):
    """What the CLI leaves mid-copy (a `.name.xxx.part` dotfile) is never read; the sensor says it waits for it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".parts.xlsx.1a2b3c.part").write_bytes(XLSX[: len(XLSX) // 2])
    ticker = Ticker(instance, InboxResource(path=str(inbox)), store)
    for _ in range(3):
        assert ticker.tick().skip_reason.skip_message == (
            ".parts.xlsx.1a2b3c.part: a file still being written (its name starts with '.' or ends in .part or "
            ".filepart); waiting for its final name"
        )
    assert store.intake().report() == [] and (inbox / ".parts.xlsx.1a2b3c.part").exists()
