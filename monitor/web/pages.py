"""Read-only pages: overview, region, site, account, findings list and its exports, reports."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from monitor.models import Status, SubjectKind
from monitor.report import QuarterError, generate_report, last_complete_quarter, parse_quarter
from monitor.review import assignments_of
from monitor.store import FindingFilter
from monitor.web import charts, exports
from monitor.web.filters import FindingQuery, find
from monitor.web.guard import Context, guarded
from monitor.web.scope import NotVisible, known_id
from monitor.web.stats import counted_vetoes, current_quarter, quarter_stats, trend

PAGE_SIZE = 100


def _today(ctx: Context) -> str:
    return ctx.now().date().isoformat()


@guarded()
async def overview(ctx: Context) -> Response:
    """Province (or region, or own sites) at a glance: pass rates, 不合格 by rule and region, trend."""
    now = ctx.now()
    quarters = trend(ctx.scope, now)
    this, last = quarters[-1], quarters[-2]
    chart = charts.rate_lines(
        [q.quarter.label for q in quarters],
        [charts.Series("网站合格率", [q.website_pass_rate for q in quarters], "#1f6feb"),
         charts.Series("新媒体合格率", [q.account_pass_rate for q in quarters], "#d4a017")],
        "各季度合格率",
    )
    rows = find(ctx.scope, FindingQuery(), _today(ctx))
    open_count = sum(1 for r in rows if r.finding.status == Status.OPEN)
    overdue = sum(1 for r in rows if r.overdue)
    return ctx.render("overview.html", this=this, last=last, chart=chart, open_count=open_count, overdue=overdue)


@guarded()
async def region_page(ctx: Context) -> Response:
    region = ctx.scope.region(ctx.request.path_params["region"])
    now = ctx.now()
    stats = quarter_stats(ctx.scope, current_quarter(now), region)
    websites = ctx.scope.websites(region)
    accounts = ctx.scope.accounts(region)
    open_by_site = Counter(
        f.subject_id for f in ctx.scope.findings(FindingFilter(subject_kind=SubjectKind.WEBSITE))
        if f.status in (Status.OPEN, Status.CONFIRMED)
    )
    last_runs = {w.id: ctx.store.site_runs(known_id(w.id), 1) for w in websites}
    verdicts = {site_id: json.loads(runs[0]["summary"] or "{}").get("verdict", "") if runs else ""
                for site_id, runs in last_runs.items()}
    return ctx.render("region.html", region=region, stats=stats, websites=websites, accounts=accounts,
                      open_by_site=open_by_site, verdicts=verdicts, failing=stats.websites_failing)


@guarded()
async def site_page(ctx: Context) -> Response:
    site = ctx.scope.website(int(ctx.request.path_params["site_id"]))
    now = ctx.now()
    runs = ctx.store.site_runs(known_id(site.id))
    for run in runs:
        run["verdict"] = json.loads(run["summary"] or "{}").get("verdict", "")
    findings = ctx.scope.findings(FindingFilter(subject_kind=SubjectKind.WEBSITE, subject_id=site.id))
    current = [f for f in findings if f.status != Status.RESOLVED]
    resolved = [f for f in findings if f.status == Status.RESOLVED][-20:]
    days = [(now.date() - timedelta(days=offset)).isoformat() for offset in range(6, -1, -1)]
    tally = {day: [0, 0] for day in days}
    for probe in ctx.store.probes_between(known_id(site.id), start=now - timedelta(days=7), end=now):
        day = probe.at.astimezone(now.tzinfo).date().isoformat()
        if day in tally and not probe.discarded:
            tally[day][0 if probe.outcome == "ok" else 1] += 1
    veto_share = ctx.console.rulebook.rule("unreachable")["veto_share"]
    chart = charts.probe_bars([(d, ok, bad) for d, (ok, bad) in tally.items()], "近7天可用性探测", veto_share)
    return ctx.render("site.html", site=site, runs=runs, current=current, resolved=resolved, chart=chart,
                      assignments=assignments_of(ctx.store, findings), today=_today(ctx),
                      vetoes=counted_vetoes(current))


@guarded()
async def accounts_page(ctx: Context) -> Response:
    accounts = ctx.scope.accounts()
    open_by_account = Counter(
        f.subject_id for f in ctx.scope.findings(FindingFilter(subject_kind=SubjectKind.ACCOUNT))
        if f.status in (Status.OPEN, Status.CONFIRMED)
    )
    return ctx.render("accounts.html", accounts=accounts, open_by_account=open_by_account)


@guarded()
async def account_page(ctx: Context) -> Response:
    account = ctx.scope.account(int(ctx.request.path_params["account_id"]))
    findings = ctx.scope.findings(FindingFilter(subject_kind=SubjectKind.ACCOUNT, subject_id=account.id))
    return ctx.render("account.html", account=account, findings=findings,
                      assignments=assignments_of(ctx.store, findings), today=_today(ctx))


@guarded()
async def findings_page(ctx: Context) -> Response:
    """The filtered list, PAGE_SIZE rows a page (the export has them all)."""
    params = ctx.request.query_params
    query = FindingQuery.from_params(params)
    rows = find(ctx.scope, query, _today(ctx))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(int(params["page"]) if params.get("page", "").isdigit() else 1, 1), pages)
    filters = urlencode([(k, v) for k, v in params.multi_items() if k != "page"])
    template = "findings_table.html" if ctx.request.headers.get("hx-request") else "findings.html"
    return ctx.render(template, rows=rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], total=len(rows),
                      page=number, pages=pages, query=query, regions=ctx.scope.regions(),
                      rules=ctx.console.rulebook.rule_ids, params=filters)


@guarded()
async def findings_export(ctx: Context) -> Response:
    query = FindingQuery.from_params(ctx.request.query_params)
    rows = find(ctx.scope, query, _today(ctx))
    kind = ctx.request.path_params["format"]
    stamp = ctx.now().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        return exports.csv_response(rows, f"问题清单-{stamp}.csv")
    if kind == "xlsx":
        return exports.xlsx_response(rows, f"问题清单-{stamp}.xlsx")
    raise NotVisible(kind)


def _report_dir(ctx: Context, label: str) -> Path:
    return ctx.console.settings.report_dir / label


@guarded("report")
async def reports_page(ctx: Context) -> Response:
    root = ctx.console.settings.report_dir
    quarters = sorted((p for p in root.iterdir() if p.is_dir()), reverse=True) if root.is_dir() else []
    files = {q.name: sorted(f.name for f in q.iterdir() if f.is_file()) for q in quarters}
    return ctx.render("reports.html", files=files, default=last_complete_quarter(ctx.now()).label, error="")


@guarded("report")
async def generate(ctx: Context) -> Response:
    form = await ctx.form()
    try:
        quarter = parse_quarter(str(form.get("quarter", "")), ctx.console.settings.timezone)
    except QuarterError as exc:
        return ctx.render("reports.html", status_code=400, files={}, default="", error=str(exc))
    generate_report(ctx.store, ctx.console.settings, quarter, directory=_report_dir(ctx, quarter.label),
                    rulebook=ctx.console.rulebook, generated_at=ctx.now())
    return RedirectResponse("/reports", status_code=303)


@guarded("report")
async def report_file(ctx: Context) -> Response:
    label, name = ctx.request.path_params["quarter"], ctx.request.path_params["name"]
    folder = _report_dir(ctx, label).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise NotVisible(name)
    return FileResponse(path, filename=name)


ROUTES = [
    Route("/", overview),
    Route("/regions/{region}", region_page),
    Route("/sites/{site_id:int}", site_page),
    Route("/accounts", accounts_page),
    Route("/accounts/{account_id:int}", account_page),
    Route("/findings", findings_page),
    Route("/findings/export.{format}", findings_export),
    Route("/reports", reports_page),
    Route("/reports", generate, methods=["POST"]),
    Route("/reports/{quarter}/{name}", report_file),
]
