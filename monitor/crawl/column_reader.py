"""Reading one column: its listing page, next pages only when needed, an article for an undated list.

The result is a `ColumnObservation` (facts: items, counts, blank or not, fetch error) plus the
sub-columns the page links to. The page HTML is dropped as soon as it has been read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from monitor.config import CrawlSettings
from monitor.crawl.articles import ArticleReader
from monitor.crawl.pages import PageExaminer, PageFacts, PageInspector
from monitor.crawl.session import CrawlSession, fetch_failure
from monitor.crawl.urls import normalise_url
from monitor.extract.columns import classify_column, discover_columns_of
from monitor.extract.dates import pubdate_of
from monitor.extract.list_sources import EMPTY_DATASTORE, is_content_page, json_items, says_empty, source_urls
from monitor.extract.listing import (
    blank_marker,
    column_meta_of,
    content_body,
    extract_listing_of,
    next_page_urls_of,
    parse_html,
)
from monitor.extract.text import node_text, parse
from monitor.fetch.result import FetchResult, Outcome
from monitor.observations import ColumnLink, ColumnObservation, ListingItem, PageFailure
from monitor.page_workers import PageReaderDied, read_page
from monitor.rulebook import Rulebook

# Items kept per column, newest first: the rules read the newest dated one (and the entrance case
# the newest over all columns), the evidence cites it; counts cover every item read.
MAX_ITEMS_KEPT = 3
OLDEST_PLAUSIBLE = date(1990, 1, 1)
EMPTY_LIST = "空列表"
EMPTY_PAGE = "空页面"
SCRIPTED_LIST = "list loaded by script: not readable without a browser"
RENDER_FAILED = "list loaded by script: the browser could not render it"
DATA_FAILED = "list loaded by script: its data requests failed in the browser"
# Lists filled in the browser: Hanweb jpage/dataproxy, XHR calls, Vue/Angular templates, and the empty
# mount point of a single-page app whose bundle builds the whole page.
_SCRIPTED_LIST = re.compile(
    r"dataproxy|jpage|\.ajax\s*\(|XMLHttpRequest|axios|\bfetch\s*\(|v-for=|ng-repeat|\{\{"
    r"|<div[^>]*\bid=[\"']?(?:app|root)[\"']?[^>]*>\s*</div>", re.I
)

_TEMPLATE = re.compile(r"\bv-(?:for|if|show)=|\bng-(?:repeat|if|show)\b|\{\{")


@dataclass
class ColumnRead:
    """A column as read, and the sub-columns its page links to."""

    observation: ColumnObservation
    sub_columns: list[ColumnLink] = field(default_factory=list)


@dataclass
class _Listing:
    """What was read from a column's listing page(s); no HTML is kept."""

    items: list[ListingItem]
    next_pages: list[str]
    sub_columns: list[ColumnLink]
    marker: str
    meta_name: str = ""
    meta_type: str = ""
    pages_read: int = 1
    # The page loads its list by script: its HTML shows neither items nor their absence.
    scripted: bool = False
    sources: list[str] = field(default_factory=list)  # where its script reads the list (data proxy, JSON)
    source_read: str = ""  # the source the items (or the emptiness) came from
    content: bool = False  # a page of text (领导信息, 机构职能): not a list, so never blank


# Told of every column page as fetched (a failure included), for readers that need more of some pages
# than the column's list: message boards, service entries. Each page is fetched once, by the column reader.
WatchPage = Callable[[ColumnLink, FetchResult], Awaitable[None]]

# Renders a page the crawl already fetched, in the headless browser: the DOM after its scripts ran,
# or None when there is no browser (or the site's render budget is spent).
RenderPage = Callable[[str, FetchResult], Awaitable["RenderedPage | None"]]


@dataclass(frozen=True)
class RenderedPage:
    html: str
    error: str = ""  # why the page could not be rendered
    data_failed: str = ""  # a data request of the page failed or was refused: an empty list proves nothing


def looks_scripted(html: str) -> bool:
    """The page fills content by script (XHR/fetch, data proxies, templates)."""
    return bool(_SCRIPTED_LIST.search(html))


def sanitise_dates(items: list[ListingItem], today: date) -> tuple[list[ListingItem], list[str]]:
    """Items with future or absurd dates lose the date (noted): a date not yet reached proves no update."""
    kept: list[ListingItem] = []
    ignored: list[str] = []
    for item in items:
        if item.date is not None and not OLDEST_PLAUSIBLE <= item.date <= today:
            ignored.append(f"{item.raw_date or item.date.isoformat()} ({item.url})")
            item = replace(item, date=None, date_source="")
        kept.append(item)
    return kept, ignored


def newest_first(items: list[ListingItem]) -> list[ListingItem]:
    """Dated items newest first, then undated ones in page order (stable)."""
    dated = sorted((i for i in items if i.date is not None), key=lambda i: i.date, reverse=True)  # type: ignore[arg-type, return-value]
    return dated + [i for i in items if i.date is None]


def has_dated(items: list[ListingItem]) -> bool:
    return any(item.date is not None for item in items)


@dataclass(frozen=True)
class ColumnPages:
    """The pure readers of column pages (see monitor/page_workers.py): what they need, and nothing of the crawl."""

    examiner: PageExaminer
    markers: tuple[str, ...]  # placeholders of an empty list (暂无信息 …)
    max_depth: int
    today: date

    def first_page(
        self, html: str, page_url: str, level: int, anchors_only: set[str] | None = None
    ) -> tuple[_Listing, PageFacts]:
        """Everything the crawl needs from the first listing page, read in one go (pure: may run in a thread).

        The page is parsed twice, once as is and once as `parse_html` reads it (scripts expanded,
        invisible parts stripped), and each tree is shared by the extractors that read it.
        """
        raw, content = parse(html), parse_html(html)
        meta_name, meta_type = column_meta_of(raw)
        subs = discover_columns_of(content, page_url, level=level + 1) if level < self.max_depth else []
        items = extract_listing_of(content, raw, page_url, reference=self.today)
        listing = _Listing(
            items=items,
            # further pages are read only while no dated item is seen (and tell an empty list from a blank one)
            next_pages=[] if has_dated(items) else next_page_urls_of(html, raw, page_url),
            sub_columns=[replace(sub, level=level + 1, found_on=page_url) for sub in subs],
            marker="",
            meta_name=meta_name,
            meta_type=meta_type,
        )
        if not items:
            self._itemless(listing, html, raw, page_url)
        return listing, self.examiner.examine_tree(raw, page_url, anchors_only)

    def _itemless(self, listing: _Listing, html: str, raw: LexborHTMLParser, page_url: str) -> None:
        """A page without list items: blank (its data says empty, or a placeholder), a page of text,
        a list its scripts read from a source named in the page, or a list only a browser fills.

        Slow parts (its own parses) run only here: most column pages have items.
        """
        empty = says_empty(html)
        # a placeholder inside a client-side template (v-if="!rows.length") is shown only when the script
        # finds nothing: no evidence by itself
        listing.marker = empty or ("" if _TEMPLATE.search(html) else blank_marker(html, self.markers))
        body = None if listing.marker else content_body(html)
        if body is not None and is_content_page(body):
            listing.content = True
            shown = pubdate_of(raw, node_text(body))
            if shown is not None:  # a dated text page is judged by its date like a one-item list
                heading = raw.css_first("h1")
                title = node_text(heading) if heading is not None else listing.meta_name
                listing.items = [ListingItem(title or page_url, page_url, shown, "pubdate", shown.isoformat())]
            return
        if not empty:
            listing.sources = [url for url in source_urls(html, page_url) if self.examiner.scope.contains(url)]
        listing.scripted = not listing.marker and looks_scripted(html)

    def source(self, text: str, page_url: str) -> tuple[list[ListingItem], bool]:
        """(items, says empty) of a list source's answer; links are relative to the column page."""
        head = text.lstrip()[:1]
        if head in ("[", "{"):
            found = json_items(text, page_url, reference=self.today)
            return (found or [], found == [])
        lowered = text.lower()
        if "<datastore" not in lowered and "<record" not in lowered:
            return [], False
        items = extract_listing_of(parse_html(text), parse(text), page_url, reference=self.today)
        return items, not items and (bool(says_empty(text)) or "<record" not in lowered)

    def next_page(
        self, html: str, page_url: str, anchors_only: set[str] | None = None
    ) -> tuple[list[ListingItem], PageFacts]:
        raw = parse(html)
        items = extract_listing_of(parse_html(html), raw, page_url, reference=self.today)
        return items, self.examiner.examine_tree(raw, page_url, anchors_only)


class ColumnReader:
    """Reads columns for one crawl; shares the crawl's session (budget, seen URLs) and inspector.

    HTML is read by pure functions (`read_page`: inline, a very big page on the parse thread); their
    results are recorded on the event loop.
    """

    def __init__(
        self,
        session: CrawlSession,
        inspector: PageInspector,
        examiner: PageExaminer,
        rulebook: Rulebook,
        crawl: CrawlSettings,
        today: date,
        known_columns: set[str],
        articles: ArticleReader,
        render: RenderPage | None = None,
        watch: WatchPage | None = None,
    ):
        self._watch = watch
        self._session = session
        self._articles = articles
        self._inspector = inspector
        self._scope = examiner.scope
        self._categories = rulebook.column_categories
        self._pages = ColumnPages(examiner, rulebook.blank_markers, crawl.max_depth, today)
        self._list_categories = {c.name for c in self._categories if c.stale_days > 0}
        self._max_next_pages = crawl.max_next_pages
        self._today = today
        self._known_columns = known_columns  # normalised URLs, shared with the crawl, growing
        self._render = render

    async def read(self, link: ColumnLink) -> ColumnRead | None:
        """Observe one column; None when the page was not fetched at all (seen, trap, budget)."""
        result = await self._session.fetch(link.url, link.found_on)
        if result is None:
            return None
        if self._watch is not None:
            await self._watch(link, result)
        if not result.ok and result.outcome != Outcome.EMPTY:
            return ColumnRead(self._failed(link, result))
        if result.incomplete:  # cut or not text: neither blank nor stale, nor a page without the 找错 entry
            observation = self._failed(link, result, PageFailure(detail=result.incomplete))
            observation.partial = True
            return ColumnRead(observation)
        if not result.text.strip():
            return ColumnRead(self._observation(link, result, _Listing([], [], [], EMPTY_PAGE)))
        final = result.final_url
        page_url = final if final and final != link.url else link.url  # one string kept when equal
        try:
            listing, facts = await read_page(
                self._pages.first_page, result.text, page_url, link.level, self._inspector.wanted_anchors()
            )
        except PageReaderDied as exc:  # the page answered, its reading was lost: nothing on it was seen
            observation = self._failed(link, result, PageFailure(detail=str(exc)))
            observation.partial = True
            return ColumnRead(observation)
        if not listing.items and listing.sources:
            await self._read_sources(listing, page_url)
        rendered = False
        if listing.scripted and not listing.items and self._render is not None:
            page = await self._render(page_url, result)
            if page is not None and (page.error or page.data_failed):
                self._inspector.record(facts)
                why = PageFailure(RENDER_FAILED, detail=page.error) if page.error \
                    else PageFailure(DATA_FAILED, detail=page.data_failed)
                return ColumnRead(self._failed(link, result, why), listing.sub_columns)
            if page is not None:
                listing, facts = await read_page(
                    self._pages.first_page, page.html, page_url, link.level, self._inspector.wanted_anchors()
                )
                listing.scripted, rendered = False, True  # the scripts ran: what the list shows is what it holds
        self._inspector.record(facts)
        await self._follow_next_pages(listing, page_url)
        await self._date_from_article(listing, link.name, page_url)
        if listing.scripted and not listing.items:
            return ColumnRead(self._failed(link, result, PageFailure(SCRIPTED_LIST)), listing.sub_columns)
        observation = self._observation(link, result, listing)
        observation.rendered = rendered
        self._articles.offer(newest_first(listing.items), observation.name, page_url)
        return ColumnRead(observation, listing.sub_columns)

    def _failed(self, link: ColumnLink, result: FetchResult, why: PageFailure | None = None) -> ColumnObservation:
        """A column page that could not be read: a fetch failure (or a list only a browser can fill),
        never a blank or a stale column."""
        category = classify_column(link.name, self._categories)
        return ColumnObservation(
            name=link.name, url=link.url, level=link.level, category=category, fetched=False,
            status=result.status, failure=why or fetch_failure(result), pages_read=0 if why is None else 1,
        )  # fmt: skip

    async def _read_sources(self, listing: _Listing, page_url: str) -> None:
        """Read the list where the page's script would: its Hanweb data proxy or JSON URL, no browser.

        Records found replace the page's empty list; an answer with no records makes the column blank.
        """
        for url in listing.sources:
            result = await self._session.fetch(url, page_url)
            if result is None or not result.ok or result.incomplete:
                continue
            items, empty = await read_page(self._pages.source, result.text, page_url)
            if items or empty:
                listing.items, listing.source_read, listing.scripted = items, url, False
                listing.marker = "" if items else EMPTY_DATASTORE
                return

    async def _follow_next_pages(self, listing: _Listing, page_url: str) -> None:
        """Read further pages only while no dated item has been seen (the first page usually settles it)."""
        for url in listing.next_pages[: self._max_next_pages]:
            if has_dated(listing.items):
                return
            result = await self._session.fetch(url, page_url)
            if result is None or not result.ok or result.incomplete:
                continue
            items, facts = await read_page(
                self._pages.next_page, result.text, result.final_url or url, self._inspector.wanted_anchors()
            )
            self._inspector.record(facts)
            listing.items += items
            listing.pages_read += 1

    async def _date_from_article(self, listing: _Listing, column: str, page_url: str) -> None:
        """A list of undated items: the first item's article page may show its publication date."""
        if not listing.items or has_dated(listing.items) or not self._scope.contains(listing.items[0].url):
            return
        first = listing.items[0]
        article = await self._articles.read(first, column or page_url, page_url)
        if article is not None and article.shown_date is not None:
            found = article.shown_date
            listing.items[0] = replace(first, date=found, date_source="pubdate", raw_date=found.isoformat())

    def _observation(self, link: ColumnLink, result: FetchResult, listing: _Listing) -> ColumnObservation:
        name = link.name or listing.meta_name or link.url
        category = classify_column(name, self._categories, listing.meta_type)
        items, ignored = sanitise_dates(listing.items, self._today)
        reason = self._blank_reason(listing, category)
        return ColumnObservation(
            name=name, url=link.url, level=link.level, category=category, fetched=True,
            status=result.status, items=newest_first(items)[:MAX_ITEMS_KEPT], item_count=len(items),
            undated_count=sum(1 for i in items if i.date is None), blank=bool(reason), blank_reason=reason,
            pages_read=listing.pages_read, ignored_dates=ignored,
        )  # fmt: skip

    def _links_new_columns(self, listing: _Listing) -> bool:
        """A hub: links columns the crawl did not know (menus repeat the known ones on every page)."""
        return any(
            self._scope.contains(sub.url) and normalise_url(sub.url) not in self._known_columns
            for sub in listing.sub_columns
        )

    def _blank_reason(self, listing: _Listing, category: str) -> str:
        """Blank = answered, no items, and a placeholder shown or an empty list where a list belongs.

        A hub page (it links sub-columns) or a page with further pages is not blank (a list loaded by
        script never gets here); a static page (机构职能) carries text, not a list, so "空列表"
        applies only to list-type categories.
        """
        if listing.items or listing.content:
            return ""
        if listing.marker:
            return listing.marker
        if listing.next_pages or self._links_new_columns(listing):
            return ""
        return EMPTY_LIST if category in self._list_categories else ""
