"""The JSON API for scripts: the same scope and actions as the pages, Bearer tokens or a session."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from monitor import review
from monitor.evidence import describe_evidence
from monitor.models import Finding
from monitor.review import ReviewError
from monitor.times import optional_iso
from monitor.web.filters import FindingQuery, Row, find
from monitor.web.guard import Context, guarded


def _finding_json(row: Row) -> dict[str, Any]:
    f, a = row.finding, row.assignment
    return {
        "id": f.id, "subject_kind": str(f.subject_kind), "subject_id": f.subject_id, "subject": row.subject_name,
        "region": row.region, "url": row.url, "rule": f.rule, "severity": str(f.severity), "wording": f.wording,
        "status": str(f.status), "first_seen": optional_iso(f.first_seen), "last_seen": optional_iso(f.last_seen), "note": f.note,
        "source": str(f.source), "evidence": f.evidence, "evidence_text": describe_evidence(f),
        "rectification": None if a is None else {
            "unit": a.unit, "deadline": a.deadline, "state": str(a.state), "overdue": row.overdue,
            "rectified_note": a.rectified_note, "recheck_result": a.recheck_result,
        },
    }


@guarded(api=True)
async def sites(ctx: Context) -> Response:
    return JSONResponse([
        {"id": w.id, "name": w.name, "url": w.url, "region": w.region, "kind": w.kind, "site_code": w.site_code,
         "sponsor": w.sponsor}
        for w in ctx.scope.websites()
    ])


@guarded(api=True)
async def findings(ctx: Context) -> Response:
    query = FindingQuery.from_params(ctx.request.query_params)
    return JSONResponse([_finding_json(r) for r in find(ctx.scope, query, ctx.now().date().isoformat())])


async def _note(ctx: Context) -> str:
    """The `note` of a JSON body (an empty or non-JSON body is an empty note)."""
    raw = await ctx.request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReviewError("请求体不是 JSON") from exc
    return str(body.get("note", "")).strip() if isinstance(body, dict) else ""


def _one(ctx: Context, finding: Finding) -> Response:
    rows = [r for r in find(ctx.scope, FindingQuery(), ctx.now().date().isoformat()) if r.finding.id == finding.id]
    return JSONResponse(_finding_json(rows[0]))


def _target(ctx: Context) -> Finding:
    return ctx.scope.finding(int(ctx.request.path_params["finding_id"]))


@guarded("review", api=True)
async def confirm(ctx: Context) -> Response:
    finding = _target(ctx)
    review.confirm(ctx.store, ctx.console.rulebook, finding, ctx.scope.subject(finding), ctx.actor(), ctx.now(),
                   await _note(ctx))
    return _one(ctx, finding)


@guarded("review", api=True)
async def dismiss(ctx: Context) -> Response:
    finding = _target(ctx)
    review.dismiss(ctx.store, finding, ctx.actor(), ctx.now(), await _note(ctx))
    return _one(ctx, finding)


@guarded("rectify", api=True)
async def rectified(ctx: Context) -> Response:
    finding = _target(ctx)
    subject = ctx.scope.subject(finding)
    review.mark_rectified(ctx.store, finding, ctx.actor(), ctx.now(), await _note(ctx))
    await review.recheck(ctx.store, finding, subject, ctx.now(), ctx.console.recheck)
    return _one(ctx, finding)


ROUTES = [
    Route("/api/sites", sites),
    Route("/api/findings", findings),
    Route("/api/findings/{finding_id:int}/confirm", confirm, methods=["POST"]),
    Route("/api/findings/{finding_id:int}/dismiss", dismiss, methods=["POST"]),
    Route("/api/findings/{finding_id:int}/rectified", rectified, methods=["POST"]),
]
