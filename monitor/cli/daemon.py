"""`govmon run` (the daemon) and `govmon status` (what it has done and what is due)."""

from __future__ import annotations

import asyncio
import json
import signal
from datetime import datetime, timedelta
from typing import Any

import typer
from rich.table import Table

from monitor.checks.availability import tally_probes, window_start
from monitor.cli.common import AppState, print_json, setup_logging, state, stdout
from monitor.models import SubjectKind, iso
from monitor.scheduling import FAILED_OUTCOMES, upcoming
from monitor.store import Store


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)


def run(
    ctx: typer.Context,
    tick: float = typer.Option(60.0, "--tick", help="Seconds between looks for due website and account checks."),
    grace: float = typer.Option(10.0, "--grace", help="Seconds in-flight checks get to finish on SIGTERM/SIGINT."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
) -> None:
    """Run the monitor as a daemon: probes, website checks, new-media checks, the quarterly report.

    Stops cleanly on SIGTERM or Ctrl-C: it takes no new work, gives in-flight checks --grace seconds,
    and closes the database. Restarted, it resumes with what is due according to the store.
    """
    app = state(ctx)
    setup_logging(app.settings, verbose)
    store = app.open_store()
    try:
        asyncio.run(_serve(app, store, tick, grace))
    finally:
        store.close()


async def _serve(app: AppState, store: Store, tick: float, grace: float) -> None:
    from monitor.daemon import Daemon
    from monitor.service import http_fetcher

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    from monitor.fetch.client import HttpFetcher
    from monitor.probe import probe_crawl_settings
    from monitor.render import renderer_for

    async with (http_fetcher(app.settings) as fetcher, HttpFetcher(probe_crawl_settings(app.settings.crawl)) as prober,
                renderer_for(app.settings, fetcher) as renderer):
        daemon = Daemon(app.settings, app.rulebook, store, clock=app.now, fetcher=fetcher, probe_fetcher=prober,
                        tick_s=tick, grace_s=grace, renderer=renderer)
        await daemon.serve(stop)


def status(
    ctx: typer.Context,
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Per site: last check and verdict, last probe, the probe failure share of the last 7 days, next due check;
    then the full-check window (share of sites checked in it, sites at once, why it cannot be met), the
    slowest sites of their last runs, and recent errors."""
    app = state(ctx)
    store = app.open_store()
    try:
        report = collect_status(store, app, app.now())
    finally:
        store.close()
    if json_output:
        print_json(report)
        return
    _print_status(report)


# A check still marked running this long after its deadline is stuck (its process hung or died).
STUCK_MARGIN = timedelta(minutes=5)
# Slowest sites listed by `govmon status`.
SLOWEST = 5


def collect_status(store: Store, app: AppState, now: datetime) -> dict[str, Any]:
    """Everything `govmon status` shows, as data: per site, then the overdue and stuck ones, then errors."""
    start = window_start(app.rulebook.rule("unreachable"), now)
    history = store.schedule_history(SubjectKind.WEBSITE, "site")
    last_runs = {sid: iso(last) for sid, _registered, last in history if last}
    failures = store.failures_since_success(SubjectKind.WEBSITE, "site", FAILED_OUTCOMES)
    schedule = app.settings.schedule
    due = upcoming(history, timedelta(hours=schedule.site_check_interval_h), "site", failures,
                   timedelta(minutes=schedule.retry_after_min), timedelta(hours=schedule.full_check_within_h))
    running = store.running_runs(SubjectKind.WEBSITE, "site")
    stuck_after = timedelta(seconds=app.settings.crawl.site_deadline_s) + STUCK_MARGIN
    websites = store.websites()
    sites = [_site_status(store, w, last_runs.get(w.id or 0), due.get(w.id or 0), start, now)
             for w in websites]
    for site in sites:
        since = running.get(site["id"])
        next_due = due.get(site["id"] or 0)
        site["checking_since"] = iso(since) if since else None
        site["stuck"] = since is not None and now - since > stuck_after
        site["overdue"] = since is None and next_due is not None and next_due < now
    errors = store.recent_run_errors(iso(start), limit=20)
    return {"as_of": iso(now), "database": str(store.path), "websites": sites,
            "overdue": [s["name"] for s in sites if s["overdue"]],
            "stuck": [s["name"] for s in sites if s["stuck"]],
            "window": _window_status(store, app, websites, now), "slowest": _slowest(store, websites),
            "recent_errors": errors}


def _window_status(store: Store, app: AppState, websites: list[Any], now: datetime) -> dict[str, Any]:
    """The full-check window: sites whose last check started within it, and whether the registry's
    measured check times fit in it at the sites at once memory and open files allow."""
    from monitor.daemon import full_check_plan

    plan = full_check_plan(store, app.settings)
    since = now - timedelta(hours=plan.window_h)
    spans = store.last_run_spans(SubjectKind.WEBSITE, "site")
    checked = sum(1 for w in websites if w.id in spans and spans[w.id].started_at >= since)
    limit = plan.ceiling
    return {
        "within_h": plan.window_h, "since": iso(since), "sites": plan.sites, "checked": checked,
        "share": round(checked / plan.sites, 4) if plan.sites else None,
        "measured_sites": plan.measured, "work_h": round(plan.work_s / 3600, 2),
        "needed_at_once": plan.needed, "at_once": plan.at_once, "expected_h": round(plan.expected_h, 2),
        "ceiling": {"sites": limit.sites, "requests": limit.requests, "by_memory": limit.by_memory,
                    "by_open_files": limit.by_files, "open_files": limit.open_files, "bound_by": limit.reason()},
        "busiest_server": {"server": plan.busiest.server, "sites": plan.busiest.sites, "pages": plan.busiest.pages,
                           "least_h": round(plan.busiest.least_s / 3600, 2)} if plan.busiest else None,
        "meets": plan.meets, "problems": list(plan.problems),
    }


def _slowest(store: Store, websites: list[Any]) -> list[dict[str, Any]]:
    """The sites whose last check took longest, from when it actually started and finished."""
    names = {w.id: w.name for w in websites}
    spans = [span for sid, span in store.last_run_spans(SubjectKind.WEBSITE, "site").items() if sid in names]
    spans.sort(key=lambda span: span.duration_s, reverse=True)
    return [{"name": names[span.subject_id], "started_at": iso(span.started_at), "finished_at": iso(span.finished_at),
             "duration_s": round(span.duration_s, 1), "pages": span.pages, "outcome": span.outcome}
            for span in spans[:SLOWEST]]


def _site_status(store: Store, website: Any, last_run: str | None, next_due: datetime | None,
                 start: datetime, now: datetime) -> dict[str, Any]:
    run = store.last_run(SubjectKind.WEBSITE, website.id, "site")
    probe = store.latest_probe(website.id)
    tally = tally_probes(store.probes_between(website.id, start=start, end=now), start, now)
    return {
        "id": website.id, "name": website.name, "url": website.url,
        "last_check": last_run, "last_check_as_of": run["as_of"] if run else None,
        "last_outcome": run["outcome"] if run else None,
        "verdict": json.loads(run["summary"] or "{}").get("verdict") if run else None,
        "last_probe": {"at": iso(probe.at), "outcome": probe.outcome, "latency_ms": probe.latency_ms} if probe else None,
        "probes_7d": tally.total, "failed_7d": tally.failed,
        "failure_share_7d": round(tally.share, 4) if tally.total else None,
        "next_check_due": iso(next_due) if next_due else None,
    }


def _state_of(site: dict[str, Any]) -> str:
    """The last verdict, or what is happening now (checking, stuck, a failed last run)."""
    if site["stuck"]:
        return f"卡住（自 {site['checking_since']} 起运行）"
    if site["checking_since"]:
        return f"检查中（自 {site['checking_since']}）"
    if site["last_outcome"] in FAILED_OUTCOMES:
        return {"deadline": "超时未完成", "abandoned": "中断", "error": "出错"}[site["last_outcome"]]
    return site["verdict"] or "—"


def _print_status(report: dict[str, Any]) -> None:
    table = Table(title=f"govmon status as of {report['as_of']}", header_style="bold")
    for column in ("网站", "上次检查", "结论", "上次探测", "7日失败率", "下次检查"):
        table.add_column(column, overflow="fold")
    for site in report["websites"]:
        probe = site["last_probe"]
        share = site["failure_share_7d"]
        table.add_row(
            site["name"], site["last_check"] or "—", _state_of(site),
            f"{probe['at']} {probe['outcome']}" if probe else "—",
            f"{share:.2%} ({site['failed_7d']}/{site['probes_7d']})" if share is not None else "—",
            site["next_check_due"] or "—",
        )
    stdout.print(table)
    if report["overdue"]:
        stdout.print(f"\n[bold yellow]逾期未检查[/] {len(report['overdue'])} 个：{'、'.join(report['overdue'])}")
    if report["stuck"]:
        stdout.print(f"\n[bold red]检查卡住（超过时限仍在运行）[/] {len(report['stuck'])} 个：{'、'.join(report['stuck'])}")
    _print_window(report["window"], report["slowest"])
    if report["recent_errors"]:
        stdout.print("\n[bold]最近错误[/]")
        for error in report["recent_errors"]:
            stdout.print(f"  {error['started_at']} {error['kind']} {error['name'] or ''}: {error['outcome']} {error['error'] or ''}")


def _print_window(window: dict[str, Any], slowest: list[dict[str, Any]]) -> None:
    share = f"{window['share']:.0%}" if window["share"] is not None else "—"
    stdout.print(f"\n[bold]全量检查窗口[/] {window['within_h']:g} 小时：最近 {window['within_h']:g} 小时内检查了 "
                 f"{window['checked']}/{window['sites']} 个网站（{share}）")
    ceiling = window["ceiling"]
    stdout.print(f"  同时检查 {window['at_once']} 个网站（窗口需要 {window['needed_at_once']} 个，上限 {ceiling['sites']} 个，"
                 f"受{ceiling['bound_by']}限制）；按已记录的检查时长，全部检查一遍约需 {window['expected_h']:.1f} 小时")
    if not window["meets"]:
        stdout.print("  [bold red]窗口无法满足[/]：" + "；".join(window["problems"]))
    if slowest:
        table = Table(title="最慢的网站（上次检查实际用时）", header_style="bold")
        for column in ("网站", "开始", "结束", "用时（秒）", "页数", "结果"):
            table.add_column(column, overflow="fold")
        for site in slowest:
            table.add_row(site["name"], site["started_at"], site["finished_at"], f"{site['duration_s']:.1f}",
                          str(site["pages"]), site["outcome"])
        stdout.print(table)
