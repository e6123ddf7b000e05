"""The per-site crawl: home page, columns and sub-columns, integrity checks, external targets, dead links.

`SiteCrawler.crawl` turns one registered website into one `SiteObservation`. It judges nothing: the
rules in `monitor/checks/` read the observation as of a moment. A broken site yields an observation
saying so, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from monitor import page_workers
from monitor.config import CrawlSettings
from monitor.crawl.articles import HOME_COLUMN, ArticleReader
from monitor.crawl.attachments import read_attachments
from monitor.crawl.column_reader import (
    ColumnRead,
    ColumnReader,
    RenderedPage,
    looks_scripted,
    newest_first,
    sanitise_dates,
)
from monitor.crawl.deadlinks import MAX_DEAD_LINK_CHECKS, check_dead_links
from monitor.crawl.external import ExternalLinks
from monitor.crawl.interaction import InteractionReader
from monitor.crawl.pages import PageExaminer, PageFacts, PageInspector
from monitor.crawl.services import ServiceReader
from monitor.crawl.session import CrawlSession, describe_failure, fetch_failure
from monitor.crawl.transport import observe_transport
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.extract.columns import discover_columns_of
from monitor.extract.dates import page_generated_date_of
from monitor.extract.footer import footer_identity_of
from monitor.extract.integrity import fingerprint_of, script_signs_of
from monitor.extract.listing import extract_listing_of, parse_html
from monitor.extract.named_links import named_links_of
from monitor.extract.text import parse, title_and_text_of
from monitor.fetch.result import Fetcher, FetchResult
from monitor.hosts import same_owner, url_host
from monitor.models import Website
from monitor.observations import (
    ColumnLink,
    FooterIdentity,
    HomeFingerprint,
    InteractionObservation,
    ListingItem,
    PageFailure,
    ScriptSign,
    ServicesObservation,
    SiteObservation,
)
from monitor.page_workers import read_page
from monitor.rulebook import Rulebook

if TYPE_CHECKING:
    from monitor.render.renderer import Renderer

log = logging.getLogger(__name__)

MAX_HOMEPAGE_ITEMS = 100
NOT_HTTP = "not fetched: not an http(s) URL"  # the reason a home page was not asked for
MAX_ENTRANCE_LINKS = 3
# Columns found on the home page (or its entrance) for its navigation to count as read whole: fewer, and
# the menu is likely drawn by script, so "no 互动交流 channel" or "no 办事服务" cannot be said.
MIN_NAVIGATION_COLUMNS = 3


class SiteCrawler:
    """Crawls registered websites through a polite `Fetcher`, one `SiteObservation` per site."""

    def __init__(self, fetcher: Fetcher, rulebook: Rulebook, crawl: CrawlSettings,
                 renderer: Renderer | None = None, *, registered_hosts: frozenset[str] = frozenset()):
        """`registered_hosts`: hosts of the registry's websites, judged as government sites when linked."""
        self._fetcher = fetcher
        self._rulebook = rulebook
        self._crawl = crawl
        self._renderer = renderer  # reads pages filled by script; None: they are reported as not judged
        self._registered_hosts = registered_hosts
        page_workers.configure(crawl.page_workers)

    async def crawl(self, website: Website, as_of: datetime) -> SiteObservation:
        """Everything one crawl of `website` saw, as of `as_of` (dates are judged against its day)."""
        obs = SiteObservation(url=website.url, observed_at=as_of, homepage_ok=False)
        session = CrawlSession(
            self._fetcher, obs, max_pages=self._crawl.max_pages_per_site, reserve=self._tail_reserve()
        )
        home = await session.fetch(website.url)
        if home is None or not home.ok:
            obs.homepage_failure = fetch_failure(home) if home else PageFailure(NOT_HTTP)
            return obs
        if home.incomplete:  # a home page not read whole is evidence of nothing: the site is not checked
            obs.homepage_partial = True
            obs.homepage_failure = PageFailure(detail=f"{home.incomplete} ({describe_failure(home)})")
            return obs
        scope = SiteScope.for_site(website.url, home.final_url or home.url)
        if home.final_url and not same_owner(url_host(website.url), url_host(home.final_url)):
            obs.notes.append(f"home page redirected to another site: {home.final_url}")
        run = _SiteRun(self._rulebook, self._crawl, session, obs, scope, as_of.date(), self._renderer,
                       self._registered_hosts)
        await run.run(home)
        await observe_transport(self._fetcher, website.url, obs, home)
        return obs

    def _tail_reserve(self) -> int:
        """Pages kept for external checks and dead links: at most a quarter of the budget."""
        wanted = self._crawl.max_external_checks + MAX_DEAD_LINK_CHECKS
        return min(wanted, self._crawl.max_pages_per_site // 4)


@dataclass(frozen=True)
class _HomePage:
    """What the home page shows, read by a pure function (see `read_page`); no HTML kept."""

    items: list[ListingItem]
    ignored: list[str]
    footer: FooterIdentity
    facts: PageFacts
    columns: list[ColumnLink]
    links: list[tuple[str, str]]  # (name, URL) of its visible links: channel and service entries are among them
    fingerprint: HomeFingerprint
    script_signs: list[ScriptSign]


def read_home_page(html: str, page_url: str, today: date, examiner: PageExaminer,
                   min_escapes: int = 40) -> _HomePage:
    """Items, footer, integrity facts, first-level columns and the defacement fingerprint of the home page.

    The page is parsed twice (as is, and as `parse_html` reads it), one tree after the other: a big
    page never has both trees in memory at once.
    """
    raw = parse(html)
    footer, facts, generated = footer_identity_of(raw, html), examiner.examine_tree(raw, page_url), \
        page_generated_date_of(raw)
    fingerprint = fingerprint_of(raw, page_url, title_and_text_of(raw)[0], facts.links)
    script_signs = script_signs_of(raw, page_url, min_escapes=min_escapes)
    del raw
    content = parse_html(html)
    listed = extract_listing_of(content, None, page_url, reference=today, generated=generated)
    items, ignored = sanitise_dates(listed, today)
    return _HomePage(
        items=newest_first(items), ignored=ignored, footer=footer, facts=facts,
        columns=discover_columns_of(content, page_url, level=1),
        links=named_links_of(content, page_url),
        fingerprint=fingerprint, script_signs=script_signs,
    )


def read_entrance_target(
    html: str, page_url: str, examiner: PageExaminer
) -> tuple[list[ColumnLink], PageFacts]:
    return discover_columns_of(parse_html(html), page_url, level=1), examiner.examine(html, page_url)


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
        renderer: Renderer | None = None,
        registered_hosts: frozenset[str] = frozenset(),
    ):
        self._crawl = crawl
        self._renderer = renderer
        self._render_budget = renderer.budget() if renderer is not None else None
        self._session = session
        self._obs = obs
        self._scope = scope
        self._today = today
        self._external = ExternalLinks(rulebook, crawl.max_external_checks, registered_hosts)
        self._inspector = PageInspector(obs, self._external)
        self._examiner = PageExaminer(scope, rulebook.wording, rulebook.privacy_names)
        self._privacy = rulebook.rule("privacy_leak")
        self._min_escapes = int(rulebook.rule("tampered")["min_escapes"])
        self._names = rulebook.privacy_names
        self._known_columns: set[str] = set()
        self._home_scripted = False  # the home page shows no dated item and fills its content by script
        self._entrance_targets: list[str] = []
        self._articles = ArticleReader(
            session, self._inspector, self._examiner, obs, per_column=crawl.articles_per_column,
            home_articles=crawl.max_home_articles, text_chars=crawl.article_text_chars,
            known_columns=self._known_columns,
        )
        interaction, services = rulebook.rule("no_interaction"), rulebook.rule("services_unusable")
        self._interaction = InteractionReader(session, rulebook.interaction_words, scope, today,
                                              int(interaction["max_boards"]))
        self._services = ServiceReader(session, rulebook.service_words, scope,
                                       max_entries=int(services["max_entries"]), max_guides=int(services["max_guides"]),
                                       articles=obs.articles)
        self._reader = ColumnReader(
            session, self._inspector, self._examiner, rulebook, crawl, today, self._known_columns, self._articles,
            self._render_page if renderer is not None else None, self._watch_column,
        )

    async def run(self, home: FetchResult) -> None:
        """Home page, then columns level by level, then articles, then external targets and dead links."""
        level_one = await self._read_home(home)
        if not level_one and self._obs.homepage_is_entrance:
            level_one = await self._through_entrance()
        await self._read_columns(level_one)
        await self._read_channels(len(level_one))
        await self._articles.read_wanted(max(1, self._crawl.per_host_concurrency * 2))
        await read_attachments(
            self._inspector.attachments, self._session, self._obs, self._names,
            limit=int(self._privacy["max_attachments"]), max_chars=int(self._privacy["attachment_chars"]),
        )
        self._obs.external, notes = await self._external.judge(self._session)
        self._obs.notes += notes
        dead = await check_dead_links(self._inspector.candidates, self._session)
        self._obs.dead_links = self._articles.dead + dead
        self._session.finish()

    async def _read_home(self, home: FetchResult) -> list[ColumnLink]:
        """Record what the home page shows; return its first-level columns.

        No dated item at all makes the home page a navigation entrance: the rules then judge the
        second-level pages.
        """
        obs = self._obs
        obs.homepage_ok, obs.final_url, obs.tls_error = True, home.final_url or home.url, home.tls_unverified
        page = await read_page(read_home_page, home.text, obs.final_url, self._today, self._examiner,
                               self._min_escapes)
        obs.fingerprint, obs.script_signs = page.fingerprint, page.script_signs  # as served, before any script ran
        self._home_scripted = not any(item.date for item in page.items) and looks_scripted(home.text)
        if self._home_scripted:
            rendered = await self._render_page(obs.final_url, home)
            if rendered is not None and rendered.html:
                page = await read_page(read_home_page, rendered.html, obs.final_url, self._today, self._examiner,
                                       self._min_escapes)
                obs.homepage_rendered = True
            elif rendered is not None:
                obs.notes.append(f"home page not rendered: {rendered.error or rendered.data_failed}")
        obs.homepage_items = page.items[:MAX_HOMEPAGE_ITEMS]
        obs.homepage_is_entrance = not any(item.date for item in page.items)
        obs.notes += [f"home page date ignored: {text}" for text in page.ignored]
        obs.footer = page.footer
        self._inspector.record(page.facts)
        self._known_columns.add(normalise_url(obs.final_url))
        self._entrance_targets = page.facts.site_links
        columns = self._new_columns(page.columns, obs.final_url, 1)
        self._articles.offer(page.items, HOME_COLUMN, obs.final_url)
        self._interaction.offer_links(page.links)
        self._services.offer_links(page.links)
        return columns

    async def _watch_column(self, link: ColumnLink, result: FetchResult) -> None:
        await self._interaction.column_page(link, result)
        await self._services.column_page(link, result)

    async def _read_channels(self, navigation_columns: int) -> None:
        """互动交流 channels and 办事服务 entries linked from the home page but not read as columns, the
        guides they link to; what was found goes into the observation with whether the search was whole."""
        await self._interaction.read_linked()
        await self._services.read_all()
        note = ""
        if navigation_columns < MIN_NAVIGATION_COLUMNS:
            note = f"首页导航仅识别到 {navigation_columns} 个栏目，导航可能由脚本生成，未能完整读取"
        elif self._home_scripted and not self._obs.homepage_rendered:
            note = "首页内容由脚本加载且未经浏览器渲染，入口可能未读到"
        whole = not note
        self._obs.interaction = InteractionObservation(self._interaction.boards, True, whole, note)
        self._obs.services = ServicesObservation(self._services.entries, self._services.guides, True, whole, note)

    async def _render_page(self, url: str, fetched: FetchResult) -> RenderedPage | None:
        """The page's DOM after its scripts ran (served its fetched body, not fetched again); None when
        there is no browser or the site's render budget is spent."""
        if self._renderer is None or self._render_budget is None:
            return None
        if not self._render_budget.take():
            if self._render_budget.refused == 1:
                self._obs.notes.append(f"render budget of {self._render_budget.limit} pages spent")
            return None
        from monitor.render.guard import Preloaded

        document = Preloaded(url, fetched.body, fetched.content_type or "text/html")
        rendered = await self._renderer.render(url, preloaded=document)
        self._obs.pages_rendered += 1
        if not rendered.ok:
            return RenderedPage("", error=rendered.error)
        return RenderedPage(rendered.html, data_failed="; ".join(rendered.requests.data_failed[:3]))

    async def _through_entrance(self) -> list[ColumnLink]:
        """A home page that is only an entrance (进入主站) and lists no columns: find them on the page it
        leads to, trying its first few same-site links."""
        for url in self._entrance_targets[:MAX_ENTRANCE_LINKS]:
            result = await self._session.fetch(url, self._obs.final_url)
            if result is None or not result.ok or result.incomplete:
                continue
            page_url = result.final_url or url
            columns, facts = await read_page(read_entrance_target, result.text, page_url, self._examiner)
            self._inspector.record(facts)
            self._known_columns.add(normalise_url(page_url))
            links = self._new_columns(columns, page_url, 1)
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
            url = key if key == link.url else link.url  # the same text: keep one string, not two
            fresh.append(ColumnLink(link.name, url, level, link.found_on or found_on))
        return fresh

    async def _read_columns(self, links: list[ColumnLink]) -> None:
        """Read columns level by level; each level's pages by a few workers, the fetcher keeping politeness.

        A bounded pool, not one task per column: a level of 20 000 columns holds a few tasks, not 20 000.
        """
        workers = max(1, self._crawl.per_host_concurrency * 2)
        level = 1
        while links:
            reads = await self._read_level(links, workers)
            self._obs.columns += [r.observation for r in reads]
            level += 1
            links = [] if level > self._crawl.max_depth else self._sub_columns(reads, level)
            del reads  # the sub-column links found are in `links` now; not kept while the next level runs

    async def _read_level(self, links: list[ColumnLink], workers: int) -> list[ColumnRead]:
        """The columns of one level, in the order given (None results left out)."""
        results: list[ColumnRead | None] = [None] * len(links)
        queue = iter(enumerate(links))

        async def worker() -> None:
            for index, link in queue:
                results[index] = await self._read_column(link)

        await asyncio.gather(*(worker() for _ in range(min(workers, len(links)))))
        return [r for r in results if r is not None]

    async def _read_column(self, link: ColumnLink) -> ColumnRead | None:
        """One column; an extractor failing on one odd page costs that column, not the site's observation."""
        try:
            return await self._reader.read(link)
        except Exception as exc:
            log.exception("reading column %s failed", link.url)
            self._obs.notes.append(f"column {link.name} ({link.url}) not read: {type(exc).__name__}: {exc}")
            return None

    def _sub_columns(self, reads: list[ColumnRead], level: int) -> list[ColumnLink]:
        found: list[ColumnLink] = []
        for read in reads:
            found += self._new_columns(read.sub_columns, read.observation.url, level)
        return found
