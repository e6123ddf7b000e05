"""HttpFetcher against real local servers: outcomes, retries, size cap, redirects, TLS, politeness."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from fetch_servers import FakeTime, Reply, Site, self_signed_context

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher, _refused_connection, outcome_for
from monitor.fetch.result import Outcome
from monitor.fetch.safety import TargetPolicy, TargetRefused, guarded_session

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


@dataclass
class Seen:
    """What an aiohttp.web test server received: method, path and query as sent, headers."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


@asynccontextmanager
async def web_site(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> AsyncIterator[
        tuple[str, Seen]]:
    """An aiohttp.web server on an ephemeral port of 127.0.0.1 answering every path with `handler`."""
    seen = Seen()

    async def record(request: web.Request) -> web.StreamResponse:
        seen.requests.append((request.method, request.raw_path, dict(request.headers)))
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


async def test_head_request_without_body_is_ok(crawl: CrawlSettings) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>首页</html>", content_type="text/html")

    async with web_site(page) as (base, seen), fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch(f"{base}/", method="head")
    assert (result.outcome, result.status, result.body) == (Outcome.OK, 200, b"")
    assert [method for method, _path, _headers in seen.requests] == ["HEAD"]


async def test_post_with_request_headers_and_the_default_ones(crawl: CrawlSettings) -> None:
    async def api(request: web.Request) -> web.Response:
        return web.json_response({"method": request.method})

    async with web_site(api) as (base, seen), fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch(f"{base}/api/list", method="post", headers={"Referer": "http://www.gov.cn/"})
    assert (result.outcome, result.text) == (Outcome.OK, '{"method": "POST"}')
    _method, _path, headers = seen.requests[0]
    assert headers["Referer"] == "http://www.gov.cn/"
    assert headers["User-Agent"] == crawl.user_agent
    assert headers["Accept-Encoding"] == "gzip, deflate"
    assert headers["Accept-Language"].startswith("zh-CN")


@pytest.mark.parametrize("path", [
    "/xxgk/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/index.html?q=%E6%94%BF%E5%8A%A1&page=2",  # percent-encoded
    "/a%2Fb/c%20d.html?x=a%26b&y=%2B",  # encoded reserved characters stay encoded
    "/Search?keyword=%D5%FE%CE%F1",  # GBK bytes in a query
])
async def test_the_url_reaches_the_server_as_given(crawl: CrawlSettings, path: str) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>ok</html>", content_type="text/html")

    async with web_site(page) as (base, seen), fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch(f"{base}{path}")
    assert result.outcome is Outcome.OK
    assert seen.requests[0][1] == path
    assert result.final_url == f"{base}{path}"


async def test_chinese_in_the_path_and_query_goes_out_percent_encoded_as_utf8(crawl: CrawlSettings) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>ok</html>", content_type="text/html")

    async with web_site(page) as (base, seen), fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch(f"{base}/政务公开/通知.html?标题=公告")
    assert result.outcome is Outcome.OK
    assert seen.requests[0][1] == ("/%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80/%E9%80%9A%E7%9F%A5.html"
                                   "?%E6%A0%87%E9%A2%98=%E5%85%AC%E5%91%8A")


async def test_gzip_body_is_inflated_and_repeated_headers_are_joined(crawl: CrawlSettings) -> None:
    page_html = "<html><body>政务公开 gzip</body></html>".encode()

    async def page(request: web.Request) -> web.Response:
        response = web.Response(body=gzip.compress(page_html), content_type="text/html", charset="utf-8",
                                headers={"Content-Encoding": "gzip"})
        response.headers.add("Set-Cookie", "a=1")
        response.headers.add("Set-Cookie", "b=2")
        return response

    async with web_site(page) as (base, _seen), fetcher_for(crawl) as fetcher:
        result = await fetcher.fetch(f"{base}/")
    assert (result.outcome, result.body, result.text) == (Outcome.OK, page_html, page_html.decode())
    assert result.headers["set-cookie"] == "a=1, b=2"


async def test_binary_content_is_not_decoded(crawl: CrawlSettings) -> None:
    png = Reply(body=b"\x89PNG\r\n\x1a\n....", headers={"Content-Type": "image/png"})
    with Site({"/logo.png": png}) as site:
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/logo.png"))
    assert (result.outcome, result.text, result.body[:4]) == (Outcome.OK, "", b"\x89PNG")


async def test_redirects_are_followed_relative_and_absolute(crawl: CrawlSettings) -> None:
    with Site({"/a": Reply(301, b"", {"Location": "/b"}), "/c": Reply(body="终点".encode(),
                                                                          headers={"Content-Type": "text/html"})}) as site:
        site.routes["/b"] = Reply(303, b"", {"Location": site.url("/c")})
        async with fetcher_for(crawl) as fetcher:
            result = await fetcher.fetch(site.url("/a"))
    assert (result.outcome, result.final_url, result.url) == (Outcome.OK, site.url("/c"), site.url("/a"))
    assert result.text == "终点"


async def test_a_redirect_to_a_gbk_or_utf8_path_keeps_the_servers_bytes(crawl: CrawlSettings) -> None:
    paths: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Redirects /gbk and /utf8 with a raw (unencoded) Location, then answers any other path."""
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ")[1]
            paths.append(path)
            raw = {b"/gbk": "/政务/".encode("gbk"), b"/utf8": "/政务/".encode()}.get(path)
            if raw is not None:
                writer.write(b"HTTP/1.1 302 Found\r\nLocation: " + raw + b"\r\nContent-Length: 0\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>ok</p>")
            await writer.drain()

    async with raw_server(answer) as url, fetcher_for(crawl) as fetcher:
        gbk = await fetcher.fetch(f"{url}gbk")
        utf8 = await fetcher.fetch(f"{url}utf8")
    assert (gbk.outcome, utf8.outcome) == (Outcome.OK, Outcome.OK)
    assert paths == [b"/gbk", b"/%D5%FE%CE%F1/", b"/utf8", b"/%E6%94%BF%E5%8A%A1/"]
    assert gbk.final_url == f"{url}%D5%FE%CE%F1/"


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


# -- outcome_for: each failure as aiohttp really raises it ----------------------------------------------
async def _raised(url: str, *, policy: TargetPolicy | None = None, read_timeout_s: float = 2.0,
                  connect_timeout_s: float = 2.0) -> BaseException:
    """The exception a guarded session raises for a GET of `url`."""
    async with guarded_session(policy or TargetPolicy(allow_private=True), verify=True, limit=4,
                               connect_timeout_s=connect_timeout_s, read_timeout_s=read_timeout_s,
                               headers={}) as session:
        try:
            async with session.get(url) as response:
                await response.read()
        except Exception as exc:
            return exc
    raise AssertionError(f"{url} did not fail")


@asynccontextmanager
async def raw_server(answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
                     ) -> AsyncIterator[str]:
    """A TCP server on 127.0.0.1 whose connections `answer` serves, raw bytes in and out."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(asyncio.IncompleteReadError, ConnectionError):
            await answer(reader, writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HELLO WORLD\r\n\r\n")
    await writer.drain()
    writer.close()


async def _reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()  # RST instead of FIN


async def _cut_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc")
    await writer.drain()
    writer.close()


async def _no_name(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


async def _hanging_dns(host: str, port: int) -> list[str]:
    await asyncio.sleep(30)
    return []


async def _private(host: str, port: int) -> list[str]:
    return ["10.0.0.7"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_outcome_for_a_name_that_does_not_resolve() -> None:
    exc = await _raised("http://nx.example.gov.cn/", policy=TargetPolicy(resolver=_no_name))
    assert isinstance(exc, aiohttp.ClientConnectorDNSError)
    assert outcome_for(exc)[0] is Outcome.DNS
    assert "Name or service not known" in outcome_for(exc)[1]


async def test_outcome_for_a_resolver_that_never_answers() -> None:
    exc = await _raised("http://slow-dns.example.gov.cn/", policy=TargetPolicy(resolver=_hanging_dns),
                        connect_timeout_s=0.1)
    assert isinstance(exc, aiohttp.ConnectionTimeoutError)
    assert outcome_for(exc)[0] is Outcome.TIMEOUT


async def test_outcome_for_a_name_resolving_to_a_private_address() -> None:
    exc = await _raised("http://intranet.example.gov.cn/", policy=TargetPolicy(resolver=_private))
    assert isinstance(exc, TargetRefused)
    assert outcome_for(exc) == (Outcome.REFUSED, str(exc))


async def test_outcome_for_an_ipv6_only_fetch_of_a_name_without_aaaa() -> None:
    async def four(host: str, port: int) -> list[str]:
        return ["8.8.8.8"]

    exc = await _raised("http://v4.example.gov.cn/", policy=TargetPolicy(resolver=four, ipv6_only=True))
    outcome, detail = outcome_for(exc)
    assert (outcome, "[no-aaaa]" in detail) == (Outcome.CONNECT, True)


async def test_outcome_for_a_refused_connection() -> None:
    exc = await _raised(f"http://127.0.0.1:{_closed_port()}/")
    assert isinstance(exc, aiohttp.ClientConnectorError)
    assert outcome_for(exc)[0] is Outcome.CONNECT and _refused_connection(exc)


async def test_outcome_for_a_server_that_hangs_up_without_answering() -> None:
    with Site({"/": Reply(hang_up=True)}) as site:
        exc = await _raised(site.url("/"))
    assert isinstance(exc, aiohttp.ServerDisconnectedError)
    assert outcome_for(exc)[0] is Outcome.CONNECT and not _refused_connection(exc)


async def test_outcome_for_a_reset() -> None:
    async with raw_server(_reset) as url:
        exc = await _raised(url)
    assert isinstance(exc, aiohttp.ClientOSError)
    assert outcome_for(exc)[0] is Outcome.CONNECT and not _refused_connection(exc)


async def test_outcome_for_a_read_timeout() -> None:
    with Site({"/": Reply(stall_s=10)}) as site:
        exc = await _raised(site.url("/"), read_timeout_s=0.1)
    assert isinstance(exc, aiohttp.SocketTimeoutError)
    assert outcome_for(exc)[0] is Outcome.TIMEOUT


async def test_outcome_for_a_self_signed_certificate(self_signed: ssl.SSLContext) -> None:
    with Site({"/": Reply()}, tls=self_signed) as site:
        exc = await _raised(site.url("/"))
    assert isinstance(exc, aiohttp.ClientConnectorCertificateError)
    outcome, detail = outcome_for(exc)
    assert (outcome, "certificate verify failed" in detail) == (Outcome.TLS, True)


async def test_outcome_for_plain_http_behind_an_https_url() -> None:
    with Site({"/": Reply()}) as site:
        exc = await _raised(f"https://127.0.0.1:{site.port}/")
    assert isinstance(exc, aiohttp.ClientConnectorSSLError)
    assert outcome_for(exc)[0] is Outcome.TLS


@pytest.mark.parametrize("answer", [_garbage, _cut_body])
async def test_outcome_for_a_malformed_or_cut_response(
        answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]) -> None:
    async with raw_server(answer) as url:
        exc = await _raised(url)
    assert isinstance(exc, aiohttp.ClientResponseError | aiohttp.ClientPayloadError)
    assert outcome_for(exc)[0] is Outcome.ERROR


def test_outcome_for_anything_else() -> None:
    assert outcome_for(ValueError("something odd")) == (Outcome.ERROR, "ValueError: something odd")
