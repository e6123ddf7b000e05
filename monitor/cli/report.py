"""`govmon report`: the quarterly report in the annex format of the notice (xlsx, docx, md, csv)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from monitor.cli.common import EXIT_USAGE, console, fail, print_json, state, stdout
from monitor.report import (
    QuarterError,
    QuarterReport,
    build_report,
    last_complete_quarter,
    parse_formats,
    parse_quarter,
    write_report,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("report")(report_command)


def report_command(
    ctx: typer.Context,
    quarter: str | None = typer.Option(
        None, "--quarter", "-q", help="Quarter to report, e.g. 2022Q4 (default: the last one that ended)."
    ),
    formats: str | None = typer.Option(
        None, "--formats", "-f", help="Comma-separated formats: xlsx,docx,md,csv (default: report.formats)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: report.output_dir)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary numbers and written files as JSON."),
) -> None:
    """Build the quarterly report (总体情况, 附件1, 附件2, 附件4 line, evidence) from the store."""
    app_state = state(ctx)
    settings = app_state.settings
    try:
        period = parse_quarter(quarter, settings.timezone) if quarter else last_complete_quarter(app_state.now())
        chosen = parse_formats(formats) if formats else settings.report_formats
    except (QuarterError, ValueError) as exc:
        fail(str(exc), EXIT_USAGE)
    directory = (out or settings.report_dir).resolve()
    store = app_state.open_store()
    app_state.warn_if_empty(store)
    try:
        with _progress(as_json) as progress:
            task = progress.add_task(f"统计 {period.label} …", total=None)
            report = build_report(store, settings, period, rulebook=app_state.rulebook, generated_at=app_state.now())
            progress.update(task, description=f"写出 {period.label} 报告 …")
            paths = write_report(report, directory, chosen,
                                 on_written=lambda name, _p: progress.update(task, description=f"已写出 {name}"))
    except OSError as exc:
        fail(f"{exc.filename or directory}: the report cannot be written there: {exc.strerror or exc}", EXIT_USAGE)
    finally:
        store.close()
    if as_json:
        print_json({"quarter": period.label, "summary": report.summary.as_dict(), "files": [str(p) for p in paths]})
    else:
        _print_summary(report, paths)


def _progress(quiet: bool) -> Progress:
    """A spinner on stderr; hidden under --json so scripts see only the JSON."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True,
                    disable=quiet)


def _print_summary(report: QuarterReport, paths: list[Path]) -> None:
    s = report.summary
    table = Table(title=f"{report.quarter.title} 检查情况", show_header=True)
    table.add_column("项目")
    table.add_column("数值", justify="right")
    for label, value in (
        ("政府网站", s.websites_checked), ("存在突出问题的网站", s.websites_with_problems),
        ("网站合格率", s.website_pass_rate), ("合格率100%的市(州)", s.regions_websites_passed),
        ("检查政务新媒体 / 总数", f"{s.accounts_checked} / {s.accounts_total}"), ("检查率", s.check_rate),
        ("存在突出问题的账号", s.accounts_with_problems), ("新媒体合格率", s.account_pass_rate),
    ):
        table.add_row(label, str(value))
    console.print(table)
    console.print(f"{len(paths)} files written:")
    for path in paths:
        stdout.print(str(path), highlight=False, soft_wrap=True)
