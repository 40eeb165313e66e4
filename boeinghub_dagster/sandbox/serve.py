"""Run an ASGI app with uvicorn in a background thread, for tests and benchmarks.

Real HTTP on 127.0.0.1 exercises the same client code paths as production
(timeouts, headers, connection reuse). We bind the socket ourselves so port 0
yields a free port that is known before the server starts, and we return only
once the server accepts connections, so callers never race its start-up.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


class ServerHandle:
    """A running server: `.url`, `.port`, `.host`, `.app`; `.stop()` or use as a context manager."""

    def __init__(
        self, app, server: uvicorn.Server, thread: threading.Thread, sock: socket.socket, host: str, port: int
    ):
        self.app = app
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self._server = server
        self._thread = thread
        self._sock = sock

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for its thread; safe to call twice."""
        self._server.should_exit = True
        self._thread.join(timeout)
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ServerHandle({self.url}, running={self.running})"


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def serve(
    app, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning", startup_timeout: float = 10.0
) -> ServerHandle:
    """Start `app` on host:port (0 = a free port) in a daemon thread; return once it accepts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level=log_level, lifespan="off", access_log=False, timeout_graceful_shutdown=2, timeout_keep_alive=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    handle = ServerHandle(app, server, thread, sock, host, port)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if server.started and _accepts(host, port):
            return handle
        if not thread.is_alive():
            break
        time.sleep(0.01)
    handle.stop(timeout=2)
    raise RuntimeError(f"server on {host}:{port} did not start within {startup_timeout:g}s")
