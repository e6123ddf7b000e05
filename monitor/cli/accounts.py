"""`govmon accounts ...` (sample, import-observations, list) and `govmon check-account`.

New-media accounts are judged on one question, whether they posted in the 2 weeks before the check;
the commands print 合格 / 不合格 with the latest post as evidence, and list separately the accounts
whose platform could not be read, for a manual check.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from monitor.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_UNAVAILABLE,
    AppState,
    console,
    fail,
    print_json,
    state,
    stdout,
)
from monitor.evidence import describe_evidence
from monitor.fetch.result import Fetcher
from monitor.models import SEVERITY_LABELS, Account
from monitor.newmedia.manual import import_observations
from monitor.newmedia.observations import latest_observation
from monitor.newmedia.sampling import ensure_sample, parse_quarter, quarter_of, sample_reasons
from monitor.newmedia.service import (
    AccountCheck,
    check_account,
    manual_check_list,
    run_sampled_account_checks,
)
from monitor.newmedia.sources import parse_source

accounts_app = typer.Typer(help="New-media accounts: quarterly sample, manual observations, listing.",
                           no_args_is_help=True)

_VERDICT = {"updated": ("合格", "green"), "stale": ("不合格", "red"), "unknown": ("待人工核查", "yellow")}


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(accounts_app, name="accounts")
    app.command("check-account")(check_account_command)


@asynccontextmanager
async def _http_fetcher(app: AppState) -> AsyncIterator[Fetcher]:
    """The production fetcher (late import: the fetch module is built alongside this one)."""
    from monitor.fetch.client import HttpFetcher

    async with HttpFetcher(app.settings.crawl) as fetcher:
        yield fetcher


# -- check-account ----------------------------------------------------------------------------------
def check_account_command(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="Account id or name; or a source (weibo:<uid>, a feed URL, page:<url>)."),
    platform: str | None = typer.Option(None, "--platform", help="Platform (类型), when a name repeats."),
    as_of: str | None = typer.Option(None, "--as-of", help="Judge as of this date or time (default: now)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Check whether one account posted in the 2 weeks before the check (监测时间点内2周未更新).

    Exit code 0 when updated (合格), 1 when stale (不合格), 3 when it could not be established.
    """
    app = state(ctx)
    moment = app.as_of(as_of)
    store = app.open_store()
    try:
        account = store.find_account(target, platform) or _adhoc_account(target, platform)
        check = asyncio.run(_check_one(app, store, account, moment))
    finally:
        store.close()
    if json_output:
        print_json(check.summary())
    else:
        _print_check(check)
    raise typer.Exit({"updated": EXIT_OK, "stale": EXIT_PROBLEMS}.get(check.state, EXIT_UNAVAILABLE))


def _adhoc_account(target: str, platform: str | None) -> Account:
    """A source that is not in the registry is checked as is, without storing anything."""
    if parse_source(target).kind == "none":
        fail(f"no registered account matches {target!r} (give its id or name, or a source like weibo:<uid>)")
    console.print(f"[yellow]{target} is not in the registry: checking it without storing results[/]")
    return Account(name=target, platform=platform or "", region="", subject="", source=target)


async def _check_one(app: AppState, store: Any, account: Account, moment: datetime) -> AccountCheck:
    async with _http_fetcher(app) as fetcher:
        return await check_account(store, app.rulebook, app.settings, account, moment, fetcher=fetcher)


def _print_check(check: AccountCheck) -> None:
    account, verdict = check.account, check.verdict
    label, colour = _VERDICT[check.state]
    stdout.print(f"\n[bold]{account.name}[/] {account.platform} {account.region} {account.subject}  "
                 f"[bold {colour}]{check.state} {label}[/]", highlight=False)
    stdout.print(f"  来源: {account.source or '（无）'}  ({check.result.source_kind or '-'}: {check.result.outcome})",
                 highlight=False)
    obs, findings = verdict.observation, check.findings or verdict.findings
    if obs is not None and obs.latest_post_at is not None and not findings:  # a finding shows the latest post
        stdout.print(f"  最近发布: {obs.latest_post_at:%Y-%m-%d %H:%M} {obs.latest_title} {obs.latest_url}"
                     f"  (距检查 {verdict.days_silent} 天, 依据 {obs.source_kind})", highlight=False)
    if check.state == "unknown":
        stdout.print(f"  [yellow]需人工核查:[/] {verdict.reason}", highlight=False)
    for finding in findings:
        stdout.print(f"  [red]{SEVERITY_LABELS.get(finding.severity, finding.severity)}[/] {escape(finding.wording)}",
                     highlight=False)
        for line in describe_evidence(finding):
            stdout.print(f"    {line}", markup=False, highlight=False, soft_wrap=True)


# -- govmon check --accounts ------------------------------------------------------------------------
def check_sampled_accounts(app: AppState, moment: datetime, quarter: str | None, json_output: bool) -> int:
    """Check the quarter's sampled accounts; the exit code for `govmon check --accounts`."""
    label = _quarter(quarter, moment)
    store = app.open_store()
    try:
        checks = asyncio.run(_check_sample(app, store, label, moment))
    finally:
        store.close()
    if json_output:
        print_json({"quarter": label, "checks": [c.summary() for c in checks]})
    else:
        _print_checks(checks)
    return EXIT_PROBLEMS if any(c.state == "stale" for c in checks) else EXIT_OK


async def _check_sample(app: AppState, store: Any, quarter: str, moment: datetime) -> list[AccountCheck]:
    async with _http_fetcher(app) as fetcher:
        return await run_sampled_account_checks(store, app.rulebook, app.settings, quarter, moment, fetcher)


def _print_checks(checks: list[AccountCheck]) -> None:
    table = Table(show_header=True, header_style="bold")
    for column in ("账号", "类型", "地方", "结论", "最近发布", "距今(天)", "说明"):
        table.add_column(column, overflow="fold", no_wrap=column == "账号")
    for check in checks:
        label, colour = _VERDICT[check.state]
        obs = check.verdict.observation
        latest = f"{obs.latest_post_at:%Y-%m-%d}" if obs and obs.latest_post_at else "—"
        note = check.result.outcome if check.state == "unknown" else \
            str(next((f.evidence.get("note", "") for f in check.verdict.findings), ""))
        table.add_row(check.account.name, check.account.platform, check.account.region, f"[{colour}]{label}[/]",
                      latest, "" if check.verdict.days_silent is None else str(check.verdict.days_silent), note)
    stdout.print(table)
    manual = manual_check_list(checks)
    stale = sum(c.state == "stale" for c in checks)
    stdout.print(f"检查账号 {len(checks)} 个，不合格 {stale} 个，待人工核查 {len(manual)} 个。", highlight=False)
    if manual:
        stdout.print("\n[bold yellow]待人工核查[/]（自动读取失败、被平台拦截或无适配器；请人工检查后导入观察记录）:")
        for check in manual:
            stdout.print(f"  - {check.account.name} {check.account.platform} {check.account.region}: "
                         f"{check.verdict.reason}", highlight=False)


# -- accounts sample --------------------------------------------------------------------------------
@accounts_app.command("sample")
def sample_command(
    ctx: typer.Context,
    quarter: str | None = typer.Option(None, "--quarter", help="Quarter, e.g. 2022Q4 (default: the current one)."),
    redraw: bool = typer.Option(False, "--redraw", help="Discard the stored sample of the quarter and draw again."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Draw (or show) the quarter's sample: every 政府 and 省直部门 account, a seeded share of the rest."""
    app = state(ctx)
    now = app.now()
    label = _quarter(quarter, now)
    store = app.open_store()
    try:
        totals = ensure_sample(store, app.settings, label, now=now, redraw=redraw)
    finally:
        store.close()
    if json_output:
        print_json(totals.summary())
        return
    origin = "已存样本" if totals.reused else "新抽样本"
    stdout.print(f"{totals.quarter} {origin}: 检查 {totals.checked} / 共 {totals.total} 个账号，"
                 f"检查率 {totals.rate_percent:.2f}%（全覆盖 {totals.full} 个，抽查 {totals.sampled} 个）",
                 highlight=False)


def _quarter(text: str | None, moment: datetime | None) -> str:
    try:
        if moment is None or text:
            return parse_quarter(text or "")
        return quarter_of(moment)
    except ValueError as exc:
        fail(str(exc))


# -- accounts import-observations -------------------------------------------------------------------
@accounts_app.command("import-observations")
def import_observations_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV or XLSX sheets (账号名称, 类型, 所属地方或部门, 最近发布时间, 检查时间)."),
    strict: bool = typer.Option(False, "--strict", help="Store nothing when any row is bad."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Store manual observations of accounts (from platform back-offices or inspectors).

    Bad rows are reported with file and line; exit code 1 when there are any.
    """
    app = state(ctx)
    for path in files:
        if not path.is_file():
            fail(f"{path}: file not found")
    store = app.open_store()
    try:
        report = import_observations(store, app.rulebook, files, zone=app.settings.timezone, strict=strict)
    finally:
        store.close()
    if json_output:
        print_json(report.summary())
    else:
        for error in report.errors:
            console.print(f"[red]{error}[/]", highlight=False)
        stdout.print(f"导入人工观察 {report.stored} 条（其中不合格 {report.stale} 条），重复 {report.unchanged} 条，"
                     f"错误 {len(report.errors)} 行。",
                     highlight=False)
    raise typer.Exit(EXIT_PROBLEMS if report.errors else EXIT_OK)


# -- accounts list ----------------------------------------------------------------------------------
@accounts_app.command("list")
def list_command(
    ctx: typer.Context,
    quarter: str | None = typer.Option(None, "--quarter", help="Only the accounts of this quarter's stored sample."),
    region: str | None = typer.Option(None, "--region", help="Only this region."),
    platform: str | None = typer.Option(None, "--platform", help="Only this platform (类型)."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List registered accounts with their source, sample reason and latest observation."""
    app = state(ctx)
    store = app.open_store()
    try:
        rows = _account_rows(store, quarter, region, platform)
    finally:
        store.close()
    if json_output:
        print_json(rows)
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("id", "账号", "类型", "地方", "主体", "来源", "抽样", "最近观察", "最近发布"):
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "账号"))
    for row in rows:
        table.add_row(str(row["id"]), row["name"], row["platform"], row["region"], row["subject"], row["source"],
                      row["sample"] or "", row["observation"] or "", row["latest_post_at"] or "")
    stdout.print(table)
    stdout.print(f"共 {len(rows)} 个账号。")


def _account_rows(store: Any, quarter: str | None, region: str | None, platform: str | None) -> list[dict[str, Any]]:
    reasons = sample_reasons(store, _quarter(quarter, None)) if quarter else {}
    if quarter and not reasons:
        fail(f"no stored sample for {quarter}: draw it with `govmon accounts sample --quarter {quarter}`")
    rows = []
    for account in store.accounts(region=region, platform=platform):
        if quarter and account.id not in reasons:
            continue
        obs = latest_observation(store, account.id)
        rows.append({
            "id": account.id, "name": account.name, "platform": account.platform, "region": account.region,
            "subject": account.subject, "source": account.source, "sample": reasons.get(account.id),
            "observation": f"{obs.checked_at:%Y-%m-%d} {obs.source_kind} {obs.outcome}" if obs else None,
            "latest_post_at": obs.latest_post_at.isoformat() if obs and obs.latest_post_at else None,
        })
    return rows

