"""Politeness towards platforms: a pause between two requests to one platform, and one answer per URL
per run.

Platforms such as m.weibo.cn throttle (418, 'freq control') long before a website would, so
accounts are fetched one at a time per platform with `platform_delay_s` between requests. The
cache means an account listed twice, or a feed shared by several accounts, costs one request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from monitor.fetch.result import Fetcher, FetchResult

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


def platform_key(url: str) -> str:
    """Requests are paced per host: one host is one platform (m.weibo.cn, an RSSHub instance...)."""
    return (urlsplit(url).hostname or url).lower()


class PoliteFetcher:
    """Wraps any Fetcher with per-platform pacing and a per-run response cache."""

    def __init__(self, inner: Fetcher, delay_s: float, *, sleep: Sleep = asyncio.sleep,
                 clock: Clock = time.monotonic):
        self.inner = inner
        self.delay_s = delay_s
        self._sleep = sleep
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}
        self._cache: dict[str, FetchResult] = {}
        self.requests = 0

    async def fetch(self, url: str, **options: Any) -> FetchResult:
        """`options` (headers, ...) go to the inner fetcher; one URL is fetched once per run."""
        key = platform_key(url)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if url in self._cache:
                return self._cache[url]
            await self._wait_turn(key)
            try:
                result = await self.inner.fetch(url, **options)
            finally:
                self._last[key] = self._clock()
            self.requests += 1
            self._cache[url] = result
            return result

    async def _wait_turn(self, key: str) -> None:
        """Sleep only the part of the delay that has not already passed since the last request."""
        if key not in self._last:
            return
        remaining = self.delay_s - (self._clock() - self._last[key])
        if remaining > 0:
            await self._sleep(remaining)


def polite(fetcher: Fetcher, delay_s: float, *, sleep: Sleep = asyncio.sleep) -> PoliteFetcher:
    """Wrap once: a fetcher that is already polite keeps its cache and its pacing state."""
    return fetcher if isinstance(fetcher, PoliteFetcher) else PoliteFetcher(fetcher, delay_s, sleep=sleep)
