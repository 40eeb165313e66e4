"""A local webhook receiver for alert tests: records every POST (path and JSON body) on 127.0.0.1."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """`url` is a webhook URL with a secret path, as Slack's and Teams' are; `status` and `delay` set how it answers."""

    def __init__(self, status: int = 200, delay: float = 0.0):
        self.status, self.delay = status, delay
        self.messages: list[dict] = []
        self.paths: list[str] = []
        self.token = "T" + secrets.token_hex(12)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(receiver.delay)
                receiver.paths.append(self.path)
                receiver.messages.append(json.loads(body or b"null"))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{self.token}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def kinds(self) -> list[str]:
        return [m.get("kind") for m in self.messages]

    def of(self, kind: str) -> list[dict]:
        return [m for m in self.messages if m.get("kind") == kind]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
