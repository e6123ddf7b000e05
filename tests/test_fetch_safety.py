"""The SSRF guard: which addresses are refused, and that overrides keep the caller's view intact."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import replace

import pytest
from fetch_servers import Reply, Site

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import Outcome
from monitor.fetch.safety import Override, TargetPolicy, TargetRefused, is_public_address


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "2001:db8::1"],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "223.5.5.5", "2400:3200::1", "::ffff:114.114.114.114"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url", ["ftp://www.gov.cn/", "file:///etc/passwd", "gopher://x/", "http://127.0.0.1/", "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/", "http:///nohost"],
)
def test_check_url_refuses_schemes_and_private_literals(url: str) -> None:
    with pytest.raises(TargetRefused):
        TargetPolicy().check_url(url)


def test_check_url_allows_private_when_configured_or_overridden() -> None:
    assert TargetPolicy(allow_private=True).check_url("http://127.0.0.1:8000/").port == 8000
    assert TargetPolicy(overrides={"10.0.0.8": "127.0.0.1:9"}).check_url("http://10.0.0.8/").host == "10.0.0.8"


async def test_addresses_refuse_a_name_with_any_private_answer() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "10.0.0.1"]

    with pytest.raises(TargetRefused, match="10.0.0.1"):
        await TargetPolicy(resolver=resolver).addresses("intranet.example", 80, 1.0)


async def test_addresses_pin_the_checked_public_answers() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "2400:3200::1"]

    assert await TargetPolicy(resolver=resolver).addresses("www.example", 443, 1.0) == [
        ("8.8.8.8", 443), ("2400:3200::1", 443)]


async def test_override_is_used_without_resolving() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("an overridden host is not resolved")

    policy = TargetPolicy(overrides={"www.sc.gov.cn": "127.0.0.1:8001"}, resolver=resolver)
    assert await policy.addresses("WWW.sc.gov.cn", 443, 1.0) == [("127.0.0.1", 8001)]


async def test_unresolvable_name_raises_gaierror() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(socket.gaierror):
        await TargetPolicy(resolver=resolver).addresses("nx.example", 80, 1.0)


async def test_an_override_naming_a_host_connects_to_its_addresses() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"localhost": ["127.0.0.1", "::1"]}[host]

    policy = TargetPolicy(overrides={"www.sc.gov.cn": "localhost:8001"}, resolver=resolver)
    assert await policy.addresses("www.sc.gov.cn", 80, 1.0) == [("127.0.0.1", 8001), ("::1", 8001)]
    assert await replace(policy, ipv6_only=True).addresses("www.sc.gov.cn", 80, 1.0) == [("::1", 8001)]


def test_override_forms() -> None:
    assert Override.parse("127.0.0.1:8001") == Override("127.0.0.1", 8001, plain=False)
    assert Override.parse("http://127.0.0.1:8001") == Override("127.0.0.1", 8001, plain=True)
    assert Override.parse("[::1]:81").host == "::1"


@pytest.fixture
def guarded(settings: Settings) -> CrawlSettings:
    return replace(settings.crawl, allow_private_targets=False, per_host_delay_s=0.0, retries=0)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433"])  # 2130706433 == 127.0.0.1
async def test_fetcher_refuses_loopback_by_any_name(guarded: CrawlSettings, host: str) -> None:
    with Site({"/": Reply()}) as site:
        async with HttpFetcher(guarded) as fetcher:
            result = await fetcher.fetch(f"http://{host}:{site.port}/", respect_robots=False)
    assert result.outcome is Outcome.REFUSED
    assert "refused" in result.error
    assert site.hits["/"] == 0


async def test_override_keeps_url_and_host_header(guarded: CrawlSettings) -> None:
    with Site({"/index.html": Reply()}) as site:
        crawl = replace(guarded, host_overrides={"www.example.gov.cn": f"127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.fetch("http://www.example.gov.cn/index.html", respect_robots=False)
    assert result.outcome is Outcome.OK
    assert result.final_url == "http://www.example.gov.cn/index.html"
    assert site.hosts == ["www.example.gov.cn"]


async def test_plain_override_serves_an_https_site_from_a_local_http_server(guarded: CrawlSettings) -> None:
    with Site({"/": Reply()}) as site:
        crawl = replace(guarded, host_overrides={"www.sc.gov.cn": f"http://127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.fetch("https://www.sc.gov.cn/", respect_robots=False)
    assert (result.outcome, result.final_url, result.tls_unverified) == (Outcome.OK, "https://www.sc.gov.cn/", "")
    assert site.hosts == ["www.sc.gov.cn"]


async def test_redirect_into_a_private_address_is_never_followed(guarded: CrawlSettings) -> None:
    with Site({"/": Reply(302, b"", {"Location": "/secret-hop"}),
               "/secret-hop": Reply(302, b"", {"Location": "http://127.0.0.1:1/admin"}),
               }) as site:
        crawl = replace(guarded, host_overrides={"www.example.gov.cn": f"127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.fetch("http://www.example.gov.cn/", respect_robots=False)
    assert result.outcome is Outcome.REFUSED
    assert result.final_url == "http://www.example.gov.cn/secret-hop"
    assert site.hits["/secret-hop"] == 1


async def test_redirect_to_a_name_resolving_privately_is_refused_before_connecting(guarded: CrawlSettings) -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["192.168.10.5"]

    with Site({"/": Reply(301, b"", {"Location": "http://intranet.example.gov.cn/"})}) as site:
        crawl = replace(guarded, host_overrides={"www.example.gov.cn": f"127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl, resolver=resolver) as fetcher:
            result = await fetcher.fetch("http://www.example.gov.cn/", respect_robots=False)
    assert result.outcome is Outcome.REFUSED
    assert "192.168.10.5" in result.error
    assert asked == ["intranet.example.gov.cn"]


async def test_override_of_an_ip_literal_applies(guarded: CrawlSettings) -> None:
    with Site({"/": Reply()}) as site:
        crawl = replace(guarded, host_overrides={"10.0.0.8": f"127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.fetch("http://10.0.0.8/", respect_robots=False)
    assert (result.outcome, result.final_url) == (Outcome.OK, "http://10.0.0.8/")
    assert site.hosts == ["10.0.0.8"]


async def test_each_address_of_an_override_is_tried(guarded: CrawlSettings) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = closed.getsockname()[1]
    with Site({"/": Reply()}) as site:
        crawl = replace(guarded, host_overrides={"www.example.gov.cn": f"127.0.0.1:{dead},127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.fetch("http://www.example.gov.cn/", respect_robots=False)
    assert result.outcome is Outcome.OK
    assert site.hosts == ["www.example.gov.cn"]


@pytest.mark.parametrize("url", ["http://www.example.gov.cn/", "http://127.0.0.1:1/"])
async def test_over_ipv6_a_host_without_an_ipv6_address_is_not_reached(guarded: CrawlSettings, url: str) -> None:
    with Site({"/": Reply()}) as site:
        crawl = replace(guarded, allow_private_targets=True,
                        host_overrides={"www.example.gov.cn": f"127.0.0.1:{site.port}"})
        async with HttpFetcher(crawl) as fetcher:
            result = await fetcher.over_ipv6().fetch(url, respect_robots=False)
    assert (result.outcome, "[no-aaaa]" in result.error) == (Outcome.CONNECT, True)
    assert site.hits["/"] == 0
