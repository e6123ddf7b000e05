"""The HTTP client every check uses: polite to the sites, bounded in time and size, safe for the server.

A fetch never raises for an ordinary failure: timeouts, refusals, 404s and broken certificates come
back as a `FetchResult` with an `Outcome`, because a broken site is a finding, not a crash.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import socket
import ssl
import time
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from itertools import accumulate
from types import TracebackType
from typing import TypeVar
from urllib.parse import quote

import aiohttp
import httpx

from monitor.config import CrawlSettings
from monitor.fetch.decode import decode_body
from monitor.fetch.result import INCOMPLETE_LINK_FLOOD, INCOMPLETE_TOO_DEEP, FetchResult, Outcome
from monitor.fetch.robots import RobotsCache
from monitor.fetch.safety import (
    Resolver,
    TargetPolicy,
    TargetRefused,
    guarded_session,
    outgoing,
    system_resolver,
)
from monitor.fetch.servers import CachingResolver, ServerMap
from monitor.fetch.silent import ServerSilent, SilentServers
from monitor.fetch.tls import read_certificate, trust_context
from monitor.observations import Certificate
from monitor.sizing import ceiling

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({502, 503, 504})
_TEXT_MARKERS = ("html", "xml", "json", "javascript")
_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    # Only encodings this module inflates under the size cap (see `read_capped`).
    "Accept-Encoding": "gzip, deflate",
}
# Characters of a URL kept as they are when the non-ASCII bytes of a Location header are percent-encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_INFLATE_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class DeadlineExceeded(TimeoutError):
    """The fetch as a whole (all hops and retries) outlasted its timeout_s."""


def outcome_for(exc: BaseException) -> tuple[Outcome, str]:
    """The one mapping from an exception to (Outcome, readable detail); order matters (aiohttp's
    timeouts and TLS errors are connection errors too, and a DNS failure is a connector error).

    What aiohttp raises: ClientConnectorDNSError caused by socket.gaierror (DNS);
    ConnectionTimeoutError / SocketTimeoutError, both TimeoutError (TIMEOUT);
    ClientConnectorCertificateError and ClientConnectorSSLError, both ssl.SSLError (TLS);
    ClientConnectorError caused by ConnectionRefusedError, ServerDisconnectedError (a server that hangs
    up without answering), ClientOSError (a reset) (CONNECT); ClientResponseError (a malformed
    response) and ClientPayloadError (a body cut short or not decodable) (ERROR)."""
    detail = _describe(exc)
    if isinstance(exc, ServerSilent):
        return exc.outcome, str(exc)
    if isinstance(exc, TargetRefused):
        return Outcome.REFUSED, str(exc)
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return Outcome.REFUSED, detail
    if isinstance(exc, TimeoutError):
        return Outcome.TIMEOUT, detail
    chain = list(_chain(exc))
    if any(isinstance(link, socket.gaierror) for link in chain):
        return Outcome.DNS, detail
    if any(isinstance(link, ssl.SSLError) for link in chain):
        return Outcome.TLS, detail
    if isinstance(exc, aiohttp.ClientConnectionError | ConnectionError):
        return Outcome.CONNECT, detail
    return Outcome.ERROR, detail


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and its causes (aiohttp's connector errors wrap the OSError that says why)."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


@dataclass
class _Budget:
    """Network time a fetch may spend. Waiting for our own politeness slots is not counted."""

    timeout_s: float | None
    clock: Callable[[], float]
    spent: float = 0.0

    def remaining(self) -> float | None:
        return None if self.timeout_s is None else self.timeout_s - self.spent

    async def run(self, work: Callable[[], Awaitable[T]]) -> T:
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded(f"no complete response within {self.timeout_s:g} s")
        started = self.clock()
        deadline = asyncio.timeout(remaining)
        try:
            async with deadline:
                return await work()
        except TimeoutError as exc:
            if deadline.expired():
                raise DeadlineExceeded(f"no complete response within {self.timeout_s:g} s") from exc
            raise
        finally:
            self.spent += self.clock() - started


@dataclass
class _Hop:
    """One request/response of a fetch (a redirect makes several)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    truncated: bool = False
    tls_unverified: str = ""

    @property
    def location(self) -> str | None:
        location = self.headers.get("location") if self.status in REDIRECT_STATUSES else None
        return None if location is None else as_sent(location)


def as_sent(location: str) -> str:
    """A Location header with its bytes that are not ASCII percent-encoded as the server sent them (a
    GBK path stays GBK: aiohttp hands undecodable header bytes over as surrogate escapes)."""
    return location if location.isascii() else quote(location.encode("utf-8", "surrogateescape"), safe=_URL_SAFE)


@dataclass
class _Trail:
    """Where a fetch is, so a failure on any hop still reports the URL it failed on."""

    current: str
    tls_unverified: str = ""
    hops: int = 0


class HttpFetcher:
    """Implements `Fetcher`. Use as `async with HttpFetcher(settings.crawl) as fetcher: ...`.

    Requests go out through one aiohttp session guarded by `GuardedResolver` (see monitor.fetch.safety),
    made at the first request. `sleep` and `clock` are the pauses and the monotonic clock, injectable
    so tests never wait; `resolver` replaces DNS.

    Politeness (`per_host_concurrency`, the delay, robots.txt Crawl-delay) is kept per server: host
    names on one address or one configured platform group share it (see `monitor.fetch.servers`).
    """

    def __init__(self, crawl: CrawlSettings, *,
                 sleep: Sleep = asyncio.sleep, clock: Callable[[], float] = time.monotonic,
                 resolver: Resolver | None = None, ipv6_only: bool = False):
        """`ipv6_only`: connect over IPv6 only (see `over_ipv6`)."""
        self._crawl = crawl
        self._sleep = sleep
        self._clock = clock
        self._policy = TargetPolicy(crawl.allow_private_targets, dict(crawl.host_overrides),
                                    CachingResolver(resolver or system_resolver, clock=clock), ipv6_only=ipv6_only)
        self._resolver = resolver
        self._ipv6: HttpFetcher | None = None
        self._servers = ServerMap(self._policy, crawl.platform_groups)
        self._silent = SilentServers(crawl.dead_host_memory_s, clock)
        self._http: aiohttp.ClientSession | None = None
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(crawl.per_host_concurrency))
        self._global_slots = asyncio.Semaphore(ceiling(crawl).requests)
        self._next_start: dict[str, float] = {}  # politeness group -> earliest start of its next request
        self._unverified: dict[str, str] = {}  # host -> certificate error tolerated for it
        self._robots = RobotsCache(self._load_robots, crawl.user_agent)

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._ipv6 is not None:
            await self._ipv6.aclose()

    # -- transport facts: the certificate, the IPv6 path ---------------------------------------------
    async def certificate(self, url: str, timeout_s: float | None = None) -> Certificate:
        """The certificate the https origin of `url` presents (see monitor/fetch/tls.py), within the
        connect timeout and through the SSRF guard; raises when none could be read."""
        target = self._policy.check_url(url)
        override = self._policy.override_for(target.host)
        if override is not None and override.plain:
            raise TargetRefused(f"{target.host} is overridden to a plain HTTP server: no certificate to read")
        port = target.port or 443
        host = target.host.lower()
        address = await self._servers.address_of(host, port, self._crawl.connect_timeout_s)
        self._silent.check(address, host)
        async with self._slot(self._servers.group_of(host, address), host):  # a connection to the server: its turn
            return await read_certificate(self._policy, target.host, port,
                                          timeout_s or self._crawl.connect_timeout_s, self._crawl.extra_ca_files)

    async def ipv6_addresses(self, host: str) -> list[str]:
        """The host's IPv6 addresses (its AAAA records, or what `host_overrides` lists for it); raises
        socket.gaierror when the name does not resolve at all."""
        overrides = self._policy.overrides_for(host)
        if overrides:
            return [o.host for o in overrides if ":" in o.host]
        if ":" in host or host.replace(".", "").isdigit():
            return [host.strip("[]")] if ":" in host else []
        async with asyncio.timeout(self._crawl.connect_timeout_s):
            found = await (self._resolver or system_resolver)(host, 443)
        return [address for address in found if ":" in address]

    def over_ipv6(self) -> HttpFetcher:
        """A fetcher with these settings that connects over IPv6 only; closed with this one."""
        if self._ipv6 is None:
            self._ipv6 = HttpFetcher(self._crawl, sleep=self._sleep, clock=self._clock, resolver=self._resolver,
                                     ipv6_only=True)
        return self._ipv6

    async def fetch(self, url: str, *, respect_robots: bool = True, timeout_s: float | None = None,
                    method: str = "GET", headers: Mapping[str, str] | None = None,
                    max_bytes: int | None = None) -> FetchResult:
        """Fetch `url`, following redirects; `timeout_s` (default `crawl.fetch_deadline_s`) bounds the
        network time of the whole fetch: every hop and retry, headers and body.

        `headers` are added to every hop's request (platform APIs want their own Referer or Accept);
        `max_bytes` lowers the size cap for this fetch."""
        budget = _Budget(timeout_s if timeout_s is not None else self._crawl.fetch_deadline_s, self._clock)
        trail = _Trail(current=url)
        limit = min(max_bytes, self._crawl.max_response_bytes) if max_bytes else self._crawl.max_response_bytes
        try:
            result = await self._follow(url, method.upper(), respect_robots and self._crawl.respect_robots,
                                        budget, trail, dict(headers or {}), limit)
        except Exception as exc:  # a broken site is an outcome, never a crash
            outcome, error = outcome_for(exc)
            if outcome is Outcome.ERROR:
                log.warning("fetch %s failed unexpectedly: %s", trail.current, error)
            result = FetchResult(url=url, outcome=outcome, final_url=trail.current, error=error,
                                 tls_unverified=trail.tls_unverified)
        result.elapsed_s = round(budget.spent, 3)
        log.debug("fetch %s -> %s %s (%.2fs)", url, result.outcome, result.status, result.elapsed_s)
        return result

    # -- redirects, retries, TLS fallback -----------------------------------------------------------
    async def _follow(self, url: str, method: str, respect_robots: bool, budget: _Budget,
                      trail: _Trail, headers: dict[str, str], limit: int) -> FetchResult:
        """Follow redirects by hand so that every hop passes the SSRF guard and robots.txt."""
        target = self._policy.check_url(url)
        while True:
            trail.current = str(target)
            if respect_robots and not await self._robots.allowed(trail.current):
                return FetchResult(url=url, outcome=Outcome.REFUSED, final_url=trail.current,
                                   error=f"robots.txt disallows {trail.current}")
            hop = await self._attempts(method, target, budget, headers, limit)
            trail.tls_unverified = trail.tls_unverified or hop.tls_unverified
            if hop.location is None:
                return _result(url, method, hop, trail.tls_unverified, self._crawl.max_links_per_page)
            if trail.hops >= self._crawl.max_redirects:
                return FetchResult(url=url, outcome=Outcome.REDIRECTS, final_url=trail.current, status=hop.status,
                                   headers=hop.headers, error=f"more than {self._crawl.max_redirects} redirects",
                                   tls_unverified=trail.tls_unverified)
            trail.hops += 1
            target = self._policy.check_url(target.join(hop.location))
            if hop.status == 303 or (hop.status in (301, 302) and method == "POST"):
                method = "GET"

    async def _attempts(self, method: str, url: httpx.URL, budget: _Budget, headers: dict[str, str],
                        limit: int) -> _Hop:
        """One hop with retries for failures retrying can fix only: resets, 502/503/504, and timeouts
        of a server that answered lately. Never for a refused connection or a name that does not
        resolve, nor for a server never heard from that timed out (it is hung: each try would cost
        another deadline); such a server is then not asked again in this run (`SilentServers`)."""
        host = url.host.lower()
        address = await self._servers.address_of(host, url.port or _default_port(url), self._crawl.connect_timeout_s)
        group = self._servers.group_of(host, address)
        retries = max(0, self._crawl.retries)
        for attempt in range(retries + 1):
            last = attempt == retries
            try:
                self._silent.check(address, host)
                hop = await self._hop(method, url, budget, headers, limit, group, address)
            except Exception as exc:
                retry = not last and _transient(exc, self._silent.alive(address))
                if not retry or not await self._backoff(attempt, budget):
                    if _silence(exc):
                        self._silent.failed(address, *outcome_for(exc))
                    raise
                continue
            if hop.status in TRANSIENT_STATUSES and not last and await self._backoff(attempt, budget):
                continue
            return hop
        raise AssertionError("unreachable")

    async def _backoff(self, attempt: int, budget: _Budget) -> bool:
        """Pause before a retry (doubling); False when the budget cannot afford another try."""
        delay = self._crawl.retry_backoff_s * (2 ** attempt)
        remaining = budget.remaining()
        if remaining is not None and budget.timeout_s is not None and remaining <= budget.timeout_s * 0.1:
            return False  # too little time left for a try that could succeed
        await self._sleep(delay)
        return True

    async def _hop(self, method: str, url: httpx.URL, budget: _Budget, headers: dict[str, str],
                   limit: int, group: str, address: str) -> _Hop:
        """Send once; a broken certificate is retried once without verification and remembered."""
        host = url.host.lower()
        async with self._slot(group, host):
            self._silent.check(address, host)  # it may have gone silent while this request waited
            tolerated = self._unverified.get(host, "")
            try:
                hop = await budget.run(lambda: self._send(not tolerated, method, url, budget, headers, limit, address))
            except Exception as exc:
                if tolerated or url.scheme != "https" or outcome_for(exc)[0] is not Outcome.TLS:
                    raise
                tolerated = outcome_for(exc)[1]
                hop = await budget.run(lambda: self._send(False, method, url, budget, headers, limit, address))
                self._unverified[host] = tolerated
            hop.tls_unverified = tolerated
            return hop

    # -- one request --------------------------------------------------------------------------------
    async def _send(self, verify: bool, method: str, url: httpx.URL, budget: _Budget,
                    headers: dict[str, str], limit: int, address: str) -> _Hop:
        """One request; `verify=False` skips certificate verification (a host whose error is tolerated)."""
        target = await outgoing(self._policy, url, self._crawl.connect_timeout_s)
        async with self._session().request(method, target.url, headers=target.headers(headers),
                                           allow_redirects=False, ssl=verify,
                                           server_hostname=target.server_hostname,
                                           timeout=self._timeout(budget.timeout_s)) as response:
            self._silent.answered(address)
            hop = _Hop(url=str(url), status=response.status, headers=_lower_case(response.headers.items()))
            if hop.location is None and method != "HEAD":
                hop.body, hop.truncated = await read_capped(response, limit)
        return hop

    def _timeout(self, limit: float | None) -> aiohttp.ClientTimeout:
        """Connect and read timeouts, neither longer than the fetch's own limit."""
        timeout = self._timeouts.get(limit)
        if timeout is None:
            connect, read = self._crawl.connect_timeout_s, self._crawl.read_timeout_s
            if limit is not None:
                connect, read = min(connect, limit), min(read, limit)
            timeout = self._timeouts[limit] = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        return timeout

    def _session(self) -> aiohttp.ClientSession:
        """The one session, made at the first request (aiohttp wants a running loop)."""
        if self._http is None:
            extra = self._crawl.extra_ca_files
            self._http = guarded_session(
                self._policy, verify=trust_context(extra) if extra else True, limit=ceiling(self._crawl).requests,
                connect_timeout_s=self._crawl.connect_timeout_s, read_timeout_s=self._crawl.read_timeout_s,
                headers={"User-Agent": self._crawl.user_agent, **_HEADERS})
        return self._http

    # -- politeness ---------------------------------------------------------------------------------
    @asynccontextmanager
    async def share_of(self, url: str) -> AsyncIterator[None]:
        """A request slot of `url`'s server for a request sent elsewhere (the browser's): the server's
        concurrency limit and the global cap, without the pacing (a page's scripts and styles come at once)."""
        target = httpx.URL(url)  # the caller has put it through the guard: this is only its turn
        host = target.host.lower()
        address = await self._servers.address_of(host, target.port or _default_port(target),
                                                 self._crawl.connect_timeout_s)
        async with self._host_slots[self._servers.group_of(host, address)], self._global_slots:
            yield

    @asynccontextmanager
    async def _slot(self, group: str, host: str) -> AsyncIterator[None]:
        """Per-server concurrency and spacing (the host's Crawl-delay included), then the global cap."""
        async with self._host_slots[group]:
            await self._wait_turn(group, host)
            async with self._global_slots:
                yield

    async def _wait_turn(self, group: str, host: str) -> None:
        """Reserve the next start time of the server without holding a lock while sleeping."""
        crawl_delay = min(self._robots.crawl_delay(host), self._crawl.max_crawl_delay_s)
        delay = max(self._crawl.per_host_delay_s, crawl_delay)
        now = self._clock()
        start = max(now, self._next_start.get(group, now))
        self._next_start[group] = start + delay
        if start > now:
            await self._sleep(start - now)

    async def _load_robots(self, robots_url: str) -> tuple[int | None, str]:
        result = await self.fetch(robots_url, respect_robots=False, max_bytes=self._crawl.max_robots_bytes)
        if result.outcome not in (Outcome.OK, Outcome.TOO_LARGE):
            return None, ""
        return result.status, result.body.decode("utf-8", errors="replace")


def _transient(exc: Exception, alive: bool) -> bool:
    """Whether another try can succeed: a reset can; a timeout only on a server that answered lately."""
    if isinstance(exc, DeadlineExceeded | ServerSilent) or _refused_connection(exc):
        return False
    outcome = outcome_for(exc)[0]
    return outcome is Outcome.CONNECT or (outcome is Outcome.TIMEOUT and alive)


def _silence(exc: Exception) -> bool:
    """The server gave no sign of life: no address, nothing listening, or no answer in time. A server
    that accepted and then hung up is there (one path of it misbehaves)."""
    if isinstance(exc, ServerSilent):
        return False
    outcome = outcome_for(exc)[0]
    return outcome in (Outcome.DNS, Outcome.TIMEOUT) or _refused_connection(exc)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _refused_connection(exc: BaseException) -> bool:
    return any(isinstance(link, ConnectionRefusedError)
               or (isinstance(link, OSError) and link.errno == errno.ECONNREFUSED)
               or "connection refused" in str(link).lower() for link in _chain(exc))


def _lower_case(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names in lower case; a header sent several times keeps every value, comma-separated."""
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


async def read_capped(response: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """The body up to `limit` bytes after content decoding, so a gzip bomb is cut too.

    The session does not decode: gzip and deflate are inflated here with a bound on each step's
    output, so a 64 KB chunk of a bomb never becomes 60 MB in memory. Any other encoding (not asked
    for) is kept as sent. A body cut at the cap leaves its connection to be closed, not reused."""
    encoding = response.headers.get("content-encoding", "")
    wbits = _INFLATE_WBITS.get(encoding.strip().lower()) if encoding else None
    chunks: list[bytes] = []
    size = 0
    inflater: zlib._Decompress | None = None
    while raw := await response.content.readany():
        if wbits is None:
            chunk = raw
        else:
            if inflater is None:
                inflater = _inflater(wbits, raw)
            try:
                chunk = inflater.decompress(raw, limit - size + 1)
            except zlib.error as exc:
                raise aiohttp.ClientPayloadError(f"bad {encoding} body: {exc}") from exc
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def _inflater(wbits: int, first: bytes) -> zlib._Decompress:
    """A decompressor for the body; "deflate" is sent both zlib-wrapped and raw in the wild."""
    if wbits == zlib.MAX_WBITS and first and (first[0] & 0x0F) != 8:
        wbits = -zlib.MAX_WBITS
    return zlib.decompressobj(wbits)


def _result(url: str, method: str, hop: _Hop, tls_unverified: str, max_links: int) -> FetchResult:
    content_type = hop.headers.get("content-type", "")
    text, encoding = decode_body(hop.body, content_type) if _is_textual(content_type, hop.body) else ("", "")
    outcome, error = _judge(hop, method)
    return FetchResult(url=url, outcome=outcome, final_url=hop.url, status=hop.status, headers=hop.headers,
                       body=hop.body, text=text, encoding=encoding, error=error,
                       tls_unverified=tls_unverified, truncated=hop.truncated, undecodable=not_text(text),
                       unparsable=too_costly(text, max_links) if "html" in content_type.lower() else "")


# Deeper than this, the HTML parser's work grows with depth times tags (100 000 nested <div>s take
# minutes); real pages nest a few dozen levels.
MAX_NESTING = 1000
# Elements that never nest (void) or that the parser closes by itself (<p>, <li>, <td> ...): not counted.
# ("<div/>" is no self-closing tag in HTML: the parser opens a <div> all the same.)
_OPEN_OR_CLOSE = re.compile(
    r"<(/?)(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|dt|dd|option|"
    r"optgroup|tr|td|th|tbody|thead|tfoot|rt|rp)\b)[a-zA-Z]")
_ANCHOR = re.compile(r"<a\s", re.IGNORECASE)
_STEP = {"": 1, "/": -1}


def too_costly(html: str, max_links: int) -> str:
    """Why parsing `html` would cost more than any real page does, or "": more than `max_links` links,
    or tags nested deeper than MAX_NESTING. Counted with C-level scans (a few ms for a 5 MB page)."""
    if html.count("<") < MAX_NESTING:
        return ""
    links = len(_ANCHOR.findall(html))
    if links > max_links:
        return f"{INCOMPLETE_LINK_FLOOD}（{links} 个链接，上限 {max_links}）"
    steps = map(_STEP.__getitem__, _OPEN_OR_CLOSE.findall(html))
    if max(accumulate(steps, initial=0)) > MAX_NESTING:
        return INCOMPLETE_TOO_DEEP
    return ""


# Share of a text's characters that may be control or replacement characters before it counts as binary.
_GARBAGE_SHARE = 0.02
_SAMPLE_CHARS = 16_384
_GARBAGE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def not_text(text: str) -> bool:
    """True for bytes served as text that decode to garbage (an image or archive labelled text/html):
    real pages carry practically no C0 control characters or undecodable bytes."""
    sample = text[:_SAMPLE_CHARS]
    return bool(sample) and len(_GARBAGE.findall(sample)) > max(8, len(sample) * _GARBAGE_SHARE)


def _judge(hop: _Hop, method: str) -> tuple[Outcome, str]:
    if hop.status >= 400:
        return Outcome.HTTP_STATUS, f"HTTP {hop.status}"
    if hop.truncated:
        return Outcome.TOO_LARGE, f"response cut at {len(hop.body)} bytes"
    if method != "HEAD" and not hop.body.strip():
        return Outcome.EMPTY, f"HTTP {hop.status} with an empty body"
    return Outcome.OK, ""


def _is_textual(content_type: str, body: bytes) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    if not mime:
        return bool(body)
    return mime.startswith("text/") or any(marker in mime for marker in _TEXT_MARKERS)
