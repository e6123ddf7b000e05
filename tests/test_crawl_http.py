"""The crawler through the real HttpFetcher against a site served on 127.0.0.1 (no internet)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crawl_fakes import AS_OF, listing, page, rulebook, settings, website

from monitor.crawl import SiteCrawler
from monitor.fetch.client import HttpFetcher

SPAM = "<html><head><title>真人荷官 百家乐</title></head><body>澳门赌场 娱乐城</body></html>"


def _routes(port: int) -> dict[str, tuple[int, str]]:
    spam = f"http://localhost:{port}/private/spam.html"  # another host name: an external link
    home = page(
        "演示市人民政府",
        listing([("/gzdt/t20240605_1.html", "市政府召开全市安全生产工作会议", "2024-06-05")])
        + f'<div style="display:none"><a href="{spam}">在线娱乐</a></div>',
    )
    return {
        "/": (200, home),
        "/gzdt/": (
            200,
            page("工作动态", listing([("./t20240605_1.html", "全市安全生产工作会议召开", "2024-06-05")])),
        ),
        "/gzdt/t20240605_1.html": (200, page("会议", "<p>正文</p>")),
        "/tzgg/": (200, page("通知公告", "<p>暂无信息</p>")),
        "/robots.txt": (200, "User-agent: *\nDisallow: /private/\nDisallow: /bmdt/\n"),
        "/private/spam.html": (200, SPAM),
    }


class _Server:
    """A threaded HTTP server answering fixed routes; everything else is 404."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.routes = _routes(self.port)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.hits[self.path] += 1
                status, body = server.routes.get(self.path, (404, "<html><body>not found</body></html>"))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler

    def __enter__(self) -> _Server:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server() as running:
        yield running


async def test_crawl_through_http_fetcher(server: _Server) -> None:
    crawl = settings(per_host_delay_s=0.0, allow_private_targets=True, retries=0)
    site = website(f"http://127.0.0.1:{server.port}/")
    async with HttpFetcher(crawl) as fetcher:
        obs = await SiteCrawler(fetcher, rulebook(), crawl).crawl(site, AS_OF)
    assert obs.homepage_ok and obs.homepage_items[0].date == date(2024, 6, 5)
    columns = {c.name: c for c in obs.columns}
    assert columns["工作动态"].newest is not None and columns["工作动态"].newest.date == date(2024, 6, 5)
    assert columns["通知公告"].blank and columns["通知公告"].blank_reason == "暂无信息"
    assert not columns["部门动态"].fetched and "refused" in columns["部门动态"].error  # robots.txt
    verdict = obs.external["localhost"]
    assert verdict.fetched and verdict.score >= 3  # fetched despite robots.txt: one GET, not a crawl
    assert server.hits["/private/spam.html"] == 1
    assert obs.pages_fetched >= 5 and obs.dead_links == []
