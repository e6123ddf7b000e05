"""Reading the spreadsheets supervisors keep: CSV (UTF-8 with or without BOM, GBK as Excel in China
writes it, tab-separated) and XLSX, as (line number as Excel shows it, cell texts) rows.

Shared by the registry import and the import of manual new-media observations, so both number lines,
decode and report unreadable files the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

BLANKS = " \t\r\n\u3000\xa0\ufeff"


class SheetError(Exception):
    """A whole file cannot be read (missing, not CSV/XLSX, undecodable); nothing was written."""


@dataclass(frozen=True)
class RowError:
    """One bad row, as the user finds it in Excel: file and line, with the reason."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number as Excel shows it, cell texts) of every row, blank rows included."""
    if not path.is_file():
        raise SheetError(f"{path}: file not found")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SheetError(f"{path}: old .xls workbooks are not supported; save it as .xlsx or .csv")
    if suffix in (".xlsx", ".xlsm") or data[:4] == b"PK\x03\x04":
        return _xlsx_rows(path)
    return _csv_rows(decode_csv(data, path))


def rows_under_header(
    path: Path, header_of: Callable[[list[Any]], list[str] | None], no_header: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for each non-empty row under the first row `header_of` accepts.

    Sheets often start with a title row, so rows before the header are skipped; `no_header` is the
    message when no row is a header.
    """
    header: list[str] | None = None
    for line, cells in read_rows(path):
        if header is None:
            header = header_of(cells)
            continue
        if any(cells):
            yield line, dict(zip(header, cells, strict=False))
    if header is None:
        raise SheetError(f"{path}: {no_header}")


def decode_csv(data: bytes, path: Path) -> str:
    """BOM → its encoding; else strict UTF-8; else GB18030 (a superset of the GBK Excel writes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data, "utf-8-sig", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "gb18030", path)


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path}: not readable as {encoding} text (byte {exc.start})") from exc


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """Rows numbered as a spreadsheet numbers them (a quoted line break stays in its row)."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, [_cell(c) for c in row]) for number, row in enumerate(reader, start=1)]


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken or foreign file
        raise SheetError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_cell(c) for c in row])
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    """Cell text; Excel turns a site code into a number, so integral floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip(BLANKS)
