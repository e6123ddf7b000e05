"""`govmon assess`: the half-year assessment (附件3) from the store, scored by rules/assessment.toml."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from monitor.assess import FORMATS, Assessment, HalfError, build_assessment, parse_half, write_assessment
from monitor.assess.manual import ManualScores, read_scores
from monitor.assess.tables import points
from monitor.cli.common import EXIT_USAGE, console, fail, print_json, state, stdout
from monitor.report import parse_formats
from monitor.rulebook import RulesError


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("assess")(assess_command)


def assess_command(
    ctx: typer.Context,
    half: str = typer.Option(..., "--half", help="Half-year to assess, e.g. 2022H2 (July to December)."),
    scores: list[Path] = typer.Option(  # noqa: B008 (typer reads defaults this way)
        [], "--scores", "-s", help="Inspectors' scores sheet (网站名称, 指标, 分值, 说明, 检查时间); repeatable."
    ),
    formats: str = typer.Option(",".join(FORMATS), "--formats", "-f", help="Comma-separated: xlsx,docx,md."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: report.output_dir)."),
    as_json: bool = typer.Option(False, "--json", help="Print tiers, scores and written files as JSON."),
) -> None:
    """Score every site of the assessed groups over a half-year and write 附件3 with the score sheets."""
    app_state = state(ctx)
    settings = app_state.settings
    try:
        period = parse_half(half, settings.timezone)
        chosen = parse_formats(formats, FORMATS)
    except (HalfError, ValueError) as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        model = app_state.rulebook.assessment
    except RulesError as exc:
        fail(str(exc), EXIT_USAGE)
    directory = (out or settings.report_dir).resolve()
    store = app_state.open_store()
    app_state.warn_if_empty(store)
    try:
        manual = read_scores(scores, store, model, period) if scores else ManualScores()
        if manual.errors:
            for error in manual.errors:
                console.print(f"[bold red]error:[/] {error}", highlight=False)
            fail(f"{len(manual.errors)} bad row(s) in the scores sheet(s); nothing was written", EXIT_USAGE)
        try:
            assessment = build_assessment(store, model, period, manual=manual, generated_at=app_state.now())
        except RulesError as exc:
            fail(str(exc), EXIT_USAGE)
        paths = write_assessment(assessment, directory, chosen)
    except OSError as exc:
        fail(f"{exc.filename or directory}: the assessment cannot be written there: {exc.strerror or exc}", EXIT_USAGE)
    finally:
        store.close()
    if as_json:
        print_json(_as_json(assessment, paths))
    else:
        _print_tiers(assessment, paths)


def _as_json(assessment: Assessment, paths: list[Path]) -> dict[str, object]:
    groups = {}
    for result in assessment.groups:
        groups[result.group.id] = {
            "label": result.group.label,
            "tiers": {tier: [s.website.name for s in sheets] for tier, sheets in result.tiers},
            "failed": [s.website.name for s in result.failed],
            "unassessed": [s.website.name for s in result.unassessed],
        }
    sheets = [{"name": s.website.name, "url": s.website.url, "status": s.status, "total": s.total,
               "deduction_part": s.deduction_part, "bonus": s.bonus, "checks": s.checks,
               "lines": [{"kind": line.kind, "indicator": line.indicator, "item": line.item, "points": line.points,
                          "rule": line.rule, "finding_id": line.finding_id, "url": line.url, "basis": line.basis}
                         for line in s.lines]}
              for s in assessment.sheets()]
    return {"half": assessment.half.label, "groups": groups, "sheets": sheets, "files": [str(p) for p in paths]}


def _print_tiers(assessment: Assessment, paths: list[Path]) -> None:
    table = Table(title=f"{assessment.half.title} 政府网站评估", show_header=True)
    for column in ("网站类别", "等次", "网站数", "得分"):
        table.add_column(column)
    for result in assessment.groups:
        rows = [*result.tiers, ("不合格", result.failed), ("未评估", result.unassessed)]
        for tier, sheets in rows:
            if sheets:
                scores = [s.total for s in sheets]
                span = "" if tier == "未评估" else f"{points(min(scores))}–{points(max(scores))}"
                table.add_row(result.group.label, tier, str(len(sheets)), span)
    console.print(table)
    console.print(f"{len(paths)} files written:")
    for path in paths:
        stdout.print(str(path), highlight=False, soft_wrap=True)
