"""Where a script-filled list comes from, and whether the page already says it is empty.

Hanweb jpage columns ship their records in a `<datastore>` and page through `dataproxy.jsp`; TRS
columns write their pager with `createPageHTML`; other templates fetch a JSON URL. A browser runs
these scripts, but their inputs are plain in the page: an empty recordset with `totalRecord = 0`
is a blank column (the most common blank column in the country), and the data proxy or JSON URL
can be read directly. Pure functions: page text in, facts out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from selectolax.lexbor import LexborNode

from monitor.extract.dates import parse_date
from monitor.extract.text import fold_whitespace
from monitor.extract.urljoin import join_url
from monitor.observations import ListingItem

EMPTY_DATASTORE = "列表数据为空（总数为0）"
MAX_SOURCES = 2  # list sources read per column page
HANWEB_FIRST_RECORDS = 45  # the first record group a jpage list asks its data proxy for (3 pages of 15)

_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore\s*>", re.I | re.S)
_ZERO_TOTAL = re.compile(
    r"<totalrecord>\s*0\s*</totalrecord>"  # the datastore's own count
    r"|totalRecord(?:_\w+)?\s*[:=]\s*['\"]?0\b"  # var totalRecord_3975 = 0; {totalRecord: 0}
    r"|jpageInit\(\s*['\"]?[\w-]+['\"]?\s*,\s*\d+\s*,\s*['\"]?0['\"]?\s*[,)]",  # jpageInit("3975", 15, 0)
    re.I,
)
_PROXY_URL = re.compile(r"""['"]([^'"\s]*dataproxy\.jsp[^'"\s]*)['"]""", re.I)
_PROXY_PARAM_NAMES = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
                      "permissiontype")
_PARAM = re.compile(r"""['"]?\b({names})['"]?\s*[:=]\s*(?:'([^']*)'|"([^"]*)"|([\w./-]+))""".format(
    names="|".join(_PROXY_PARAM_NAMES)))
_PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
_JSON_URL = re.compile(
    r"""(?:getJSON|\burl|fetch|axios\.get|\.get)\s*[:(]\s*['"]([^'"\s]+?\.json(?:\?[^'"\s]*)?)['"]""", re.I
)
_TITLE_KEYS = ("title", "doctitle", "name", "wzbt", "bt", "subject", "articletitle")
_URL_KEYS = ("url", "link", "href", "docpuburl", "path", "pageurl", "linkurl")
_DATE_KEYS = ("date", "pubdate", "publishdate", "publishtime", "pubtime", "time", "createtime", "docreltime",
              "fbrq", "fbsj", "releasetime", "created", "updatetime")
_MAX_JSON_ITEMS = 200


def says_empty(html: str) -> str:
    """EMPTY_DATASTORE when the page's own list data says it holds nothing, else "".

    An empty `<datastore>` recordset, `totalRecord = 0` or `jpageInit(id, perPage, 0)`: the script has
    nothing to show, so the column is blank whatever a browser would draw around it.
    """
    lowered = html.lower()
    if "totalrecord" not in lowered and "jpageinit" not in lowered and "<datastore" not in lowered:
        return ""
    if _ZERO_TOTAL.search(html):
        return EMPTY_DATASTORE
    for store in _DATASTORE.findall(html):
        if "<record" not in store.lower() and "<recordset" in store.lower():
            return EMPTY_DATASTORE
    return ""


def source_urls(html: str, page_url: str) -> list[str]:
    """URLs the page's scripts read their list from: a Hanweb data proxy with the jpage parameters,
    or a JSON URL; same-site filtering is the caller's."""
    urls: list[str] = []
    if "dataproxy" in html.lower():
        urls += _hanweb_proxy(html, page_url)
    for match in _JSON_URL.finditer(html):
        url = join_url(page_url, match[1])
        if url not in urls:
            urls.append(url)
    return urls[:MAX_SOURCES]


def _hanweb_proxy(html: str, page_url: str) -> list[str]:
    """The data-proxy request the jpage script would make for the first record groups."""
    proxy = _PROXY_URL.search(html)
    if proxy is None:
        return []
    window = html[max(0, proxy.start() - 3000): proxy.end() + 3000]  # the jpage call around the proxy URL
    params: dict[str, str] = {}
    for match in _PARAM.finditer(window):
        params.setdefault(match[1], next(g for g in match.groups()[1:] if g is not None))
    if "columnid" not in params:
        return []
    per_page = _PER_PAGE.search(window)
    base, _, given = proxy[1].replace("&amp;", "&").partition("?")
    query = dict(parse_qsl(given))
    query.update(params)
    query.update(startrecord="1", endrecord=str(HANWEB_FIRST_RECORDS), perpage=per_page[1] if per_page else "15")
    return [join_url(page_url, f"{base}?{urlencode(query)}")]


# -- JSON lists ----------------------------------------------------------------------------------------
def json_items(text: str, base_url: str, *, reference: date | None = None) -> list[ListingItem] | None:
    """Items of a JSON list (the longest array of records with a title); None when `text` is not JSON.

    An empty array where the records belong gives []: the list is empty.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    best: list[ListingItem] = []
    seen_list = False
    for records in _record_lists(data):
        seen_list = True
        items = [item for record in records[:_MAX_JSON_ITEMS] if (item := _json_item(record, base_url, reference))]
        if len(items) > len(best):
            best = items
    return best if best or seen_list else []


def _record_lists(data: Any, depth: int = 0) -> Iterator[list[Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        if not data or isinstance(data[0], dict):
            yield data
        for value in data[:5]:
            yield from _record_lists(value, depth + 1)
    elif isinstance(data, dict):
        for value in data.values():
            yield from _record_lists(value, depth + 1)


def _field(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    lowered = {str(k).lower(): v for k, v in record.items()}
    for key in keys:
        value = lowered.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
    return ""


def _json_item(record: Any, base_url: str, reference: date | None) -> ListingItem | None:
    if not isinstance(record, dict):
        return None
    title = fold_whitespace(re.sub(r"<[^>]+>", "", _field(record, _TITLE_KEYS)))
    if not title:
        return None
    href = _field(record, _URL_KEYS)
    raw = _field(record, _DATE_KEYS)
    day = parse_date(raw, reference=reference) if raw else None
    if day is None and raw.isdigit() and len(raw) in (10, 13):  # unix seconds or milliseconds
        from datetime import UTC, datetime

        day = datetime.fromtimestamp(int(raw[:10]), tz=UTC).date()
    return ListingItem(title=title, url=join_url(base_url, href) if href else base_url, date=day,
                       date_source="list" if day else "", raw_date=raw if day else "")


# -- content pages ---------------------------------------------------------------------------------
CONTENT_MIN_CHARS = 60  # characters of running text that make a page an article, not a list


def is_content_page(body: LexborNode | None) -> bool:
    """A page that is one piece of text (领导信息, 机构职能, 联系我们): paragraphs, no list of links.

    `body` is the page's content area (navigation, header and footer removed). Running text counts
    from paragraphs and table cells that are not mostly links.
    """
    if body is None:
        return False
    text = 0
    for node in body.css("p, td, div, span, li"):
        own = fold_whitespace(node.text(deep=False))
        if len(own) >= 12:
            text += len(own)
            if text >= CONTENT_MIN_CHARS:
                return True
    return False
