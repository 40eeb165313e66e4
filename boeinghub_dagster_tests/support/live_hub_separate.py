"""The live hub in the production shape (`start_live_hub(separate=True)`, as `scripts/hub --postgres`):
code server, daemon and webserver as process groups of their own, so a test can restart one of them."""

from __future__ import annotations

import shutil
import socket
from contextlib import ExitStack
from pathlib import Path

from boeinghub_dagster_tests.support.hub_harness import load_harness
from boeinghub_dagster_tests.support.live_hub_handle import LiveHub

ROOT = Path(__file__).resolve().parents[2]


def start_separate(stack: ExitStack, hub: LiveHub, code: Path, port: str):
    """As `scripts/hub --postgres`: a gRPC code server, then dagster-daemon and dagster-webserver on it."""
    h = load_harness()
    shutil.copy(ROOT / "deploy" / "workspace.grpc.yaml", code / "workspace.grpc.yaml")
    code_port = h.free_port()
    hub.env.update(BOEINGHUB_CODE_SERVER_HOST="127.0.0.1", BOEINGHUB_CODE_SERVER_PORT=str(code_port))
    hub.groups = {
        "code": h.Group(
            [
                str(h.BIN / "dagster"),
                "code-server",
                "start",
                "-h",
                "127.0.0.1",
                "-p",
                str(code_port),
                "-m",
                "boeinghub_dagster.definitions",
                "-d",
                str(code),
                "--location-name",
                "boeinghub",
            ],
            hub.tmp / "code-server.log",
            cwd=code,
            env=hub.env,
        )
    }
    stack.callback(hub.groups["code"].stop)
    h.wait_until(lambda: _listening(code_port, hub.groups["code"]), 120, "the code server", every=0.5)
    start_daemon(stack, hub)
    hub.groups["webserver"] = h.Group(
        [str(h.BIN / "dagster-webserver"), "-w", "workspace.grpc.yaml", "-h", "127.0.0.1", "-p", port],
        hub.tmp / "webserver.log",
        cwd=code,
        env=hub.env,
    )
    stack.callback(hub.groups["webserver"].stop)
    return hub.groups["webserver"]


def _listening(port: int, group) -> bool:
    if group.proc.poll() is not None:
        raise RuntimeError(f"exited; see {group.log}")
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_daemon(stack: ExitStack, hub: LiveHub):
    """(Re)start `dagster-daemon run` of a `separate` hub, in a group of its own."""
    h = load_harness()
    hub.groups["daemon"] = h.Group(
        [str(h.BIN / "dagster-daemon"), "run", "-w", "workspace.grpc.yaml"],
        hub.tmp / "daemon.log",
        cwd=hub.tmp / "code",
        env=hub.env,
    )
    stack.callback(hub.groups["daemon"].stop)
    return hub.groups["daemon"]
