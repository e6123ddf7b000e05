"""Helpers of the new-media tests: platform payloads served on 127.0.0.1, and a plain httpx Fetcher.

The server answers by path *and* query (m.weibo.cn's container id is in the query), so a test
serves the real platforms' formats exactly as the adapters will ask for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from monitor.fetch.result import FetchResult, Outcome

DATA = Path(__file__).resolve().parent / "data" / "newmedia"


def payload(name: str) -> bytes:
    return (DATA / name).read_bytes()


@dataclass
class Answer:
    body: bytes
    status: int = 200
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class PayloadServer:
    """A threaded HTTP server on an ephemeral port; routes map 'path?query' to an Answer."""

    def __init__(self, routes: dict[str, Answer]):
        self.routes = routes
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> PayloadServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(server: PayloadServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            server.requests.append(self.path)
            answer = server.routes.get(self.path) or Answer(b"not found", 404, "text/plain")
            self.answer_date = answer.headers.get("Date")  # a platform's own Date ("" for none) replaces the server's
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                if name != "Date":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def date_time_string(self, timestamp: float | None = None) -> str:
            own = getattr(self, "answer_date", None)
            return own if own is not None else super().date_time_string(timestamp)

        def log_message(self, *args: object) -> None:
            return

    return Handler


class LocalFetcher:
    """A minimal Fetcher over httpx (redirects followed), enough to exercise the adapters."""

    def __init__(self) -> None:
        self.client = httpx.AsyncClient(follow_redirects=True, timeout=5.0)
        self.urls: list[str] = []
        self.headers: list[dict[str, str]] = []

    async def __aenter__(self) -> LocalFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def fetch(self, url: str, *, headers: dict[str, str] | None = None) -> FetchResult:
        self.urls.append(url)
        self.headers.append(dict(headers or {}))
        try:
            response = await self.client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            return FetchResult(url, Outcome.CONNECT, error=str(exc))
        outcome = Outcome.OK if response.status_code < 400 else Outcome.HTTP_STATUS
        return FetchResult(url, outcome, final_url=str(response.url), status=response.status_code,
                           headers={k.lower(): v for k, v in response.headers.items()}, body=response.content,
                           text=response.text, encoding=response.encoding or "")


class ScriptedFetcher:
    """A Fetcher answering from a dict, for tests where only the adapter logic matters."""

    def __init__(self, answers: dict[str, FetchResult]):
        self.answers = answers
        self.urls: list[str] = []

    async def fetch(self, url: str, **_options: object) -> FetchResult:
        self.urls.append(url)
        return self.answers.get(url) or FetchResult(url, Outcome.HTTP_STATUS, status=404, error="not found")


def ok(url: str, text: str, content_type: str = "application/json", date: str = "") -> FetchResult:
    headers = {"content-type": content_type, **({"date": date} if date else {})}
    return FetchResult(url, Outcome.OK, final_url=url, status=200, headers=headers, body=text.encode("utf-8"),
                       text=text)
