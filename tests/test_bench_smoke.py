"""Smoke test of the benchmark site (bench/largesite.py): the crawler reaches every column of a tiny copy.

The benchmark itself (bench/crawl_vs_scrapy.py) is a script, not a timed test; this only guards the
site's shape, so a change to column discovery that would make the benchmark crawl 150 pages instead of
21,000 is caught here.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.largesite import SITE_CODE, Shape, render  # noqa: E402
from monitor.config import load_settings  # noqa: E402
from monitor.fetch.client import HttpFetcher  # noqa: E402
from monitor.models import Website  # noqa: E402
from monitor.rulebook import Rulebook  # noqa: E402
from monitor.service import crawl_and_judge  # noqa: E402

SHAPE = Shape(hubs=3, subs=4)
PORT = 8800


@asynccontextmanager
async def serving(shape: Shape) -> AsyncIterator[int]:
    """The benchmark site's pages from an aiohttp.web server on an ephemeral port of 127.0.0.1."""
    port = 0

    async def answer(request: web.Request) -> web.Response:
        status, content_type, text = render(shape, port, request.raw_path)
        return web.Response(status=status, body=text.encode(), headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield port
    finally:
        await runner.cleanup()


def test_shape_counts_pages() -> None:
    assert SHAPE.pages == 1 + 3 + 12
    assert Shape.for_pages(21_000).pages >= 20_000
    assert render(SHAPE, PORT, "/c3/")[0] == 404  # hubs are 0..2
    assert render(SHAPE, PORT, "/c2/s3/")[0] == 200


async def test_crawler_reaches_every_column_of_the_site() -> None:
    settings = load_settings(cwd_default=False)
    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, max_pages_per_site=1000)
    settings = replace(settings, crawl=crawl)
    as_of = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    async with serving(SHAPE) as port, HttpFetcher(crawl) as fetcher:
        website = Website(
            name="大型测试市人民政府",
            url=f"http://127.0.0.1:{port}/",
            region="成都",
            kind="市级门户",
            site_code=SITE_CODE,
        )
        obs, findings, _ = await crawl_and_judge(
            website, Rulebook(settings.rules_dir), settings, as_of, fetcher
        )
    levels = sorted(column.level for column in obs.columns)
    assert levels == [1] * 3 + [2] * 12
    assert all(column.fetched and column.item_count == 20 for column in obs.columns)
    assert obs.pages_fetched >= SHAPE.pages
    assert obs.footer.site_code == SITE_CODE
    assert all(entry.present for entry in obs.jiucuo)
