"""`govmon registry`: load the 网站名录/新媒体名录 from CSV or XLSX, and show what is registered."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from monitor.cli.common import EXIT_PROBLEMS, EXIT_USAGE, console, fail, print_json, state, stdout
from monitor.models import ACCOUNT_SUBJECTS, WEBSITE_KINDS, Account, Website
from monitor.registry import (
    ACCOUNTS,
    TABLE_LABELS,
    WEBSITES,
    ImportReport,
    RegistryFileError,
    import_registry,
    normalise_region,
)
from monitor.times import optional_iso

registry_app = typer.Typer(
    help="Import and list the registry of websites (网站名录) and new-media accounts (新媒体名录).",
    no_args_is_help=True,
)


@registry_app.command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV (UTF-8 or GBK) or XLSX files; the header tells the table."),
    strict: bool = typer.Option(False, "--strict", help="Write nothing if any row is bad."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Import registry files: upsert their rows, retire rows earlier imports had and these lack.

    Exit code 1 when some rows were bad (the good ones are loaded unless --strict), 2 when a file
    cannot be read as a registry at all (unreadable, binary, empty, no recognised header).
    """
    app_state = state(ctx)
    rulebook, now = app_state.rulebook, app_state.now()
    store = app_state.open_store()
    try:
        report = import_registry(store, rulebook, files, now=now, places=app_state.places, strict=strict)
    except RegistryFileError as exc:
        fail(str(exc), EXIT_USAGE)
    finally:
        store.close()
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if any(summary.table is None for summary in report.files):
        raise typer.Exit(EXIT_USAGE)  # a file that is not a registry at all (empty, no known header): a bad file
    if report.errors:
        raise typer.Exit(EXIT_PROBLEMS)


def _print_report(report: ImportReport) -> None:
    """A counts table on stdout; each bad row as `file:line: reason` on stderr (editors jump to it)."""
    table = Table(title="名录导入" if report.written else "名录导入（未写入：--strict 且有错误行）")
    for column in ("表", "新增", "更新", "未变", "退役", "恢复"):
        table.add_column(column, justify="left" if column == "表" else "right")
    for name in (WEBSITES, ACCOUNTS):
        counts = getattr(report, name)
        table.add_row(TABLE_LABELS[name], *(str(n) for n in (counts.added, counts.updated, counts.unchanged,
                                                           counts.retired, counts.restored)))
    stdout.print(table)
    for summary in report.files:
        label = TABLE_LABELS.get(summary.table or "", "表头无法识别")
        stdout.print(f"{summary.file}: {label}, {summary.rows} 行", markup=False, highlight=False, soft_wrap=True)
    for warning in report.warnings:
        console.print(f"{warning}（已导入，请核对）", markup=False, highlight=False, soft_wrap=True, style="yellow")
    for error in report.errors:
        console.print(str(error), markup=False, highlight=False, soft_wrap=True)
    if report.errors:
        console.print(f"[bold red]{len(report.errors)} 行有错误[/]", highlight=False)


@registry_app.command("list")
def list_command(
    ctx: typer.Context,
    kind: str | None = typer.Option(
        None, "--kind", help="网站类型 of websites (省政府门户 …), or 主体类型 with --accounts (政府 …)."
    ),
    region: str | None = typer.Option(None, "--region", help="所属地方或部门 (aliases such as 阿坝州 accepted)."),
    accounts: bool = typer.Option(False, "--accounts", help="List new-media accounts instead of websites."),
    retired: bool = typer.Option(False, "--retired", help="Include retired rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List registered websites (or accounts with --accounts)."""
    app_state = state(ctx)
    allowed = ACCOUNT_SUBJECTS if accounts else WEBSITE_KINDS
    if kind is not None and kind not in allowed:
        fail(f"--kind must be one of {'、'.join(allowed)}, got {kind!r}", EXIT_USAGE)
    region = normalise_region(app_state.places, region) if region else None
    store = app_state.open_store()
    try:
        if accounts:
            rows: list[Website] | list[Account] = [
                a for a in store.accounts(include_retired=retired, region=region) if kind is None or a.subject == kind
            ]
        else:
            rows = store.websites(include_retired=retired, kind=kind, region=region)
    finally:
        store.close()
    if as_json:
        print_json([asdict(row) for row in rows])
        return
    stdout.print(_accounts_table(rows, retired) if accounts else _websites_table(rows, retired))  # type: ignore[arg-type]


def _websites_table(rows: list[Website], retired: bool) -> Table:
    table = Table(title=f"网站名录（{len(rows)}）")
    for column in ("ID", "网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码", *(["退役时间"] if retired else [])):
        table.add_column(column, overflow="fold")
    for w in rows:
        place = f"{w.region} {w.county}" if w.county else w.region
        cells = [str(w.id), w.name, w.url, place, w.kind, w.site_code, *([optional_iso(w.retired_at) or ""] if retired else [])]
        table.add_row(*(escape(c) for c in cells))
    return table


def _accounts_table(rows: list[Account], retired: bool) -> Table:
    table = Table(title=f"新媒体名录（{len(rows)}）")
    for column in ("ID", "账号名称", "类型", "所属地方或部门", "主体类型", "数据源", *(["退役时间"] if retired else [])):
        table.add_column(column, overflow="fold")
    for a in rows:
        place = f"{a.region} {a.county}" if a.county else a.region
        cells = [str(a.id), a.name, a.platform, place, a.subject, a.source, *([optional_iso(a.retired_at) or ""] if retired else [])]
        table.add_row(*(escape(c) for c in cells))
    return table


def register(app: typer.Typer) -> None:
    """Add `govmon registry` to the root app."""
    app.add_typer(registry_app, name="registry")
