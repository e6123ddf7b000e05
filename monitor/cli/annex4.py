"""`govmon jiucuo|reposts|ranking import`: the inputs of the 附件4 rows, from CSV (UTF-8, BOM, GBK) or XLSX.

Exit codes: 0 all rows stored; 2 a file cannot be read, or has bad rows and nothing was stored; 1 bad
rows reported and the good ones stored (--skip-bad).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from monitor.annex4.jiucuo import import_jiucuo
from monitor.annex4.ranking import import_ranking
from monitor.annex4.reposts import import_reposts
from monitor.annex4.sheet import ImportSummary
from monitor.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AppState,
    console,
    fail,
    print_json,
    state,
    stdout,
)
from monitor.report.regions import Regions
from monitor.sheets import SheetError
from monitor.store import Store

jiucuo_app = typer.Typer(help="\"我为政府网站找错\" 留言: import the platform's export (附件4 按期办结率).",
                         no_args_is_help=True)
reposts_app = typer.Typer(help="转载任务: import the list of items portals must repost (附件4 转载工作).",
                          no_args_is_help=True)
ranking_app = typer.Typer(help="年度考核排名: import the annual ranking of the 市(州) (附件4 排名靠前的单位).",
                          no_args_is_help=True)

FILES_HELP = "CSV (UTF-8, BOM or GBK) or XLSX files."
SKIP_HELP = "Store the good rows even when some rows are bad (exit code 1)."


@jiucuo_app.command("import")
def jiucuo_import(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help=f"{FILES_HELP} Columns: 留言编号, 网站, 留言时间, 办结时间, 状态."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help=SKIP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import summary as JSON."),
) -> None:
    """Import 找错 messages; kept by 留言编号, so a later export updates them and the same file adds nothing."""
    app = state(ctx)
    rules, zone, now = app.rulebook.annex4.jiucuo, app.settings.timezone, app.now()
    _run(app, "找错留言", as_json, lambda store: import_jiucuo(store, rules, files, zone=zone, now=now,
                                                            skip_bad=skip_bad))


@reposts_app.command("import")
def reposts_import(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help=f"{FILES_HELP} Columns: 标题, 期间 or 截止日期, 原文网址 (optional)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help=SKIP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import summary as JSON."),
) -> None:
    """Import the required reposts of a period; kept by title and deadline, so importing again adds nothing."""
    app = state(ctx)
    zone, now = app.settings.timezone, app.now()
    _run(app, "转载任务", as_json, lambda store: import_reposts(store, files, zone=zone, now=now, skip_bad=skip_bad))


@ranking_app.command("import")
def ranking_import(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help=f"{FILES_HELP} Columns: 市(州), 名次 and/or 得分, 年度."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help=SKIP_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the import summary as JSON."),
) -> None:
    """Import the annual ranking; a file replaces the ranking of each year it holds."""
    app = state(ctx)
    regions, now = Regions.of_province(app.places, app.settings.province_row_label), app.now()
    _run(app, "年度考核排名", as_json, lambda store: import_ranking(store, regions, files, now=now, skip_bad=skip_bad))


def _run(app: AppState, label: str, as_json: bool, work: Callable[[Store], ImportSummary]) -> None:
    store = app.open_store()
    try:
        summary = work(store)
    except SheetError as exc:
        fail(str(exc), EXIT_USAGE)
    finally:
        store.close()
    if as_json:
        print_json(summary.to_dict())
    else:
        _print(label, summary)
    if summary.errors:
        raise typer.Exit(EXIT_PROBLEMS if summary.written else EXIT_USAGE)
    raise typer.Exit(EXIT_OK)


def _print(label: str, summary: ImportSummary) -> None:
    """Counts on stdout; each bad row as `file:line: reason` on stderr."""
    for error in summary.errors:
        console.print(str(error), markup=False, highlight=False, soft_wrap=True)
    for file, rows in summary.files:
        stdout.print(f"{file}: {rows} 行", markup=False, highlight=False, soft_wrap=True)
    if summary.written:
        stdout.print(f"{label}导入：新增 {summary.added}，更新 {summary.updated}，未变 {summary.unchanged}"
                     + (f"，错误 {len(summary.errors)} 行（已跳过）" if summary.errors else ""), highlight=False)
    else:
        console.print(f"[bold red]{len(summary.errors)} 行有错误，未导入任何数据[/]（改正后重新导入，"
                      "或用 --skip-bad 只导入正确的行）", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `govmon jiucuo`, `govmon reposts` and `govmon ranking` to the root app."""
    app.add_typer(jiucuo_app, name="jiucuo")
    app.add_typer(reposts_app, name="reposts")
    app.add_typer(ranking_app, name="ranking")
