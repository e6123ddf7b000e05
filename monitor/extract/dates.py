"""Dates as government pages write them, and the page-level dates (PubDate, generation time).

Pure text in, `date` out: the crawler passes the moment it judges from as `reference`, so that
bare "12-28" list dates get the year a reader of the page would give them, even across New Year.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser

MIN_YEAR = 1990  # no Chinese government website published anything earlier
MAX_YEAR = 2099

_SEP = r"\s*[-/.年]\s*"
FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})" + _SEP + r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_MONTH_DAY_CN = re.compile(r"(?<![\d年.])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_DAY = re.compile(r"(?<![\d./:-])(\d{2})[-/](\d{2})(?![\d/:-]|\.\d)")
# A label or brackets may surround a date that stands alone (list cells, "发布时间：2022-12-28").
_LABEL = re.compile(
    r"^[\s\[\]()（）【】〔〕<>《》|·:：]*(?:发布|更新|成文|公开|生成|发文|公告|留言|回复|答复|印发)?(?:时间|日期)?[\s:：]*"
)
_TAIL = re.compile(
    r"^\s*(?:T?\s*\d{1,2}\s*(?:[:：∶]\s*\d{2}(?:\s*[:：∶]\s*\d{2}(?:\.\d+)?)?|时(?:\s*\d{1,2}\s*分)?)"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?[\s\[\]()（）【】〔〕|]*$"
)


def normalise(text: str) -> str:
    """Full-width digits and punctuation become ASCII so one set of patterns covers both."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8192)  # one date object per day seen: a crawl keeps thousands of items' dates
def _valid(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, reference: date) -> date | None:
    """The latest month/day not after reference + 1 day (a list shown on 01-03 with '12-30' means last year)."""
    limit = reference + timedelta(days=1)
    for year in range(limit.year, limit.year - 9, -1):  # Feb 29 may be up to 8 years back
        candidate = _valid(year, month, day)
        if candidate is not None and candidate <= limit:
            return candidate
    return None


def parse_date(text: str, *, reference: date | None = None) -> date | None:
    """The first date written in `text`; a full date wins over a bare month-day.

    Bare "MM-DD" / "MM月DD日" need `reference` to get a year; without it they give None, because
    guessing the year would make an old list look fresh.
    """
    if not text:
        return None
    text = normalise(text)
    match = FULL_DATE.search(text)
    if match:
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    if reference is None:
        return None
    match = _MONTH_DAY_CN.search(text) or _MONTH_DAY.search(text)
    if match:
        month, day = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return infer_year(month, day, reference)
    return None


def date_only(text: str, *, reference: date | None = None) -> date | None:
    """A date when `text` is nothing but a date (with an optional label, brackets or a time).

    Listing extraction trusts these: a cell or span holding only "2022-12-28" is the item's date,
    while a date inside a sentence ("10月9日至10日，…") is not.
    """
    text = normalise(text).strip()
    if not text or len(text) > 40:
        return None
    rest = text[_LABEL.match(text).end() :]  # type: ignore[union-attr]
    for pattern in (FULL_DATE, _MONTH_DAY_CN, _MONTH_DAY):
        match = pattern.match(rest)
        if match and _TAIL.match(rest[match.end() :]):
            if pattern is FULL_DATE:
                return _valid(int(match[1]), int(match[2]), int(match[3]))
            if reference is None:
                return None
            return infer_year(int(match[1]), int(match[2]), reference)
    return None


def _meta(tree: LexborHTMLParser, *names: str) -> str:
    """Content of the first <meta name=…> among `names` (case-insensitive), in the order given."""
    found: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        if name not in found:
            found[name] = (node.attributes.get("content") or "").strip()
    for name in names:
        if found.get(name.lower()):
            return found[name.lower()]
    return ""


_PUB_METAS = ("PubDate", "publishdate", "firstpublishedtime", "pubtime", "publishtime", "createdate")
_PUB_LABEL = re.compile(r"(?:发布时间|发布日期|发文日期|公告时间|发稿时间|信息时间|时间|日期)\s*[:：]\s*")
_PUB_IDS = re.compile(r"pub_?(?:date|time)|publish_?(?:date|time)|fbsj|fbrq", re.I)
_TOP_CHARS = 4000  # "near the top": the article header, not a date quoted further down the text


def pubdate(html: str) -> date | None:
    """Publication date of an article page: PubDate-like metas, else a labelled date near the top.

    The meta is what the CMS stored and is the reliable source; the visible label is the fallback
    for pages whose template lacks the meta.
    """
    tree = LexborHTMLParser(html)
    found = parse_date(_meta(tree, *_PUB_METAS))
    if found:
        return found
    for node in tree.css("[id], [class]"):
        marks = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
        if _PUB_IDS.search(marks):
            found = parse_date(node.text(strip=True)[:60])
            if found:
                return found
    body = tree.body
    if body is None:
        return None
    for node in body.css("script, style, noscript, template"):
        node.decompose()
    text = normalise(body.text(separator=" "))[:_TOP_CHARS]
    for label in _PUB_LABEL.finditer(text):
        found = parse_date(text[label.end() : label.end() + 30])
        if found:
            return found
    return None


def pubdate_of(tree: LexborHTMLParser, text: str) -> date | None:
    """`pubdate` of a page already parsed (read only: the tree may be shared) whose visible text is `text`."""
    found = parse_date(_meta(tree, *_PUB_METAS))
    if found:
        return found
    for node in tree.css("[id], [class]"):
        marks = f"{node.attributes.get('id') or ''} {node.attributes.get('class') or ''}"
        if _PUB_IDS.search(marks):
            found = parse_date(node.text(strip=True)[:60])
            if found:
                return found
    return labelled_date(text)


def labelled_date(text: str) -> date | None:
    """The date a reader sees labelled 发布时间/发布日期 … near the top of a page's visible text, or None.

    Unlike the PubDate meta, which some CMSs rewrite whenever they regenerate a page, this is the
    date the article displays.
    """
    top = normalise(text[: _TOP_CHARS * 2])[:_TOP_CHARS]
    for label in _PUB_LABEL.finditer(top):
        found = parse_date(top[label.end() : label.end() + 30])
        if found:
            return found
    return None


def page_generated_date(html: str) -> date | None:
    """When the CMS generated the page (<meta name="others" content="页面生成时间 …">), or None.

    A static page's generation time is the moment its "10-11" dates were current; it beats the
    crawl date as the year reference for a page cached or regenerated long ago.
    """
    return page_generated_date_of(LexborHTMLParser(html))


def page_generated_date_of(tree: LexborHTMLParser) -> date | None:
    """`page_generated_date` of an already parsed page (read only)."""
    for node in tree.css("meta[name]"):
        content = node.attributes.get("content") or ""
        if "生成时间" in content or (node.attributes.get("name") or "").lower() in (
            "generated",
            "generatedate",
        ):
            found = parse_date(content)
            if found:
                return found
    return None
