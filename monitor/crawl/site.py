"""The per-site crawl: home page, columns and sub-columns, integrity checks, external targets, dead links.

`SiteCrawler.crawl` turns one registered website into one `SiteObservation`. It judges nothing: the
rules in `monitor/checks/` read the observation as of a moment. A broken site yields an observation
saying so, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from monitor.config import CrawlSettings
from monitor.crawl.column_reader import ColumnRead, ColumnReader, newest_first, sanitise_dates
from monitor.crawl.deadlinks import MAX_DEAD_LINK_CHECKS, check_dead_links
from monitor.crawl.external import ExternalLinks
from monitor.crawl.pages import PageInspector, same_site_anchors
from monitor.crawl.session import CrawlSession, describe_failure
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.extract.columns import discover_columns
from monitor.extract.footer import extract_footer_identity
from monitor.extract.listing import extract_listing
from monitor.fetch.result import Fetcher, FetchResult
from monitor.models import Website
from monitor.observations import ColumnLink, SiteObservation
from monitor.rulebook import Rulebook

log = logging.getLogger(__name__)

MAX_HOMEPAGE_ITEMS = 100
MAX_ENTRANCE_LINKS = 3


class SiteCrawler:
    """Crawls registered websites through a polite `Fetcher`, one `SiteObservation` per site."""

    def __init__(self, fetcher: Fetcher, rulebook: Rulebook, crawl: CrawlSettings):
        self._fetcher = fetcher
        self._rulebook = rulebook
        self._crawl = crawl

    async def crawl(self, website: Website, as_of: datetime) -> SiteObservation:
        """Everything one crawl of `website` saw, as of `as_of` (dates are judged against its day)."""
        obs = SiteObservation(url=website.url, observed_at=as_of, homepage_ok=False)
        session = CrawlSession(
            self._fetcher, obs, max_pages=self._crawl.max_pages_per_site, reserve=self._tail_reserve()
        )
        home = await session.fetch(website.url)
        if home is None or not home.ok:
            obs.homepage_error = describe_failure(home) if home else "not fetched: not an http(s) URL"
            return obs
        scope = SiteScope.for_site(website.url, home.final_url or home.url)
        run = _SiteRun(self._rulebook, self._crawl, session, obs, scope, as_of.date())
        await run.run(home)
        return obs

    def _tail_reserve(self) -> int:
        """Pages kept for external checks and dead links: at most a quarter of the budget."""
        wanted = self._crawl.max_external_checks + MAX_DEAD_LINK_CHECKS
        return min(wanted, self._crawl.max_pages_per_site // 4)


class _SiteRun:
    """State of one crawl of one site; lives only for that crawl."""

    def __init__(
        self,
        rulebook: Rulebook,
        crawl: CrawlSettings,
        session: CrawlSession,
        obs: SiteObservation,
        scope: SiteScope,
        today: date,
    ):
        self._crawl = crawl
        self._session = session
        self._obs = obs
        self._scope = scope
        self._today = today
        self._external = ExternalLinks(rulebook, crawl.max_external_checks)
        self._inspector = PageInspector(rulebook, obs, self._scope, self._external)
        self._known_columns: set[str] = set()
        self._entrance_targets: list[str] = []
        self._reader = ColumnReader(
            session, self._inspector, rulebook, crawl, today, scope, self._known_columns
        )

    async def run(self, home: FetchResult) -> None:
        """Home page, then columns level by level, then external targets and dead links."""
        level_one = self._read_home(home)
        if not level_one and self._obs.homepage_is_entrance:
            level_one = await self._through_entrance()
        await self._read_columns(level_one)
        self._obs.external, notes = await self._external.judge(self._session)
        self._obs.notes += notes
        self._obs.dead_links = await check_dead_links(self._inspector.candidates, self._session)
        self._session.finish()

    def _read_home(self, home: FetchResult) -> list[ColumnLink]:
        """Record what the home page shows; return its first-level columns."""
        obs, html = self._obs, home.text
        obs.homepage_ok = True
        obs.final_url = home.final_url or home.url
        obs.tls_error = home.tls_unverified
        self._read_home_items(html)
        obs.footer = extract_footer_identity(html)
        self._inspector.inspect(html, obs.final_url)
        self._known_columns.add(normalise_url(obs.final_url))
        self._entrance_targets = [url for _, url in same_site_anchors(html, obs.final_url, self._scope)]
        return self._new_columns(discover_columns(html, obs.final_url, level=1), obs.final_url, 1)

    def _read_home_items(self, html: str) -> None:
        """Dated items of the home page; none at all makes it a navigation entrance (rules then judge
        the second-level pages)."""
        found = extract_listing(html, self._obs.final_url, reference=self._today)
        items, ignored = sanitise_dates(found, self._today)
        self._obs.homepage_items = newest_first(items)[:MAX_HOMEPAGE_ITEMS]
        self._obs.homepage_is_entrance = not any(item.date for item in items)
        self._obs.notes += [f"home page date ignored: {text}" for text in ignored]

    async def _through_entrance(self) -> list[ColumnLink]:
        """A home page that is only an entrance (进入主站) and lists no columns: find them on the page it
        leads to, trying its first few same-site links."""
        for url in self._entrance_targets[:MAX_ENTRANCE_LINKS]:
            result = await self._session.fetch(url, self._obs.final_url)
            if result is None or not result.ok:
                continue
            page_url = result.final_url or url
            self._inspector.inspect(result.text, page_url)
            self._known_columns.add(normalise_url(page_url))
            links = self._new_columns(discover_columns(result.text, page_url, level=1), page_url, 1)
            if links:
                self._obs.notes.append(f"home page is an entrance: columns found on {page_url}")
                return links
        return []

    def _new_columns(self, links: list[ColumnLink], found_on: str, level: int) -> list[ColumnLink]:
        """Columns of this site not seen before (other units' sites are outside the scope)."""
        fresh: list[ColumnLink] = []
        for link in links:
            key = normalise_url(link.url)
            if key in self._known_columns or not self._scope.contains(link.url):
                continue
            self._known_columns.add(key)
            fresh.append(ColumnLink(link.name, link.url, level, link.found_on or found_on))
        return fresh

    async def _read_columns(self, links: list[ColumnLink]) -> None:
        """Read columns level by level; each level's pages concurrently, the fetcher keeping politeness."""
        semaphore = asyncio.Semaphore(max(1, self._crawl.per_host_concurrency * 2))

        async def read(link: ColumnLink) -> ColumnRead | None:
            async with semaphore:
                return await self._reader.read(link)

        level = 1
        while links:
            reads = [r for r in await asyncio.gather(*(read(link) for link in links)) if r is not None]
            self._obs.columns += [r.observation for r in reads]
            level += 1
            links = [] if level > self._crawl.max_depth else self._sub_columns(reads, level)

    def _sub_columns(self, reads: list[ColumnRead], level: int) -> list[ColumnLink]:
        found: list[ColumnLink] = []
        for read in reads:
            found += self._new_columns(read.sub_columns, read.observation.url, level)
        return found
