"""CSV writer: one file per table, UTF-8 with BOM so Excel opens it in Chinese without asking.

Cells starting with = + - @ get a leading apostrophe: Excel would otherwise run them as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from monitor.report import tables
from monitor.report.model import QuarterReport
from monitor.report.tables import Cell


def csv_tables(report: QuarterReport) -> dict[str, list[list[Cell]]]:
    """File suffix -> rows (header rows included), in the order they are written."""
    top: list[Cell] = [tables.ANNEX1_UNIT]
    for group, span in tables.ANNEX1_GROUPS:
        top += [group] + [""] * (span - 1)
    summary = [list(r) for r in tables.summary_rows(report)]
    summary += [[tables.ANNEX4_LABEL, tables.annex4_value(report)], ["一、总体情况（草稿）", report.summary.paragraph]]
    return {
        "summary": [list(tables.SUMMARY_HEADER), *summary],
        "annex1": [top, ["", *tables.ANNEX1_COLUMNS], *tables.annex1_rows(report)],
        "annex2_websites": [list(tables.TABLE1_HEADER), *tables.table1_rows(report)],
        "annex2_accounts": [list(tables.TABLE2_HEADER), *tables.table2_rows(report)],
        "annex4": [[*tables.ANNEX4_HEADER, tables.ANNEX4_SOURCE], *tables.annex4_rows(report)],
        **{f"annex4_{name}": [list(header), *rows] for name, (_title, header, rows) in zip(
            ("jiucuo", "reposts", "repost_items", "ranking"), _all_details(report), strict=True)},
        "coverage": [list(tables.COVERAGE_HEADER), *tables.coverage_rows(report)],
        "evidence": [list(tables.EVIDENCE_HEADER), *tables.evidence_rows(report)],
    }


def _all_details(report: QuarterReport) -> list[tuple[str, tuple[str, ...], list[list[Cell]]]]:
    """The four 附件4 detail tables in a fixed order, empty ones included (a file per table, always)."""
    found = {header: (title, header, rows) for title, header, rows in tables.annex4_details(report)}
    return [found.get(header, ("", header, [])) for header in (
        tables.JIUCUO_HEADER, tables.REPOSTS_HEADER, tables.REPOST_ITEMS_HEADER, tables.RANKING_HEADER)]


def render_csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[_safe(value) for value in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(report: QuarterReport, directory: Path, stem: str) -> list[Path]:
    """Write `<stem>_<table>.csv` files into `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, rows in csv_tables(report).items():
        path = directory / f"{stem}_{suffix}.csv"
        path.write_bytes(render_csv(rows))
        written.append(path)
    return written


def _safe(value: Cell) -> Cell:
    return "'" + value if isinstance(value, str) and tables.looks_like_formula(value) else value
