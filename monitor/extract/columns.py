"""Columns (栏目) of a site: found in its menus, "更多" links and column hubs, and classified by name.

The checks count stale and blank columns by kind (动态 2 weeks, 通知公告 6 months …), so a column is
only worth listing when it is one: same site, not an article, not the home page, with a name a
person would recognise (the block heading for "更多" links, which carry no name of their own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.listing import (
    clean_text,
    column_meta,
    is_article_url,
    is_chrome,
    parse_html,
    usable_href,
)
from monitor.extract.urljoin import join_url
from monitor.hosts import bare_host, url_host
from monitor.observations import ColumnLink
from monitor.rulebook import ColumnCategory

__all__ = ["classify_column", "column_meta", "discover_columns"]

_NAV_MARKS = re.compile(r"nav|menu|memu|daohang", re.I)
_FOOTER_MARKS = re.compile(
    r"foot|bottom|copyright|banquan|crumb|position(?!-(?:rel|abs|fix|sta|sti))|location|pager|page_?box", re.I
)
_HUB_MARKS = re.compile(r"side|left|sub|lanmu|column|channel|zlm|ejlm|sjlm|lmlb", re.I)
_MORE_TEXT = re.compile(r"^[\s>＞»›+＋.·]*(更多|more|查看更多|更多信息|更多内容)[\s>＞»›+＋.·]*$", re.I)
_HOME_TEXT = frozenset({"首页", "网站首页", "返回首页", "主页", "门户首页", "home"})
_HOME_PATH = re.compile(r"^/?(index|default|main)?\.?(s?html?|jsp|php|aspx?)?$", re.I)
_COLUMN_PATH = re.compile(r"(/|/index(_\d+)?\.\w+|/list\w*\.\w+|redirect_\w+\.\w+|/\w+_list\.\w+)$", re.I)
_HEADING_MARKS = re.compile(r"tit|hd|head|name|tab|lm|bt", re.I)
_UTILITY = re.compile(
    r"用户中心|登录|注册|无障碍|关怀版|长者|适老|繁體|繁体|简体|english|^en$|搜索|收藏|打印|关闭", re.I
)
_MAX_NAME = 20  # characters; longer link texts are headlines, not column names
_MAX_HEADING_CLIMB = 5


def _marks(node: LexborNode) -> str:
    return f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"


def _inside(node: LexborNode, pattern: re.Pattern[str], tags: frozenset[str] = frozenset()) -> bool:
    current: LexborNode | None = node.parent
    while current is not None and current.tag not in ("body", "html", "-document"):
        if current.tag in tags or pattern.search(_marks(current)):
            return True
        current = current.parent
    return False


def _host(url: str) -> str:
    return bare_host(url_host(url))


def _normalise_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _is_home(url: str, base_url: str, name: str) -> bool:
    """The site's (or this page's) home link: root paths, index pages of the root, or named 首页."""
    if name.strip().lower() in _HOME_TEXT:
        return True
    path = urlsplit(url).path
    if _HOME_PATH.match(path):
        return True
    return _normalise_url(url) == _normalise_url(base_url)


def _column_url(href: str, base_url: str) -> str:
    """Absolute URL when `href` can be a column of this site, else ""."""
    if not href:
        return ""
    url = join_url(base_url, href)
    if urlsplit(url).scheme not in ("http", "https") or _host(url) != _host(base_url):
        return ""
    if is_article_url(url):
        return ""
    return _normalise_url(url)


def _name_ok(name: str) -> bool:
    return 2 <= len(name) <= _MAX_NAME and not _MORE_TEXT.match(name) and not _UTILITY.search(name)


def _nav_links(body: LexborNode) -> list[tuple[str, str]]:
    """(text, href) of links in menus: <nav>, or containers whose class/id says nav/menu."""
    found = []
    for link in body.css("a[href]"):
        if _inside(link, _NAV_MARKS, frozenset({"nav"})) and not _inside(
            link, _FOOTER_MARKS, frozenset({"footer"})
        ):
            found.append((clean_text(link.text()), usable_href(link)))
    return found


def _block_heading(more: LexborNode, href: str) -> str:
    """Name of the block a "更多" link belongs to: the tab link with the same URL, else its heading."""
    blocks = _ancestors(more, _MAX_HEADING_CLIMB)
    for block in blocks:
        for link in block.css("a[href]"):
            text = clean_text(link.text())
            if usable_href(link) == href and _name_ok(text):
                return text
    for block in blocks:
        for heading in block.css("h1, h2, h3, h4, h5, h6, [class], [id]"):
            text = _heading_text(heading)
            if text:
                return text
    return ""


def _ancestors(node: LexborNode, limit: int) -> list[LexborNode]:
    found: list[LexborNode] = []
    current = node.parent
    while current is not None and current.tag not in ("body", "html", "-document") and len(found) < limit:
        found.append(current)
        current = current.parent
    return found


def _heading_text(node: LexborNode) -> str:
    """Text of a block heading (h1-h6 or a "title"/"hd" element), not of a list entry's headline."""
    is_h = node.tag in ("h1", "h2", "h3", "h4", "h5", "h6")
    if not is_h and not _HEADING_MARKS.search(_marks(node)):
        return ""
    if any(ancestor.tag == "li" for ancestor in _ancestors(node, 4)) or node.tag == "li":
        return ""
    link = node.css_first("a[href]")
    if link is not None and is_article_url(usable_href(link)):
        return ""
    text = clean_text(link.text() if link is not None and not is_h else node.text())
    text = _MORE_STRIP.sub("", text).strip()
    return text if _name_ok(text) else ""


_MORE_STRIP = re.compile(r"(更多|more)\s*[>＞»›+]*", re.I)


def _more_links(body: LexborNode) -> list[tuple[str, str]]:
    """(block heading, href) of the "更多" links of home-page blocks."""
    found = []
    for link in body.css("a[href]"):
        text = clean_text(link.text())
        if not _MORE_TEXT.match(text) or is_chrome(link):
            continue
        href = usable_href(link)
        if href:
            found.append((_block_heading(link, href), href))
    return found


def _hub_links(body: LexborNode) -> list[tuple[str, str]]:
    """(text, href) of sub-column lists: side/sub-menu containers whose links have column-like URLs."""
    found = []
    for link in body.css("a[href]"):
        href = usable_href(link)
        if not href or not _COLUMN_PATH.search(urlsplit(href).path or "/"):
            continue
        column_typed = (link.attributes.get("linktype") or "").lower() == "column"
        if column_typed or (
            _inside(link, _HUB_MARKS) and not _inside(link, _FOOTER_MARKS, frozenset({"footer"}))
        ):
            found.append((clean_text(link.text()), href))
    return found


def discover_columns(html: str, base_url: str, *, level: int = 1) -> list[ColumnLink]:
    """Columns linked from a page: menus first, then "更多" links, then column hubs; one per URL."""
    return discover_columns_of(parse_html(html), base_url, level=level)


def discover_columns_of(tree: LexborHTMLParser, base_url: str, *, level: int = 1) -> list[ColumnLink]:
    """`discover_columns` of a page parsed by `parse_html` (read only: the tree may be shared)."""
    body = tree.body
    if body is None:
        return []
    columns: list[ColumnLink] = []
    seen: set[str] = set()
    for name, href in _nav_links(body) + _more_links(body) + _hub_links(body):
        url = _column_url(href, base_url)
        if not url or url in seen or not _name_ok(name) or _is_home(url, base_url, name):
            continue
        seen.add(url)
        columns.append(ColumnLink(name=name, url=url, level=level, found_on=base_url))
    return columns


def classify_column(name: str, categories: Sequence[ColumnCategory], column_type: str = "") -> str:
    """First category, in rules order, with a keyword in the name; then the same for ColumnType.

    Order matters: "领导信箱" is interaction (信箱) before should_update (领导), as the rules list them.
    """
    for text in (name, column_type):
        if not text:
            continue
        for category in categories:
            if any(keyword and keyword in text for keyword in category.keywords):
                return category.name
    return "unknown"
