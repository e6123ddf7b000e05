"""SSRF guard: the monitor runs on a server, so a registry row or a redirect must never make it
fetch an internal address (metadata services, admin panels, the database host).

Two layers. `TargetPolicy.check_url` refuses bad schemes and private IP literals before a request
is built (this is what stops a redirect to http://169.254.169.254/). `GuardedResolver` then checks
at connect time: the HTTP client's only resolver, it resolves the name itself, checks every address,
and hands the client only the addresses it checked, so a DNS answer cannot change between the check
and the connection (DNS rebinding; the client keeps no DNS cache of its own). `host_overrides` are
applied there too, so the URL, the Host header and the TLS server name the caller sees stay those of
the real site. An override may list several addresses separated by commas ("127.0.0.1:8443,[::1]:8443"):
a name with both an A and an AAAA record. `outgoing` covers what the resolver never sees: IP literals
(connected to without resolving) and plain-HTTP overrides of https sites.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> addresses; raises socket.gaierror when the name does not resolve.
Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(Exception):
    """The target is refused by policy (scheme, private address). An outcome, not a bug."""


class NoIpv6Address(ConnectionError):
    """An IPv6-only fetch of a host without an IPv6 address (no AAAA record)."""

    def __init__(self, host: str):
        super().__init__(errno.EADDRNOTAVAIL, f"[no-aaaa] {host}: no IPv6 address")


async def system_resolver(host: str, port: int) -> list[str]:
    """All addresses of `host`, in the order the system prefers."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    return addresses


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address; embedded IPv4 (mapped, 6to4, Teredo) is unwrapped."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
        or address.is_reserved or address.is_unspecified
    )


@lru_cache(maxsize=4096)
def parse_ip(host: str) -> IPAddress | None:
    """The address an IP-literal host names, or None for a name (asked several times a request: cached)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Override:
    """Where requests for one host really go. `plain` skips TLS (a local demo server for an https site)."""

    host: str
    port: int | None
    plain: bool = False

    @classmethod
    def parse(cls, value: str) -> Override:
        """"127.0.0.1:8001" keeps the scheme; "http://127.0.0.1:8001" always talks plain HTTP."""
        plain = value.startswith("http://")
        url = httpx.URL(value if "://" in value else f"tcp://{value}")
        if not url.host:
            raise ValueError(f"host override {value!r} names no host")
        return cls(url.host, url.port, plain)


@dataclass(frozen=True)
class TargetPolicy:
    allow_private: bool = False
    overrides: Mapping[str, str] = field(default_factory=dict)
    resolver: Resolver = system_resolver
    ipv6_only: bool = False  # connect over IPv6 only (the IPv6 reachability check)

    def override_for(self, host: str) -> Override | None:
        found = self.overrides_for(host)
        return found[0] if found else None

    def overrides_for(self, host: str) -> list[Override]:
        """Every address an override lists for `host`, in order (none: no override)."""
        value = self.overrides.get(host.lower().rstrip("."))
        return [Override.parse(part.strip()) for part in value.split(",") if part.strip()] if value else []

    def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """Refuse what can be refused without DNS: a bad scheme, no host, a private IP literal."""
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise TargetRefused(f"not a valid URL: {url}") from exc
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise TargetRefused(f"scheme {parsed.scheme or '(none)'!r} is not fetched (only http and https)")
        if not parsed.host:
            raise TargetRefused(f"no host in URL: {url}")
        literal = parse_ip(parsed.host)
        if literal is not None and not self.allows(parsed.host, literal):
            raise TargetRefused(_refusal(parsed.host, literal))
        if literal is None and parsed.host.replace(".", "").isdigit():
            # 2130706433, 127.1: legacy spellings of an address that the system would map onto one
            raise TargetRefused(f"{parsed.host} is not a canonical IP address; refused")
        return parsed

    def allows(self, host: str, address: IPAddress) -> bool:
        return self.allow_private or self.override_for(host) is not None or is_public_address(address)

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[tuple[str, int]]:
        """The checked addresses to connect to for host:port (overrides first, without checks);
        with `ipv6_only`, the IPv6 ones only (none: `NoIpv6Address`). A name that does not resolve
        raises socket.gaierror, one that takes longer than `timeout` TimeoutError."""
        found = await self._numeric(await self._addresses(host, port, timeout), timeout)
        if not self.ipv6_only:
            return found
        six = [(address, target_port) for address, target_port in found if ":" in address]
        if not six:
            raise NoIpv6Address(host)
        return six

    async def _numeric(self, found: list[tuple[str, int]], timeout: float | None) -> list[tuple[str, int]]:
        """Names among the targets (an override naming a host, any name when private targets are
        allowed) replaced by their addresses, unchecked: the client connects only to addresses."""
        if all(parse_ip(address) is not None for address, _port in found):
            return found
        numeric: list[tuple[str, int]] = []
        for address, port in found:
            if parse_ip(address) is not None:
                numeric.append((address, port))
            else:
                numeric.extend((text, port) for text in await _resolve(self.resolver, address, port, timeout))
        return numeric

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[tuple[str, int]]:
        overrides = self.overrides_for(host)
        if overrides:
            return [(override.host, override.port or port) for override in overrides]
        if parse_ip(host) is not None or self.allow_private:
            literal = parse_ip(host)
            if literal is not None and not self.allows(host, literal):
                raise TargetRefused(_refusal(host, literal))
            return [(host.strip("[]"), port)]  # nothing to check
        found = await _resolve(self.resolver, host, port, timeout)
        for text in found:
            address = ipaddress.ip_address(text.split("%")[0])
            if not is_public_address(address):
                raise TargetRefused(_refusal(host, address))
        return [(text, port) for text in found]


def _refusal(host: str, address: IPAddress) -> str:
    what = f"{address} is a non-public address" if host.strip("[]") == str(address) else \
        f"{host} resolves to non-public address {address}"
    return f"{what}; refused (crawl.allow_private_targets is false)"


async def _resolve(resolver: Resolver, host: str, port: int, timeout: float | None) -> list[str]:
    """Resolve within the connect timeout."""
    try:
        async with asyncio.timeout(timeout):
            found = await resolver(host, port)
    except TimeoutError as exc:
        raise TimeoutError(f"resolving {host} timed out") from exc
    if not found:
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: no address")
    return found


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver for a guarded session: only the addresses `TargetPolicy.addresses` checked.

    aiohttp turns an OSError raised here (socket.gaierror, `NoIpv6Address`) into its
    ClientConnectorDNSError with the error as cause; TargetRefused and TimeoutError pass through."""

    def __init__(self, policy: TargetPolicy, timeout_s: float | None):
        self._policy = policy
        self._timeout_s = timeout_s

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=address, port=target_port,
                              family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                              proto=0, flags=socket.AI_NUMERICHOST)
                for address, target_port in await self._policy.addresses(host, port, self._timeout_s)]

    async def close(self) -> None:
        pass


def guarded_session(policy: TargetPolicy, *, verify: bool | ssl.SSLContext, limit: int, connect_timeout_s: float,
                    read_timeout_s: float, headers: Mapping[str, str]) -> aiohttp.ClientSession:
    """An aiohttp session that connects only where `policy` allows: `GuardedResolver` and no DNS cache
    of its own, no proxies from the environment, redirects and content decoding left to the caller
    (every hop passes the guard; bodies are inflated under a size cap). Send requests with `outgoing`.

    aiohttp's own silent retry of an idempotent request whose connection dropped is off: retries are
    the caller's, counted against its deadline (a server that hangs up is asked `retries` times, not twice that)."""
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy, connect_timeout_s), use_dns_cache=False,
                                     limit=limit, limit_per_host=0, ssl=verify)
    session = aiohttp.ClientSession(
        connector=connector, headers=headers, trust_env=False, auto_decompress=False,
        cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies of sites reached by address too
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s, sock_read=read_timeout_s),
        max_line_size=_MAX_HEADER_LINE, max_field_size=_MAX_HEADER_LINE,
    )
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    return session


# A header line longer than this ends the fetch (a cookie of a few KB passes; a hostile endless one does not).
_MAX_HEADER_LINE = 16_384


@dataclass(frozen=True)
class Outgoing:
    """How to send a request for a checked URL: the URL handed to aiohttp (sent as given, already
    encoded), the Host header when that URL does not carry the real one, and the TLS server name."""

    url: URL
    host_header: str | None = None
    server_hostname: str | None = None

    def headers(self, headers: Mapping[str, str]) -> Mapping[str, str]:
        return headers if self.host_header is None else {**headers, "Host": self.host_header}


async def outgoing(policy: TargetPolicy, url: httpx.URL, timeout: float | None) -> Outgoing:
    """Where aiohttp sends a request for `url` (checked by `check_url`), keeping the site's URL, Host
    header and TLS server name. A name goes out as it is: `GuardedResolver` maps it to its checked
    addresses or its override. Two cases the resolver never sees are settled here: an https site
    overridden to a plain HTTP server goes out as http to the same port (the override keeps its
    address), and an IP literal, which aiohttp connects to without resolving, gets its override or the
    `ipv6_only` check."""
    overrides = policy.overrides_for(url.host)
    plain = bool(overrides) and overrides[0].plain
    if parse_ip(url.host) is None and not plain:
        return Outgoing(URL(str(url), encoded=True))
    port = url.port or (443 if url.scheme == "https" else 80)
    scheme = "http" if plain else url.scheme
    netloc = url.netloc.decode("ascii")
    if parse_ip(url.host) is None:
        return Outgoing(URL(str(url.copy_with(scheme=scheme, port=port)), encoded=True), host_header=netloc)
    address, target_port = (await policy.addresses(url.host, port, timeout))[0]
    if (address, target_port) == (url.host.strip("[]"), port) and not plain:
        return Outgoing(URL(str(url), encoded=True))
    moved = url.copy_with(scheme=scheme, host=address, port=target_port)
    return Outgoing(URL(str(moved), encoded=True), host_header=netloc, server_hostname=url.host.strip("[]"))
