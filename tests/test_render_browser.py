"""The renderer drives the system's Chromium: script-filled pages are read, and every request the
page makes passes the crawler's SSRF guard (private and link-local targets refused)."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_asyncio
from crawl_fakes import settings as crawl_settings
from fetch_servers import Reply, Site

from monitor.config import RenderSettings
from monitor.render.guard import Preloaded
from monitor.render.renderer import Outline, Renderer

# One browser for the module: its tests share one event loop, one server and one renderer.
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

RENDER = RenderSettings(browser="auto", page_timeout_s=15.0, max_pages_per_site=5, concurrent_pages=2,
                        memory_limit_mb=1024, screenshots=True)
HOST = "www.render.gov.cn"

LIST_PAGE = """<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<ul id="list"></ul>
<script>
fetch('/api/list.json').then(r => r.json()).then(rows => {
  document.getElementById('list').innerHTML = rows.map(
    r => `<li><a href="${r.url}">${r.title}</a><span>${r.date}</span></li>`).join('');
});
</script></body></html>"""
API = b'[{"title": "\xe5\x85\xb3\xe4\xba\x8e\xe5\x81\x9a\xe5\xa5\xbd\xe5\x86\xac\xe5\xad\xa3\xe9\x98\xb2\xe7\x81\xab\xe7\x9a\x84\xe9\x80\x9a\xe7\x9f\xa5", "url": "/art/1.html", "date": "2022-12-20"}]'


class _Recorder(BaseHTTPRequestHandler):
    """A private server on 127.0.0.2 that no rendered page may reach."""

    hits: list[str] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b'{"secret": 1}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def private_port() -> int:
    inner = ThreadingHTTPServer(("127.0.0.2", 0), _Recorder)
    threading.Thread(target=inner.serve_forever, args=(0.02,), daemon=True).start()
    yield inner.server_address[1]
    inner.shutdown()
    inner.server_close()


def _probe_page(port: int) -> bytes:
    targets = [f"http://127.0.0.2:{port}/admin", "http://169.254.169.254/latest/meta-data/",
               "http://10.0.0.1/", f"http://127.0.0.2:{port}/img.png"]
    script = "".join(f"fetch('{t}').catch(() => 0);" for t in targets[:3])
    return (f"<html><body><p id=x>ok</p><img src='{targets[3]}'><iframe src='{targets[2]}'></iframe>"
            f"<script>{script} window.open('http://{HOST}/popup');</script></body></html>").encode()


REDIRECTING = ("<html><body><div id=x></div><script>fetch('/go').then(r => r.text()).then(t => "
               "{document.getElementById('x').textContent = 'got:' + t}).catch(() => "
               "{document.getElementById('x').textContent = 'blocked'})</script></body></html>")


@pytest.fixture(scope="module")
def site(private_port: int) -> Site:
    routes = {
        "/list.html": Reply(body=LIST_PAGE.encode()),
        "/api/list.json": Reply(body=API, headers={"Content-Type": "application/json"}),
        "/p.html": Reply(body=_probe_page(private_port)),
        "/r.html": Reply(body=REDIRECTING.encode()),
        "/go": Reply(302, b"", {"Location": "http://169.254.169.254/latest/"}),
        "/slow.html": Reply(body=b"<html>late</html>", stall_s=5.0),
        "/broken-home.html": Reply(body='<html><body><ul class="nav"><li><a href="/list.html">通知公告</a></li>'
                                        '<li><a href="/broken.html">政策文件</a></li></ul>'
                                        '<ul><li><a href="/a.html">要闻</a><span>2022-12-20</span></li></ul></body></html>'.encode()),
        "/broken.html": Reply(body=LIST_PAGE.replace("/api/list.json", "/api/broken.json").encode()),
        "/api/broken.json": Reply(500, b"error"),
        "/": Reply(body="<html><body><h1>首页</h1><a href='http://bad.example/x'>澳门赌场</a></body></html>".encode()),
    }
    with Site(routes) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def renderer(site: Site, chromium: Path) -> Renderer:
    async with Renderer(RENDER, crawl_for(site), chromium) as running:
        yield running


def crawl_for(site: Site, **changes: object):
    """Crawl settings whose only private target is the test server, reached by name (an override)."""
    return replace(crawl_settings(), allow_private_targets=False, host_overrides={HOST: f"127.0.0.1:{site.port}"},
                   **changes)


async def test_a_list_filled_by_fetch_is_read_after_rendering(renderer: Renderer, site: Site) -> None:
    result = await renderer.render(f"http://{HOST}/list.html")
    assert result.ok, result.error
    assert "关于做好冬季防火的通知" in result.html and "2022-12-20" in result.html
    assert site.hits["/api/list.json"] >= 1


async def test_a_preloaded_document_is_not_fetched_again(renderer: Renderer, site: Site) -> None:
    url = f"http://{HOST}/other-list.html"
    result = await renderer.render(url, preloaded=Preloaded(url, LIST_PAGE.encode(), "text/html; charset=utf-8"))
    assert "关于做好冬季防火的通知" in result.html
    assert site.hits["/other-list.html"] == 0


async def test_requests_to_private_and_link_local_targets_are_refused(renderer: Renderer, site: Site) -> None:
    """The page may talk to its own (configured) server, never to 127.0.0.2, 169.254.x or 10.x."""
    _Recorder.hits = []
    result = await renderer.render(f"http://{HOST}/p.html")
    shot = await renderer.screenshot(f"http://{HOST}/p.html")
    assert result.ok, result.error
    refused = " ".join(result.requests.refused)
    assert "127.0.0.2" in refused and "169.254.169.254" in refused and "10.0.0.1" in refused
    assert _Recorder.hits == []  # nothing reached the private server, screenshot (with images) included
    assert shot is not None and shot.startswith(b"\x89PNG")
    assert site.hits["/popup"] == 0


async def test_a_redirect_to_a_private_address_is_refused_per_hop(renderer: Renderer) -> None:
    result = await renderer.render(f"http://{HOST}/r.html")
    assert "blocked" in result.html
    assert any("169.254.169.254" in line for line in result.requests.refused)


async def test_a_slow_page_is_a_render_error_not_a_crash(renderer: Renderer) -> None:
    renderer.settings = replace(RENDER, page_timeout_s=1.0)
    try:
        result = await renderer.render(f"http://{HOST}/slow.html")
    finally:
        renderer.settings = RENDER
    assert not result.ok and "渲染超过" in result.error
    assert (await renderer.render(f"http://{HOST}/list.html")).ok  # the next page renders as usual


async def test_screenshot_outlines_the_offending_link(renderer: Renderer) -> None:
    shot = await renderer.screenshot(f"http://{HOST}/", outline=Outline(href="http://bad.example/x"))
    assert shot is not None and shot.startswith(b"\x89PNG")


async def test_over_its_memory_cap_the_browser_is_restarted(site: Site, chromium: Path) -> None:
    async with Renderer(replace(RENDER, memory_limit_mb=1), crawl_for(site), chromium) as small:
        first = await small.render(f"http://{HOST}/list.html")
        assert small.restarts == 1 and small.peak_memory_mb > 1
        second = await small.render(f"http://{HOST}/list.html")  # a new browser, a new empty profile
    assert first.ok and second.ok and "关于做好冬季防火的通知" in second.html


async def test_a_column_whose_data_request_fails_is_not_called_blank(renderer: Renderer, site: Site) -> None:
    """Rendered, the list stays empty because its API answered 500: that proves nothing about the column."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from crawl_fakes import rulebook, website

    from monitor.crawl import SiteCrawler
    from monitor.crawl.column_reader import DATA_FAILED
    from monitor.fetch.client import HttpFetcher

    crawl = crawl_for(site)
    async with HttpFetcher(crawl) as fetcher:
        obs = await SiteCrawler(fetcher, rulebook(), crawl, renderer).crawl(
            website(f"http://{HOST}/broken-home.html"), datetime(2022, 12, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    columns = {c.name: c for c in obs.columns}
    assert columns["通知公告"].items  # its API answered (read from the JSON URL in the page, no browser needed)
    broken = columns["政策文件"]
    assert not broken.fetched and not broken.blank and broken.error.startswith(DATA_FAILED)


async def test_a_crashed_browser_is_restarted_and_the_failure_is_a_value(site: Site, chromium: Path) -> None:
    import os
    import signal

    async with Renderer(RENDER, crawl_for(site), chromium) as own:
        assert (await own.render(f"http://{HOST}/list.html")).ok
        browser = await own._ensure()
        for pid in browser.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        results = [await own.render(f"http://{HOST}/list.html") for _ in range(3)]
    assert own.restarts >= 1
    assert results[-1].ok and "关于做好冬季防火的通知" in results[-1].html
    assert all(r.ok or r.error.startswith("渲染") for r in results)  # failures are values, never exceptions
