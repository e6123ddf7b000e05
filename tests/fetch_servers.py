"""Scripted HTTP(S) servers on 127.0.0.1 for the fetch and probe tests (no internet needed).

Each route answers with a `Reply`, or a function of the hit number (1-based) so a test can make a
known share of requests fail. Stalls wait on an event that `stop()` sets, so no thread outlives a test.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"<html><body>ok</body></html>"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    stall_s: float = 0.0  # wait this long before answering
    repeat: int = 1  # body written this many times (a huge response without holding it in memory)
    hang_up: bool = False  # close the connection without any response (a reset)


Route = Reply | Callable[[int], Reply]


class Site:
    """A threaded server with scripted routes; use as a context manager."""

    def __init__(self, routes: dict[str, Route], *, tls: ssl.SSLContext | None = None):
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.hosts: list[str] = []
        self.active = 0
        self.max_active = 0  # most requests handled at the same moment
        # Most requests waiting for their answer at once (counted until the answer starts, so a handler
        # thread still finishing a response the client already read never counts twice)
        self.waiting = 0
        self.max_waiting = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def reply_for(self, path: str, host: str) -> Reply:
        with self._lock:
            self.hits[path] += 1
            self.hosts.append(host)
            number = self.hits[path]
        route = self.routes.get(path)
        if route is None:
            return Reply(404, b"<html>not found</html>")
        return route(number) if callable(route) else route


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            with site._lock:
                site.active += 1
                site.max_active = max(site.max_active, site.active)
            try:
                self._serve()
            finally:
                with site._lock:
                    site.active -= 1

        def _serve(self) -> None:
            with site._lock:
                site.waiting += 1
                site.max_waiting = max(site.max_waiting, site.waiting)
            try:
                reply = site.reply_for(self.path, self.headers.get("Host", ""))
                stopped = bool(reply.stall_s) and site.stopping.wait(reply.stall_s)
            finally:
                with site._lock:
                    site.waiting -= 1
            if stopped:
                return
            if reply.hang_up:
                self.close_connection = True
                return
            try:
                self._answer(reply)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                self.close_connection = True

        def _answer(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body) * reply.repeat))
            self.end_headers()
            for _ in range(reply.repeat):
                if site.stopping.is_set():
                    return
                self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def self_signed_context(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate (any client verification fails)."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


class FakeTime:
    """Injected clock and sleep: pauses are recorded and advance the clock, nothing waits."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds
        await asyncio.sleep(0)
