"""Markdown writer: the whole report in one file, for review in a browser or a merge request.

The body depends only on the report's data (no generation time), so one store gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from monitor.report import tables
from monitor.report.model import QuarterReport
from monitor.report.tables import Cell


def render_markdown(report: QuarterReport) -> str:
    parts = [
        f"# {tables.report_title(report)}",
        "## 一、总体情况",
        report.summary.paragraph,
        _table(tables.SUMMARY_HEADER, [list(r) for r in tables.summary_rows(report)]),
        "## 附件1",
        f"### {tables.annex1_title(report)}",
        _annex1_note(),
        _table([tables.ANNEX1_UNIT, *tables.ANNEX1_COLUMNS], tables.annex1_rows(report)),
        "## 附件2",
        f"### {tables.annex2_title(report)}",
        tables.TABLE1_TITLE,
        _table(tables.TABLE1_HEADER, tables.table1_rows(report)),
        tables.TABLE2_TITLE,
        _table(tables.TABLE2_HEADER, tables.table2_rows(report)),
        "## 附件4（本季度数据）",
        f"### {tables.ANNEX4_TITLE}",
        _table((*tables.ANNEX4_HEADER, tables.ANNEX4_SOURCE), tables.annex4_rows(report)),
        *[part for title, header, rows in tables.annex4_details(report) for part in (f"#### {title}", _table(header, rows))],
        f"## {tables.COVERAGE_TITLE}",
        _table(tables.COVERAGE_HEADER, tables.coverage_rows(report)),
        f"## {tables.EVIDENCE_TITLE}",
        _table(tables.EVIDENCE_HEADER, tables.evidence_rows(report)),
    ]
    return "\n\n".join(parts) + "\n"


def write_markdown(report: QuarterReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_markdown(report).encode("utf-8"))
    return path


def _annex1_note() -> str:
    spans, column = [], 2
    for group, span in tables.ANNEX1_GROUPS:
        spans.append(f"第{column}—{column + span - 1}列为{group}")
        column += span
    return "（" + "，".join(spans) + "）"


def _table(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    lines = [_row(header), "|" + "|".join(" --- " for _ in header) + "|"]
    lines += [_row(row) for row in rows]
    if not rows:
        lines.append(_row(["无"] + [""] * (len(header) - 1)))
    return "\n".join(lines)


def _row(values: Sequence[Cell]) -> str:
    return "| " + " | ".join(_escape(v) for v in values) + " |"


def _escape(value: Cell) -> str:
    """Pipes would split a cell and raw HTML would render: escape both; line breaks become <br>."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(text.splitlines())
