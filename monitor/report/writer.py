"""Write a QuarterReport in the requested formats; one small writer per format."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from monitor.config import Settings
from monitor.quarter import Quarter, parse_quarter
from monitor.report.csv import write_csv
from monitor.report.data import build_report
from monitor.report.docx import write_docx
from monitor.report.markdown import write_markdown
from monitor.report.model import QuarterReport
from monitor.report.xlsx import write_xlsx
from monitor.rulebook import Rulebook
from monitor.store import Store

FORMATS = ("xlsx", "docx", "md", "csv")


def file_stem(report: QuarterReport) -> str:
    """govmon_2022Q4: ASCII, so scripts and mail gateways handle the names."""
    return f"govmon_{report.quarter.label}"


def _single(writer: Callable[[QuarterReport, Path], Path], suffix: str) -> Callable[[QuarterReport, Path], list[Path]]:
    def write(report: QuarterReport, directory: Path) -> list[Path]:
        return [writer(report, directory / f"{file_stem(report)}.{suffix}")]

    return write


WRITERS: dict[str, Callable[[QuarterReport, Path], list[Path]]] = {
    "xlsx": _single(write_xlsx, "xlsx"),
    "docx": _single(write_docx, "docx"),
    "md": _single(write_markdown, "md"),
    "csv": lambda report, directory: write_csv(report, directory, file_stem(report)),
}


def parse_formats(text: str, known: Sequence[str] = FORMATS) -> tuple[str, ...]:
    """'xlsx, md' -> ('xlsx', 'md'); a format not in `known` raises ValueError naming it."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in known]
    if unknown or not formats:
        raise ValueError(f"unknown report format(s) {unknown or [text]}; choose from {', '.join(known)}")
    return formats


def write_report(report: QuarterReport, directory: Path, formats: Sequence[str] = FORMATS,
                 *, on_written: Callable[[str, list[Path]], None] | None = None) -> list[Path]:
    """Write each format into `directory`; `on_written(format, paths)` lets the CLI show progress."""
    written: list[Path] = []
    for name in formats:
        paths = WRITERS[name](report, directory)
        written += paths
        if on_written is not None:
            on_written(name, paths)
    return written


def generate_report(
    store: Store,
    settings: Settings,
    quarter: Quarter | str,
    *,
    formats: Sequence[str] | None = None,
    directory: Path | None = None,
    rulebook: Rulebook | None = None,
    generated_at: datetime | None = None,
) -> tuple[QuarterReport, list[Path]]:
    """Build and write in one call (the daemon's quarterly job); defaults come from `settings.report`.

    `quarter` may be a label such as "2022Q4", read in the configured time zone.
    """
    if isinstance(quarter, str):
        quarter = parse_quarter(quarter, settings.timezone)
    report = build_report(store, settings, quarter, rulebook=rulebook, generated_at=generated_at)
    paths = write_report(report, directory or settings.report_dir, formats or settings.report_formats)
    return report, paths
