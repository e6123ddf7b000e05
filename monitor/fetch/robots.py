"""robots.txt, read once per host: the monitor is a polite visitor of the sites it judges.

A missing or unreadable robots.txt allows everything (a supervisor must still be able to check a site
whose robots.txt is broken); a Crawl-delay widens the pause between two requests to that host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
from protego import Protego

# A hostile or mistaken Crawl-delay must not stall a whole check: longer delays are cut to this.
MAX_CRAWL_DELAY_S = 60.0

# robots.txt URL -> (HTTP status or None, body text). The fetcher supplies it, with robots checks off.
RobotsLoader = Callable[[str], Awaitable[tuple[int | None, str]]]


class RobotsCache:
    """Parsed robots.txt per host, each fetched at most once even when many requests ask at once."""

    def __init__(self, load: RobotsLoader, user_agent: str):
        self._load = load
        self._agent = user_agent
        self._rules: dict[str, Protego | None] = {}
        self._pending: dict[str, asyncio.Future[Protego | None]] = {}

    async def allowed(self, url: str) -> bool:
        rules = await self._rules_for(url)
        return rules is None or rules.can_fetch(url, self._agent)

    def crawl_delay(self, host: str) -> float:
        """Crawl-delay of a host whose robots.txt was already read (0 if none or not read yet)."""
        rules = self._rules.get(host.lower())
        delay = rules.crawl_delay(self._agent) if rules is not None else None
        return min(float(delay), MAX_CRAWL_DELAY_S) if delay else 0.0

    async def _rules_for(self, url: str) -> Protego | None:
        host = (urlsplit(url).hostname or "").lower()  # the fetcher's URLs are normalised: no need to parse twice
        if host in self._rules:
            return self._rules[host]
        pending = self._pending.get(host)
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._pending[host] = pending
            robots_url = str(httpx.URL(url).copy_with(path="/robots.txt", query=None, fragment=None))
            try:
                self._rules[host] = await self._read(robots_url)
            finally:  # waiters must never hang, even if this reader was cancelled
                del self._pending[host]
                pending.set_result(self._rules.get(host))
        return await asyncio.shield(pending)

    async def _read(self, robots_url: str) -> Protego | None:
        """Protego rules, or None (allow all) when robots.txt is missing, failed or unparsable."""
        try:
            status, text = await self._load(robots_url)
        except Exception:  # a broken robots.txt must never stop a check
            return None
        if status != 200 or not text.strip():
            return None
        try:
            return Protego.parse(text)
        except Exception:
            return None
