"""Hostile and broken servers as a real deployment meets them: every case ends in bounded time with a
recorded reason, and nothing partial is judged as if it were the whole page.

Deadlines and caps are configured small so the whole module runs in seconds; the server drips in
tens of milliseconds where a real one would take seconds.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from hostile_server import HostileServer, Page, drip, drip_headers, endless, gzip_bomb, silence

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import Outcome

DEADLINE_S = 0.8


@pytest.fixture
def crawl(settings: Settings) -> CrawlSettings:
    return replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, retries=2,
                   retry_backoff_s=0.01, respect_robots=False, connect_timeout_s=0.5, read_timeout_s=0.5,
                   fetch_deadline_s=DEADLINE_S, max_response_bytes=1_000_000)


async def timed_fetch(crawl: CrawlSettings, url: str) -> tuple[float, object]:
    async with HttpFetcher(crawl) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(url)
        return time.monotonic() - started, result


async def test_a_dripping_body_ends_at_the_fetch_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": drip}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert "0.8 s" in result.error  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3  # a read timeout reset by every byte would never end


async def test_headers_that_never_finish_end_at_the_fetch_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": drip_headers}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_stalled_headers_time_out_within_the_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": silence}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_a_tls_port_that_never_answers_the_handshake_times_out(crawl: CrawlSettings) -> None:
    with HostileServer({}) as server:
        took, result = await timed_fetch(crawl, server.url(scheme="https"))
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_an_endless_body_is_cut_at_the_size_cap_and_marked_truncated(crawl: CrawlSettings) -> None:
    with HostileServer({"/": endless}) as server:
        took, result = await timed_fetch(replace(crawl, fetch_deadline_s=10.0), server.url())
    assert result.outcome is Outcome.TOO_LARGE  # type: ignore[attr-defined]
    assert result.truncated and len(result.body) == 1_000_000  # type: ignore[attr-defined]
    assert took < 5


async def test_a_gzip_bomb_is_cut_at_the_size_cap_without_inflating_it_whole(crawl: CrawlSettings) -> None:
    import tracemalloc

    bomb = gzip_bomb(200)
    with HostileServer({"/": bomb}) as server:
        tracemalloc.start()
        try:
            took, result = await timed_fetch(replace(crawl, fetch_deadline_s=10.0), server.url())
            grown_mb = tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()
    assert result.outcome is Outcome.TOO_LARGE and result.truncated  # type: ignore[attr-defined]
    assert len(result.body) == 1_000_000  # type: ignore[attr-defined]
    assert grown_mb < 10, f"peak memory grew by {grown_mb:.0f} MB for a 1 MB cap"
    assert took < 5


async def test_a_refused_connection_is_not_retried(crawl: CrawlSettings) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    took, result = await timed_fetch(replace(crawl, retry_backoff_s=2.0), f"http://127.0.0.1:{port}/")
    assert result.outcome is Outcome.CONNECT  # type: ignore[attr-defined]
    assert took < 1.0  # two retries would have waited 2 + 4 s


async def test_a_huge_robots_txt_is_read_only_up_to_its_cap(crawl: CrawlSettings) -> None:
    robots = b"User-agent: *\nDisallow: /private/\n" + b"# padding\n" * 300_000
    routes = {"/robots.txt": Page(robots, content_type="text/plain"), "/": Page(b"<html>ok</html>"),
              "/private/x": Page(b"<html>secret</html>")}
    with HostileServer(routes) as server:  # type: ignore[arg-type]
        async with HttpFetcher(replace(crawl, respect_robots=True, max_robots_bytes=100_000)) as fetcher:
            home = await fetcher.fetch(server.url("/"))
            private = await fetcher.fetch(server.url("/private/x"))
    assert home.outcome is Outcome.OK
    assert private.outcome is Outcome.REFUSED  # the rules at its top still apply
    assert server.hits["/private/x"] == 0


async def test_a_huge_crawl_delay_is_cut_to_the_configured_cap(crawl: CrawlSettings) -> None:
    from fetch_servers import FakeTime

    fake = FakeTime()
    routes = {"/robots.txt": Page(b"User-agent: *\nCrawl-delay: 86400\n", content_type="text/plain"),
              "/a": Page(b"<html>a</html>"), "/b": Page(b"<html>b</html>")}
    with HostileServer(routes) as server:  # type: ignore[arg-type]
        settings = replace(crawl, respect_robots=True, max_crawl_delay_s=3.0)
        async with HttpFetcher(settings, sleep=fake.sleep, clock=fake.clock) as fetcher:
            await fetcher.fetch(server.url("/a"))
            await fetcher.fetch(server.url("/b"))
    assert fake.sleeps == [3.0]

