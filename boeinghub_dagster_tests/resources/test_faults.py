"""The fault switch is inert unless fully armed, fires once per marker folder, and kills for real."""

import os
import signal
import subprocess
import sys

CODE = (
    "from boeinghub_dagster.resources import faults\n"
    "for _ in range(3):\n    faults.point('publish.after_answer')\n    print('hit', flush=True)\n"
)


def _run(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BOEINGHUB_FAULT")}
    # Through `sh`: the killed process's parent is a shell, never this test's process.
    return subprocess.run(
        ["sh", "-c", '"$0" -c "$1"', sys.executable, CODE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_inert_unless_switched_on_with_a_marker_folder(tmp_path):
    kill = {"BOEINGHUB_FAULT_KILL_AT": "publish.after_answer"}
    for env in (
        kill,
        {**kill, "BOEINGHUB_FAULTS": "1"},
        {**kill, "BOEINGHUB_FAULT_DIR": str(tmp_path)},
        {"BOEINGHUB_FAULTS": "1", "BOEINGHUB_FAULT_DIR": str(tmp_path), "BOEINGHUB_FAULT_KILL_AT": "other.point"},
    ):
        done = _run(env)
        assert done.returncode == 0 and done.stdout.count("hit") == 3, env
    assert list(tmp_path.iterdir()) == []


def test_kills_at_the_nth_hit_once_per_marker_folder(tmp_path):
    env = {
        "BOEINGHUB_FAULTS": "1",
        "BOEINGHUB_FAULT_DIR": str(tmp_path),
        "BOEINGHUB_FAULT_KILL_AT": "publish.after_answer:2",
    }
    first = _run(env)
    assert first.returncode == 128 + signal.SIGKILL and first.stdout.count("hit") == 1  # killed at its second hit
    assert (tmp_path / "kill.publish.after_answer").exists()
    again = _run(env)  # the retry: the marker says the fault already fired
    assert again.returncode == 0 and again.stdout.count("hit") == 3
