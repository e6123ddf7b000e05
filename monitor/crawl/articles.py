"""Reading article pages: the newest of each column and those linked from the home page.

Dark links, serious wording and personal data are planted in articles far more often than on the
home page, so the integrity checks (links, hidden links, wording, 找错 entry, dead-link candidates)
run on articles too, and each article read is kept as an `ArticleObservation` for content checks.
Articles are read after the columns, one rank at a time (the newest article of every column first),
so a tight page budget spreads over the columns instead of exhausting itself on the first ones.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborHTMLParser

from monitor.crawl.deadlinks import dead_outcome
from monitor.crawl.pages import PageExaminer, PageFacts, PageInspector
from monitor.crawl.session import CrawlSession
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.extract.dates import pubdate_of
from monitor.extract.text import fold_whitespace, parse
from monitor.observations import ArticleObservation, DeadLink, ListingItem, SiteObservation
from monitor.page_workers import read_page

HOME_COLUMN = "首页"
# Attachments are not article pages: their content is not HTML the checks can read.
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|wps|ofd|zip|rar|7z|jpe?g|png|gif|mp4|avi|flv|txt)$", re.I)
_TITLE_METAS = ("ArticleTitle", "title")


@dataclass(frozen=True, slots=True)
class _Wanted:
    item: ListingItem
    column: str
    listed_on: str


@dataclass(frozen=True, slots=True)
class _ArticlePage:
    heading: str
    shown_date: date | None
    facts: PageFacts


def read_article_page(html: str, page_url: str, examiner: PageExaminer, anchors_only: set[str] | None) -> _ArticlePage:
    """Heading, displayed publication date and the integrity facts of one article page (pure)."""
    tree = parse(html)
    facts = examiner.examine_tree(tree, page_url, anchors_only, keep_text=True)
    return _ArticlePage(_heading(tree), pubdate_of(tree, facts.text), facts)


def _heading(tree: LexborHTMLParser) -> str:
    for name in _TITLE_METAS:
        node = tree.css_first(f'meta[name="{name}"]')
        if node is not None and (content := fold_whitespace(node.attributes.get("content") or "")):
            return content
    for node in tree.css("h1"):
        if text := fold_whitespace(node.text(deep=True)):
            return text
    return ""


def is_article_url(url: str, scope: SiteScope) -> bool:
    """A page of this site that is not an attachment."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return scope.contains(url) and not _ATTACHMENT.search(path)


class ArticleReader:
    """Collects the articles a crawl wants read, reads them within the budget, records what they show."""

    def __init__(self, session: CrawlSession, inspector: PageInspector, examiner: PageExaminer,
                 obs: SiteObservation, *, per_column: int, home_articles: int, text_chars: int,
                 known_columns: set[str]):
        self._session = session
        self._inspector = inspector
        self._examiner = examiner
        self._obs = obs
        self._per_column = per_column
        self._home_articles = home_articles
        self._text_chars = text_chars
        self._known_columns = known_columns  # column pages are read as columns, not as articles
        self._ranks: list[list[_Wanted]] = []  # rank 0: home-page articles and each column's newest
        self._wanted: set[str] = set()
        self.dead: list[DeadLink] = []

    def offer(self, items: list[ListingItem], column: str, listed_on: str) -> None:
        """Articles of one list, newest first: the first `per_column` (home page: `home_articles`) are wanted."""
        limit = self._home_articles if column == HOME_COLUMN else self._per_column
        rank = 0
        for item in items:
            if rank >= limit:
                return
            key = normalise_url(item.url)
            if key in self._known_columns or not is_article_url(item.url, self._examiner.scope):
                continue
            if key in self._wanted:  # wanted already (linked from the home page too): still one of the newest
                rank += 1
                continue
            self._wanted.add(key)
            slot = 0 if column == HOME_COLUMN else rank
            while len(self._ranks) <= slot:
                self._ranks.append([])
            self._ranks[slot].append(_Wanted(item, column, listed_on))
            rank += 1

    async def read_wanted(self, workers: int) -> None:
        """Read every wanted article not fetched yet, rank by rank, by a few workers."""
        for rank in self._ranks:
            queue = iter(rank)

            async def worker() -> None:
                for wanted in queue:  # noqa: B023 (each rank's workers finish before the next rank)
                    await self.read(wanted.item, wanted.column, wanted.listed_on)

            await asyncio.gather(*(worker() for _ in range(min(workers, len(rank)))))
        self._ranks = []

    async def read(self, item: ListingItem, column: str, listed_on: str) -> ArticleObservation | None:
        """Fetch and read one article; None when it was not fetched (seen, budget) or did not open.

        An article that does not open is a dead link of the page listing it.
        """
        result = await self._session.fetch(item.url, listed_on)
        if result is None:
            return None
        if not result.ok:
            if outcome := dead_outcome(result):
                self.dead.append(DeadLink(item.url, outcome, result.status, (listed_on,)))
            return None
        if result.incomplete:  # cut at the size cap or not text: evidence of nothing
            return None
        page_url = result.final_url or item.url
        page = await read_page(read_article_page, result.text, page_url, self._examiner,
                               self._inspector.wanted_anchors())
        self._inspector.record(page.facts)
        article = ArticleObservation(
            url=page_url, title=page.heading or item.title or page.facts.title, column=column, listed_on=listed_on,
            listed_date=item.date, shown_date=page.shown_date, text=page.facts.text[: self._text_chars],
        )
        self._obs.articles.append(article)
        return article
