"""The fetch gate of one site crawl: page budget, no page twice, traps refused, every fetch counted.

Every fetch of a crawl (home page, columns, next pages, sampled articles, external targets, dead-link
checks) passes through `CrawlSession.fetch`, so the budget and the de-duplication cannot be bypassed.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from monitor.crawl.traps import TrapDetector
from monitor.crawl.urls import is_http_url, normalise_url
from monitor.fetch.result import Fetcher, FetchResult, Outcome
from monitor.observations import PageFailure, SiteObservation

log = logging.getLogger(__name__)

MAX_TRAP_URLS = 50


def _accepts_keyword(func: Callable[..., Any], name: str) -> bool:
    """Whether `func` takes keyword `name`: the Fetcher protocol has only `fetch(url)`, HttpFetcher more."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def fetch_failure(result: FetchResult) -> PageFailure:
    """The fetch's outcome, its status (of a failed outcome) and the detail."""
    status = result.status if result.outcome != Outcome.OK else None
    return PageFailure(str(result.outcome), status, result.error)


def describe_failure(result: FetchResult) -> str:
    """Outcome plus status and detail, e.g. "http_status 500: Internal Server Error"."""
    return fetch_failure(result).text()


class CrawlSession:
    """Per-crawl state around the fetcher; writes page counts, trap URLs and notes into `obs`.

    `reserve` pages are kept for the tail of the crawl (external targets, dead links) so a site with
    hundreds of columns cannot starve the security checks.
    """

    def __init__(self, fetcher: Fetcher, obs: SiteObservation, *, max_pages: int, reserve: int = 0):
        self._fetcher = fetcher
        self._obs = obs
        self._max_pages = max_pages
        self._reserve = min(reserve, max(max_pages - 1, 0))
        self._robots_keyword = _accepts_keyword(fetcher.fetch, "respect_robots")
        self._seen: set[str] = set()
        self._traps = TrapDetector()
        self.over_budget = 0

    def seen(self, url: str) -> bool:
        return normalise_url(url) in self._seen

    def mark_seen(self, url: str) -> None:
        if is_http_url(url):
            self._seen.add(normalise_url(url))

    def trap_reason(self, url: str, parent: str = "") -> str:
        """Why `url` is a trap; recorded in `obs.trap_urls` so the report can show what was skipped."""
        reason = self._traps.reason(url, parent)
        if reason and url not in self._obs.trap_urls and len(self._obs.trap_urls) < MAX_TRAP_URLS:
            self._obs.trap_urls.append(url)
            log.debug("trap skipped (%s): %s", reason, url)
        return reason

    def budget_left(self, *, tail: bool = False) -> int:
        limit = self._max_pages if tail else self._max_pages - self._reserve
        return max(limit - self._obs.pages_fetched, 0)

    def admit(self, url: str, parent: str = "", *, tail: bool = False, traps: bool = True) -> bool:
        """Claim `url` for one fetch: False when seen, a trap, not http(s) or over budget.

        Claiming happens before any await, so concurrent column tasks never fetch one page twice.
        `traps=False` for one-off fetches (an external target): a trap only matters when followed.
        """
        if not is_http_url(url) or self.seen(url) or (traps and self.trap_reason(url, parent)):
            return False
        if self.budget_left(tail=tail) <= 0:
            self.over_budget += 1
            return False
        self.mark_seen(url)
        self._obs.pages_fetched += 1
        return True

    async def fetch(
        self, url: str, parent: str = "", *, tail: bool = False, robots: bool = True, traps: bool = True
    ) -> FetchResult | None:
        """Fetch `url` if admitted (None otherwise); a fetcher exception becomes an ERROR outcome."""
        if not self.admit(url, parent, tail=tail, traps=traps):
            return None
        result = await self._get(url, robots)
        if result.final_url:
            self.mark_seen(result.final_url)
        return result

    async def _get(self, url: str, robots: bool) -> FetchResult:
        try:
            if not robots and self._robots_keyword:
                return await self._fetcher.fetch(url, respect_robots=False)  # type: ignore[call-arg]
            return await self._fetcher.fetch(url)
        except Exception as exc:  # a broken site must become a finding, never a crashed crawl
            log.warning("fetcher raised on %s: %r", url, exc)
            return FetchResult(url=url, outcome=Outcome.ERROR, error=f"{type(exc).__name__}: {exc}")

    def finish(self) -> None:
        """Add a note when pages were left out because the budget ran out."""
        if self.over_budget:
            self._obs.notes.append(
                f"page budget of {self._max_pages} pages reached: {self.over_budget} pages not fetched"
            )
