"""The browser's only way out: every request a rendered page makes is answered by this handler.

The handler fetches through the same SSRF guard as the crawler (`TargetPolicy` on the URL, then
`GuardedResolver` at connect time, host overrides applied), one hop at a time, so each redirect
target is checked too. Pages never reach the network themselves: the browser is launched with a
resolver that knows no name and a proxy that does not exist (see `monitor/render/browser.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import urlsplit

import aiohttp

from monitor.config import CrawlSettings
from monitor.fetch.client import as_sent, outcome_for, read_capped
from monitor.fetch.safety import (
    Resolver,
    TargetPolicy,
    TargetRefused,
    guarded_session,
    outgoing,
    system_resolver,
)

if TYPE_CHECKING:
    from playwright.async_api import Route

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Resources a list never needs: not fetched while reading a page (screenshots take images).
SKIPPED_FOR_READING = frozenset({"image", "media", "font"})
# Requests a list filled by script may depend on: when one fails, an empty list proves nothing.
DATA_REQUESTS = frozenset({"xhr", "fetch", "script"})
# Hosts whose resources never carry a page's content (the national 找错 entry, the 党政机关 badge,
# visitor counters): not fetched at all, so reading a page neither waits for them nor contacts them.
NEVER_NEEDED_HOSTS = frozenset({
    "zfwzgl.www.gov.cn", "bszs.conac.cn", "dcs.conac.cn", "hm.baidu.com", "s4.cnzz.com", "s9.cnzz.com",
    "s13.cnzz.com", "s19.cnzz.com", "s22.cnzz.com", "s95.cnzz.com", "c.cnzz.com", "w.cnzz.com", "v1.cnzz.com",
    "www.google-analytics.com", "www.googletagmanager.com", "ssl.google-analytics.com",
})
# Connections open at once to all servers (the per-server limit is the crawl's, through `pace`).
_CONNECTIONS = 100
# Response headers passed back to the browser (others, such as Set-Cookie for other hosts, dropped).
_KEPT_HEADERS = ("content-type", "content-language", "cache-control", "set-cookie", "last-modified")


@dataclass(frozen=True)
class Preloaded:
    """A document the crawler already fetched: served to the browser as is, not fetched again."""

    url: str
    body: bytes
    content_type: str


@dataclass
class RequestLog:
    """What the handler did for one page, for evidence and for tests."""

    served: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "url: reason"
    failed: list[str] = field(default_factory=list)
    data_failed: list[str] = field(default_factory=list)
    in_flight: int = 0  # requests being answered now
    last_activity: float = field(default_factory=time.monotonic)  # when one last started or ended

    def started(self) -> None:
        self.in_flight += 1
        self.last_activity = time.monotonic()

    def ended(self) -> None:
        self.in_flight -= 1
        self.last_activity = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the page last had a request in flight (0 while one is)."""
        return 0.0 if self.in_flight else time.monotonic() - self.last_activity  # XHR/fetch requests that failed, were refused or got >= 400


# A request slot of a URL's server, taken around each request the browser makes (see HttpFetcher.share_of).
Pace = Callable[[str], AbstractAsyncContextManager[None]]


@runtime_checkable
class SharesSlots(Protocol):
    """A fetcher whose per-server request slots the browser's requests can share."""

    def share_of(self, url: str) -> AbstractAsyncContextManager[None]: ...


class GuardedRouter:
    """Answers the browser's requests through the crawler's SSRF guard; one per browser launch."""

    def __init__(self, crawl: CrawlSettings, *, resolver: Resolver | None = None, pace: Pace | None = None):
        """`pace`: the crawl's per-server request slots, so a server never gets more requests at once from
        the browser and the crawl together than its politeness limit."""
        self._crawl = crawl
        self._pace = pace
        self.policy = TargetPolicy(crawl.allow_private_targets, dict(crawl.host_overrides),
                                   resolver or system_resolver)
        self._http: aiohttp.ClientSession | None = None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _session(self) -> aiohttp.ClientSession:
        """The guarded session, made at the first request (aiohttp wants a running loop). Certificates
        are not verified: the page is read for what it shows, as the crawler reads a site it tolerates."""
        if self._http is None:
            self._http = guarded_session(
                self.policy, verify=False, limit=_CONNECTIONS, connect_timeout_s=self._crawl.connect_timeout_s,
                read_timeout_s=self._crawl.read_timeout_s,
                headers={"User-Agent": self._crawl.user_agent, "Accept-Encoding": "gzip, deflate"})
        return self._http

    async def handle(self, route: Route, *, preloaded: dict[str, Preloaded], log_to: RequestLog,
                     with_images: bool) -> None:
        """Serve one browser request: preloaded, fetched through the guard, or refused."""
        log_to.started()
        try:
            await self._answer(route, preloaded, log_to, with_images)
        finally:
            log_to.ended()

    async def _answer(self, route: Route, preloaded: dict[str, Preloaded], log_to: RequestLog,
                      with_images: bool) -> None:
        request = route.request
        url = request.url
        if (urlsplit(url).hostname or "").lower() in NEVER_NEEDED_HOSTS:
            await _abort(route, "blockedbyclient")
            return
        carries_data = request.resource_type in DATA_REQUESTS
        if not with_images and request.resource_type in SKIPPED_FOR_READING:
            await _abort(route, "blockedbyclient")
            return
        document = preloaded.get(url.split("#", 1)[0])
        if document is not None and request.method == "GET":
            log_to.served.append(url)
            await _fulfil(route, 200, {"content-type": document.content_type}, document.body)
            return
        try:
            status, headers, body = await self.fetch(request.method, url, request.headers,
                                                     request.post_data_buffer)
        except TargetRefused as exc:
            log_to.refused.append(f"{url}: {exc}")
            if carries_data:
                log_to.data_failed.append(f"{url}: 按规则未访问")
            await _abort(route, "accessdenied")
            return
        except Exception as exc:  # a failing resource is what the page would see anyway
            log_to.failed.append(f"{url}: {outcome_for(exc)[1]}")
            if carries_data:
                log_to.data_failed.append(f"{url}: {outcome_for(exc)[0]}")
            await _abort(route, "failed")
            return
        if status >= 400 and carries_data:
            log_to.data_failed.append(f"{url}: HTTP {status}")
        log_to.served.append(url)
        await _fulfil(route, status, headers, body)

    async def fetch(self, method: str, url: str, headers: dict[str, str],
                    body: bytes | None) -> tuple[int, dict[str, str], bytes]:
        """Fetch following redirects by hand: every hop passes `check_url` and the connect-time guard.

        The browser gets the final answer for the URL it asked (a redirect the page would follow is
        followed here, so that no hop escapes the guard)."""
        target = self.policy.check_url(url)
        sent = {k: v for k, v in headers.items() if k.lower() in ("accept", "content-type", "referer", "x-requested-with")}
        for _hop in range(self._crawl.max_redirects + 1):
            sending = await outgoing(self.policy, target, self._crawl.connect_timeout_s)
            async with (self._pace(str(target)) if self._pace else nullcontext(),  # headers and body
                        self._session().request(method, sending.url, headers=sending.headers(sent), data=body,
                                                allow_redirects=False, ssl=False,
                                                server_hostname=sending.server_hostname) as response):
                status = response.status
                location = response.headers.get("location") if status in REDIRECTS else None
                if location is None:
                    if "attachment" in response.headers.get("content-disposition", "").lower():
                        raise TargetRefused("downloads are not rendered")
                    data, _cut = await read_capped(response, self._crawl.max_response_bytes)
                    kept = {name: ", ".join(response.headers.getall(name)) for name in _KEPT_HEADERS
                            if name in response.headers}
                    return status, kept, data
            target = self.policy.check_url(target.join(as_sent(location)))
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, body = "GET", None
        raise TargetRefused(f"more than {self._crawl.max_redirects} redirects")


async def _fulfil(route: Route, status: int, headers: dict[str, str], body: bytes) -> None:
    try:
        await route.fulfill(status=status, headers=headers, body=body)
    except Exception as exc:  # the page went away meanwhile
        log.debug("fulfilling %s failed: %s", route.request.url, exc)


async def _abort(route: Route, code: str) -> None:
    try:
        await route.abort(code)
    except Exception as exc:
        log.debug("aborting %s failed: %s", route.request.url, exc)
