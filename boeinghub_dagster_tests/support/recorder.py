"""A server on 127.0.0.1 that records every connection made to it: what a hostile launch would point at.

It counts TCP connections (a database driver or an S3 client connects before it sends anything),
keeps the first bytes of each, and answers an HTTP request with 401 (an HTTP client's first request
already carries its credentials; a 401 ends it without retries).
"""

from __future__ import annotations

import socketserver
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Recorder:
    host: str
    port: int
    received: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def saw(self, secret: str) -> bool:
        return any(secret.encode() in data for data in self.received)


def _handler(recorder: Recorder):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.settimeout(2.0)
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if b"\r\n\r\n" in data:  # an HTTP request: read its body too, then answer
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = next(
                        (
                            int(line.split(b":", 1)[1])
                            for line in head.split(b"\r\n")
                            if line.lower().startswith(b"content-length:")
                        ),
                        0,
                    )
                    while len(body) < min(length, 65536):
                        chunk = self.request.recv(4096)
                        if not chunk:
                            break
                        body += chunk
                    data = head + b"\r\n\r\n" + body
                    self.request.sendall(
                        b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                    )
            except (TimeoutError, OSError):
                pass
            recorder.received.append(data)

    return Handler


@contextmanager
def recording_server():
    """A `Recorder` listening on a free port of 127.0.0.1 until the block ends."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), None)
    server.daemon_threads = True
    recorder = Recorder("127.0.0.1", server.server_address[1])
    server.RequestHandlerClass = _handler(recorder)
    thread = threading.Thread(target=server.serve_forever, name="recorder", daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
