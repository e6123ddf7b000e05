"""SSRF guard: the monitor runs on a server, so a registry row or a redirect must never make it
fetch an internal address (metadata services, admin panels, the database host).

Two layers. `TargetPolicy.check_url` refuses bad schemes and private IP literals before a request
is built (this is what stops a redirect to http://169.254.169.254/). `GuardedTransport` then checks
at connect time: it resolves the name itself, checks every address, and connects to the address it
checked, so a DNS answer cannot change between the check and the connection (DNS rebinding).
`host_overrides` are applied there too, so the URL, the Host header and the TLS server name the
caller sees stay those of the real site. An override may list several addresses separated by commas
("127.0.0.1:8443,[::1]:8443"): a name with both an A and an AAAA record.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import httpcore
import httpx

ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> addresses; raises socket.gaierror when the name does not resolve.
Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(Exception):
    """The target is refused by policy (scheme, private address). An outcome, not a bug."""


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


def parse_ip(host: str) -> IPAddress | None:
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
            parsed = httpx.URL(str(url))
        except httpx.InvalidURL as exc:
            raise TargetRefused(f"not a valid URL: {url}") from exc
        if parsed.scheme not in ALLOWED_SCHEMES:
            raise TargetRefused(f"scheme {parsed.scheme or '(none)'!r} is not fetched (only http and https)")
        if not parsed.host:
            raise TargetRefused(f"no host in URL: {url}")
        literal = parse_ip(parsed.host)
        if literal is not None and not self.allows(parsed.host, literal):
            raise TargetRefused(_refusal(parsed.host, literal))
        return parsed

    def allows(self, host: str, address: IPAddress) -> bool:
        return self.allow_private or self.override_for(host) is not None or is_public_address(address)

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[tuple[str, int]]:
        """The checked addresses to connect to for host:port (overrides first, without checks);
        with `ipv6_only`, the IPv6 ones only (none: the ConnectError of a name without AAAA)."""
        found = await self._addresses(host, port, timeout)
        if not self.ipv6_only:
            return found
        six = [(address, target_port) for address, target_port in found if ":" in address]
        if not six:
            raise httpcore.ConnectError(f"[no-aaaa] {host}: no IPv6 address")
        return six

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[tuple[str, int]]:
        overrides = self.overrides_for(host)
        if overrides:
            return [(override.host, override.port or port) for override in overrides]
        if parse_ip(host) is not None or self.allow_private:
            literal = parse_ip(host)
            if literal is not None and not self.allows(host, literal):
                raise TargetRefused(_refusal(host, literal))
            return [(host, port)]  # nothing to check: let the system connect as usual
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
    """Resolve within the connect timeout; failures become the ConnectError httpx would raise."""
    try:
        async with asyncio.timeout(timeout):
            found = await resolver(host, port)
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"[dns] {host}: {exc}") from exc
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
    if not found:
        raise httpcore.ConnectError(f"[dns] {host}: no address") from socket.gaierror(socket.EAI_NONAME, "no address")
    return found


class _PlainStream(httpcore.AsyncNetworkStream):
    """A plain TCP stream that ignores start_tls: an https site overridden to a local http server."""

    def __init__(self, inner: httpcore.AsyncNetworkStream):
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: typing.Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return self

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses the policy accepted."""

    def __init__(self, policy: TargetPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.AsyncNetworkStream:
        targets = await self._policy.addresses(host, port, timeout)
        override = self._policy.override_for(host)
        last: Exception | None = None
        for address, target_port in targets:
            try:
                stream = await self._inner.connect_tcp(address, target_port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _PlainStream(stream) if override is not None and override.plain else stream
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """The real HTTP transport with `GuardedBackend` underneath, no proxies from the environment."""

    def __init__(self, policy: TargetPolicy, *, verify: bool | ssl.SSLContext = True,
                 limits: httpx.Limits | None = None):
        super().__init__(verify=verify, trust_env=False, limits=limits or httpx.Limits(), retries=0)
        pool = getattr(self, "_pool", None)
        if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
            raise RuntimeError("this httpx/httpcore version does not allow a guarded network backend")
        pool._network_backend = GuardedBackend(policy)
