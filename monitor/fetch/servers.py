"""Which server a host name lives on, so politeness counts requests per server, not per name.

Many county sites live on one 集约化 platform: one address, many host names. Requests are grouped by
the configured platform group a host matches (`crawl.platform_groups`), else by the address it resolves
to (after `crawl.host_overrides`), so N sites on one platform share one server's limit instead of N.
A port other than 80/443 counts as a server of its own (another program listens there).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from monitor.fetch.safety import Resolver, TargetPolicy, parse_ip

DEFAULT_PORTS = (80, 443)
# How long an answer (or a failure) of the resolver is reused.
RESOLVE_TTL_S = 300.0


class CachingResolver:
    """A resolver that answers each (host, port) once per `ttl_s`, failures included: a name that did
    not resolve is not asked again by every page that links to it."""

    def __init__(self, inner: Resolver, *, ttl_s: float = RESOLVE_TTL_S,
                 clock: Callable[[], float] = time.monotonic):
        self._inner = inner
        self._ttl_s = ttl_s
        self._clock = clock
        self._answers: dict[tuple[str, int], tuple[float, list[str] | BaseException]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        key = (host.lower(), port)
        cached = self._answers.get(key)
        if cached is not None and cached[0] > self._clock():
            answer = cached[1]
        else:
            try:
                answer = list(await self._inner(host, port))
            except (socket.gaierror, TimeoutError) as exc:
                answer = exc
            self._answers[key] = (self._clock() + self._ttl_s, answer)
        if isinstance(answer, BaseException):
            raise answer
        return list(answer)


def platform_of(host: str, groups: Mapping[str, Sequence[str]]) -> str | None:
    """The configured platform group whose pattern matches `host` ("*.example.gov.cn" or a name)."""
    name = host.lower().rstrip(".")
    for group, patterns in groups.items():
        if any(fnmatchcase(name, pattern.lower()) or name == pattern.lower().removeprefix("*.")
               for pattern in patterns):
            return group
    return None


def static_server_of(host: str, port: int, policy: TargetPolicy, groups: Mapping[str, Sequence[str]]) -> str:
    """The server of a host as far as it is known without DNS: platform group, override target, address
    literal, else the host name itself (status and planning use this; the fetcher also resolves)."""
    group = platform_of(host, groups)
    if group is not None:
        return f"platform:{group}"
    override = policy.override_for(host)
    if override is not None:
        return f"{override.host}:{override.port or port}"
    if parse_ip(host) is not None:
        return _with_port(host.strip("[]"), port)
    return host.lower().rstrip(".")


def server_of_url(url: str, policy: TargetPolicy, groups: Mapping[str, Sequence[str]]) -> str:
    """`static_server_of` the host and port of a site's URL."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return static_server_of(parts.hostname or "", port, policy, groups)


@dataclass
class ServerMap:
    """Host name -> politeness group and address key, resolving names through the fetcher's resolver.

    `resolve=False` (a test transport with no resolver) keys unresolved names by the name itself."""

    policy: TargetPolicy
    groups: Mapping[str, Sequence[str]]
    resolve: bool = True

    async def address_of(self, host: str, port: int, timeout_s: float | None) -> str:
        """The address a request to host:port goes to, or the host name when it does not resolve."""
        known = static_server_of(host, port, self.policy, {})
        if not self.resolve or known != host.lower().rstrip("."):
            return known
        try:
            async with asyncio.timeout(timeout_s):
                found = await self.policy.resolver(host, port)
        except (OSError, TimeoutError):
            return known
        return _with_port(found[0].split("%")[0], port) if found else known

    def group_of(self, host: str, address: str) -> str:
        """Platform group when configured, else the address: the unit of per-server politeness."""
        group = platform_of(host, self.groups)
        return f"platform:{group}" if group is not None else address


def _with_port(address: str, port: int) -> str:
    return address if port in DEFAULT_PORTS else f"{address}:{port}"
