"""Message lists of 互动交流 channels (留言/信箱/咨询): each letter's title, 来信时间, 回复时间 and status.

The CMSs write them three ways, all read here: a table whose header names the columns (标题 | 来信时间 |
回复时间 | 状态), rows without a header whose cells hold a title link, dates and a status word (Hanweb
`<datastore>` records, TRS tables), and list entries with labels ("来信时间：2022-08-01 状态：已回复").
Pure: HTML in, `BoardRead` out. Titles are masked (long digit runs) before they leave this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.content.privacy import mask_digits
from monitor.extract.dates import FULL_DATE, date_only, normalise, parse_date
from monitor.extract.listing import clean_text, extract_listing_of, link_title, parse_html, usable_href
from monitor.extract.text import parse
from monitor.extract.urljoin import join_url
from monitor.observations import Message
from monitor.page_workers import SentOnce

REPLIED = "replied"
PENDING = "pending"
MAX_MESSAGES = 500  # letters kept per list page
_ROLES = ("title", "asked", "replied", "status")


@dataclass(frozen=True)
class MessageVocabulary(SentOnce):
    """Words of rules/interaction.toml: what a channel is called and how its list is labelled."""

    channel_words: tuple[str, ...]
    not_channel_words: tuple[str, ...]
    required_kinds: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]  # role (title, asked, replied, status) -> header labels
    pending: tuple[str, ...]
    replied: tuple[str, ...]
    empty: tuple[str, ...]

    def is_channel(self, name: str) -> bool:
        """A link or column named as a consultation channel (领导信箱, 在线咨询, 我要留言 …)."""
        name = " ".join(name.split())
        if not name or len(name) > 20:
            return False
        return any(w in name for w in self.channel_words) and not any(w in name for w in self.not_channel_words)

    def state_of(self, text: str) -> tuple[str, str]:
        """(REPLIED / PENDING / "", the word as written) of a status text."""
        for word in self.pending:
            if word in text:
                return PENDING, word
        for word in self.replied:
            if word in text:
                return REPLIED, word
        return "", ""

    def role_of(self, header: str) -> str:
        """The role of a header cell; the longest label wins ("回复状态" is a status, not a reply date)."""
        header = "".join(header.split()).rstrip(":：")
        if not header or len(header) > 12:
            return ""
        best, length = "", 0
        for role in _ROLES:
            for label in self.labels.get(role, ()):
                if label in header and len(label) > length:
                    best, length = role, len(label)
        return best


@dataclass
class BoardRead:
    """What one message-list page shows."""

    messages: list[Message] = field(default_factory=list)
    listed: bool = False  # a message list was recognised (a header naming its columns, or letters)
    says_empty: bool = False  # the list says it holds no letter
    reply_shown: bool = False  # a status or a reply date is shown for the letters
    other_items: int = 0  # without letters: dated entries of another kind the page lists (articles, interviews)


def read_board(html: str, page_url: str, vocabulary: MessageVocabulary, reference: date) -> BoardRead:
    """The letters a 互动交流 page lists (datastore records expanded), newest first as the page gives them."""
    tree = parse_html(html)
    body = tree.body
    read = BoardRead()
    if body is None:
        return read
    seen: set[str] = set()
    for table in body.css("table"):
        _read_table(table, page_url, vocabulary, reference, read, seen)
    for entry in body.css("li, dl"):
        if len(read.messages) >= MAX_MESSAGES:
            break
        message = _labelled_entry(entry, page_url, vocabulary, reference)
        if message is not None and message.url not in seen:
            seen.add(message.url)
            read.messages.append(message)
            read.listed = True
            read.reply_shown |= bool(message.state or message.replied)
    if not read.messages:
        read.says_empty = _says_empty(tree, vocabulary)
        read.listed = read.listed or read.says_empty
        items = extract_listing_of(tree, parse(html), page_url, reference=reference)
        read.other_items = sum(1 for item in items if item.date is not None)
    return read


def _says_empty(tree: LexborHTMLParser, vocabulary: MessageVocabulary) -> bool:
    body = tree.body
    if body is None:
        return False
    short = [clean_text(node.text()) for node in body.css("td, p, div, span, li")]
    return any(word in text for text in short if text and len(text) <= 40 for word in vocabulary.empty)


def _cells(row: LexborNode) -> list[LexborNode]:
    return [cell for cell in row.iter() if cell.tag in ("td", "th")]


def _header(table: LexborNode, vocabulary: MessageVocabulary) -> dict[int, str]:
    """Column index -> role, from the first row whose cells name at least a title or date column and one more."""
    for row in table.css("tr"):
        cells = _cells(row)
        roles = {i: vocabulary.role_of(clean_text(c.text())) for i, c in enumerate(cells)}
        roles = {i: r for i, r in roles.items() if r}
        if len(set(roles.values())) >= 2 and row.css_first("a[href]") is None:
            return roles
    return {}


def _read_table(table: LexborNode, page_url: str, vocabulary: MessageVocabulary, reference: date,
                read: BoardRead, seen: set[str]) -> None:
    if len(table.css("table")) > 1:  # layout tables (css() counts the node itself): their inner tables are read on their own
        return
    roles = _header(table, vocabulary)
    if roles:
        read.listed = True
        read.reply_shown |= any(r in ("status", "replied") for r in roles.values())
    for row in table.css("tr"):
        if len(read.messages) >= MAX_MESSAGES:
            return
        message = _row_message(row, roles, page_url, vocabulary, reference)
        if message is not None and message.url not in seen:
            seen.add(message.url)
            read.messages.append(message)
            read.listed = True
            read.reply_shown |= bool(message.state or message.replied)


def _title_link(node: LexborNode) -> LexborNode | None:
    """The entry's title link: the longest-texted link of the node (a row may also link a 查看 button)."""
    links = [a for a in node.css("a[href]") if usable_href(a)]
    return max(links, key=lambda a: len(link_title(a)), default=None)


def _message(link: LexborNode, page_url: str, asked: date | None, replied: date | None, status: str,
             vocabulary: MessageVocabulary) -> Message:
    state, word = vocabulary.state_of(status)
    if not state and replied is not None:
        state = REPLIED
    title = mask_digits(link_title(link))
    return Message(title, join_url(page_url, usable_href(link)), asked, replied, state, word)


def _row_message(row: LexborNode, roles: dict[int, str], page_url: str, vocabulary: MessageVocabulary,
                 reference: date) -> Message | None:
    cells = _cells(row)
    link = _title_link(row)
    if link is None or not cells:
        return None
    if roles:
        by_role = {role: clean_text(cells[i].text()) for i, role in roles.items() if i < len(cells)}
        asked = parse_date(by_role.get("asked", ""), reference=reference)
        replied = parse_date(by_role.get("replied", ""), reference=reference)
        return _message(link, page_url, asked, replied, by_role.get("status", ""), vocabulary)
    # no header: dates in cell order (来信 first, 回复 next), a status word in a cell of its own
    title = link_title(link)
    dates = [d for c in cells if (d := date_only(clean_text(c.text()), reference=reference)) is not None]
    status = next((t for c in cells if (t := clean_text(c.text())) and t != title and vocabulary.state_of(t)[0]), "")
    if not status and len(dates) < 2:
        return None  # a plain list row (an article list), not a letter
    return _message(link, page_url, dates[0] if dates else None, dates[1] if len(dates) > 1 else None, status,
                    vocabulary)


_LABELLED = re.compile(r"([\u4e00-\u9fff]{2,6})\s*[:：]\s*")


def _labelled_entry(entry: LexborNode, page_url: str, vocabulary: MessageVocabulary,
                    reference: date) -> Message | None:
    """A list entry whose text labels its dates and status ("来信时间：2022-08-01 状态：已回复")."""
    if len(entry.css("li, dl, table")) > 1:  # an entry holding entries: read those instead (css() counts itself)
        return None
    link = _title_link(entry)
    if link is None:
        return None
    text = normalise(clean_text(entry.text()))
    asked = replied = None
    status = ""
    for match in _LABELLED.finditer(text):
        role = vocabulary.role_of(match[1])
        value = text[match.end():match.end() + 24]
        if role == "asked" and asked is None:
            asked = _date_at(value, reference)
        elif role == "replied" and replied is None:
            replied = _date_at(value, reference)
        elif role == "status" and not status:
            status = value.split()[0] if value.split() else ""
    if not status:  # a bare status word beside the title ([已回复])
        rest = text.replace(clean_text(link_title(link)), " ")
        status = rest if vocabulary.state_of(rest)[0] else ""
    if asked is None and not status and replied is None:
        return None
    if asked is None:
        asked = _date_at(text.replace(clean_text(link_title(link)), " "), reference)
    return _message(link, page_url, asked, replied, status, vocabulary)


def _date_at(value: str, reference: date) -> date | None:
    """The date a label's value starts with."""
    match = FULL_DATE.search(value)
    return parse_date(value, reference=reference) if match is None else parse_date(match[0], reference=reference)
