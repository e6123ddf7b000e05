"""附件4 of the quarter: four rows of 工作成效 with the 市(州) that earned each, and where the data came from.

- 监管工作年度考核排名靠前的单位: the quarter's year in the imported ranking (`govmon ranking import`);
- 季度检查中，政府网站与政务新媒体合格率均达100%: this quarter's findings (no import);
- "我为政府网站找错"留言按期办结率100%: messages received in the quarter (`govmon jiucuo import`), every
  one judged closed within the limit and none still pending;
- 转载工作开展较好: the quarter's required reposts (`govmon reposts import`) against the article titles
  govmon saw on the portals, share at least `reposts.good_share`.

A row whose input was never imported (or holds nothing for this quarter) says 未导入.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import timedelta, tzinfo

from monitor.annex4 import jiucuo, ranking, reposts
from monitor.annex4.records import JIUCUO, RANKING, REPOSTS, ImportRecord
from monitor.annex4.settings import Annex4Rules
from monitor.annex4.workdays import WorkCalendar
from monitor.models import Website
from monitor.quarter import Quarter
from monitor.report.model import (
    Annex4,
    Annex4Row,
    JiucuoRegionRow,
    RankingRow,
    RepostItemRow,
    RepostRegionRow,
)
from monitor.report.prose import percent
from monitor.report.regions import Regions
from monitor.store import Store

RANKING_LABEL = "监管工作年度考核排名靠前的单位"
PASSED_LABEL = "季度检查中，政府网站与政务新媒体合格率均达100%"
JIUCUO_LABEL = "“我为政府网站找错”留言按期办结率100%"
REPOSTS_LABEL = "转载工作开展较好"
NOT_IMPORTED = "未导入"
COMMANDS = {JIUCUO: "govmon jiucuo import", REPOSTS: "govmon reposts import", RANKING: "govmon ranking import"}


def build_annex4(store: Store, quarter: Quarter, regions: Regions, websites: list[Website],
                 passed_both: list[str], rules: Annex4Rules, zone: tzinfo) -> Annex4:
    """The four rows and their detail tables; `websites` are the quarter's live sites, `passed_both` the
    市(州) whose websites and accounts all passed."""
    rank_row, rank_rows = _ranking(store, quarter, regions, rules.ranking_top)
    jiucuo_row, jiucuo_rows = _jiucuo(store, quarter, regions, websites, rules, zone)
    repost_row, repost_rows, item_rows = _reposts(store, quarter, regions, websites, rules)
    passed = Annex4Row(PASSED_LABEL, _names(regions, passed_both), f"本季度检查结果：{quarter.title}的网站与政务新媒体检查")
    return Annex4((rank_row, passed, jiucuo_row, repost_row), jiucuo_rows, repost_rows, item_rows, rank_rows,
                  quarter.year)


def _names(regions: Regions, names: Iterable[str]) -> str:
    return "、".join(regions.display[name] for name in names) or "无"


def _sources(store: Store, import_ids: Iterable[int]) -> str:
    records = store.imports_by_id(i for i in import_ids if i)
    return "；".join(record.describe() for record in sorted(records.values(), key=lambda r: r.id))


def _absent(store: Store, kind: str, label: str, what: str) -> Annex4Row:
    """The row of an input that is missing: never imported, or nothing of it belongs to this quarter."""
    latest: ImportRecord | None = store.latest_import(kind)
    reason = f"未导入{what}（{COMMANDS[kind]}）" if latest is None else \
        f"已导入的文件中没有{what}（最近一次：{latest.describe()}）"
    return Annex4Row(label, NOT_IMPORTED, reason)


# -- ranking ------------------------------------------------------------------------------------------
def _ranking(store: Store, quarter: Quarter, regions: Regions, top: int) -> tuple[Annex4Row, tuple[RankingRow, ...]]:
    entries = [e for e in store.ranking(quarter.year) if e.region in regions.order]
    if not entries:
        return _absent(store, RANKING, RANKING_LABEL, f" {quarter.year} 年度的排名"), ()
    leading = ranking.leading(entries, top)
    source = f"{quarter.year} 年度考核排名前 {top} 名：" + _sources(store, (e.import_id for e in entries))
    rows = tuple(
        RankingRow(place, regions.display[e.region], "" if e.rank is None else str(e.rank),
                   "" if e.score is None else f"{e.score:g}")
        for place, e in ranking.placed(entries)
    )
    return Annex4Row(RANKING_LABEL, _names(regions, (e.region for e in leading)), source), rows


# -- 找错 messages --------------------------------------------------------------------------------------
def _jiucuo(store: Store, quarter: Quarter, regions: Regions, websites: list[Website], rules: Annex4Rules,
            zone: tzinfo) -> tuple[Annex4Row, tuple[JiucuoRegionRow, ...]]:
    messages = store.jiucuo_messages_received_between(quarter.start, quarter.end)
    if not messages:
        return _absent(store, JIUCUO, JIUCUO_LABEL, f"{quarter.title}收到的留言"), ()
    region_of = {w.id: regions.of_website(w) for w in websites}
    for site in store.websites(include_retired=True):  # a message about a site retired before the quarter
        region_of.setdefault(site.id, regions.of_website(site))
    imports = store.imports_by_id(m.import_id for m in messages)
    calendar = WorkCalendar(rules.jiucuo.extra_holidays, rules.jiucuo.extra_workdays)
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for message in messages:
        record = imports.get(message.import_id)
        known_at = record.imported_at if record else quarter.end
        counts[region_of.get(message.website_id)][jiucuo.outcome(message, rules.jiucuo, calendar,
                                                                 known_at=known_at, zone=zone)] += 1
    rows = [_jiucuo_row(regions.display[name], counts[name]) for name in regions.order if counts.get(name)]
    if counts.get(None):
        rows.append(_jiucuo_row(regions.province_label, counts[None]))
    perfect = [name for name in regions.order if _all_on_time(counts.get(name))]
    source = (f"{quarter.title}收到的 {len(messages)} 条留言，期限 {rules.jiucuo.answer_working_days} 个工作日："
              + _sources(store, imports))
    if calendar.guessed_years:
        years = "、".join(str(y) for y in sorted(calendar.guessed_years))
        source += f"（{years} 年节假日数据缺失，按周一至周五计工作日）"
    return Annex4Row(JIUCUO_LABEL, _names(regions, perfect), source), tuple(rows)


def _all_on_time(counts: Counter[str] | None) -> bool:
    """Every message judged closed in time, none pending (a region without messages is not listed)."""
    if not counts or not counts[jiucuo.ON_TIME]:
        return False
    return not any(counts[k] for k in (jiucuo.LATE, jiucuo.OVERDUE, jiucuo.PENDING))


def _jiucuo_row(unit: str, counts: Counter[str]) -> JiucuoRegionRow:
    judged = counts[jiucuo.ON_TIME] + counts[jiucuo.LATE] + counts[jiucuo.OVERDUE]
    return JiucuoRegionRow(
        unit=unit, received=sum(counts.values()), on_time=counts[jiucuo.ON_TIME], late=counts[jiucuo.LATE],
        overdue=counts[jiucuo.OVERDUE], pending=counts[jiucuo.PENDING], excluded=counts[jiucuo.EXCLUDED],
        rate=percent(counts[jiucuo.ON_TIME], judged),
    )


# -- reposts ------------------------------------------------------------------------------------------
def _reposts(store: Store, quarter: Quarter, regions: Regions, websites: list[Website], rules: Annex4Rules
             ) -> tuple[Annex4Row, tuple[RepostRegionRow, ...], tuple[RepostItemRow, ...]]:
    last_day = (quarter.end - timedelta(days=1)).date()
    items = store.required_reposts_due_between(quarter.start.date(), last_day)
    if not items:
        return _absent(store, REPOSTS, REPOSTS_LABEL, f"截止日期在{quarter.title}的转载任务"), (), ()
    sites = [w for w in websites if w.kind in rules.reposts.site_kinds and regions.of_website(w) is not None]
    found = reposts.carriage(items, store.titles_seen_between(quarter.start, quarter.end),
                             {w.id for w in sites if w.id is not None}, min_chars=rules.reposts.min_title_chars)
    by_region: dict[str, list[Website]] = defaultdict(list)
    for site in sites:
        by_region[regions.of_website(site) or ""].append(site)
    rows, good = [], []
    for name in regions.order:
        row = _repost_row(regions.display[name], by_region.get(name, []), found)
        if row.sites:
            rows.append(row)
        if row.required and row.carried >= rules.reposts.good_share * row.required:
            good.append(name)
    names = {w.id: w.name for w in sites}
    item_rows = tuple(
        RepostItemRow(number, item.title, item.deadline.isoformat(), len(carriers), len(found.judged),
                      "、".join(names[i] for i in sorted(found.judged - carriers)))
        for number, (item, carriers) in enumerate(zip(found.items, found.carriers, strict=True), start=1)
    )
    source = (f"{len(items)} 条转载任务：" + _sources(store, (i.import_id for i in items))
              + f"；对照 govmon {quarter.title}读取到文章的 {len(found.judged)} 个"
              f"{'、'.join(rules.reposts.site_kinds)}网站（共 {len(sites)} 个）的文章标题，转载率达 "
              f"{rules.reposts.good_share:.0%} 为较好")
    return Annex4Row(REPOSTS_LABEL, _names(regions, good), source), tuple(rows), item_rows


def _repost_row(unit: str, sites: list[Website], found: reposts.Carriage) -> RepostRegionRow:
    judged = [w.id for w in sites if w.id in found.judged]
    carried = sum(1 for carriers in found.carriers for site_id in judged if site_id in carriers)
    required = len(judged) * len(found.items)
    return RepostRegionRow(unit, len(sites), len(judged), required, carried, percent(carried, required))
