"""Items of a column listing or home-page block, its next pages, and what a column page says of itself.

Government CMSs (TRS, Hanweb 大汉, 拓尔思, home-grown) write lists as <ul><li>, table rows, Hanweb
<datastore> records or divs with a "time" span. Rather than one template per CMS, an item is found
from its shape: a titled link whose own small container (li, tr, or the widest ancestor holding no
other link) carries a text that is only a date. Dates come from page text, never from URLs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.dates import _FULL, _normalise, date_only, page_generated_date, parse_date, pubdate
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
    r"nav|menu|foot|bottom|copyright|banquan|header|crumb|position|location|pager|pagination|page_?box"
    r"|fenye|yqlj|friend|share|toolbar|topbar|sitemap|wzdt|lanmu_?dh",
    re.I,
)
_NOT_TITLES = re.compile(r"^(更多|more|详细|详情|查看|下一页|上一页|首页|尾页|末页|返回|打印|关闭|\d+)\W*$", re.I)
_MIN_TITLE = 4  # characters; shorter link texts are menu entries, icons or "更多"
_MAX_CLIMB = 6  # ancestors to climb looking for an item's own container
_UNDATED_MIN_ITEMS = 2  # a page without any date: lists of at least this many ...
_UNDATED_MIN_MEAN_TITLE = 8  # ... whose titles read like headlines


# -- shared HTML helpers (columns.py uses them too) ------------------------------------------------
def parse_html(html: str) -> LexborHTMLParser:
    """Parse with Hanweb datastore records expanded into plain HTML, invisible parts removed."""
    tree = LexborHTMLParser(expand_datastores(html))
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


def clean_text(text: str) -> str:
    return " ".join(text.split())


def usable_href(node: LexborNode) -> str:
    """The href when it leads somewhere (not javascript:, mailto:, tel: or an in-page anchor)."""
    href = (node.attributes.get("href") or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return ""
    return href


def link_title(node: LexborNode) -> str:
    """Link text, or the title attribute when the text is cut short ("…") or missing."""
    text = clean_text(node.text())
    title = clean_text(node.attributes.get("title") or "")
    if title and (not text or text.endswith(("...", "…", "..")) or len(title) > len(text) and title.startswith(text[:4])):
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
    """A text in the container that is only a date; else a full date beside (not inside) the title."""
    for node in container.traverse(include_text=True):
        if node.tag != "-text":
            continue
        raw = clean_text(node.text_content or "")
        found = date_only(raw, reference=reference) if raw else None
        if found:
            return found, raw
    rest = clean_text(container.text()).replace(link_text, " ", 1)
    match = _FULL.search(_normalise(rest))
    if match and container.tag in ("li", "tr", "dd", "dl"):
        found = parse_date(match[0])
        if found:
            return found, match[0]
    return None, ""


def _newest_full_date(tree: LexborHTMLParser) -> date | None:
    body = tree.body
    if body is None:
        return None
    dates = (parse_date(m[0]) for m in _FULL.finditer(_normalise(body.text(separator=" "))))
    return max((d for d in dates if d is not None), default=None)


def extract_listing(html: str, base_url: str, *, reference: date | None = None) -> list[ListingItem]:
    """Entries of the lists on a page, in document order.

    A list whose entries carry dates is kept whole (its undated entries keep date=None: they count
    as not updated). Lists without any date are kept only when the page has no dated list at all and
    they read like headlines, so a column of undated articles is not mistaken for an empty column.
    """
    reference = reference or page_generated_date(html)
    tree = parse_html(html)
    reference = reference or _newest_full_date(tree)
    groups: dict[int, list[tuple[ListingItem, bool]]] = {}
    order: list[int] = []
    seen: set[tuple[str, date | None]] = set()
    for link in tree.css("a[href]"):
        href = usable_href(link)
        title = link_title(link)
        if not href or len(title) < _MIN_TITLE or _NOT_TITLES.match(title) or is_chrome(link):
            continue
        container = _container(link, href)
        found, raw = _item_date(container, clean_text(link.text()), reference)
        if raw and title.endswith(raw):
            title = title[: -len(raw)].strip()
        url = urljoin(base_url, href)
        if (url, found) in seen:
            continue
        seen.add((url, found))
        group = container.parent.mem_id if container.parent is not None else 0
        if group not in groups:
            groups[group] = []
        groups[group].append((ListingItem(title, url, found, "list" if found else "", raw), found is not None))
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
        count, current = _COUNT_VAR.search(script), _CURRENT_VAR.search(script)
        if not count or "document.write" not in script:
            continue
        name_match = _PAGE_NAME_VAR.search(script)
        name = name_match[1] if name_match else "index"
        ext = "shtml" if "shtml" in script else "html"
        start = int(current[1]) + 1 if current else 1
        names += [f"{name}_{i}.{ext}" for i in range(start, min(int(count[1]), _MAX_TRS_PAGES))]
    return names


def _in_pager(link: LexborNode) -> bool:
    node: LexborNode | None = link.parent
    for _ in range(3):
        if node is None:
            return False
        if _PAGER_MARKS.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"):
            return True
        if _PAGER_CONTEXT.search(node.text()):
            return True
        node = node.parent
    return False


def next_page_urls(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the listing's further pages, in page order, without the current page.

    TRS pagers are scripts (the links do not exist until a browser runs them), so the page count
    is read from the script; rendered "下一页" and numbered pager links are added after.
    """
    urls = [urljoin(base_url, name) for name in _trs_pages(html)]
    tree = LexborHTMLParser(html)
    for link in tree.css("a[href]"):
        href = usable_href(link)
        text = clean_text(link.text()).strip("[]【】 ")
        if not href:
            continue
        if _NEXT_TEXT.match(text) or (text.isdigit() and int(text) > 1 and _in_pager(link)):
            urls.append(urljoin(base_url, href))
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
    tree = LexborHTMLParser(html)
    values = {"columnname": "", "columntype": ""}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        if name in values and not values[name]:
            values[name] = clean_text(node.attributes.get("content") or "")
    return values["columnname"], values["columntype"]


def main_text(html: str) -> str:
    """Visible text of the page without navigation, header, footer and scripts."""
    tree = parse_html(html)
    body = tree.body or tree.root
    if body is None:
        return ""
    outermost = [node for node in body.css("*") if is_chrome(node) and not is_chrome(node.parent or body)]
    for node in outermost:
        node.decompose()
    return clean_text(body.text(separator=" "))


def blank_marker(html: str, markers: Sequence[str]) -> str:
    """The first placeholder ("暂无信息", "建设中" …) shown in the main content, or "".

    Footers and menus carry such words on healthy pages too ("栏目建设中" in a menu), so only the
    content area counts.
    """
    text = main_text(html)
    for marker in markers:
        if marker and marker in text:
            return marker
    return ""


def is_article_url(url: str) -> bool:
    """Heuristic for article (not column) pages: /art/2022/…, t20221228_…, content_…, documents."""
    path = urlsplit(url).path.lower()
    return bool(_ARTICLE_PATH.search(path))


_ARTICLE_PATH = re.compile(
    r"/art/\d{4}/|/t\d{8}_\d+|/content_\d+|/art_\d+_\d+|\.(pdf|docx?|xlsx?|wps|zip|rar|jpg|png)$"
    r"|/\d{6}/[0-9a-f]{32}\.s?html?$|/\d{4}-\d{2}/\d{2}/content_"
)

