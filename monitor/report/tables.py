"""Titles, column headers and row tuples of each table, shared by every writer.

Header wording is the notice's, kept in one place so that XLSX, DOCX, Markdown and CSV agree.
"""

from __future__ import annotations

from datetime import timedelta

from monitor.report.model import QuarterReport

Cell = str | int

ANNEX1_UNIT = "单位"
ANNEX1_REGION_GROUP = "市(州)"
ANNEX1_TOTAL = "合计"
ANNEX1_GROUPS: tuple[tuple[str, int], ...] = (("政府网站抽查情况", 5), ("政务新媒体抽查情况", 2))
ANNEX1_COLUMNS = (
    "网站总数", "市级门户网站数", "市级部门网站数", "县级门户（含高新区）网站数", "存在突出问题数",
    "政务新媒体总数", "存在突出问题数",
)
TABLE1_HEADER = ("序号", "所属地方或部门", "网站名称", "存在的突出问题")
TABLE2_HEADER = ("序号", "所属地方或部门", "新媒体名称", "类型", "存在的突出问题")
EVIDENCE_HEADER = (
    "序号", "对象", "所属地方或部门", "名称", "网址或平台", "存在的突出问题", "规则", "来源", "状态",
    "首次发现", "最近发现", "证据",
)
COVERAGE_HEADER = ("序号", "所属地方或部门", "新媒体名称", "类型", "抽样方式", "说明")
COVERAGE_TITLE = "抽查计划内本季度未检查的政务新媒体账号"
SUMMARY_HEADER = ("项目", "数值")
ANNEX4_HEADER = ("工作成效", "单位")
ANNEX4_SOURCE = "数据来源"
JIUCUO_TITLE = "“我为政府网站找错”留言办理情况（本季度收到的留言）"
JIUCUO_HEADER = ("单位", "留言数", "按期办结", "逾期办结", "逾期未办结", "办理中（未到期）", "不计入", "按期办结率")
REPOSTS_TITLE = "转载情况（各市(州)应转载网站）"
REPOSTS_HEADER = ("单位", "应转载网站数", "读取到文章的网站数", "应转载（网站×条）", "已转载", "转载率")
REPOST_ITEMS_TITLE = "转载任务逐条情况"
REPOST_ITEMS_HEADER = ("序号", "标题", "截止日期", "已转载网站数", "读取到文章的网站数", "未见转载的网站")
RANKING_HEADER = ("位次", "单位", "名次", "得分")
ANNEX4_LABEL = "季度检查中，政府网站与政务新媒体合格率均达100%"
TABLE1_TITLE = "表1：存在突出问题的政府网站名单"
TABLE2_TITLE = "表2：存在突出问题的政务新媒体名单"
EVIDENCE_TITLE = "问题证据（供网站和新媒体运维单位整改参考）"
ANNEX4_TITLE = "市（州）政府办公室（厅）监管工作开展情况"


def report_title(report: QuarterReport) -> str:
    return f"{report.quarter.title}政府网站与政务新媒体检查情况"


def annex1_title(report: QuarterReport) -> str:
    return f"{report.quarter.name}全省政府网站与政务新媒体抽查情况"


def annex2_title(report: QuarterReport) -> str:
    return f"{report.quarter.name}检查发现存在突出问题的政府网站与政务新媒体名单"


def summary_rows(report: QuarterReport) -> list[tuple[str, Cell]]:
    s = report.summary
    return [
        ("检查季度", report.quarter.title),
        ("统计区间", period(report)),
        ("检查政府网站数", s.websites_checked),
        ("存在突出问题的网站数", s.websites_with_problems),
        ("政府网站总体合格率", s.website_pass_rate),
        ("网站合格率100%的市(州)数", s.regions_websites_passed),
        ("政务新媒体总数", s.accounts_total),
        ("计划检查账号数（本季度样本）", s.accounts_planned),
        ("计划内未检查账号数", s.accounts_planned_unchecked),
        ("检查政务新媒体账号数", s.accounts_checked),
        ("检查率", s.check_rate),
        ("全覆盖检查账号数（各级政府及省直部门）", s.accounts_full_coverage),
        ("抽查账号数（市(州)及县(市、区)部门）", s.accounts_sampled),
        ("存在突出问题的账号数", s.accounts_with_problems),
        ("政务新媒体合格率", s.account_pass_rate),
        ("政务新媒体合格率100%的市(州)数", s.regions_accounts_passed),
    ]


def period(report: QuarterReport) -> str:
    """2022-10-01 至 2022-12-31: the quarter's days; its end is the report's checkpoint."""
    last_day = report.quarter.end - timedelta(days=1)
    return f"{report.quarter.start:%Y-%m-%d} 至 {last_day:%Y-%m-%d}"


def annex4_value(report: QuarterReport) -> str:
    return "、".join(report.regions_all_passed) or "无"


def ranking_title(report: QuarterReport) -> str:
    year = report.annex4.ranking_year if report.annex4 else report.quarter.year
    return f"{year}年度监管工作考核排名"


def annex4_rows(report: QuarterReport) -> list[list[Cell]]:
    """工作成效, 单位, 数据来源 of each 附件4 row (the quarter's pass line alone when no annex was built)."""
    if report.annex4 is None:
        return [[ANNEX4_LABEL, annex4_value(report), ""]]
    return [[row.label, row.units, row.source] for row in report.annex4.rows]


def annex4_details(report: QuarterReport) -> list[tuple[str, tuple[str, ...], list[list[Cell]]]]:
    """(title, header, rows) of each detail table behind the 附件4 rows that have data."""
    annex = report.annex4
    if annex is None:
        return []
    tables: list[tuple[str, tuple[str, ...], list[list[Cell]]]] = [
        (JIUCUO_TITLE, JIUCUO_HEADER, [[r.unit, r.received, r.on_time, r.late, r.overdue, r.pending, r.excluded,
                                        r.rate] for r in annex.jiucuo]),
        (REPOSTS_TITLE, REPOSTS_HEADER, [[r.unit, r.sites, r.judged, r.required, r.carried, r.share]
                                         for r in annex.reposts]),
        (REPOST_ITEMS_TITLE, REPOST_ITEMS_HEADER, [[r.number, r.title, r.deadline, r.carried, r.judged, r.missing]
                                                   for r in annex.repost_items]),
        (ranking_title(report), RANKING_HEADER, [[r.place, r.unit, r.rank, r.score] for r in annex.ranking]),
    ]
    return [table for table in tables if table[2]]


def annex1_rows(report: QuarterReport) -> list[list[Cell]]:
    """单位 followed by the seven counts, one list per row (regions, province row, 合计)."""
    return [[row.unit, *row.cells()] for row in report.annex1]


def table1_rows(report: QuarterReport) -> list[list[Cell]]:
    return [[p.number, p.unit, p.name, p.problems] for p in report.websites]


def table2_rows(report: QuarterReport) -> list[list[Cell]]:
    return [[p.number, p.unit, p.name, p.platform, p.problems] for p in report.accounts]


def coverage_rows(report: QuarterReport) -> list[list[Cell]]:
    return [[u.number, u.unit, u.name, u.platform, u.plan, u.reason] for u in report.unchecked]


def evidence_rows(report: QuarterReport, *, joiner: str = "\n") -> list[list[Cell]]:
    return [
        [e.number, e.subject, e.unit, e.name, e.address, e.wording, e.rule, e.source, e.status,
         e.first_seen, e.last_seen, joiner.join(e.details)]
        for e in report.evidence
    ]


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Cell) -> bool:
    """Text a spreadsheet would run as a formula (CSV/formula injection): = + - @ at the start."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
