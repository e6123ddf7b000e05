"""Titles, headers and rows of 附件3 and of the score-sheet appendix, shared by every writer.

附件3 follows the notice: a table of several groups has the columns 等次 | 网站类别 | 网站名称, a row
per tier and group with sites in it; a table of one group lists its names in two columns, as the
notice prints 表2. Names are written “…”网, in rank order.
"""

from __future__ import annotations

from monitor.assess.data import Assessment
from monitor.assess.model import AnnexTable
from monitor.assess.scoring import ADD, DEDUCT, FAILED, UNASSESSED, ScoreSheet
from monitor.assess.tiers import TIE_RULE, GroupResult
from monitor.report.tables import Cell

ANNEX_LABEL = "附件3"
SUMMARY_TITLE = "评分表（各网站得分及扣分依据）"
DETAIL_TITLE = "扣分明细"
GROUP_HEADER = ("等次", "网站类别", "网站名称")
SINGLE_HEADER = ("等次", "网站名称", "")
DETAIL_HEADER = ("序号", "网站名称", "类型", "指标", "问题或测量", "分值", "依据", "规则", "问题编号", "网址")
NAME_SEPARATOR = " "


def annex_title(assessment: Assessment) -> str:
    """下半年政府网站评估情况, as the notice titles 附件3."""
    return f"{assessment.half.name}政府网站评估情况"


def document_title(assessment: Assessment) -> str:
    return f"{assessment.half.title}政府网站评估情况"


def site_label(sheet: ScoreSheet) -> str:
    return f"“{sheet.website.name}”网"


def points(value: float) -> str:
    """92.5, 100, 0.25: at most two decimals, no trailing zeros."""
    return f"{round(value, 2):g}"


def annex_rows(assessment: Assessment, table: AnnexTable) -> tuple[tuple[str, ...], list[list[Cell]]]:
    """(header, rows) of one table of 附件3."""
    results = [assessment.result(group_id) for group_id in table.groups]
    if len(results) == 1:
        return SINGLE_HEADER, [[tier, *_two_columns(sheets)] for tier, sheets in _rows_of(results[0])]
    tier_names = list(dict.fromkeys(tier for result in results for tier, _sheets in result.tiers))
    rows: list[list[Cell]] = []
    for tier in [*tier_names, FAILED, UNASSESSED]:
        for result in results:
            sheets = dict(_rows_of(result)).get(tier, ())
            if sheets:
                rows.append([tier, result.group.label, _names(sheets)])
    return GROUP_HEADER, rows


def tier_spans(rows: list[list[Cell]]) -> list[tuple[int, int]]:
    """(first, last) row indexes of runs of rows sharing one 等次, which the notice prints as one merged cell."""
    spans: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        if spans and rows[spans[-1][0]][0] == row[0]:
            spans[-1] = (spans[-1][0], index)
        else:
            spans.append((index, index))
    return [span for span in spans if span[1] > span[0]]


def _rows_of(result: GroupResult) -> list[tuple[str, tuple[ScoreSheet, ...]]]:
    """Tiers with sites in them, then 不合格 and 未评估 when any."""
    rows = [(tier, sheets) for tier, sheets in result.tiers if sheets]
    rows += [(label, sheets) for label, sheets in ((FAILED, result.failed), (UNASSESSED, result.unassessed)) if sheets]
    return rows


def _names(sheets: tuple[ScoreSheet, ...]) -> str:
    return NAME_SEPARATOR.join(site_label(s) for s in sheets)


def _two_columns(sheets: tuple[ScoreSheet, ...]) -> list[str]:
    half = (len(sheets) + 1) // 2
    return [_names(sheets[:half]), _names(sheets[half:])]


def summary_header(assessment: Assessment) -> tuple[str, ...]:
    indicators = tuple(f"{i.name}（{points(i.points)}）" for i in assessment.model.indicators)
    return ("序号", "网站类别", "网站名称", "网址", "等次", "名次", "总分", "扣分指标得分", "加分", *indicators,
            "本半年检查次数", "说明")


def summary_rows(assessment: Assessment) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for result in assessment.groups:
        placed = result.tier_of()
        for sheet in _ordered(result):
            tier, rank = placed.get(sheet.website.id or 0, (sheet.status, 0))
            scored = sheet.status != UNASSESSED
            rows.append([
                len(rows) + 1, result.group.label, sheet.website.name, sheet.website.url, tier, rank or "",
                points(sheet.total) if scored else "", points(sheet.deduction_part) if scored else "",
                points(sheet.bonus) if scored else "",
                *[(points(i.score) if i.counted else "不计") if scored else "" for i in sheet.indicators],
                sheet.checks, _remarks(sheet),
            ])
    return rows


def _ordered(result: GroupResult) -> list[ScoreSheet]:
    return [s for _t, sheets in result.tiers for s in sheets] + list(result.failed) + list(result.unassessed)


def _remarks(sheet: ScoreSheet) -> str:
    notes = list(sheet.reasons)
    if sheet.no_public_services:
        notes.append("无公共服务事项：按75分折算（×4/3）")
    if sheet.bonus_claimed and not sheet.bonus:
        notes.append(f"加分 {points(sheet.bonus_claimed)} 未计入（扣分指标得分未超过加分门槛）")
    return "；".join(notes)


def detail_rows(assessment: Assessment) -> list[list[Cell]]:
    """Every line of every score sheet, numbered through."""
    rows = [row for sheet in assessment.sheets() for row in sheet_rows(sheet)]
    return [[number, *row[1:]] for number, row in enumerate(rows, start=1)]


def sheet_rows(sheet: ScoreSheet) -> list[list[Cell]]:
    """One site's score sheet as DETAIL_HEADER rows: every veto, deduction, bonus and undetermined rule."""
    rows: list[list[Cell]] = []
    for line in sheet.lines:
        shown = points(line.points) if line.kind in (DEDUCT, ADD) else ""
        sign = "-" if line.kind == DEDUCT else "+" if line.kind == ADD else ""
        rows.append([len(rows) + 1, sheet.website.name, line.kind, line.indicator, line.item,
                     f"{sign}{shown}" if shown else "", line.basis, line.rule,
                     line.finding_id if line.finding_id is not None else "", line.url])
    return rows


def method_note(assessment: Assessment) -> str:
    """How the scores and tiers were made, printed under the tables so a reader can redo them."""
    model = assessment.model
    cut = "；".join(
        f"{g.label}：" + ("、".join(f"{t}≥{points(c)}分" for t, c in zip(g.tiers, g.cutoffs, strict=False))
                          if g.cutoffs else "、".join(f"{t}前{n}名" for t, n in zip(g.tiers, g.ranks, strict=False)))
        for g in model.groups
    )
    return (f"评分依据 {model.path.name}：扣分指标 {points(model.deduction_full)} 分，加分指标 {points(model.bonus_full)} 分"
            f"（扣分指标得分高于 {points(model.bonus_from)} 分时计入）；存在单项否决问题或扣分指标得分低于 "
            f"{points(model.pass_line)} 分为不合格。等次：{cut}。{TIE_RULE}。")
