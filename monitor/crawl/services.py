"""The site's 办事服务: its entries (opened once: as a column, or here), and the 办事指南 pages they link to.

An entry read as a column is judged from that fetch; one linked only from the home page is opened here
(on or off the site: an entry leading off-site must lead somewhere). Guides linked from the entry pages
are read up to `max_guides` a site, within the crawl's page budget; a page of guides (a list) is followed
one step. Pages already fetched by the crawl are never fetched again.
"""

from __future__ import annotations

from monitor.crawl.column_reader import looks_scripted
from monitor.crawl.session import CrawlSession, describe_failure, fetch_failure
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.extract.guides import GuideRead, ServiceVocabulary, guide_elements, read_guide
from monitor.fetch.result import FetchResult, Outcome
from monitor.hosts import url_host
from monitor.observations import ArticleObservation, ColumnLink, ServiceEntry, ServiceGuide
from monitor.page_workers import read_page

EMPTY_ENTRY = "空页面"
NOT_OPENED = "未访问：已达本次抓取页数上限"
SCRIPTED_GUIDE = "办事指南由脚本加载，未能读取"
MIN_GUIDE_CHARS = 20  # a page showing less text than this is not a guide one could read
MIN_LIST_ITEMS = 3  # a page listing this many entries is a list of guides, not a guide ...
MANY_ELEMENTS = 5  # ... unless it shows this many elements itself


class ServiceReader:
    """Collects one crawl's service entries and guides; judged later by monitor/checks/services.py."""

    def __init__(self, session: CrawlSession, vocabulary: ServiceVocabulary, scope: SiteScope, *,
                 max_entries: int, max_guides: int, articles: list[ArticleObservation] | None = None):
        """`articles`: the crawl's article pages read so far; a guide among them is judged from its text."""
        self._articles = articles if articles is not None else []
        self._session = session
        self._words = vocabulary
        self._scope = scope
        self._max_entries = max_entries
        self._max_guides = max_guides
        self._entries: dict[str, ServiceEntry] = {}  # normalised URL -> entry as judged
        self._linked: dict[str, tuple[str, str]] = {}  # normalised URL -> (name, URL) not yet opened
        self._guide_links: dict[str, tuple[str, str, str]] = {}  # normalised URL -> (name, URL, found on)
        self._from_guide_lists: set[str] = set()  # normalised URLs listed on a page named 办事指南
        self.guides: list[ServiceGuide] = []

    @property
    def entries(self) -> list[ServiceEntry]:
        return list(self._entries.values())

    def offer_links(self, links: list[tuple[str, str]]) -> None:
        """The home page's links (name, URL): those named as service entries are opened later."""
        for name, url in links:
            if self._words.is_entry(name):
                self._linked.setdefault(normalise_url(url), (name, url))

    async def column_page(self, link: ColumnLink, result: FetchResult) -> None:
        """A column page as the column reader fetched it: an entry when its name says so."""
        if self._words.is_entry(link.name):
            await self._record(link.name, link.url, result)

    async def read_all(self) -> None:
        """Open the entries not read as columns, then the guides they link to."""
        opened = 0
        for key, (name, url) in self._linked.items():
            if key in self._entries:
                continue
            offsite = not self._scope.contains(url)
            if self._session.seen(url):  # fetched by the crawl already (a column under another name)
                self._entries[key] = ServiceEntry(name, url, offsite)
                continue
            if opened >= self._max_entries:
                break
            opened += 1
            result = await self._session.fetch(url, traps=not offsite)
            if result is None:
                self._entries[key] = ServiceEntry(name, url, offsite, NOT_OPENED, checked=False)
                continue
            await self._record(name, url, result, offsite=offsite)
        await self._read_guides()

    async def _record(self, name: str, url: str, result: FetchResult, *, offsite: bool = False) -> None:
        key = normalise_url(url)
        if result.outcome == Outcome.REFUSED:  # not opened (robots.txt, policy): neither working nor dead
            self._entries[key] = ServiceEntry(name, url, offsite, describe_failure(result), checked=False)
            return
        if not result.ok:
            self._entries[key] = ServiceEntry(name, url, offsite, describe_failure(result), failure=fetch_failure(result))
            return
        if result.incomplete:  # opens; what it links to is not known
            self._entries[key] = ServiceEntry(name, url, offsite)
            return
        page_url = result.final_url or url
        read = await read_page(read_guide, result.text, page_url, self._words)
        if read.text_chars == 0:
            self._entries[key] = ServiceEntry(name, url, offsite, EMPTY_ENTRY)
            return
        self._entries[key] = ServiceEntry(name, url, offsite)
        if self._is_guide(read, name, url):
            self._add_guide(read, url, url)
        else:
            self._offer_guides(self._guides_listed(read, name), page_url, self._guide_links)

    def _guides_listed(self, read: GuideRead, name: str) -> list[tuple[str, str]]:
        """Links to guides: named so, or every entry of a list that is itself named 办事指南."""
        if self._words.is_guide_link(name) or self._words.is_guide_link(read.title):
            self._from_guide_lists.update(normalise_url(url) for _, url in read.items)
            return read.guide_links + read.items
        return read.guide_links

    def _offer_guides(self, links: list[tuple[str, str]], found_on: str,
                      into: dict[str, tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """Guide links on the site, or on the host of the page listing them (a service platform); the new ones."""
        host = url_host(found_on)
        added = []
        for name, url in links:
            key = normalise_url(url)
            if key not in into and (self._scope.contains(url) or url_host(url) == host):
                into[key] = (name, url, found_on)
                added.append(into[key])
        return added

    def _judge_article(self, name: str, url: str, found_on: str) -> None:
        """A guide the crawl read as an article (the first entry of an undated list): judged from its text."""
        key = normalise_url(url)
        article = next((a for a in self._articles if normalise_url(a.url) == key), None)
        if article is None:
            return
        present, missing = guide_elements(article.text, self._words)
        read = GuideRead(article.title or name, present, missing, text_chars=len(article.text))
        if self._is_guide(read, name, url):
            self._add_guide(read, url, found_on)

    def _is_guide(self, read: GuideRead, name: str, url: str) -> bool:
        """A guide page: named so (by its title, its link or the list of guides it is on) and not itself a list
        of guides, or showing two elements."""
        named = (self._words.is_guide_link(read.title) or self._words.is_guide_link(name)
                 or normalise_url(url) in self._from_guide_lists)
        listing = bool(read.guide_links) or len(read.items) >= MIN_LIST_ITEMS
        if len(read.present) >= MANY_ELEMENTS:  # a guide, whatever else it links to (其他相关指南)
            return True
        return not listing and (len(read.present) >= 2 or (named and read.text_chars >= MIN_GUIDE_CHARS))

    def _add_guide(self, read: GuideRead, url: str, found_on: str) -> None:
        if any(g.url == url for g in self.guides):
            return
        self.guides.append(ServiceGuide(read.title, url, found_on, read.present, read.missing))

    async def _read_guides(self) -> None:
        """Read guides until `max_guides` pages were opened; a list of guides adds its guides to the queue."""
        queue = list(self._guide_links.values())
        opened = 0
        while queue and opened < self._max_guides:
            name, url, found_on = queue.pop(0)
            if self._session.seen(url):
                self._judge_article(name, url, found_on)
                continue
            result = await self._session.fetch(url, found_on)
            if result is None:
                continue
            opened += 1
            if not result.ok:
                continue  # a link that does not open is the dead-link rule's
            if result.incomplete:
                self.guides.append(ServiceGuide(name, url, found_on, readable=False, reason=result.incomplete))
                continue
            page_url = result.final_url or url
            read = await read_page(read_guide, result.text, page_url, self._words)
            if self._is_guide(read, name, url):
                self._add_guide(read, url, found_on)
            elif not read.present and not read.items and not read.guide_links and looks_scripted(result.text):
                self.guides.append(ServiceGuide(name, url, found_on, readable=False, reason=SCRIPTED_GUIDE))
            else:
                queue += self._offer_guides(self._guides_listed(read, name), page_url, self._guide_links)
