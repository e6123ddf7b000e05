"""Government sites on 127.0.0.1 whose operator can fix them: each home page lacks the 我为政府网站找错
entry (missing_jiucuo, a veto) until the test switches it to the fixed version, as an operator would.

The pages follow the plain CMS pattern of the demo: a dated news list, columns, the footer block.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JIUCUO = '<script id="_jiucuo_" sitecode="{code}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'


@dataclass
class Site:
    name: str
    code: str
    fixed: bool = False
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def page(self, path: str) -> tuple[int, str]:
        news = "".join(
            f'<li><a href="/xwdt/{n}.html">{self.name}召开第{n}次工作会议</a><span>2026-03-{19 - n:02d}</span></li>'
            for n in range(1, 8)
        )
        footer = (f'<div class="footer"><p>主办单位：{self.name}办公室</p><p>网站标识码：{self.code}　'
                  f'<a href="http://beian.miit.gov.cn/">川ICP备05001234号</a>　'
                  f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51012345678901">'
                  f'川公网安备 51012345678901号</a></p><p><a href="http://bszs.conac.cn/sitename?id={self.code}">党政机关</a>'
                  f'{JIUCUO.format(code=self.code) if self.fixed else ""}</p></div>')
        head = (f'<head><meta charset="utf-8"><title>{self.name}</title><meta name="SiteName" content="{self.name}">'
                f'<meta name="SiteIDCode" content="{self.code}"></head>')
        nav = '<div class="nav"><a href="/">首页</a><a href="/xwdt/">工作动态</a></div>'
        if path in ("/", "/index.html"):
            main = f'<div class="block"><h2>工作动态</h2><a class="more" href="/xwdt/">更多</a><ul>{news}</ul></div>'
        elif path == "/xwdt/":
            main = f"<ul class='list'>{news}</ul>"
        elif path.startswith("/xwdt/") and path.endswith(".html"):
            main = f"<h1>{self.name}工作会议</h1><p>发布时间：2026-03-18</p><p>会议研究了近期工作。</p>"
        else:
            return 404, "<html><body>404</body></html>"
        return 200, f"<!DOCTYPE html><html>{head}<body>{nav}<div class='main'>{main}</div>{footer}</body></html>"


@dataclass
class SwitchableSites:
    """Serves each site on its own ephemeral port until `close()`."""

    sites: list[Site]
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        for site in self.sites:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
            server.daemon_threads = True
            site.port = server.server_address[1]
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)

    def __getitem__(self, name: str) -> Site:
        return next(site for site in self.sites if site.name == name)

    def close(self) -> None:
        for server, thread in zip(self._servers, self._threads, strict=True):
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, html = site.page(self.path.split("?")[0])
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
