"""A large, deterministic government-style site for crawl benchmarks, served from its own process.

Shape (everything generated per request from the path; no page is stored):

    /                      home: nav to every hub, a 要闻 block of dated items, footer (找错 script)
    /c{i}/                 hub (first-level column): 20 dated items + side list of sub-columns
    /c{i}/s{j}/            column (second-level): listing of 20 dated items (YYYY-MM-DD)
    /c{i}/s{j}/t{date}_{n}.html   article (only dead-link checks fetch these); a few answer 404
    /partner/              page behind the one external, non-benign link (host "localhost")
    /robots.txt            disallows /private/ only

Pages reachable by a column crawler: 1 + hubs + hubs * subs (150 x 140 -> 21,151).
The server runs in a separate process (asyncio streams, HTTP/1.1 keep-alive) so it never shares a
GIL with the crawler being measured; it counts the requests it answered in a shared counter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing as mp
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from monitor.demo.markup import TOPICS  # the same headlines as the demo province

SITE_CODE = "5101000001"
BASE_DAY = date(2026, 11, 20)  # newest item date of fresh columns; the bench judges as of 2026-11-27
ITEMS = 20
HUB_NAMES = (
    "工作动态",
    "通知公告",
    "政策文件",
    "政务公开",
    "人事信息",
    "规划计划",
    "统计数据",
    "财政资金",
    "部门动态",
    "区县动态",
    "重点工作",
    "新闻发布",
)
SUB_NAMES = (
    "乡镇动态",
    "基层快讯",
    "公示公告",
    "政策解读",
    "工作进展",
    "部门文件",
    "人事任免",
    "统计信息",
    "资金公开",
    "图片新闻",
)
INNER_NAV = 10  # hubs linked from the menu of inner pages (the home page links all of them)


@dataclass(frozen=True)
class Shape:
    hubs: int
    subs: int

    @property
    def pages(self) -> int:
        """Pages a column crawler reaches: home, hubs, sub-columns."""
        return 1 + self.hubs + self.hubs * self.subs

    @classmethod
    def for_pages(cls, pages: int, subs: int = 140) -> Shape:
        """The smallest site of `subs` sub-columns per hub with at least `pages` pages."""
        return cls(max(1, math.ceil((pages - 1) / (subs + 1))), subs)


def _mix(*numbers: int) -> int:
    value = 2166136261
    for number in numbers:
        value = ((value ^ number) * 16777619) & 0xFFFFFFFF
    return value


def hub_name(i: int) -> str:
    return f"{HUB_NAMES[i % len(HUB_NAMES)]}{i + 1}"


def sub_name(i: int, j: int) -> str:
    return f"{SUB_NAMES[(i + j) % len(SUB_NAMES)]}{i + 1}-{j + 1}"


def _age_days(i: int, j: int) -> int:
    """Most columns are fresh; about one in ten has not been updated for a year or more."""
    mix = _mix(i, j)
    return 400 + mix % 300 if mix % 10 == 0 else mix % 10


# -- page pieces ------------------------------------------------------------------------------------
def _head(title: str, column: str = "") -> str:
    meta = (
        f'<meta name="ColumnName" content="{escape(column)}"><meta name="ColumnType" content="{escape(column)}">'
        if column
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{escape(title)}_大型测试市人民政府</title><meta name="SiteName" content="大型测试市人民政府">'
        f'<meta name="SiteIDCode" content="{SITE_CODE}">{meta}'
        '<link rel="stylesheet" href="/css/style.css"></head><body>'
    )


def _header(shape: Shape, hubs: range) -> str:
    links = "".join(f'<li><a href="/c{i}/">{hub_name(i)}</a></li>' for i in hubs)
    return (
        '<div class="header"><div class="logo"><a href="/"><img src="/img/logo.png" alt="大型测试市人民政府"></a></div>'
        '<div class="search"><form action="/search/"><input name="q"><button>搜索</button></form></div></div>'
        f'<div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div>'
    )


def _footer(port: int) -> str:
    return (
        '<div class="footer"><div class="links">友情链接：<a href="https://www.gov.cn/">中国政府网</a>'
        '<a href="https://www.sc.gov.cn/">四川省人民政府</a><a href="http://www.xinhuanet.com/">新华网</a>'
        f'<a href="http://localhost:{port}/partner/">合作伙伴网站</a></div>'
        "<p>主办单位：大型测试市人民政府办公室 网站标识码：5101000001 "
        '<a href="https://beian.miit.gov.cn/">蜀ICP备12345678号-1</a> '
        '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51010402000001">川公网安备 51010402000001号</a></p>'
        '<script id="_jiucuo_" sitecode="5101000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
        '<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="/img/dzjg.png" alt="党政机关"></a>'
        "</div></body></html>"
    )


def _items(prefix: str, seed: tuple[int, int], newest: date) -> str:
    rows = []
    for n in range(ITEMS):
        day = newest - timedelta(days=n * 3 + _mix(*seed, n) % 3)
        topic = TOPICS[_mix(*seed, n, 7) % len(TOPICS)]
        number = _mix(*seed, n, 11) % 900000 + 100000
        url = f"{prefix}t{day:%Y%m%d}_{number}.html"
        rows.append(
            f'<li><a href="{url}" title="关于{topic}的通知" target="_blank">关于{topic}的通知</a>'
            f'<span class="date">{day.isoformat()}</span></li>'
        )
    return f'<ul class="list">{"".join(rows)}</ul>'


def _pager(prefix: str) -> str:
    return (
        f'<div class="page">共{ITEMS * 5}条 <a href="{prefix}">首页</a> 上一页 '
        f'<span class="pg">1</span> 下一页 <a href="{prefix}">尾页</a></div>'
    )


def home_page(shape: Shape, port: int) -> str:
    blocks = "".join(
        f'<div class="block"><div class="block-hd"><h3>{hub_name(i)}</h3>'
        f'<a class="more" href="/c{i}/">更多</a></div>{_items(f"/c{i}/", (i, -1), BASE_DAY)}</div>'
        for i in range(min(3, shape.hubs))
    )
    return (
        _head("首页")
        + _header(shape, range(shape.hubs))
        + f'<div class="main">{blocks}</div>'
        + _footer(port)
    )


def hub_page(shape: Shape, port: int, i: int) -> str:
    subs = "".join(
        f'<li><a href="/c{i}/s{j}/" linkType="Column">{sub_name(i, j)}</a></li>' for j in range(shape.subs)
    )
    crumb = f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/c{i}/">{hub_name(i)}</a></div>'
    return (
        _head(hub_name(i), hub_name(i))
        + _header(shape, range(min(INNER_NAV, shape.hubs)))
        + crumb
        + f'<div class="side-column"><h3>{hub_name(i)}</h3><ul>{subs}</ul></div>'
        + f'<div class="main-list">{_items(f"/c{i}/", (i, -1), BASE_DAY)}{_pager(f"/c{i}/")}</div>'
        + _footer(port)
    )


def column_page(shape: Shape, port: int, i: int, j: int) -> str:
    name = sub_name(i, j)
    crumb = (
        f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/c{i}/">{hub_name(i)}</a>'
        f' &gt; <a href="/c{i}/s{j}/">{name}</a></div>'
    )
    newest = BASE_DAY - timedelta(days=_age_days(i, j))
    prefix = f"/c{i}/s{j}/"
    return (
        _head(name, name)
        + _header(shape, range(min(INNER_NAV, shape.hubs)))
        + crumb
        + f'<div class="main-list"><h2 class="lm-title">{name}</h2>{_items(prefix, (i, j), newest)}{_pager(prefix)}</div>'
        + _footer(port)
    )


def article_page(shape: Shape, port: int, path: str) -> str:
    return (
        _head("文章")
        + _header(shape, range(min(INNER_NAV, shape.hubs)))
        + f'<div class="article"><h1>文章 {escape(path)}</h1><p>正文内容。</p></div>'
        + _footer(port)
    )


ROBOTS = "User-agent: *\nDisallow: /private/\n"


def render(shape: Shape, port: int, path: str) -> tuple[int, str, str]:
    """(status, content type, body) for `path`; unknown paths are 404."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    html = "text/html; charset=utf-8"
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", ROBOTS
    if path in ("/", "/index.html"):
        return 200, html, home_page(shape, port)
    if path == "/partner/":
        return (
            200,
            html,
            "<html><head><title>合作伙伴</title></head><body><p>欢迎访问合作伙伴网站</p></body></html>",
        )
    parts = [p for p in path.split("/") if p]
    try:
        if len(parts) == 1 and parts[0][0] == "c" and path.endswith("/"):
            i = int(parts[0][1:])
            if 0 <= i < shape.hubs:
                return 200, html, hub_page(shape, port, i)
        if len(parts) == 2 and parts[1][0] == "s" and path.endswith("/"):
            i, j = int(parts[0][1:]), int(parts[1][1:])
            if 0 <= i < shape.hubs and 0 <= j < shape.subs:
                return 200, html, column_page(shape, port, i, j)
        if parts and parts[-1].startswith("t") and parts[-1].endswith(".html"):
            if _mix(len(path), ord(path[-6])) % 5 == 0:
                return 404, html, "<html><body><h1>404 Not Found</h1></body></html>"
            return 200, html, article_page(shape, port, path)
    except (ValueError, IndexError):
        pass
    return 404, html, "<html><body><h1>404 Not Found</h1></body></html>"


# -- server -----------------------------------------------------------------------------------------
async def _serve(
    shape: Shape,
    host: str,
    port: int,
    ready: mp.connection.Connection | None,
    hits: mp.sharedctypes.Synchronized | None,
) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                request_line, _, header_block = head.decode("latin-1").partition("\r\n")
                method, target, version = (request_line.split(" ") + ["", ""])[:3]
                lowered = header_block.lower()
                close = "connection: close" in lowered or version == "HTTP/1.0"
                if "content-length:" in lowered:  # ignore request bodies (benchmarks only GET)
                    length = int(lowered.split("content-length:", 1)[1].split("\r\n", 1)[0])
                    await reader.readexactly(length)
                if target.startswith("http"):
                    target = "/" + target.split("/", 3)[-1]
                if target == "/__bench/hits":
                    status, ctype, text = 200, "text/plain", str(hits.value if hits else 0)
                else:
                    status, ctype, text = render(shape, actual_port, target)
                    if hits is not None:
                        hits.value += 1  # single-threaded server: no lock needed
                body = b"" if method == "HEAD" else text.encode("utf-8")
                reason = "OK" if status == 200 else "Not Found"
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                    f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n".encode("latin-1")
                    + body
                )
                await writer.drain()
                if close:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port, backlog=1024)
    actual_port = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready.send(actual_port)
        ready.close()
    else:
        print(
            f"serving {shape.pages} pages ({shape.hubs} hubs x {shape.subs} sub-columns) "
            f"on http://{host}:{actual_port}/",
            flush=True,
        )
    async with server:
        await server.serve_forever()


def _server_main(
    shape: Shape, host: str, port: int, ready: mp.connection.Connection, hits: mp.sharedctypes.Synchronized
) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(shape, host, port, ready, hits))


class LargeSiteServer:
    """The site served by a child process: `with LargeSiteServer(shape) as site: site.url`."""

    def __init__(self, shape: Shape, host: str = "127.0.0.1"):
        self.shape = shape
        self.host = host
        self.port = 0
        ctx = mp.get_context("spawn")
        self._hits = ctx.Value("q", 0, lock=False)
        self._parent, child = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_server_main, args=(shape, host, 0, child, self._hits), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def hits(self) -> int:
        """Requests answered so far (robots.txt, pages, 404s)."""
        return int(self._hits.value)

    def reset_hits(self) -> None:
        self._hits.value = 0

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used, from /proc (Linux)."""
        import os

        with open(f"/proc/{self._process.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> LargeSiteServer:
        self._process.start()
        if not self._parent.poll(30):
            self._process.kill()
            raise RuntimeError("benchmark site server did not start")
        self.port = self._parent.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the large benchmark site in the foreground.")
    parser.add_argument("--pages", type=int, default=21_000)
    parser.add_argument("--subs", type=int, default=140)
    parser.add_argument("--port", type=int, default=8800)
    args = parser.parse_args()
    asyncio.run(_serve(Shape.for_pages(args.pages, args.subs), "127.0.0.1", args.port, None, None))


if __name__ == "__main__":
    main()
