"""HttpFetcher against real local servers: outcomes, retries, size cap, redirects, TLS, politeness."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from dataclasses import replace
from pathlib import Path

import httpcore
import httpx
import pytest
from fetch_servers import FakeTime, Reply, Site, self_signed_context

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher, outcome_for
from monitor.fetch.result import Outcome
from monitor.fetch.safety import TargetRefused

GBK_PAGE = '<html><head><meta charset="gb2312"></head><body>朱镕基 政务公开</body></html>'.encode("gbk")


@pytest.fixture
def crawl(settings: Settings) -> CrawlSettings:
    return replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, retries=2,
                   retry_backoff_s=1.0, respect_robots=False)


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    return self_signed_context(Path(tmp_path_factory.mktemp("tls")))


def fetcher_for(crawl: CrawlSettings, fake: FakeTime | None = None, **kwargs: object) -> HttpFetcher:
    fake = fake or FakeTime()
    return HttpFetcher(crawl, sleep=fake.sleep, clock=fake.clock, **kwargs)  # type: ignore[arg-type]


async def test_gbk_page_is_fetched_and_decoded(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(body=GBK_PAGE, headers={"Content-Type": "text/html"})}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert (result.outcome, result.status, result.encoding) == (Outcome.OK, 200, "gb18030")
    assert "朱镕基 政务公开" in result.text
    assert result.content_type == "text/html"


async def test_stalling_server_times_out_within_timeout_s_without_retry(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(stall_s=10)}) as site:
        async with fetcher_for(crawl) as fetcher:
            started = time.monotonic()
            result = await fetcher.fetch(site.url("/"), timeout_s=0.3)
            took = time.monotonic() - started
    assert result.outcome is Outcome.TIMEOUT
    assert took < 2
    assert site.hits["/"] == 1  # the fetch's own deadline is spent: retrying cannot help


async def test_read_timeout_that_spends_the_budget_is_not_retried(crawl: CrawlSettings) -> None:
    fake = FakeTime()
    with Site({"/": Reply(stall_s=10)}) as site:
        async with fetcher_for(replace(crawl, read_timeout_s=0.3), fake) as fetcher:
            result = await fetcher.fetch(site.url("/"), timeout_s=0.3)
    assert (result.outcome, site.hits["/"], fake.sleeps) == (Outcome.TIMEOUT, 1, [])


async def test_read_timeout_of_a_server_that_answered_is_retried(crawl: CrawlSettings) -> None:
    stalls_once = {"/ok": Reply(), "/": lambda n: Reply(stall_s=10) if n == 1 else Reply()}
    with Site(stalls_once) as site:
        async with HttpFetcher(replace(crawl, read_timeout_s=0.15), sleep=FakeTime().sleep) as fetcher:
            await fetcher.fetch(site.url("/ok"))
            result = await fetcher.fetch(site.url("/"), timeout_s=5)
    assert (result.outcome, site.hits["/"]) == (Outcome.OK, 2)
    assert 0.1 < result.elapsed_s < 1  # network time of both tries, not the (skipped) backoff


async def test_read_timeout_of_a_live_server_is_retried_with_doubling_backoff(crawl: CrawlSettings) -> None:
    fake = FakeTime()
    with Site({"/ok": Reply(), "/": Reply(stall_s=10)}) as site:
        async with fetcher_for(replace(crawl, read_timeout_s=0.15), fake) as fetcher:
            await fetcher.fetch(site.url("/ok"))
            result = await fetcher.fetch(site.url("/"))
    assert result.outcome is Outcome.TIMEOUT
    assert site.hits["/"] == 3
    assert fake.sleeps == [1.0, 2.0]


async def test_a_server_never_heard_from_that_times_out_costs_one_try_and_is_not_asked_again(
        crawl: CrawlSettings) -> None:
    fake = FakeTime()
    with Site({"/": Reply(stall_s=10), "/other": Reply(stall_s=10)}) as site:
        hosts = {name: f"127.0.0.1:{site.port}" for name in ("hung.gov.cn", "alias.gov.cn")}
        async with fetcher_for(replace(crawl, read_timeout_s=0.15, host_overrides=hosts), fake) as fetcher:
            first = await fetcher.fetch("http://hung.gov.cn/")
            again = await fetcher.fetch("http://hung.gov.cn/other")
            alias = await fetcher.fetch("http://alias.gov.cn/")  # another name of the same server
    assert (first.outcome, again.outcome, alias.outcome) == (Outcome.TIMEOUT,) * 3
    assert (site.hits["/"], site.hits["/other"], fake.sleeps) == (1, 0, [])
    assert "did not answer earlier in this run" in again.error and again.elapsed_s == 0


async def test_503_then_success_is_retried(crawl: CrawlSettings) -> None:
    fake = FakeTime()
    flaky = {"/": lambda n: Reply(503, b"busy") if n <= 2 else Reply()}
    with Site(flaky) as site:
        async with fetcher_for(crawl, fake) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert (result.outcome, result.status, site.hits["/"]) == (Outcome.OK, 200, 3)
    assert fake.sleeps == [1.0, 2.0]


async def test_persistent_502_ends_as_http_status_with_body(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(502, b"<html>bad gateway</html>")}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert (result.outcome, result.status, site.hits["/"]) == (Outcome.HTTP_STATUS, 502, 3)
    assert "bad gateway" in result.text


@pytest.mark.parametrize("status", [404, 500, 403])
async def test_non_transient_statuses_are_not_retried_and_keep_the_body(crawl: CrawlSettings, status: int) -> None:
    fake = FakeTime()
    with Site({"/": Reply(status, "<html>页面不存在</html>".encode())}) as site:
        async with fetcher_for(crawl, fake) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert (result.outcome, result.status, site.hits["/"], fake.sleeps) == (Outcome.HTTP_STATUS, status, 1, [])
    assert "页面不存在" in result.text
    assert result.error == f"HTTP {status}"


async def test_connection_reset_is_retried_then_reported_as_connect(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(hang_up=True)}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert result.outcome is Outcome.CONNECT
    assert site.hits["/"] == 3


async def test_refused_connection_is_connect_and_not_retried(crawl: CrawlSettings) -> None:
    fake = FakeTime()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with fetcher_for(crawl, fake) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert result.outcome is Outcome.CONNECT
    assert fake.sleeps == []  # nothing listens there: asking again would only cost time


async def test_dns_failure_is_dns_and_not_retried(crawl: CrawlSettings) -> None:
    fake = FakeTime()

    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    async with fetcher_for(replace(crawl, allow_private_targets=False), fake, resolver=resolver) as fetcher:
        result = await fetcher.fetch("http://no-such-site.gov.cn/")
    assert result.outcome is Outcome.DNS
    assert "Name or service not known" in result.error
    assert fake.sleeps == []


async def test_huge_body_is_cut_but_kept(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(body=b"a" * 1000, repeat=2000), "/404": Reply(404, b"b" * 1000, repeat=2000)}) as site:
        async with fetcher_for(replace(crawl, max_response_bytes=10_000)) as fetcher:
            result = await fetcher.fetch(site.url("/"))
            missing = await fetcher.fetch(site.url("/404"))
    assert (result.outcome, result.truncated, len(result.body), result.ok) == (Outcome.TOO_LARGE, True, 10_000, True)
    assert (missing.outcome, missing.truncated, len(missing.body)) == (Outcome.HTTP_STATUS, True, 10_000)


async def test_empty_body_is_empty(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(body=b"  \n")}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert (result.outcome, result.status, result.ok) == (Outcome.EMPTY, 200, False)


async def test_head_request_without_body_is_ok(crawl: CrawlSettings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"})

    async with fetcher_for(crawl, transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch("http://www.example.gov.cn/", method="head")
    assert result.outcome is Outcome.OK


async def test_binary_content_is_not_decoded(crawl: CrawlSettings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\x89PNG\r\n\x1a\n....", headers={"Content-Type": "image/png"})

    async with fetcher_for(crawl, transport=httpx.MockTransport(handler)) as fetcher:
        result = await fetcher.fetch("http://www.example.gov.cn/logo.png")
    assert (result.outcome, result.text, result.body[:4]) == (Outcome.OK, "", b"\x89PNG")


async def test_redirects_are_followed_relative_and_absolute(crawl: CrawlSettings) -> None:
    with Site({"/a": Reply(301, b"", {"Location": "/b"}), "/c": Reply(body="终点".encode(),
                                                                          headers={"Content-Type": "text/html"})}) as site:
        site.routes["/b"] = Reply(303, b"", {"Location": site.url("/c")})
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/a"))
    assert (result.outcome, result.final_url, result.url) == (Outcome.OK, site.url("/c"), site.url("/a"))
    assert result.text == "终点"


async def test_redirect_loop_stops_at_max_redirects(crawl: CrawlSettings) -> None:
    with Site({"/loop": Reply(302, b"", {"Location": "/loop"})}) as site:
        async with fetcher_for(replace(crawl, max_redirects=3)) as fetcher:
            result = await fetcher.fetch(site.url("/loop"))
    assert result.outcome is Outcome.REDIRECTS
    assert site.hits["/loop"] == 4


async def test_redirect_to_another_scheme_is_refused(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(302, b"", {"Location": "file:///etc/passwd"})}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/"))
    assert result.outcome is Outcome.REFUSED


async def test_bad_scheme_is_refused(crawl: CrawlSettings) -> None:
    async with fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch("ftp://www.example.gov.cn/file.txt")
    assert result.outcome is Outcome.REFUSED


async def test_self_signed_certificate_is_tolerated_and_recorded(crawl: CrawlSettings,
                                                                 self_signed: ssl.SSLContext) -> None:
    with Site({"/": Reply(), "/two": Reply()}, tls=self_signed) as site:
        async with fetcher_for(crawl) as fetcher:
            first = await fetcher.fetch(site.url("/"))
            second = await fetcher.fetch(site.url("/two"))
    assert first.outcome is Outcome.OK and second.outcome is Outcome.OK
    assert "certificate verify failed" in first.tls_unverified
    assert second.tls_unverified == first.tls_unverified  # remembered for the host, not re-tried
    assert (site.hits["/"], site.hits["/two"]) == (1, 1)


async def test_tls_that_fails_even_unverified_is_tls(crawl: CrawlSettings) -> None:
    with Site({"/": Reply()}) as site:  # plain HTTP behind an https URL
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(f"https://127.0.0.1:{site.port}/")
    assert result.outcome is Outcome.TLS
    assert result.tls_unverified == ""


async def test_per_host_delay_spaces_requests(crawl: CrawlSettings) -> None:
    fake = FakeTime()
    with Site({"/": Reply()}) as site:
        async with fetcher_for(replace(crawl, per_host_delay_s=0.5), fake) as fetcher:
            for _ in range(3):
                await fetcher.fetch(site.url("/"))
    assert fake.sleeps == [0.5, 0.5]


async def test_per_host_concurrency_is_capped(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(stall_s=0.1)}) as site:
        async with fetcher_for(replace(crawl, per_host_concurrency=1)) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(site.url("/")) for _ in range(4)))
    assert all(r.outcome is Outcome.OK for r in results)
    assert site.max_active == 1


async def test_global_concurrency_caps_all_hosts(crawl: CrawlSettings) -> None:
    with Site({"/": Reply(stall_s=0.1)}) as site:
        hosts = {f"site{i}.example.gov.cn": f"127.0.0.1:{site.port}" for i in range(4)}
        tight = replace(crawl, per_host_concurrency=4, global_concurrency=2, host_overrides=hosts,
                        allow_private_targets=False)
        async with fetcher_for(tight) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(f"http://{host}/") for host in hosts))
    assert all(r.outcome is Outcome.OK for r in results)
    assert site.max_active == 2


def _wrapped(exc: BaseException) -> httpx.ConnectError:
    """An httpx error the way httpx raises it: wrapping httpcore's, wrapping the OS error."""
    try:
        try:
            raise httpcore.ConnectError(str(exc)) from exc
        except httpcore.ConnectError as inner:
            raise httpx.ConnectError(str(inner)) from inner
    except httpx.ConnectError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (_wrapped(socket.gaierror(-2, "Name or service not known")), Outcome.DNS),
        (_wrapped(ConnectionRefusedError(111, "Connection refused")), Outcome.CONNECT),
        (_wrapped(ssl.SSLCertVerificationError("certificate verify failed")), Outcome.TLS),
        (httpx.ReadTimeout("timed out"), Outcome.TIMEOUT),
        (httpx.ConnectTimeout("timed out"), Outcome.TIMEOUT),
        (httpx.ReadError("connection reset"), Outcome.CONNECT),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), Outcome.CONNECT),
        (httpx.RemoteProtocolError("illegal header line"), Outcome.ERROR),
        (TargetRefused("private"), Outcome.REFUSED),
        (ValueError("something odd"), Outcome.ERROR),
    ],
)
def test_outcome_for(exc: BaseException, outcome: Outcome) -> None:
    mapped, detail = outcome_for(exc)
    assert mapped is outcome
    assert detail
