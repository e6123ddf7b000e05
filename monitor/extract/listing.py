"""Items of a column listing or home-page block, its next pages, and what a column page says of itself.

Government CMSs (TRS, Hanweb 大汉, 拓尔思, home-grown) write lists as <ul><li>, table rows, Hanweb
<datastore> records or divs with a "time" span. Rather than one template per CMS, an item is found
from its shape: a titled link whose own small container (li, tr, or the widest ancestor holding no
other link) carries a text that is only a date. Dates come from page text, never from URLs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.dates import (
    FULL_DATE,
    date_only,
    normalise,
    page_generated_date,
    page_generated_date_of,
    parse_date,
    pubdate,
)
from monitor.extract.js import written_html
from monitor.extract.urljoin import join_url
from monitor.observations import ListingItem

__all__ = [
    "blank_marker",
    "column_meta",
    "extract_listing",
    "next_page_urls",
    "page_generated_date",
    "pubdate",
]

_INVISIBLE = ["script", "style", "noscript", "template", "select", "iframe", "object"]
# Page chrome: links there are navigation, not list entries (class/id tokens of real templates).
_CHROME_TAGS = frozenset({"nav", "header", "footer"})
_CHROME_MARKS = re.compile(
    r"nav|menu|foot|bottom|copyright|banquan|header|crumb|position(?!-(?:rel|abs|fix|sta|sti))|location|pager"
    r"|pagination|page_?box"
    r"|fenye|yqlj|friend|share|toolbar|topbar|sitemap|wzdt|lanmu_?dh",
    re.I,
)
_NOT_TITLES = re.compile(
    r"^(更多|more|详细|详情|查看|下一页|上一页|首页|尾页|末页|返回|打印|关闭|\d+)\W*$", re.I
)
_MIN_TITLE = 4  # characters; shorter link texts are menu entries, icons or "更多"
_MAX_CLIMB = 6  # ancestors to climb looking for an item's own container
_UNDATED_MIN_ITEMS = 2  # a page without any date: lists of at least this many ...
_UNDATED_MIN_MEAN_TITLE = 8  # ... whose titles read like headlines


# -- shared HTML helpers (columns.py uses them too) ------------------------------------------------
def parse_html(html: str) -> LexborHTMLParser:
    """Parse with Hanweb datastore records and TRS script-written links expanded, invisible parts removed."""
    tree = LexborHTMLParser(expand_written_links(expand_datastores(html)))
    tree.strip_tags(_INVISIBLE)
    return tree


_DATASTORE_SCRIPT = re.compile(r"<script\b[^>]*text/xml[^>]*>(.*?)</script\s*>", re.I | re.S)
_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore\s*>", re.I | re.S)
_RECORD = re.compile(r"<record\b[^>]*>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record\s*>", re.I | re.S)


def _records_html(xml: str) -> str:
    parts = []
    for match in _RECORD.finditer(xml):
        record = (match[1] if match[1] is not None else match[2] or "").strip()
        if record.lower().startswith("<tr"):
            record = f"<table>{record}</table>"
        parts.append(f'<div class="govmon-record">{record}</div>')
    return f'<div class="govmon-datastore">{"".join(parts)}</div>'


def expand_datastores(html: str) -> str:
    """Hanweb jpage lists ship their items as CDATA records in a <script type="text/xml"> (or as a bare
    <datastore> from dataproxy.jsp); browsers render them by script, so here they become HTML in place."""
    if "<record" not in html.lower():
        return html
    html = _DATASTORE_SCRIPT.sub(lambda m: _records_html(m[1]) if "<record" in m[1].lower() else m[0], html)
    return _DATASTORE.sub(lambda m: _records_html(m[1]), html)


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_MAX_WRITER_SCRIPT = 3000  # characters; TRS item scripts are a few lines, pager and app scripts are long


def expand_written_links(html: str) -> str:
    """TRS list templates often write each entry's link with document.write("<a href='"+str_1+"'>…");
    the script becomes the HTML it writes, so the entry is seen as a browser shows it."""
    if "document.write" not in html:
        return html

    def replace(match: re.Match[str]) -> str:
        body = match[2]
        if len(body) > _MAX_WRITER_SCRIPT or "document.write" not in body or "<a" not in body.lower():
            return match[0]
        if "text/xml" in match[1].lower():
            return match[0]
        written = "".join(written_html(body))
        return written if "<a" in written.lower() else match[0]

    return _SCRIPT.sub(replace, html)


def is_chrome(node: LexborNode) -> bool:
    """Inside navigation, header, footer, breadcrumb or pager (judged by tag and class/id)."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html", "-document"):
        if current.tag in _CHROME_TAGS:
            return True
        marks = f"{current.attributes.get('class') or ''} {current.attributes.get('id') or ''}"
        if marks.strip() and _CHROME_MARKS.search(marks):
            return True
        current = current.parent
    return False


def _own_chrome(node: LexborNode) -> bool:
    if node.tag in _CHROME_TAGS:
        return True
    marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
    return bool(marks.strip() and _CHROME_MARKS.search(marks))


class ChromeTest:
    """`is_chrome` for the nodes of one tree, each ancestor judged once (list items share their ancestors)."""

    def __init__(self) -> None:
        self._known: dict[int, bool] = {}

    def __call__(self, node: LexborNode) -> bool:
        path: list[int] = []
        result = False
        current: LexborNode | None = node
        while current is not None and current.tag not in ("body", "html", "-document"):
            key = current.mem_id
            known = self._known.get(key)
            if known is not None:
                result = known
                break
            path.append(key)
            if _own_chrome(current):
                result = True
                break
            current = current.parent
        for key in path:
            self._known[key] = result
        return result


def clean_text(text: str) -> str:
    return " ".join(text.split())


def usable_href(node: LexborNode) -> str:
    """The href when it leads somewhere (not javascript:, mailto:, tel: or an in-page anchor)."""
    href = (node.attributes.get("href") or "").strip()
    if (
        not href
        or href.startswith("#")
        or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:"))
    ):
        return ""
    return href


def link_title(node: LexborNode) -> str:
    """Link text, or the title attribute when the text is cut short ("…") or missing."""
    text = clean_text(node.text())
    title = clean_text(node.attributes.get("title") or "")
    if title and (
        not text or text.endswith(("...", "…", "..")) or len(title) > len(text) and title.startswith(text[:4])
    ):
        return title
    return text


# -- listing items ---------------------------------------------------------------------------------
def _container(link: LexborNode, href: str) -> LexborNode:
    """The widest ancestor that is still this item's own (holds no link elsewhere); a li/tr ends the climb."""
    best = link
    for _ in range(_MAX_CLIMB):
        parent = best.parent
        if parent is None or parent.tag in ("body", "html", "-document", "ul", "ol", "table", "tbody"):
            break
        if any(usable_href(other) not in ("", href) for other in parent.css("a[href]")):
            break
        best = parent
        if parent.tag in ("li", "tr"):
            break
    return best


def _item_date(container: LexborNode, link_text: str, reference: date | None) -> tuple[date | None, str]:
    """A text in the container that is only a date; else a full date beside (not inside) the title.

    A bare "12-30" with no year reference gives (None, "12-30"): the entry is still dated-looking,
    which keeps its list, but its date is unknown.
    """
    unresolved = ""
    for node in container.traverse(include_text=True):
        if node.tag != "-text":
            continue
        raw = clean_text(node.text_content or "")
        if not raw:
            continue
        found = date_only(raw, reference=reference)
        if found:
            return found, raw
        if not unresolved and reference is None and date_only(raw, reference=_ANY_REFERENCE):
            unresolved = raw
    rest = clean_text(container.text()).replace(link_text, " ", 1)
    match = FULL_DATE.search(normalise(rest))
    if match and container.tag in ("li", "tr", "dd", "dl"):
        found = parse_date(match[0])
        if found:
            return found, match[0]
    return None, unresolved


def _sibling_date(link: LexborNode, reference: date | None) -> tuple[date | None, str]:
    """Flat lists (<a>…</a><span>2022-12-28</span><br><a>…) have no per-item element: the date is
    the text right after the link, before the next link."""
    node = link.next
    for _ in range(_MAX_SIBLINGS):
        if node is None or node.tag == "a" or (node.tag != "-text" and node.css_first("a[href]") is not None):
            break
        raw = clean_text(node.text_content or "" if node.tag == "-text" else node.text())
        found = date_only(raw, reference=reference) if raw else None
        if found:
            return found, raw
        node = node.next
    return None, ""


_MAX_SIBLINGS = 4  # nodes after a link in a flat list: spaces, a bullet, the date span, <br>


_ANY_REFERENCE = date(2099, 12, 30)  # only to tell "looks like a month-day" from "is not a date"


def _newest_full_date(tree: LexborHTMLParser) -> date | None:
    body = tree.body
    if body is None:
        return None
    dates = (parse_date(m[0]) for m in FULL_DATE.finditer(normalise(body.text(separator=" "))))
    return max((d for d in dates if d is not None), default=None)


def _year_reference(given: date | None, generated: date | None) -> date | None:
    """The later bound for bare month-days: the crawl's reference, capped by the page's generation date.

    A stale static page regenerated in October 2023 and crawled in 2026 must read "10-11" as 2023,
    or a site silent for years would look one month stale.
    """
    if given is None or generated is None:
        return given or generated
    return min(given, generated)


def extract_listing(html: str, base_url: str, *, reference: date | None = None) -> list[ListingItem]:
    """Entries of the lists on a page, in document order.

    Bare "MM-DD" dates take their year from `reference`, or from the page's generation time when that
    is earlier (a page made in 2023 cannot list a 2026 item), else from the newest full date shown.
    A list whose entries carry dates is kept whole (its undated entries keep date=None: they count
    as not updated). Lists without any date are kept only when the page has no dated list at all and
    they read like headlines, so a column of undated articles is not mistaken for an empty column.
    """
    return extract_listing_of(parse_html(html), LexborHTMLParser(html), base_url, reference=reference)


def extract_listing_of(
    content: LexborHTMLParser, raw: LexborHTMLParser | None, base_url: str, *, reference: date | None = None,
    generated: date | None = None,
) -> list[ListingItem]:
    """`extract_listing` of a page parsed twice: `content` by `parse_html`, `raw` as is (both read only).

    Without `raw`, `generated` is the page's generation date (`page_generated_date_of` of the raw tree),
    so the caller need not keep both trees at once."""
    tree = content
    if raw is not None:
        generated = page_generated_date_of(raw)
    reference = _year_reference(reference, generated) or _newest_full_date(tree)
    groups: dict[int, list[tuple[ListingItem, bool]]] = {}
    order: list[int] = []
    seen: set[tuple[str, date | None]] = set()
    chrome = ChromeTest()
    for link in tree.css("a[href]"):
        href = usable_href(link)
        title = link_title(link)
        if not href or len(title) < _MIN_TITLE or _NOT_TITLES.match(title) or chrome(link):
            continue
        container = _container(link, href)
        found, date_text = _item_date(container, clean_text(link.text()), reference)
        if not date_text and container is link:
            found, date_text = _sibling_date(link, reference)
        if date_text and title.endswith(date_text) and len(title) > len(date_text):
            title = title[: -len(date_text)].strip()
        url = join_url(base_url, href)
        if (url, found) in seen:
            continue
        seen.add((url, found))
        group = container.parent.mem_id if container.parent is not None else 0
        if group not in groups:
            groups[group] = []
        # date texts repeat across columns ("2026-11-13"): one string each, however many items keep it
        item = ListingItem(title, url, found, "list" if found else "", sys.intern(date_text))
        groups[group].append((item, bool(date_text)))
        order.append(group)
    return _keep_lists(groups, order)


def _keep_lists(groups: dict[int, list[tuple[ListingItem, bool]]], order: list[int]) -> list[ListingItem]:
    dated_groups = {key for key, items in groups.items() if any(dated for _, dated in items)}
    if dated_groups:
        kept = dated_groups
    else:
        kept = {
            key
            for key, items in groups.items()
            if len(items) >= _UNDATED_MIN_ITEMS
            and sum(len(item.title) for item, _ in items) / len(items) >= _UNDATED_MIN_MEAN_TITLE
        }
    cursor: dict[int, int] = dict.fromkeys(groups, 0)
    result = []
    for key in order:  # document order across groups
        item, _ = groups[key][cursor[key]]
        cursor[key] += 1
        if key in kept:
            result.append(item)
    return result


# -- next pages ------------------------------------------------------------------------------------
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
    r"\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
_COUNT_VAR = re.compile(r"\bcountPage\s*=\s*['\"]?(\d+)")
_CURRENT_VAR = re.compile(r"\bcurrentPage\s*=\s*['\"]?(\d+)")
_PAGE_NAME_VAR = re.compile(r"""["'](\w+)["']\s*\+\s*["']_["']""")
_NEXT_TEXT = re.compile(r"^(下一?页|后一?页|next|>|›|»)\W*$", re.I)
_PAGER_CONTEXT = re.compile(r"下一?页|上一?页|尾页|末页|共\s*\d+\s*页")
_PAGER_MARKS = re.compile(r"page|pag|fenye|fy", re.I)
_PAGER_MAX_TEXT = 300  # characters; a pager is short, a paragraph mentioning "下页" is not
_MAX_TRS_PAGES = 500  # a runaway countPage is a template bug, not 10 000 pages to read


def _trs_pages(html: str) -> list[str]:
    """Relative page names from TRS pager scripts: createPageHTML(count, current, "index", "shtml") or
    the inline variant with `var countPage = N; var currentPage = 0` writing "index_"+i+".html"."""
    names: list[str] = []
    for match in _CREATE_PAGE.finditer(html):
        count, current, name, ext = int(match[1]), int(match[2]), match[3], match[4]
        names += [f"{name}_{i}.{ext}" for i in range(current + 1, min(count, _MAX_TRS_PAGES))]
    if names:
        return names
    for script in re.findall(r"<script\b[^>]*>(.*?)</script\s*>", html, re.I | re.S):
        count_match, current_match = _COUNT_VAR.search(script), _CURRENT_VAR.search(script)
        if not count_match or "document.write" not in script:
            continue
        name_match = _PAGE_NAME_VAR.search(script)
        name = name_match[1] if name_match else "index"
        ext = "shtml" if "shtml" in script else "html"
        start = int(current_match[1]) + 1 if current_match else 1
        names += [f"{name}_{i}.{ext}" for i in range(start, min(int(count_match[1]), _MAX_TRS_PAGES))]
    return names


_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*?href=['\"]([^'\"]+)['\"]", re.I)
_TOTAL_RECORDS = re.compile(r"<totalrecord>\s*(\d+)|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)


def _hanweb_groups(html: str) -> list[str]:
    """Further record groups of a Hanweb jpage list: its <nextgroup> dataproxy.jsp link asked for
    startrecord/endrecord, the way the jpage script pages through `totalRecord` records."""
    nextgroup, total = _NEXTGROUP.search(html), _TOTAL_RECORDS.search(html)
    records = len(_RECORD.findall(html))
    if not nextgroup or not total or not records:
        return []
    count = int(total[1] or total[2])
    per_page = _PER_PAGE.search(html)
    href = nextgroup[1].replace("&amp;", "&")
    joiner = "&" if "?" in href else "?"
    per = int(per_page[1]) if per_page else records
    starts = range(records + 1, count + 1, records)
    return [
        f"{href}{joiner}startrecord={start}&endrecord={min(start + records - 1, count)}&perpage={per}"
        for start in list(starts)[:_MAX_TRS_PAGES]
    ]


def _in_pager(link: LexborNode) -> bool:
    """A numbered link belongs to a pager: its box is classed so, or is a short text with 下一页/尾页."""
    node: LexborNode | None = link.parent
    for _ in range(2):
        if node is None or node.tag in ("body", "html", "-document"):
            return False
        if _PAGER_MARKS.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"):
            return True
        text = node.text()
        if len(text) < _PAGER_MAX_TEXT and _PAGER_CONTEXT.search(text):
            return True
        node = node.parent
    return False


def next_page_urls(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the listing's further pages, in page order, without the current page.

    TRS pagers are scripts (the links do not exist until a browser runs them), so the page count
    is read from the script; Hanweb jpage lists give their further record groups (dataproxy.jsp);
    rendered "下一页" and numbered pager links are added after.
    """
    return next_page_urls_of(html, LexborHTMLParser(html), base_url)


def next_page_urls_of(html: str, tree: LexborHTMLParser, base_url: str) -> list[str]:
    """`next_page_urls` of a page whose `tree` (parsed as is, read only) is at hand."""
    urls = [urljoin(base_url, name) for name in _trs_pages(html) + _hanweb_groups(html)]
    for link in tree.css("a[href]"):
        href = usable_href(link)
        text = clean_text(link.text()).strip("[]【】 ")
        if not href:
            continue
        if _NEXT_TEXT.match(text) or (text.isdigit() and int(text) > 1 and _in_pager(link)):
            urls.append(join_url(base_url, href))
    current = base_url.split("#")[0]
    result: list[str] = []
    for url in urls:
        url = url.split("#")[0]
        if url != current and url not in result:
            result.append(url)
    return result


# -- what a column page says of itself ---------------------------------------------------------------
def column_meta(html: str) -> tuple[str, str]:
    """(ColumnName, ColumnType) metas, which the national guideline asks column pages to carry."""
    return column_meta_of(LexborHTMLParser(html))


def column_meta_of(tree: LexborHTMLParser) -> tuple[str, str]:
    """`column_meta` of an already parsed page (read only)."""
    values = {"columnname": "", "columntype": ""}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        if name in values and not values[name]:
            values[name] = clean_text(node.attributes.get("content") or "")
    return values["columnname"], values["columntype"]


def content_body(html: str) -> LexborNode | None:
    """The page body without navigation, header, footer and scripts."""
    tree = parse_html(html)
    body = tree.body or tree.root
    if body is None:
        return None
    outermost = [node for node in body.css("*") if is_chrome(node) and not is_chrome(node.parent or body)]
    for node in outermost:
        node.decompose()
    return body


def blank_marker(html: str, markers: Sequence[str]) -> str:
    """The first placeholder ("暂无信息", "建设中" …) shown on its own in the main content, or "".

    Footers and menus carry such words on healthy pages too, and prose does ("在建设中的项目"),
    so only a short block of the content area counts: a placeholder is all its element says.
    """
    body = content_body(html)
    if body is None:
        return ""
    blocks = [clean_text(body.text())] + [clean_text(node.text()) for node in body.css("*")]
    short = [text for text in blocks if text and len(text) <= _PLACEHOLDER_MAX]
    for marker in markers:
        if marker and any(marker in text for text in short):
            return marker
    return ""


_PLACEHOLDER_MAX = 40  # characters of the element holding a placeholder ("本栏目正在建设中，敬请期待")


def is_article_url(url: str) -> bool:
    """Heuristic for article (not column) pages: /art/2022/…, t20221228_…, content_…, documents."""
    path = urlsplit(url).path.lower()
    return bool(_ARTICLE_PATH.search(path))


_ARTICLE_PATH = re.compile(
    r"/art/\d{4}/|/t\d{8}_\d+|/content_\d+|/art_\d+_\d+|\.(pdf|docx?|xlsx?|wps|zip|rar|jpg|png)$"
    r"|/\d{6}/[0-9a-f]{32}\.s?html?$|/\d{4}-\d{2}/\d{2}/content_"
)
