"""What the three 附件4 imports share: their header rule, the per-file summary, the all-or-nothing write.

A rate computed from part of a file would be wrong without a sign of it, so a file with a bad row is
not written at all unless the user asks for the good rows (`skip_bad`); each bad row is reported as
`file:line: reason`, as the registry import does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.sheets import BLANKS, RowError, SheetError, rows_under_header


def header_cell(text: str) -> str:
    return text.strip(BLANKS).strip("*＊").strip(BLANKS).lower()


def header_reader(columns: dict[str, tuple[str, ...]], required: tuple[str, ...],
                  any_of: tuple[str, ...] = ()) -> Callable[[list[Any]], list[str] | None]:
    """A `rows_under_header` header rule: the first row naming `required[0]` is the header; cells become
    their column's name (spellings in `columns`), and a header lacking a required column is a bad file."""
    spelling = {header_cell(s): name for name, spellings in columns.items() for s in (name, *spellings)}

    def header_of(cells: list[Any]) -> list[str] | None:
        names = [spelling.get(header_cell(str(c or "")), "") for c in cells]
        if required[0] not in names:
            return None
        missing = [c for c in required if c not in names]
        if any_of and not any(c in names for c in any_of):
            missing.append(" 或 ".join(any_of))
        if missing:
            raise SheetError(f"表头缺少 {'、'.join(missing)} 列")
        return names

    return header_of


class RowProblem(ValueError):
    """A row that cannot be stored; the message says what to fix, in the user's terms."""


@dataclass
class FileRead:
    """The good rows of one file, before anything is written."""

    path: Path
    rows: list[tuple[int, Any]] = field(default_factory=list)  # (line, parsed row)
    data_rows: int = 0


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)  # (file, data rows)
    written: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"written": self.written, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "files": [{"file": f, "rows": n} for f, n in self.files], "errors": [str(e) for e in self.errors],
                "notes": self.notes}


def read_files(paths: list[Path], header_of: Callable[[list[Any]], list[str] | None], no_header: str,
               parse: Callable[[dict[str, str]], Any], key_of: Callable[[Any], Hashable],
               repeated: Callable[[Any, str], str]) -> tuple[ImportSummary, list[FileRead]]:
    """Parse every row of every file; a RowProblem becomes `file:line: reason`, and so does a row whose key
    (`key_of`) an earlier row already had (`repeated(row, "file:line of the first")` says how).

    Raises SheetError naming the file when a file cannot be read at all.
    """
    summary, reads = ImportSummary(), []
    first: dict[Hashable, str] = {}
    for path in paths:
        read = FileRead(path)
        for line, values in rows_under_header(path, header_of, no_header):
            read.data_rows += 1
            try:
                row = parse(values)
            except RowProblem as exc:
                summary.errors.append(RowError(str(path), line, str(exc)))
                continue
            where = first.setdefault(key_of(row), f"{path}:{line}")
            if where != f"{path}:{line}":
                summary.errors.append(RowError(str(path), line, repeated(row, where)))
            else:
                read.rows.append((line, row))
        summary.files.append((str(path), read.data_rows))
        reads.append(read)
    return summary, reads


def count(summary: ImportSummary, old: tuple[Any, ...] | None, new: tuple[Any, ...]) -> None:
    """Count a stored row as added, unchanged or updated, from what it was and what it becomes."""
    if old is None:
        summary.added += 1
    elif old == new:
        summary.unchanged += 1
    else:
        summary.updated += 1


def should_write(summary: ImportSummary, skip_bad: bool) -> bool:
    """Write when every row is good, or when the user asked for the good rows of a file with bad ones."""
    return not summary.errors or skip_bad


def text(values: dict[str, str], column: str) -> str:
    return (values.get(column) or "").strip(BLANKS)
