"""A counting limit whose size can change while holders wait: site checks at once, in all and per server."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from monitor.config import CrawlSettings
from monitor.fetch.safety import TargetPolicy
from monitor.fetch.servers import server_of_url

# Site checks at once on one server, per request it may take at once: more would only wait for its turn
# (politeness is per server) while holding a slot other servers' sites could use.
SITES_PER_SERVER_REQUEST = 2


class SiteSlots:
    """Site checks at once, resizable while checks run (the window plan is reviewed every tick)."""

    def __init__(self, size: int):
        self.size = size
        self.busy = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def resize(self, size: int) -> None:
        self.size = max(1, size)
        self._wake()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        while self.busy >= self.size:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                self._wake()  # a wake-up this waiter got passes to the next one
                raise
        self.busy += 1
        try:
            yield
        finally:
            self.busy -= 1
            self._wake()

    def _wake(self) -> None:
        free = self.size - self.busy
        while free > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1


class ServerSlots:
    """Site checks at once per server (as known without DNS: platform group, override, address, name)."""

    def __init__(self, crawl: CrawlSettings):
        self._policy = TargetPolicy(overrides=dict(crawl.host_overrides))
        self._groups = crawl.platform_groups
        self._size = SITES_PER_SERVER_REQUEST * crawl.per_host_concurrency
        self._slots: defaultdict[str, SiteSlots] = defaultdict(lambda: SiteSlots(self._size))

    def of(self, url: str) -> SiteSlots:
        return self._slots[server_of_url(url, self._policy, self._groups)]
