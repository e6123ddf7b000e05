"""DOCX writer (python-docx) in the layout of an official document (GB/T 9704 as practised).

A4, margins 3.7/3.5/2.8/2.6 cm; body 仿宋_GB2312 三号 (16 pt) on a 28 pt line; title 方正小标宋简体 二号
(22 pt); annex headings 黑体; bordered tables (Table Grid). Chinese fonts only take effect through
w:eastAsia of rFonts, so every run sets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.run import Run

from monitor.report import tables
from monitor.report.model import QuarterReport
from monitor.report.tables import Cell

BODY_FONT, TITLE_FONT, HEADING_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE, EVIDENCE_SIZE = Pt(16), Pt(22), Pt(12), Pt(9)
SHOT_WIDTH_CM = 15.0  # screenshots at the text width (A4 less the margins: 15.6 cm)
MARGINS_CM = {"top_margin": 3.7, "bottom_margin": 3.5, "left_margin": 2.8, "right_margin": 2.6}


def write_docx(report: QuarterReport, path: Path) -> Path:
    """Write the report document to `path` and return it."""
    doc = Document()
    _page_setup(doc)
    _overview(doc, report)
    _annex1(doc, report)
    _annex2(doc, report)
    _annex4(doc, report)
    _coverage(doc, report)
    _evidence(doc, report)
    return save_document(doc, path, tables.report_title(report), report.generated_at)


def save_document(doc: DocxDocument, path: Path, title: str, generated_at: datetime | None) -> Path:
    """Title, author and creation time in the file's properties (what a file manager shows), then save."""
    doc.core_properties.title = title
    doc.core_properties.author = "govmon"
    if generated_at is not None:
        doc.core_properties.created = generated_at
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# -- layout ------------------------------------------------------------------------------------------
def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for name, value in MARGINS_CM.items():
        setattr(section, name, Cm(value))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)


def set_font(run: Run, name: str, size: Pt, *, bold: bool = False) -> None:
    """Font for Latin and East Asian text alike (Word ignores font.name for Chinese characters)."""
    run.font.name, run.font.size, run.font.bold = name, size, bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _text(doc: DocxDocument, text: str, font: str = BODY_FONT, size: Pt = BODY_SIZE, *,
          center: bool = False, indent: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:  # body text: two-character first-line indent, justified
        paragraph.paragraph_format.first_line_indent = Pt(size.pt * 2)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    set_font(paragraph.add_run(text), font, size)


def _annex_heading(doc: DocxDocument, label: str, title: str) -> None:
    """附件N in 黑体 at the top left of a new page, then the annex title centred."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _text(doc, label, HEADING_FONT)
    _text(doc, title, TITLE_FONT, TITLE_SIZE, center=True)


def _grid(doc: DocxDocument, rows: int, columns: int) -> Table:
    table = doc.add_table(rows=rows, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _repeat_header(table: Table, rows: int = 1) -> None:
    """Header rows repeat on every page a long table (the evidence list) runs over."""
    for row in table.rows[:rows]:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def _fill(table: Table, row: int, values: Sequence[Cell], size: Pt, *, header: bool = False) -> None:
    cells = table.rows[row].cells  # one row's cells: table.cell() walks the whole table on every call
    for column, value in enumerate(values):
        paragraph = cells[column].paragraphs[0]
        paragraph.paragraph_format.line_spacing = 1.0
        set_font(paragraph.add_run(str(value)), HEADING_FONT if header else BODY_FONT, size)


def _simple_table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[Cell]],
                  size: Pt = TABLE_SIZE, widths_cm: Sequence[float] = ()) -> Table:
    body = rows or [["无"] + [""] * (len(header) - 1)]
    table = _grid(doc, 1 + len(body), len(header))
    _fill(table, 0, header, size, header=True)
    _repeat_header(table)
    for index, values in enumerate(body, start=1):
        _fill(table, index, values, size)
    _set_widths(table, widths_cm)
    return table


def _set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Narrow number columns, wide text columns (Word ignores column widths unless each cell has one)."""
    if not widths_cm:
        return
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)  # the grid, which LibreOffice and WPS read
        for cell in column.cells:
            cell.width = Cm(width)  # each cell, which Word reads


# -- sections ----------------------------------------------------------------------------------------
def _overview(doc: DocxDocument, report: QuarterReport) -> None:
    _text(doc, tables.report_title(report), TITLE_FONT, TITLE_SIZE, center=True)
    _text(doc, "一、总体情况", HEADING_FONT)
    _text(doc, report.summary.paragraph, indent=True)


def _annex1(doc: DocxDocument, report: QuarterReport) -> None:
    """附件1 with its two-level header; the 市(州) cell spans all region rows as in the notice."""
    _annex_heading(doc, "附件1", tables.annex1_title(report))
    rows = report.annex1
    table = _grid(doc, 2 + len(rows), 2 + len(tables.ANNEX1_COLUMNS))
    top: list[Cell] = [tables.ANNEX1_UNIT, ""]
    for group, span in tables.ANNEX1_GROUPS:
        top += [group] + [""] * (span - 1)
    _fill(table, 0, top, TABLE_SIZE, header=True)
    _fill(table, 1, ["", "", *tables.ANNEX1_COLUMNS], TABLE_SIZE, header=True)
    for index, row in enumerate(rows, start=2):
        first = [tables.ANNEX1_REGION_GROUP, row.unit] if row.is_region else [row.unit, ""]
        _fill(table, index, [*first, *row.cells()], TABLE_SIZE)
    _repeat_header(table, 2)
    _merge_annex1(table, report)


def _merge_annex1(table: Table, report: QuarterReport) -> None:
    _merge(table, 0, 0, 1, 1)
    column = 2
    for _group, span in tables.ANNEX1_GROUPS:
        _merge(table, 0, column, 0, column + span - 1)
        column += span
    regions = sum(1 for r in report.annex1 if r.is_region)
    if regions > 1:
        _merge(table, 2, 0, 1 + regions, 0)
    for index in range(2 + regions, 2 + len(report.annex1)):
        _merge(table, index, 0, index, 1)


def _merge(table: Table, top: int, left: int, bottom: int, right: int) -> None:
    """Merge and keep only the first cell's text (python-docx would concatenate the blanks' paragraphs)."""
    anchor = table.cell(top, left)
    text = anchor.text
    merged = anchor.merge(table.cell(bottom, right))
    for paragraph in merged.paragraphs[1:]:
        paragraph._element.getparent().remove(paragraph._element)
    if merged.text != text:
        merged.paragraphs[0].text = text


def _annex2(doc: DocxDocument, report: QuarterReport) -> None:
    _annex_heading(doc, "附件2", tables.annex2_title(report))
    _text(doc, tables.TABLE1_TITLE)
    _simple_table(doc, tables.TABLE1_HEADER, tables.table1_rows(report), widths_cm=(1.3, 4.0, 5.2, 5.1))
    _text(doc, tables.TABLE2_TITLE)
    _simple_table(doc, tables.TABLE2_HEADER, tables.table2_rows(report), widths_cm=(1.3, 3.4, 4.2, 2.6, 4.1))


def _annex4(doc: DocxDocument, report: QuarterReport) -> None:
    """The notice's two-column table, then where each row's data came from and the detail tables."""
    _annex_heading(doc, "附件4（本季度数据）", tables.ANNEX4_TITLE)
    rows = tables.annex4_rows(report)
    _simple_table(doc, tables.ANNEX4_HEADER, [row[:2] for row in rows], widths_cm=(7.0, 8.6))
    _text(doc, "数据来源", HEADING_FONT, TABLE_SIZE)
    for row in rows:
        if row[2]:
            _text(doc, f"{row[0]}：{row[2]}", BODY_FONT, EVIDENCE_SIZE)
    for title, header, detail in tables.annex4_details(report):
        _text(doc, title, HEADING_FONT, TABLE_SIZE)
        _simple_table(doc, header, detail, EVIDENCE_SIZE)


def _coverage(doc: DocxDocument, report: QuarterReport) -> None:
    """Planned accounts that got no verdict this quarter: what the check rate leaves out."""
    _annex_heading(doc, "附", tables.COVERAGE_TITLE)
    _simple_table(doc, tables.COVERAGE_HEADER, tables.coverage_rows(report), widths_cm=(1.1, 3.0, 3.8, 2.4, 1.8, 4.1))


def _evidence(doc: DocxDocument, report: QuarterReport) -> None:
    """The operators' appendix: fewer, wider columns so it stays readable on A4."""
    _annex_heading(doc, "附", tables.EVIDENCE_TITLE)
    header = ("序号", "所属地方或部门及名称", "存在的突出问题", "发现时间", "证据")
    rows: list[list[Cell]] = [
        [e.number, f"{e.unit}\n{e.name}\n{e.address}", f"{e.wording}\n（{e.rule}，{e.source}，{e.status}）",
         f"{e.first_seen}\n至 {e.last_seen}", "\n".join(e.details)]
        for e in report.evidence
    ]
    _simple_table(doc, header, rows, EVIDENCE_SIZE, widths_cm=(1.1, 3.6, 3.2, 2.4, 5.3))
    _screenshots(doc, report)


def _screenshots(doc: DocxDocument, report: QuarterReport) -> None:
    """Each finding's screenshot, scaled to the text width, under a caption naming its 序号."""
    shots = [e for e in report.evidence if e.screenshot]
    if not shots:
        return
    _text(doc, "证据截图（红框标出问题链接或栏目）", HEADING_FONT, TABLE_SIZE)
    for item in shots:
        _text(doc, f"序号 {item.number}　{item.unit} {item.name}：{item.wording}", BODY_FONT, EVIDENCE_SIZE)
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption stays on its picture's page
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.line_spacing = 1.0  # a fixed 28 pt line would crop the picture
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        try:
            paragraph.add_run().add_picture(item.screenshot, width=Cm(SHOT_WIDTH_CM))
        except Exception as exc:  # an unreadable file: say so instead of failing the report
            set_font(paragraph.add_run(f"（截图无法读取：{item.screenshot}：{type(exc).__name__}）"), BODY_FONT,
                     EVIDENCE_SIZE)
