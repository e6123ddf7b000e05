"""`govmon reposts import`: the items every portal had to repost (转载) in a period, and which sites did.

Columns: 标题, 期间 or 截止日期 (2022Q4, 2022年第四季度, 2022年11月, 2022-11-30), optional 原文网址. An item
belongs to the quarter its deadline falls in (a period's deadline is its last day). Items are kept by
normalised title and deadline: importing the list again changes nothing, a corrected 原文网址 updates it.

A site carries an item when an article govmon saw on it has the item's title (monitor/annex4/titles.py)
or links to its 原文网址. Only sites govmon read articles from in the quarter are judged: a site with no
article seen is "未能判断", never "not reposted".
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from monitor.annex4.records import REPOSTS, RequiredRepost, SeenTitle
from monitor.annex4.sheet import (
    ImportSummary,
    RowProblem,
    count,
    header_reader,
    read_files,
    should_write,
    text,
)
from monitor.annex4.titles import TitleMatcher, title_key
from monitor.newmedia.timeparse import parse_full_date
from monitor.store import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "标题": ("文章标题", "转载标题", "信息标题", "title"),
    "期间": ("转载期间", "时间段", "周期", "period"),
    "截止日期": ("截止时间", "转载截止日期", "deadline"),
    "原文网址": ("原文链接", "网址", "链接", "url"),
}
_QUARTER = re.compile(r"^(\d{4})\s*(?:[-年]?\s*[Qq]\s*([1-4])|年?\s*第?\s*([一二三四1-4])\s*季度)$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_NUMERALS = "一二三四"


def import_reposts(store: Store, paths: list[Path], *, zone: tzinfo, now: datetime,
                   skip_bad: bool = False) -> ImportSummary:
    """Read every list, then store its items in one transaction (none when a row is bad, unless `skip_bad`)."""
    summary, reads = read_files(
        paths, header_reader(COLUMNS, ("标题",), ("期间", "截止日期")), "没有含 标题 和 期间（或 截止日期）的表头行",
        lambda values: _item(values, zone), lambda item: (item.title_key, item.deadline),
        lambda _item, where: f"标题与截止日期 与 {where} 重复")
    if not should_write(summary, skip_bad):
        return summary
    with store.transaction():
        for read in reads:
            record = store.record_import(REPOSTS, read.path.name, now, read.data_rows)
            for _line, item in read.rows:
                old = store.required_repost(item.title_key, item.deadline)
                count(summary, None if old is None else (old.title, old.period, old.url), (item.title, item.period, item.url))
                store.save_required_repost(item, record.id)
    summary.written = True
    return summary


def _item(values: dict[str, str], zone: tzinfo) -> RequiredRepost:
    title = text(values, "标题")
    if not title_key(title):
        raise RowProblem("标题 为空")
    period, deadline_text = text(values, "期间"), text(values, "截止日期")
    if deadline_text:
        deadline = _day(deadline_text, zone, "截止日期")
    elif period:
        deadline = period_end(period, zone)
    else:
        raise RowProblem("期间 和 截止日期 都为空")
    url = text(values, "原文网址")
    if url and not url.startswith(("http://", "https://")):
        raise RowProblem(f"原文网址 {url!r} 不是 http(s) 网址")
    return RequiredRepost(title, title_key(title), deadline, period or deadline.isoformat(), url)


def period_end(period: str, zone: tzinfo) -> date:
    """The last day of 2022Q4 / 2022年第四季度 / 2022年11月 / 2022-11, or the day itself for a date."""
    compact = period.strip()
    if match := _QUARTER.match(compact):
        year, number = int(match.group(1)), match.group(2) or match.group(3)
        quarter = int(number) if number.isdigit() else _NUMERALS.index(number) + 1
        return date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    if (match := _MONTH.match(compact)) and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return date(year, month, calendar.monthrange(year, month)[1])
    return _day(compact, zone, "期间")


def _day(cell: str, zone: tzinfo, column: str) -> date:
    parsed = parse_full_date(cell, zone)
    if parsed is None:
        raise RowProblem(f"{column} {cell!r} 无法识别（如 2022Q4、2022年11月、2022-11-30）")
    return parsed[0].date()


# -- which sites carry what ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Carriage:
    """For each required item (by index in `items`), the judged sites that carry it."""

    items: tuple[RequiredRepost, ...]
    judged: frozenset[int]  # website ids with articles seen in the period
    carriers: tuple[frozenset[int], ...]


def carriage(items: list[RequiredRepost], titles: Iterable[SeenTitle], site_ids: set[int], *,
             min_chars: int) -> Carriage:
    """Match every title seen on the `site_ids` against the required items, in one pass over the titles."""
    matcher = TitleMatcher((item.title_key for item in items), min_chars=min_chars)
    by_key: dict[str, list[int]] = defaultdict(list)
    by_url: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_key[item.title_key].append(index)
        if item.url:
            by_url[item.url.rstrip("/")].append(index)
    judged: set[int] = set()
    carriers: list[set[int]] = [set() for _ in items]
    for seen in titles:
        if seen.website_id not in site_ids:
            continue
        judged.add(seen.website_id)
        hits = [i for key in matcher.carried(seen.title) for i in by_key[key]] + by_url.get(seen.url.rstrip("/"), [])
        for index in hits:
            carriers[index].add(seen.website_id)
    return Carriage(tuple(items), frozenset(judged), tuple(frozenset(c) for c in carriers))
