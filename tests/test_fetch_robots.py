"""robots.txt: Disallow honoured, Crawl-delay widening the per-host pause, read once per host."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from fetch_servers import FakeTime, Reply, Site

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import Outcome
from monitor.fetch.robots import MAX_CRAWL_DELAY_S, RobotsCache

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n"


@pytest.fixture
def crawl(settings: Settings) -> CrawlSettings:
    return replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.5, retries=0, respect_robots=True)


def robots_site(robots: Reply) -> Site:
    return Site({"/robots.txt": robots, "/public/a.html": Reply(), "/private/b.html": Reply()})


async def test_disallowed_path_is_refused_and_robots_read_once(crawl: CrawlSettings) -> None:
    fake = FakeTime(0.0)
    with robots_site(Reply(body=ROBOTS, headers={"Content-Type": "text/plain"})) as site:
        async with HttpFetcher(crawl, sleep=fake.sleep, clock=fake.clock) as fetcher:
            results = await asyncio.gather(
                fetcher.fetch(site.url("/public/a.html")), fetcher.fetch(site.url("/private/b.html")),
                fetcher.fetch(site.url("/public/a.html")),
            )
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.REFUSED, Outcome.OK]
    assert "robots.txt" in results[1].error
    assert site.hits["/robots.txt"] == 1
    assert site.hits["/private/b.html"] == 0


async def test_crawl_delay_wins_over_a_shorter_per_host_delay(crawl: CrawlSettings) -> None:
    fake = FakeTime(0.0)
    with robots_site(Reply(body=ROBOTS)) as site:
        async with HttpFetcher(crawl, sleep=fake.sleep, clock=fake.clock) as fetcher:
            for _ in range(3):
                await fetcher.fetch(site.url("/public/a.html"))
    # robots.txt went first with the configured 0.5 s; once read, its Crawl-delay of 2 s applies.
    assert fake.sleeps == [0.5, 2.0, 2.0]


async def test_respect_robots_false_skips_robots(crawl: CrawlSettings) -> None:
    with robots_site(Reply(body=ROBOTS)) as site:
        async with HttpFetcher(replace(crawl, per_host_delay_s=0.0)) as fetcher:
            result = await fetcher.fetch(site.url("/private/b.html"), respect_robots=False)
    assert result.outcome is Outcome.OK
    assert site.hits["/robots.txt"] == 0


async def test_robots_switched_off_in_settings(crawl: CrawlSettings) -> None:
    with robots_site(Reply(body=ROBOTS)) as site:
        async with HttpFetcher(replace(crawl, per_host_delay_s=0.0, respect_robots=False)) as fetcher:
            result = await fetcher.fetch(site.url("/private/b.html"))
    assert result.outcome is Outcome.OK


@pytest.mark.parametrize("robots", [Reply(404, b"not found"), Reply(500, b"oops"), Reply(hang_up=True)])
async def test_missing_or_failed_robots_allows_everything(crawl: CrawlSettings, robots: Reply) -> None:
    with robots_site(robots) as site:
        async with HttpFetcher(replace(crawl, per_host_delay_s=0.0)) as fetcher:
            first = await fetcher.fetch(site.url("/private/b.html"))
            second = await fetcher.fetch(site.url("/public/a.html"))
    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.OK)
    assert site.hits["/robots.txt"] == 1


async def test_huge_crawl_delay_is_capped() -> None:
    async def load(url: str) -> tuple[int | None, str]:
        return 200, "User-agent: *\nCrawl-delay: 86400\n"

    cache = RobotsCache(load, "govmon/0.1")
    assert await cache.allowed("http://www.example.gov.cn/x")
    assert cache.crawl_delay("www.example.gov.cn") == MAX_CRAWL_DELAY_S


async def test_rules_for_our_agent_apply() -> None:
    async def load(url: str) -> tuple[int | None, str]:
        assert url == "https://www.example.gov.cn/robots.txt"
        return 200, "User-agent: govmon\nDisallow: /\n\nUser-agent: *\nAllow: /\n"

    cache = RobotsCache(load, "govmon/0.1 (government website compliance monitor)")
    assert not await cache.allowed("https://www.example.gov.cn/index.html?a=1")
