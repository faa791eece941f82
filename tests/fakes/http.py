"""What both fakes share: a threaded HTTP server on 127.0.0.1 that hands each request to
the fake's ``answer`` method, started and stopped as a context manager."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass
class Answer:
    """One HTTP response, as a fake decided it."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # seconds between the body's bytes: a server that never finishes


class LocalServer:
    """Base of a fake service: ``with Fake() as fake:`` serves it on a free local port.

    ``clock_offset`` (seconds) moves the server's clock as its ``Date`` headers show it,
    so tests see a skewed server without waiting."""

    _server: ThreadingHTTPServer | None = None
    clock_offset: float = 0.0
    _stopping: threading.Event | None = None

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._stopping is not None
        self._stopping.set()  # a trickling answer stops, so its client's read ends
        self._server.shutdown()
        self._server.server_close()

    @property
    def origin(self) -> str:
        assert self._server is not None, f"use {type(self).__name__} as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


def _handler(fake: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = fake.answer(method, self.path, self.headers, body)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if answer.trickle:
                self._trickle(answer)
            else:
                self.wfile.write(answer.body)

        def _trickle(self, answer: Answer) -> None:
            """One byte, then a pause, until the body is sent or the fake stops."""
            assert fake._stopping is not None
            try:
                for index in range(len(answer.body)):
                    self.wfile.write(answer.body[index : index + 1])
                    self.wfile.flush()
                    if fake._stopping.wait(answer.trickle):
                        return
            except OSError:  # the client gave up
                return

        def date_time_string(self, timestamp: float | None = None) -> str:
            now = time.time() if timestamp is None else timestamp
            return super().date_time_string(now + fake.clock_offset)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    return Handler
