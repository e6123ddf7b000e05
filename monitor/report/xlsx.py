"""XLSX writer (openpyxl): one sheet per annex, bold filled header, frozen header, fitted widths.

Every text cell is written as a string: a site named "=HYPERLINK(...)" must never become a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from monitor.report import tables
from monitor.report.model import QuarterReport
from monitor.report.tables import Cell

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def write_xlsx(report: QuarterReport, path: Path) -> Path:
    """Write the workbook to `path` and return it."""
    book = Workbook()
    _summary_sheet(book.active, report)
    _annex1_sheet(book.create_sheet("附件1"), report)
    _table_sheet(book.create_sheet("附件2表1"), tables.TABLE1_HEADER, tables.table1_rows(report))
    _table_sheet(book.create_sheet("附件2表2"), tables.TABLE2_HEADER, tables.table2_rows(report))
    _annex4_sheet(book.create_sheet("附件4"), report)
    _table_sheet(book.create_sheet("未检查账号"), tables.COVERAGE_HEADER, tables.coverage_rows(report))
    _table_sheet(book.create_sheet("证据"), tables.EVIDENCE_HEADER, tables.evidence_rows(report))
    book.properties.title = tables.report_title(report)
    book.properties.creator = "govmon"
    if report.generated_at is not None:
        book.properties.created = book.properties.modified = report.generated_at.replace(tzinfo=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def set_value(cell: XlCell, value: Cell) -> None:
    """Store `value`; text that looks like a formula stays text (data type s, quote prefix)."""
    cell.value = value
    if tables.looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _header(sheet: Worksheet, row: int, values: Sequence[Cell], start_column: int = 1) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=start_column + offset)
        set_value(cell, value)
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER


def _body(sheet: Worksheet, first_row: int, rows: Sequence[Sequence[Cell]], start_column: int = 1) -> None:
    for row_offset, values in enumerate(rows):
        for col_offset, value in enumerate(values):
            cell = sheet.cell(row=first_row + row_offset, column=start_column + col_offset)
            set_value(cell, value)
            cell.border, cell.alignment = BORDER, WRAP


def _table_sheet(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    _header(sheet, 1, header)
    _body(sheet, 2, rows)
    sheet.freeze_panes = "A2"
    _fit_widths(sheet)


def _summary_sheet(sheet: Worksheet, report: QuarterReport) -> None:
    """总体情况: the numbers, the 附件4 line, then the draft paragraph."""
    sheet.title = "总体情况"
    rows: list[list[Cell]] = [list(r) for r in tables.summary_rows(report)]
    rows.append([tables.ANNEX4_LABEL, tables.annex4_value(report)])
    _table_sheet(sheet, tables.SUMMARY_HEADER, rows)
    note_row = len(rows) + 3
    set_value(sheet.cell(row=note_row, column=1), "一、总体情况（草稿）")
    sheet.cell(row=note_row, column=1).font = HEADER_FONT
    set_value(sheet.cell(row=note_row + 1, column=1), report.summary.paragraph)
    sheet.merge_cells(start_row=note_row + 1, start_column=1, end_row=note_row + 1, end_column=2)
    sheet.cell(row=note_row + 1, column=1).alignment = WRAP
    sheet.row_dimensions[note_row + 1].height = 150


def _annex4_sheet(sheet: Worksheet, report: QuarterReport) -> None:
    """附件4: its rows with their data sources, then the detail table behind each row that has data."""
    _header(sheet, 1, (*tables.ANNEX4_HEADER, tables.ANNEX4_SOURCE))
    rows = tables.annex4_rows(report)
    _body(sheet, 2, rows)
    row = len(rows) + 3
    for title, header, detail in tables.annex4_details(report):
        set_value(sheet.cell(row=row, column=1), title)
        sheet.cell(row=row, column=1).font = HEADER_FONT
        _header(sheet, row + 1, header)
        _body(sheet, row + 2, detail)
        row += len(detail) + 3
    sheet.freeze_panes = "A2"
    _fit_widths(sheet)


def _annex1_sheet(sheet: Worksheet, report: QuarterReport) -> None:
    """附件1 with the notice's two-level header: 单位 spans two columns, the groups span their counts."""
    top: list[Cell] = [tables.ANNEX1_UNIT, ""]
    for group, span in tables.ANNEX1_GROUPS:
        top += [group] + [""] * (span - 1)
    _header(sheet, 1, top)
    _header(sheet, 2, ["", "", *tables.ANNEX1_COLUMNS])
    _body(sheet, 3, [_annex1_cells(r.unit, r.is_region, r.cells()) for r in report.annex1])
    _fit_widths(sheet)
    sheet.merge_cells("A1:B2")
    column = 3
    for _group, span in tables.ANNEX1_GROUPS:
        sheet.merge_cells(start_row=1, start_column=column, end_row=1, end_column=column + span - 1)
        column += span
    regions = sum(1 for r in report.annex1 if r.is_region)
    if regions:
        sheet.merge_cells(start_row=3, start_column=1, end_row=2 + regions, end_column=1)
        sheet.cell(row=3, column=1).alignment = CENTER
    for index in range(regions, len(report.annex1)):
        sheet.merge_cells(start_row=3 + index, start_column=1, end_row=3 + index, end_column=2)
    sheet.freeze_panes = "C3"


def _annex1_cells(unit: str, is_region: bool, counts: tuple[Cell, ...]) -> list[Cell]:
    """Region rows: 市(州) | name | counts; the province row and 合计 put their label in column A."""
    return [tables.ANNEX1_REGION_GROUP, unit, *counts] if is_region else [unit, "", *counts]


def _display_width(value: object) -> int:
    """Columns are measured in Latin characters; a CJK character takes two."""
    longest = max((line for line in str(value).splitlines()), key=len, default="")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def _fit_widths(sheet: Worksheet) -> None:
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
