"""Render cost: headless Chromium pages per second, a site where 10% of the columns need rendering,
and the browser's peak memory.

    .venv/bin/python bench/render_cost.py                  # 200 columns, 10% filled by fetch()
    .venv/bin/python bench/render_cost.py --columns 400 --scripted 0.1 --pages 40

A local site (threaded http.server on 127.0.0.1) has a home page linking `--columns` column pages;
a share `--scripted` of them fill their list with fetch() from a JSON API, the rest are plain HTML.
Three measurements, each in this process:
1. render cost per page: `--pages` script-filled column pages rendered one after another, then with
   the pool's 2 pages at once (browser already started; its start is timed separately);
2. the whole site checked by `crawl_and_judge` (crawl + every website rule) with the renderer, and
   again with `[render] browser = "off"` (the scripted columns then stay not judged);
3. the browser's peak memory: the proportional set size (PSS, so shared pages count once) of all its
   processes, sampled after every page (`Renderer.peak_memory_mb`, which the memory cap reads).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from monitor.config import load_settings  # noqa: E402
from monitor.fetch.client import HttpFetcher  # noqa: E402
from monitor.models import Website  # noqa: E402
from monitor.render.browser import find_browser  # noqa: E402
from monitor.render.renderer import Renderer  # noqa: E402
from monitor.rulebook import Rulebook  # noqa: E402
from monitor.service import crawl_and_judge  # noqa: E402

CODE = "5101009999"
FOOTER = (f"<p>网站标识码：{CODE} 蜀ICP备00009999号 川公网安备 51010402009999号</p>"
          f'<script id="_jiucuo_" sitecode="{CODE}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>')
NAMES = ("工作动态", "通知公告", "政策文件", "部门动态", "区县动态", "人事信息", "规划计划", "统计数据")
FILL = """<ul class="list" id="list"></ul><script>
fetch('/api/c{n}.json').then(r => r.json()).then(rows => {{
  document.getElementById('list').innerHTML = rows.map(
    r => `<li><a href="${{r.url}}">${{r.title}}</a><span class="date">${{r.date}}</span></li>`).join('');
}});</script>"""


def rows(n: int) -> list[dict[str, str]]:
    return [{"url": f"/art/{n}/{i}.html", "title": f"第{n}栏目信息{i}", "date": f"2022-12-{10 + i:02d}"}
            for i in range(10)]


def page(title: str, body: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>{body}'
            f"{FOOTER}</body></html>").encode()


def build(columns: int, scripted: float) -> tuple[dict[str, tuple[bytes, str]], list[str]]:
    html = "text/html; charset=utf-8"
    every = max(1, round(1 / scripted)) if scripted > 0 else 0
    site: dict[str, tuple[bytes, str]] = {}
    scripted_paths: list[str] = []
    nav = []
    for n in range(columns):
        name = f"{NAMES[n % len(NAMES)]}{n}"
        path = f"/c{n}/"
        nav.append(f'<li><a href="{path}">{name}</a></li>')
        if every and n % every == 0:
            site[path] = (page(name, FILL.format(n=n)), html)
            site[f"/api/c{n}.json"] = (json.dumps(rows(n), ensure_ascii=False).encode(), "application/json")
            scripted_paths.append(path)
        else:
            items = "".join(f'<li><a href="{r["url"]}">{r["title"]}</a><span>{r["date"]}</span></li>'
                            for r in rows(n))
            site[path] = (page(name, f'<ul class="list">{items}</ul>'), html)
    news = "".join(f'<li><a href="/art/0/{i}.html">要闻{i}</a><span>2022-12-2{i % 8}</span></li>' for i in range(8))
    site["/"] = (page("基准测试市人民政府", f'<ul class="nav">{"".join(nav)}</ul><ul class="news">{news}</ul>'), html)
    return site, scripted_paths


def serve(site: dict[str, tuple[bytes, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body, kind = site.get(self.path.split("?")[0], (b"<html>404</html>", "text/html"))
            self.send_response(200 if self.path.split("?")[0] in site else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def render_pages(renderer: Renderer, urls: list[str], parallel: int) -> float:
    queue = iter(urls)

    async def worker() -> None:
        for url in queue:
            result = await renderer.render(url)
            if not result.ok:
                raise SystemExit(f"render failed: {url}: {result.error}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(parallel)))
    return time.perf_counter() - started


async def main(args: argparse.Namespace) -> dict[str, object]:
    chromium = find_browser("auto")
    if chromium is None:
        raise SystemExit("no Chromium: apt-get install chromium")
    site, scripted = build(args.columns, args.scripted)
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = load_settings(cwd_default=False)
    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, per_host_concurrency=8,
                    global_concurrency=8, max_pages_per_site=args.columns * 3 + 50, retries=0)
    settings = replace(settings, crawl=crawl, render=replace(settings.render, max_pages_per_site=args.columns))
    rulebook = Rulebook(settings.rules_dir)
    website = Website(name="基准测试市人民政府", url=f"{base}/", region="成都", kind="市级门户", site_code=CODE)
    as_of = datetime(2022, 12, 28, 10, 0, tzinfo=settings.timezone)
    out: dict[str, object] = {"columns": args.columns, "scripted_columns": len(scripted)}

    async with Renderer(settings.render, crawl, chromium) as renderer:
        started = time.perf_counter()
        await renderer.render(f"{base}{scripted[0]}")
        out["browser_start_and_first_page_s"] = round(time.perf_counter() - started, 2)
        urls = [f"{base}{scripted[i % len(scripted)]}" for i in range(args.pages)]
        sequential = await render_pages(renderer, urls, 1)
        pooled = await render_pages(renderer, urls, 2)
        out["render_s_per_page_sequential"] = round(sequential / len(urls), 3)
        out["render_pages_per_s_pool_of_2"] = round(len(urls) / pooled, 2)
        out["browser_peak_pss_mb"] = round(renderer.peak_memory_mb, 1)

    for label, use_browser in (("with_renderer", True), ("render_off", False)):
        async with HttpFetcher(crawl) as fetcher:
            if use_browser:
                async with Renderer(settings.render, crawl, chromium) as renderer:
                    started = time.perf_counter()
                    obs, findings, _ = await crawl_and_judge(website, rulebook, settings, as_of, fetcher, renderer)
                    seconds = time.perf_counter() - started
                    peak = renderer.peak_memory_mb
            else:
                started = time.perf_counter()
                obs, findings, _ = await crawl_and_judge(website, rulebook, settings, as_of, fetcher)
                seconds, peak = time.perf_counter() - started, 0.0
        out[label] = {
            "pages_fetched": obs.pages_fetched, "pages_rendered": obs.pages_rendered, "seconds": round(seconds, 2),
            "pages_per_s": round(obs.pages_fetched / seconds, 1),
            "columns_rendered": sum(1 for c in obs.columns if c.rendered),
            "columns_not_read": sum(1 for c in obs.columns if not c.fetched),
            "browser_peak_pss_mb": round(peak, 1), "rules": sorted({f.rule for f in findings}),
        }
    server.shutdown()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=200)
    parser.add_argument("--scripted", type=float, default=0.1, help="share of columns filled by fetch()")
    parser.add_argument("--pages", type=int, default=20, help="pages rendered for the per-page cost")
    print(json.dumps(asyncio.run(main(parser.parse_args())), ensure_ascii=False, indent=2))
