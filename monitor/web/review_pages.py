"""The review and rectification pages: a finding with its trail, the actions on it, the unit ledger."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from monitor import review
from monitor.evidence import describe_evidence
from monitor.models import Finding, Rectification, Severity, Source, SubjectKind
from monitor.render.screenshots import screenshot_folder
from monitor.review import ReviewError
from monitor.web.filters import FindingQuery, Row, find
from monitor.web.guard import Context, guarded
from monitor.web.notice import notice_docx
from monitor.web.scope import NotVisible, known_id


def _finding(ctx: Context) -> Finding:
    return ctx.scope.finding(int(ctx.request.path_params["finding_id"]))


def _back(finding_id: int | None) -> Response:
    return RedirectResponse(f"/findings/{finding_id}", status_code=303)


@guarded()
async def finding_page(ctx: Context) -> Response:
    finding = _finding(ctx)
    subject = ctx.scope.subject(finding)
    return ctx.render("finding.html", finding=finding, subject=subject, evidence=describe_evidence(finding),
                      assignment=review.effective(ctx.store.assignment(known_id(finding.id)), finding),
                      trail=ctx.store.audit_trail(known_id(finding.id)),
                      today=ctx.now().date().isoformat(), error=ctx.request.query_params.get("error", ""))


async def _field(ctx: Context, name: str) -> str:
    return str((await ctx.form()).get(name, "")).strip()


@guarded()
async def screenshot(ctx: Context) -> Response:
    """The page photographed for a finding, from the screenshot folder beside the database only."""
    finding = _finding(ctx)
    folder = screenshot_folder(ctx.console.settings.database).resolve()
    name = finding.evidence.get("screenshot") if isinstance(finding.evidence, dict) else None
    path = Path(str(name)).resolve() if name else None
    if path is None or folder not in path.parents or not path.is_file():
        raise NotVisible(finding.id)
    return FileResponse(path, media_type="image/png")


@guarded("review")
async def confirm(ctx: Context) -> Response:
    finding = _finding(ctx)
    review.confirm(ctx.store, ctx.console.rulebook, finding, ctx.scope.subject(finding), ctx.actor(), ctx.now(),
                   await _field(ctx, "note"))
    return _back(finding.id)


@guarded("review")
async def dismiss(ctx: Context) -> Response:
    finding = _finding(ctx)
    review.dismiss(ctx.store, finding, ctx.actor(), ctx.now(), await _field(ctx, "reason"))
    return _back(finding.id)


@guarded("rectify")
async def rectified(ctx: Context) -> Response:
    """The unit reports the fix; govmon re-checks the site or account at once and lets that decide."""
    finding = _finding(ctx)
    subject = ctx.scope.subject(finding)
    review.mark_rectified(ctx.store, finding, ctx.actor(), ctx.now(), await _field(ctx, "note"),
                          await _field(ctx, "evidence_url"))
    await review.recheck(ctx.store, finding, subject, ctx.now(), ctx.console.recheck)
    return _back(finding.id)


@guarded("verify")
async def verify(ctx: Context) -> Response:
    finding = _finding(ctx)
    ctx.scope.subject(finding)
    accepted = await _field(ctx, "decision") == "accept"
    review.verify(ctx.store, finding, ctx.actor(), ctx.now(), accepted, await _field(ctx, "note"))
    return _back(finding.id)


@guarded("review")
async def new_finding_page(ctx: Context) -> Response:
    return ctx.render("finding_new.html", websites=ctx.scope.websites(), rules=ctx.console.rulebook.rule_ids,
                      chosen=ctx.request.query_params.get("site", ""), error="")


@guarded("review")
async def add_finding(ctx: Context) -> Response:
    form = await ctx.form()
    rulebook = ctx.console.rulebook
    site_text, rule = str(form.get("site", "")), str(form.get("rule", ""))
    snippet, url, note = (str(form.get(k, "")).strip() for k in ("snippet", "evidence_url", "note"))
    if not site_text.isdigit() or rule not in rulebook.rule_ids or not (snippet or url):
        return ctx.render("finding_new.html", status_code=400, websites=ctx.scope.websites(), rules=rulebook.rule_ids,
                          chosen=site_text, error="请选择网站和问题类型，并填写证据网址或摘录")
    site = ctx.scope.website(int(site_text))
    spec = rulebook.rule(rule)
    finding = Finding(rule=rule, severity=Severity(spec.severity), wording=spec.wording, subject_id=site.id,
                      subject_kind=SubjectKind.WEBSITE, source=Source.MANUAL, note=note,
                      evidence={k: v for k, v in (("url", url), ("snippet", snippet)) if v})
    added = review.add(ctx.store, rulebook, finding, site, ctx.actor(), ctx.now())
    return _back(added.id)


@guarded()
async def ledger(ctx: Context) -> Response:
    """整改台账: assignments per responsible unit, overdue first."""
    units: dict[str, list[Row]] = defaultdict(list)
    for row in find(ctx.scope, FindingQuery(), ctx.now().date().isoformat()):
        if row.assignment is not None:
            units[row.assignment.unit].append(row)
    for unit_rows in units.values():
        unit_rows.sort(key=lambda r: (not r.overdue, r.assignment.deadline if r.assignment else ""))
    ordered = sorted(units.items(), key=lambda kv: (-sum(r.overdue for r in kv[1]), kv[0]))
    return ctx.render("ledger.html", units=ordered, open_states=(Rectification.ASSIGNED, Rectification.REOPENED),
                      quote=quote)


@guarded()
async def notice(ctx: Context) -> Response:
    """整改通知单 of one unit: its open rectifications that this user may see."""
    unit = ctx.request.query_params.get("unit", "")
    rows = [r for r in find(ctx.scope, FindingQuery(), ctx.now().date().isoformat())
            if r.assignment and r.assignment.unit == unit
            and r.assignment.state in (Rectification.ASSIGNED, Rectification.REOPENED, Rectification.RECTIFIED)]
    if not rows:
        raise NotVisible(unit)
    body = notice_docx(unit, rows, ctx.now())
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('整改通知单-' + unit + '.docx')}"})


__all__ = ["ROUTES", "ReviewError"]

ROUTES = [
    Route("/findings/new", new_finding_page),
    Route("/findings/new", add_finding, methods=["POST"]),
    Route("/findings/{finding_id:int}", finding_page),
    Route("/findings/{finding_id:int}/screenshot.png", screenshot),
    Route("/findings/{finding_id:int}/confirm", confirm, methods=["POST"]),
    Route("/findings/{finding_id:int}/dismiss", dismiss, methods=["POST"]),
    Route("/findings/{finding_id:int}/rectified", rectified, methods=["POST"]),
    Route("/findings/{finding_id:int}/verify", verify, methods=["POST"]),
    Route("/rectification", ledger),
    Route("/rectification/notice.docx", notice),
]
