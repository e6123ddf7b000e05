"""The review and rectification loop (全过程留痕): confirm, dismiss, add, assign, rectify, re-check.

Shared by the console pages and its JSON API. Every action leaves an audit entry (who, when, what,
from where). A finding a unit says is fixed is closed only when a fresh check of its site or account
no longer finds it; a check that still finds it reopens it; a check that cannot judge it leaves it
waiting for a supervisor, who may verify it by hand (as for findings a reviewer entered).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from monitor.models import (
    Account,
    Assignment,
    AuditEntry,
    Finding,
    Rectification,
    Source,
    Status,
    SubjectKind,
    Website,
    iso,
)
from monitor.rulebook import Rulebook
from monitor.store import Store

Subject = Website | Account
# Runs a fresh check of one website or account as of a moment, storing its findings as every check does.
Rechecker = Callable[[Subject, datetime], Awaitable[None]]


OPEN_WORK = (Rectification.ASSIGNED, Rectification.REOPENED, Rectification.RECTIFIED)


class ReviewError(Exception):
    """An action that does not fit the finding's state (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Actor:
    """Who acts, from where (the client address as the console saw it)."""

    name: str
    remote: str = ""


def responsible_unit(subject: Subject) -> str:
    """The unit that must fix a subject's findings: a site's 主办单位, else its name; an account's name."""
    if isinstance(subject, Website):
        return subject.sponsor or subject.name
    return subject.name


def _id(finding: Finding) -> int:
    """The id of a stored finding (every finding this module handles comes from the store)."""
    assert finding.id is not None, "only stored findings are reviewed"
    return finding.id


def _audit(store: Store, finding_id: int, actor: Actor, at: datetime, action: str, detail: str = "") -> None:
    store.record_audit(AuditEntry(finding_id=finding_id, at=iso(at), actor=actor.name, action=action,
                                  detail=detail, remote=actor.remote))


def _assign(store: Store, rulebook: Rulebook, finding: Finding, subject: Subject, actor: Actor,
            at: datetime) -> Assignment:
    deadline = (at + timedelta(days=rulebook.deadline_days(finding.rule))).date().isoformat()
    assignment = Assignment(finding_id=_id(finding), unit=responsible_unit(subject), deadline=deadline,
                            assigned_at=iso(at), assigned_by=actor.name)
    store.save_assignment(assignment)
    _audit(store, _id(finding), actor, at, "交办整改", f"{assignment.unit}，期限 {deadline}")
    return assignment


def confirm(store: Store, rulebook: Rulebook, finding: Finding, subject: Subject, actor: Actor, at: datetime,
            note: str = "") -> Finding:
    """A reviewer agrees: the finding counts, and goes to the responsible unit with a deadline."""
    if finding.status not in (Status.OPEN, Status.CONFIRMED):
        raise ReviewError("只能确认待复核或已确认的问题")
    confirmed = store.review_finding(_id(finding), Status.CONFIRMED, note or finding.note, reviewer=actor.name)
    _audit(store, _id(finding), actor, at, "确认", note)
    current = store.assignment(_id(finding))
    if current is None or current.state == Rectification.CANCELLED:
        _assign(store, rulebook, confirmed, subject, actor, at)
    return confirmed


def dismiss(store: Store, finding: Finding, actor: Actor, at: datetime, reason: str) -> Finding:
    """A reviewer rejects a finding; the reason is required and kept."""
    reason = reason.strip()
    if not reason:
        raise ReviewError("驳回必须填写理由")
    if finding.status == Status.RESOLVED:
        raise ReviewError("问题已消除，无需驳回")
    dismissed = store.review_finding(_id(finding), Status.DISMISSED, reason, reviewer=actor.name)
    _audit(store, _id(finding), actor, at, "驳回", reason)
    current = store.assignment(_id(finding))
    if current is not None and current.state != Rectification.CLOSED:
        store.save_assignment(replace(current, state=Rectification.CANCELLED))
    return dismissed


def add(store: Store, rulebook: Rulebook, finding: Finding, subject: Subject, actor: Actor, at: datetime) -> Finding:
    """A finding a reviewer made by reading a page: confirmed and assigned at once."""
    added = store.add_manual_finding(finding, seen_at=iso(at), reviewer=actor.name)
    _audit(store, _id(added), actor, at, "人工添加", finding.note)
    _assign(store, rulebook, added, subject, actor, at)
    return added


def mark_rectified(store: Store, finding: Finding, actor: Actor, at: datetime, note: str,
                   evidence_url: str = "") -> Assignment:
    """The unit says it fixed the problem; a note on what was done is required."""
    note = note.strip()
    if not note:
        raise ReviewError("请填写整改情况说明")
    current = store.assignment(_id(finding))
    if current is None or current.state not in (Rectification.ASSIGNED, Rectification.REOPENED):
        raise ReviewError("该问题当前不在整改中")
    detail = note + (f"（佐证：{evidence_url}）" if evidence_url else "")
    updated = replace(current, state=Rectification.RECTIFIED, rectified_at=iso(at), rectified_by=actor.name,
                      rectified_note=detail)
    store.save_assignment(updated)
    _audit(store, _id(finding), actor, at, "报告已整改", detail)
    return updated


async def recheck(store: Store, finding: Finding, subject: Subject, at: datetime, run_check: Rechecker) -> Assignment:
    """Check the finding's site or account again now, and let that check decide.

    Gone → closed; seen again → reopened; not judged by this check (its page could not be read,
    or a reviewer's finding no check looks for) → still waiting, with the reason."""
    current = store.assignment(_id(finding))
    if current is None or current.state != Rectification.RECTIFIED:
        raise ReviewError("该问题当前没有待复查的整改")
    system = Actor("govmon")
    if finding.source == Source.MANUAL:
        result, state = "人工添加的问题需由监管人员核验", Rectification.RECTIFIED
    else:
        try:
            await run_check(subject, at)
        except Exception as exc:  # a broken site is a finding of the check, never a crash of the console
            result, state = f"复查未能完成：{type(exc).__name__}", Rectification.RECTIFIED
        else:
            after = store.finding(_id(finding))
            if after is not None and after.status == Status.RESOLVED:
                result, state = "复查未再发现该问题，已关闭", Rectification.CLOSED
            elif after is not None and after.last_seen is not None and iso(after.last_seen) == iso(at):
                result, state = "复查仍发现该问题，退回整改", Rectification.REOPENED
            else:
                result, state = "复查未能判断该问题（页面未能读取），待人工核验", Rectification.RECTIFIED
    updated = replace(current, state=state, rechecked_at=iso(at), recheck_result=result)
    store.save_assignment(updated)
    _audit(store, _id(finding), system, at, "复查", result)
    return updated


def verify(store: Store, finding: Finding, actor: Actor, at: datetime, accepted: bool, note: str) -> Assignment:
    """A supervisor's word on a rectification no check can judge: accept (close) or send it back."""
    current = store.assignment(_id(finding))
    if current is None or current.state != Rectification.RECTIFIED:
        raise ReviewError("该问题当前没有待核验的整改")
    if not note.strip():
        raise ReviewError("请填写核验意见")
    if accepted:
        store.resolve_finding(_id(finding), at=iso(at))
    updated = replace(current, state=Rectification.CLOSED if accepted else Rectification.REOPENED,
                      rechecked_at=iso(at), recheck_result=note.strip())
    store.save_assignment(updated)
    _audit(store, _id(finding), actor, at, "核验通过" if accepted else "核验退回", note.strip())
    return updated


def effective(assignment: Assignment | None, finding: Finding) -> Assignment | None:
    """Where the work stands as shown and alerted: a finding that a later check no longer found (the
    unit fixed it before saying so) is closed work, never overdue."""
    if assignment is not None and finding.status == Status.RESOLVED and assignment.state in OPEN_WORK:
        return replace(assignment, state=Rectification.CLOSED, recheck_result="监测未再发现该问题")
    return assignment


def assignments_of(store: Store, findings: list[Finding]) -> dict[int, Assignment]:
    """The effective assignment of each of `findings` that has one, by finding id."""
    stored = store.assignments([f.id for f in findings])
    shown = {_id(f): effective(stored.get(_id(f)), f) for f in findings}
    return {fid: a for fid, a in shown.items() if a is not None}


def subject_of(store: Store, finding: Finding) -> Subject | None:
    if finding.subject_kind == SubjectKind.WEBSITE:
        return store.website(finding.subject_id)  # type: ignore[arg-type]
    return store.account(finding.subject_id)  # type: ignore[arg-type]
