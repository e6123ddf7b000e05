"""XLSX of the assessment: 附件3 as the notice lays it out, then the score sheets (汇总, 扣分明细).

Uses the quarterly report's cell helpers, so both workbooks look alike and text never runs as a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from monitor.assess import tables
from monitor.assess.data import Assessment
from monitor.report.xlsx import _body, _fit_widths, _header, set_value


def write_xlsx(assessment: Assessment, path: Path) -> Path:
    """Write the workbook to `path` and return it."""
    book = Workbook()
    annex = book.active
    annex.title = tables.ANNEX_LABEL
    set_value(annex.cell(row=1, column=1), tables.ANNEX_LABEL)
    set_value(annex.cell(row=2, column=1), tables.annex_title(assessment))
    annex.cell(row=2, column=1).font = Font(bold=True, size=14)
    row = 4
    for table in assessment.model.tables:
        header, rows = tables.annex_rows(assessment, table)
        set_value(annex.cell(row=row, column=1), table.title)
        _header(annex, row + 1, header)
        _body(annex, row + 2, rows)
        for first, last in tables.tier_spans(rows):
            annex.merge_cells(start_row=row + 2 + first, start_column=1, end_row=row + 2 + last, end_column=1)
        row += len(rows) + 3
    set_value(annex.cell(row=row, column=1), tables.method_note(assessment))
    _fit_widths(annex)
    summary = book.create_sheet("评分汇总")
    _header(summary, 1, tables.summary_header(assessment))
    _body(summary, 2, tables.summary_rows(assessment))
    summary.freeze_panes = "D2"
    _fit_widths(summary)
    details = book.create_sheet(tables.DETAIL_TITLE)
    _header(details, 1, tables.DETAIL_HEADER)
    _body(details, 2, tables.detail_rows(assessment))
    details.freeze_panes = "C2"
    _fit_widths(details)
    book.properties.title = tables.document_title(assessment)
    book.properties.creator = "govmon"
    if assessment.generated_at is not None:
        book.properties.created = book.properties.modified = assessment.generated_at.replace(tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
