"""`govmon ranking import`: the annual assessment of each 市(州) government office's supervision work.

Columns: 市(州), 名次 and/or 得分, 年度. Importing a file replaces the ranking of each year it holds (a
corrected ranking replaces the first). The 附件4 row of a quarter lists the first `ranking.top` 市(州) of
that quarter's year, by 名次, or by 得分 when no 名次 is given (equal scores share a place).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from monitor.annex4.records import RANKING, RankingEntry
from monitor.annex4.sheet import (
    ImportSummary,
    RowProblem,
    count,
    header_reader,
    read_files,
    should_write,
    text,
)
from monitor.report.regions import Regions
from monitor.store import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "市(州)": ("市（州）", "市州", "单位", "地区", "所属地方", "市(州)政府办公室"),
    "名次": ("排名", "排序", "名次（排名）"),
    "得分": ("分数", "总分", "考核得分"),
    "年度": ("年份", "考核年度", "年"),
}
_YEAR = re.compile(r"^((?:19|20)\d{2})\s*(?:年度?|年)?$")


def import_ranking(store: Store, regions: Regions, paths: list[Path], *, now: datetime,
                   skip_bad: bool = False) -> ImportSummary:
    """Read every file, then replace the ranking of each year they hold, in one transaction."""
    summary, reads = read_files(
        paths, header_reader(COLUMNS, ("市(州)", "年度"), ("名次", "得分")), "没有含 市(州)、年度 和 名次（或 得分）的表头行",
        lambda values: _entry(values, regions), lambda entry: (entry.year, entry.region),
        lambda entry, where: f"{entry.year} 年度 {entry.region} 与 {where} 重复")
    if not should_write(summary, skip_bad):
        return summary
    with store.transaction():
        for read in reads:
            record = store.record_import(RANKING, read.path.name, now, read.data_rows)
            for year in sorted({entry.year for _line, entry in read.rows}):
                entries = [entry for _line, entry in read.rows if entry.year == year]
                before = {e.region: (e.rank, e.score) for e in store.ranking(year)}
                for entry in entries:
                    count(summary, before.get(entry.region), (entry.rank, entry.score))
                store.replace_ranking(year, entries, record.id)
    summary.written = True
    return summary


def _entry(values: dict[str, str], regions: Regions) -> RankingEntry:
    place = text(values, "市(州)")
    region = regions.canonical(place) if place else None
    if region is None:
        raise RowProblem(f"市(州) {place!r} 不是本省的市(州)" if place else "市(州) 为空")
    year_text = text(values, "年度")
    match = _YEAR.match(year_text)
    if not match:
        raise RowProblem(f"年度 {year_text!r} 不是年份（如 2022）" if year_text else "年度 为空")
    rank = _number(values, "名次", whole=True)
    score = _number(values, "得分", whole=False)
    if rank is None and score is None:
        raise RowProblem("名次 和 得分 都为空")
    return RankingEntry(int(match.group(1)), region, int(rank) if rank is not None else None, score)


def _number(values: dict[str, str], column: str, *, whole: bool) -> float | None:
    cell = text(values, column).removeprefix("第").removesuffix("名").removesuffix("分")
    if not cell:
        return None
    try:
        number = float(cell)
    except ValueError:
        raise RowProblem(f"{column} {text(values, column)!r} 不是数字") from None
    if number < 0 or (whole and (number < 1 or not number.is_integer())):
        raise RowProblem(f"{column} {text(values, column)!r} 应为{'正整数' if whole else '非负数'}")
    return number


def placed(entries: list[RankingEntry]) -> list[tuple[int, RankingEntry]]:
    """(place, entry) best first: by 名次 when given, else by 得分 (equal scores share a place)."""
    if all(e.rank is not None for e in entries):
        return sorted(((e.rank or 0, e) for e in entries), key=lambda pair: (pair[0], -(pair[1].score or 0)))
    scored = sorted(entries, key=lambda e: -(e.score or 0))
    return [(1 + sum(1 for other in scored if (other.score or 0) > (e.score or 0)), e) for e in scored]


def leading(entries: list[RankingEntry], top: int) -> list[RankingEntry]:
    """The 市(州) placed within the first `top` (ties at the cut-off included)."""
    return [entry for place, entry in placed(entries) if place <= top]
