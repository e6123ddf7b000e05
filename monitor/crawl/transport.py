"""How a site is served, beside what it shows: its HTTPS (certificate, http → https, HSTS) and IPv6.

Observed once per site check after the crawl, through the same fetcher (its deadlines and SSRF guard),
with a handful of requests. A fetcher that cannot look at the transport (a test fake) leaves both
facts unset, and the rules then judge nothing.
"""

from __future__ import annotations

import logging
import socket
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from monitor.crawl.session import fetch_failure
from monitor.fetch.client import outcome_for
from monitor.fetch.result import Fetcher, FetchResult, Outcome
from monitor.hosts import url_host
from monitor.observations import Certificate, HttpsFacts, Ipv6Facts, Ipv6Page, PageFailure, SiteObservation

log = logging.getLogger(__name__)

HSTS_HEADER = "strict-transport-security"
PAGE_BYTES = 65_536  # enough for the headers and the start of a page: only status and headers are read
# Outcomes saying nothing speaks TLS at the https origin: HTTPS is not enabled there.
_NO_HTTPS = frozenset({Outcome.CONNECT, Outcome.TLS})


@runtime_checkable
class TransportFetcher(Protocol):
    """A fetcher that can also read a certificate and fetch over IPv6 (HttpFetcher)."""

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> FetchResult: ...

    async def certificate(self, url: str, timeout_s: float | None = None) -> Certificate: ...

    async def ipv6_addresses(self, host: str) -> list[str]: ...

    def over_ipv6(self) -> Fetcher: ...


def _origin(scheme: str, host: str, port: int | None = None) -> str:
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{netloc}{f':{port}' if port else ''}/"


async def observe_transport(fetcher: Fetcher, site_url: str, obs: SiteObservation, home: FetchResult) -> None:
    """Fill `obs.https` and `obs.ipv6` when the fetcher can look at the transport."""
    if not isinstance(fetcher, TransportFetcher):
        return
    obs.https = await https_facts(fetcher, site_url, home)
    obs.ipv6 = await ipv6_facts(fetcher, site_url, obs)


async def https_facts(fetcher: TransportFetcher, site_url: str, home: FetchResult) -> HttpsFacts:
    """The certificate of the https origin, where its http origin leads, and the HSTS header."""
    parts = urlsplit(site_url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    https_url = _origin("https", host, parts.port if secure else None)
    http_url = _origin("http", host, None if secure else parts.port)
    certificate: Certificate | None = None
    unreachable, https_failure = False, None
    try:
        certificate = await fetcher.certificate(https_url)
    except Exception as exc:  # the site's TLS is an observation, never a crash
        outcome, detail = outcome_for(exc)
        https_failure, unreachable = PageFailure(str(outcome), None, detail), outcome in _NO_HTTPS
    hsts: str | None = None
    if certificate is not None:
        page = home if secure and (home.final_url or home.url).startswith("https://") else \
            await fetcher.fetch(https_url, max_bytes=PAGE_BYTES)
        if page.status is not None:
            hsts = page.headers.get(HSTS_HEADER, "")
        else:
            https_failure = fetch_failure(page)
    plain = home if not secure else await fetcher.fetch(http_url, max_bytes=PAGE_BYTES)
    http_final = (plain.final_url or plain.url) if plain.status is not None else ""
    return HttpsFacts(https_url=https_url, certificate=certificate, https_failure=https_failure,
                      unreachable_https=unreachable, http_url=http_url, http_final_url=http_final, hsts=hsts)


def has_ipv6_route(address: str) -> bool:
    """Whether this machine could send to an IPv6 address at all (a UDP connect sends nothing)."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.connect((address, 9))
    except OSError:
        return False
    return True


def _ipv6_targets(obs: SiteObservation) -> list[tuple[str, str]]:
    """(level, URL): the home page, a second-level page (a column) and a third-level page (an article
    or a sub-column) the crawl read over IPv4."""
    targets = [("首页", obs.final_url or obs.url)]
    second = next((c.url for c in obs.columns if c.fetched and c.level == 1), None)
    third = next((a.url for a in obs.articles), None) or next(
        (c.url for c in obs.columns if c.fetched and c.level == 2), None)
    if second:
        targets.append(("二级页面", second))
    if third:
        targets.append(("三级页面", third))
    return targets


async def ipv6_facts(fetcher: TransportFetcher, site_url: str, obs: SiteObservation) -> Ipv6Facts:
    """The host's IPv6 addresses and whether its pages answer over IPv6 alone."""
    host = url_host(site_url)
    try:
        addresses = tuple(await fetcher.ipv6_addresses(host))
    except (OSError, TimeoutError) as exc:
        return Ipv6Facts(host, dns_error=f"{type(exc).__name__}: {exc}")
    if not addresses:
        return Ipv6Facts(host)
    if not has_ipv6_route(addresses[0]):
        return Ipv6Facts(host, addresses, monitor_without_ipv6=True)
    over_ipv6 = fetcher.over_ipv6()
    pages = []
    for level, url in _ipv6_targets(obs):
        result = await over_ipv6.fetch(url)
        ok = result.ok and not (result.status or 0) >= 400
        pages.append(Ipv6Page(url, level, None if ok else fetch_failure(result)))
    return Ipv6Facts(host, addresses, pages=tuple(pages))
