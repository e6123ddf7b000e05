"""Markdown of the assessment: 附件3, the method, the summary and one score sheet per site.

The body depends only on the assessment's data (no generation time): one store gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from monitor.assess import tables
from monitor.assess.data import Assessment
from monitor.assess.scoring import UNASSESSED
from monitor.report.markdown import _table


def render_markdown(assessment: Assessment) -> str:
    parts = [f"# {tables.document_title(assessment)}", f"## {tables.ANNEX_LABEL}", f"### {tables.annex_title(assessment)}"]
    for table in assessment.model.tables:
        header, rows = tables.annex_rows(assessment, table)
        parts += [table.title, _table(header, rows)]
    parts += [tables.method_note(assessment), f"## {tables.SUMMARY_TITLE}",
              _table(tables.summary_header(assessment), tables.summary_rows(assessment))]
    for sheet in assessment.sheets():
        scored = sheet.status != UNASSESSED
        head = f"### {sheet.website.name}（{sheet.website.url}）"
        score = (f"总分 {tables.points(sheet.total)}：扣分指标 {tables.points(sheet.deduction_part)}，"
                 f"加分 {tables.points(sheet.bonus)}；" + "，".join(
                     f"{i.name} {tables.points(i.score) if i.counted else '不计'}/{tables.points(i.points)}"
                     for i in sheet.indicators)) if scored else "未评估"
        parts += [head, f"{sheet.status}。{score}。" + ("；".join(sheet.reasons))]
        rows = tables.sheet_rows(sheet)
        if rows:
            parts.append(_table(tables.DETAIL_HEADER, rows))
    return "\n\n".join(parts) + "\n"


def write_markdown(assessment: Assessment, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_markdown(assessment).encode("utf-8"))
    return path
