"""The site's 互动交流 channels: found among the home page's links and the columns, their lists read.

A channel read as a column is read from the column's own fetch (the column reader hands each column
page over); one linked only from the home page is opened here, within `max_boards` and the page budget.
A channel on another host (a shared 12345 platform) is opened to see that it works, but its letters
are the platform's, not the site's: they are not read.
"""

from __future__ import annotations

from datetime import date

from monitor.crawl.column_reader import looks_scripted
from monitor.crawl.session import CrawlSession, describe_failure, fetch_failure
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.extract.messages import MessageVocabulary, read_board
from monitor.fetch.result import FetchResult, Outcome
from monitor.observations import ColumnLink, MessageBoard
from monitor.page_workers import read_page

SCRIPTED_BOARD = "留言列表由脚本加载，未能读取"
OFFSITE_BOARD = "站外互动平台，留言不计入本站"


class InteractionReader:
    """Collects one crawl's channels; judged later by monitor/checks/interaction.py."""

    def __init__(self, session: CrawlSession, vocabulary: MessageVocabulary, scope: SiteScope, today: date,
                 max_boards: int):
        self._session = session
        self._words = vocabulary
        self._scope = scope
        self._today = today
        self._max_boards = max_boards
        self._boards: dict[str, MessageBoard] = {}  # normalised URL -> board
        self._linked: dict[str, tuple[str, str]] = {}  # normalised URL -> (name, URL) of home-page channel links

    @property
    def boards(self) -> list[MessageBoard]:
        return list(self._boards.values())

    def offer_links(self, links: list[tuple[str, str]]) -> None:
        """The home page's links (name, URL): those named as channels are opened later, if not read as columns."""
        for name, url in links:
            if self._words.is_channel(name):
                self._linked.setdefault(normalise_url(url), (name, url))

    async def column_page(self, link: ColumnLink, result: FetchResult) -> None:
        """A column page as fetched by the column reader: read as a channel when its name says it is one."""
        if self._words.is_channel(link.name):
            await self._record(link.name, link.url, result)

    async def read_linked(self) -> None:
        """Open the home page's channel links not read as columns (at most `max_boards`)."""
        opened = 0
        for key, (name, url) in self._linked.items():
            if key in self._boards:
                continue
            offsite = not self._scope.contains(url)
            if self._session.seen(url) and not offsite:  # read by the crawl under another name: it opens
                self._boards[key] = MessageBoard(name, url)
                continue
            if opened >= self._max_boards:
                break
            opened += 1
            result = await self._session.fetch(url, traps=not offsite)
            if result is None:  # over the page budget, or refused: the channel was not looked at
                self._boards[key] = MessageBoard(name, url, readable=False, reason="未访问：已达本次抓取页数上限",
                                                 offsite=offsite)
                continue
            await self._record(name, url, result, offsite=offsite)

    async def _record(self, name: str, url: str, result: FetchResult, *, offsite: bool = False) -> None:
        key = normalise_url(url)
        if result.outcome == Outcome.REFUSED:  # not opened (robots.txt, policy): nothing known of it
            self._boards[key] = MessageBoard(name, url, readable=False, reason=describe_failure(result),
                                             offsite=offsite)
            return
        if not result.ok:
            self._boards[key] = MessageBoard(name, url, opens=False, reason=describe_failure(result),
                                             failure=fetch_failure(result), offsite=offsite)
            return
        if offsite:
            self._boards[key] = MessageBoard(name, url, reason=OFFSITE_BOARD, offsite=True)
            return
        if result.incomplete:
            self._boards[key] = MessageBoard(name, url, readable=False, reason=result.incomplete)
            return
        page_url = result.final_url or url
        read = await read_page(read_board, result.text, page_url, self._words, self._today)
        board = MessageBoard(name, url, listed=read.listed, messages=read.messages, reply_shown=read.reply_shown)
        if not read.messages and not read.says_empty and not read.other_items and looks_scripted(result.text):
            board.readable, board.reason = False, SCRIPTED_BOARD
        self._boards[key] = board
