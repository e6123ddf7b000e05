"""`govmon check`: check one website (or all of them) now, print the verdict with evidence, store it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
from monitor.models import FAILED, SEVERITY_LABELS, UNDECIDED, Website
from monitor.render import renderer_for
from monitor.service import (
    UNCHECKED,
    SiteCheck,
    check_website,
    check_websites,
    crawl_and_judge,
    http_fetcher,
    registered_hosts,
)
from monitor.store import Store

EVIDENCE_LINES = 8  # per finding in the table; the full evidence is in --json and the store


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    ctx: typer.Context,
    target: str | None = typer.Argument(None, help="Website to check: its URL, name or 网站标识码."),
    all_sites: bool = typer.Option(False, "--all", help="Check every registered website (with a progress bar)."),
    accounts: bool = typer.Option(False, "--accounts", help="Check the new-media accounts sampled for the quarter."),
    quarter: str | None = typer.Option(None, "--quarter", help="Quarter of the account sample (default: as-of's)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Judge as of this date or time (default: now)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object per site instead of tables."),
) -> None:
    """Check websites against the veto rules and print 合格 / 不合格 with evidence.

    Results are stored: findings seen again move their last_seen, findings no longer seen are resolved.
    Exit code 0 when every site checked is 合格, 1 when any is 不合格, 2 for a bad target, 3 when a site
    could not be checked (未能检查) or a veto rule could not be judged (未能判断).
    """
    app = state(ctx)
    moment = app.as_of(as_of)
    if accounts:
        raise typer.Exit(_check_accounts(app, moment, quarter, json_output))
    if not all_sites and not target:
        fail("give a TARGET (URL, name or site code), or --all, or --accounts")
    store = app.open_store()
    try:
        if all_sites:
            checks = asyncio.run(_check_all(app, store, moment, quiet=json_output))
        else:
            checks = [asyncio.run(_check_one(app, store, target or "", moment))]
    finally:
        store.close()
    _print(checks, json_output)
    raise typer.Exit(_exit_code([c.verdict for c in checks]))


def _exit_code(verdicts: list[str]) -> int:
    """1 when any site is 不合格; else 3 when any could not be checked or judged; else 0."""
    if FAILED in verdicts:
        return EXIT_PROBLEMS
    return EXIT_UNAVAILABLE if UNCHECKED in verdicts or UNDECIDED in verdicts else EXIT_OK


async def _check_one(app: AppState, store: Store, target: str, moment: datetime) -> SiteCheck:
    website = store.find_website(target)
    async with http_fetcher(app.settings) as fetcher, renderer_for(app.settings, fetcher) as renderer:
        if website is not None:
            return await check_website(store, app.rulebook, app.settings, website, moment, fetcher=fetcher,
                                       renderer=renderer)
        if urlsplit(target).scheme not in ("http", "https"):
            fail(f"no registered website matches {target!r} (give its URL, name or 网站标识码)")
        adhoc = Website(name=target, url=target, region="", kind="", site_code="")
        console.print(f"[yellow]{target} is not in the registry: checking it without storing results[/]")
        observation, findings, _ = await crawl_and_judge(adhoc, app.rulebook, app.settings, moment, fetcher,
                                                         renderer, registered_hosts=registered_hosts(store))
        return SiteCheck(adhoc, moment, observation, findings)


async def _check_all(app: AppState, store: Store, moment: datetime, *, quiet: bool) -> list[SiteCheck]:
    websites = store.websites()
    if not websites:
        fail("the registry has no websites: import one with `govmon registry import FILE`")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, disable=quiet)
    async with http_fetcher(app.settings) as fetcher, renderer_for(app.settings, fetcher) as renderer:
        with progress:
            task = progress.add_task("检查网站", total=len(websites))

            def done(website: Website, outcome: SiteCheck | Exception) -> None:
                if isinstance(outcome, Exception):  # logged with its traceback by check_website; go on
                    console.print(f"[red]检查出错[/] {website.name} {website.url}: {outcome}")
                progress.advance(task)

            outcomes = await check_websites(store, app.rulebook, app.settings, websites, moment, fetcher=fetcher,
                                            renderer=renderer, on_done=done, outlines=True)
    return [outcome for outcome in outcomes if isinstance(outcome, SiteCheck)]


def _check_accounts(app: AppState, moment: datetime, quarter: str | None, json_output: bool) -> int:
    from monitor.cli.accounts import check_sampled_accounts

    return check_sampled_accounts(app, moment, quarter, json_output)


def _print(checks: list[SiteCheck], json_output: bool) -> None:
    if json_output:
        data: Any = [c.to_json() for c in checks]
        print_json(data[0] if len(data) == 1 else data)
        return
    for c in checks:
        _print_one(c)
    if len(checks) > 1:
        failed = sum(1 for c in checks if c.verdict == FAILED)
        undecided = sum(1 for c in checks if c.verdict == UNDECIDED)
        unchecked = sum(1 for c in checks if c.verdict == UNCHECKED)
        stdout.print(f"\n检查网站 {len(checks)} 个，不合格 {failed} 个，未能判断 {undecided} 个，未能检查 {unchecked} 个。")


def _print_one(check: SiteCheck) -> None:
    colour = {"合格": "green", "不合格": "red"}.get(check.verdict, "yellow")
    site = check.website
    undecided = f"（{'、'.join(check.undecided_rules)}）" if check.undecided_rules else ""
    stdout.print(f"\n[bold]{site.name}[/] {site.url} {site.site_code}  [bold {colour}]{check.verdict}{escape(undecided)}[/]"
                 f"  ({check.observation.pages_fetched} 页)")
    if check.observation.tls_error:
        stdout.print(f"[yellow]网站证书问题（已跳过校验继续检查）：{check.observation.tls_error}[/]", highlight=False)
    if not check.findings:
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("规则", "级别", "问题", "证据"):
        table.add_column(column, overflow="fold")
    for finding in sorted(check.findings, key=lambda f: (f.severity != "veto", f.rule)):
        table.add_row(finding.rule, SEVERITY_LABELS[finding.severity], finding.wording,
                      escape("\n".join(describe_evidence(finding, limit=EVIDENCE_LINES))))
    stdout.print(table)
