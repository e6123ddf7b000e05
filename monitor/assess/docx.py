"""DOCX of the assessment in official-document layout (the quarterly report's page and fonts):
附件3 with its tables, then the score sheets as an appendix, one per site."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from monitor.assess import tables
from monitor.assess.data import Assessment
from monitor.assess.scoring import UNASSESSED
from monitor.report.docx import (
    EVIDENCE_SIZE,
    HEADING_FONT,
    TABLE_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    _annex_heading,
    _merge,
    _page_setup,
    _simple_table,
    _text,
    save_document,
)

_SUMMARY = ("序号", "网站名称", "等次", "总分", "扣分指标得分", "加分", "说明")
_LINES = ("类型", "指标", "问题或测量", "分值", "依据")


def write_docx(assessment: Assessment, path: Path) -> Path:
    doc = Document()
    _page_setup(doc)
    _text(doc, tables.document_title(assessment), TITLE_FONT, TITLE_SIZE, center=True)
    _annex_heading(doc, tables.ANNEX_LABEL, tables.annex_title(assessment))
    for table in assessment.model.tables:
        header, rows = tables.annex_rows(assessment, table)
        _text(doc, table.title)
        widths = (2.4, 4.0, 9.2) if header == tables.GROUP_HEADER else (2.4, 6.6, 6.6)
        grid = _simple_table(doc, header, rows, widths_cm=widths)
        for first, last in tables.tier_spans(rows):
            _merge(grid, 1 + first, 0, 1 + last, 0)
    _text(doc, tables.method_note(assessment), size=TABLE_SIZE, indent=True)
    _annex_heading(doc, "附", tables.SUMMARY_TITLE)
    summary = [[r[0], r[2], r[4], r[6], r[7], r[8], r[-1]] for r in tables.summary_rows(assessment)]
    _simple_table(doc, _SUMMARY, summary, EVIDENCE_SIZE, widths_cm=(1.0, 4.4, 1.8, 1.4, 1.8, 1.2, 4.0))
    for sheet in assessment.sheets():
        _text(doc, f"{sheet.website.name}（{sheet.status}）", HEADING_FONT, TABLE_SIZE)
        if sheet.status != UNASSESSED:
            _text(doc, f"总分 {tables.points(sheet.total)}；" + "，".join(
                f"{i.name} {tables.points(i.score) if i.counted else '不计'}/{tables.points(i.points)}"
                for i in sheet.indicators), size=EVIDENCE_SIZE)
        rows = [[r[2], r[3], r[4], r[5], f"{r[6]}\n{r[9]}"] for r in tables.sheet_rows(sheet)]
        if rows:
            _simple_table(doc, _LINES, rows, EVIDENCE_SIZE, widths_cm=(1.6, 1.8, 4.0, 1.2, 7.0))
    return save_document(doc, path, tables.document_title(assessment), assessment.generated_at)
