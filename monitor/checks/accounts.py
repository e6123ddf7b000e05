"""The freshness rule for new-media accounts (内容不更新, rule `account_stale`), as a pure function.

Boundary, in calendar days of the supervisor's zone (the zone of `as_of`): days_silent is the number
of days between the day of the latest non-pinned post and the day of `as_of`. The account is
"updated" when days_silent <= stale_days (a post exactly 14 days before the check day still counts,
as inspectors count "2 weeks" by dates) and "stale" when it is larger. Counting in days makes a
date-only source (a listing page, an inspector's sheet) and an exact timestamp agree.

Pinned posts (置顶) never count, whatever their date: they stay on top for months and are not
the regular updates the indicator asks for; a pinned post newer than the latest regular one is
still shown in the evidence, for the reviewer.

A source that failed, was blocked, or has no adapter proves nothing: the verdict is "unknown", no
finding is made, and the account is listed for a manual check instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from monitor.evidence import AccountStaleEvidence
from monitor.models import Finding, SubjectKind, iso
from monitor.rulebook import RuleSpec

AccountState = Literal["updated", "stale", "unknown"]
NOTE_EMPTY = "空壳"  # never posted
NOTE_ZOMBIE = "僵尸账号"  # silent longer than zombie_days
NOTE_PINNED_ONLY = "仅有置顶内容"  # posts seen, all of them pinned


@dataclass(frozen=True)
class AccountObservation:
    """What one look at an account saw: automatic (an adapter) or manual (an inspector's sheet)."""

    account_id: int | None
    checked_at: datetime
    outcome: str  # ok, failed, blocked, unsupported
    source_kind: str  # feed, weibo, bilibili, wechat, page, manual, none
    latest_post_at: datetime | None = None  # the latest non-pinned post; None = no post seen
    latest_title: str = ""
    latest_url: str = ""
    post_count: int | None = None
    pinned_ignored: int = 0
    pinned_latest_at: datetime | None = None  # the newest pinned post, shown to reviewers, never counted
    date_only: bool = False
    error: str = ""
    source: str = ""
    id: int | None = None


@dataclass
class AccountVerdict:
    state: AccountState
    findings: list[Finding] = field(default_factory=list)
    days_silent: int | None = None
    reason: str = ""  # why "unknown", for the manual-check list
    observation: AccountObservation | None = None


def days_silent(latest: datetime, as_of: datetime) -> int:
    """Calendar days from the latest post's day to the check day (never negative: clocks drift)."""
    return max(0, (as_of.date() - latest.astimezone(as_of.tzinfo).date()).days)


def within_window(moment: datetime, rule: RuleSpec, as_of: datetime) -> bool:
    """True when `moment` lies in the monitoring window: the stale_days days up to the check day."""
    offset = (as_of.date() - moment.astimezone(as_of.tzinfo).date()).days
    return 0 <= offset <= int(rule["stale_days"])


def pick_observation(current: AccountObservation | None, manual: list[AccountObservation], rule: RuleSpec,
                     as_of: datetime) -> AccountObservation | None:
    """The observation to judge: among a successful automatic one and manual ones checked within the
    window, the one that saw the most recent post (so neither a lagging bridge nor an old sheet can
    make an active account 不合格). Without any, the failed automatic one, which yields "unknown"."""
    usable = [o for o in manual if o.outcome == "ok" and within_window(o.checked_at, rule, as_of)]
    if current is not None and current.outcome == "ok":
        usable.append(current)
    if not usable:
        return current
    return max(usable, key=lambda o: (o.latest_post_at is not None, o.latest_post_at or o.checked_at))


def evaluate_account(observation: AccountObservation | None, rule: RuleSpec, as_of: datetime) -> AccountVerdict:
    """updated / stale (with an `account_stale` finding) / unknown (no finding)."""
    if observation is None:
        return AccountVerdict("unknown", reason="no automatic source and no manual observation in the window")
    if observation.outcome != "ok":
        reason = f"{observation.outcome}: {observation.error}" if observation.error else observation.outcome
        return AccountVerdict("unknown", reason=reason, observation=observation)
    if observation.latest_post_at is None:
        note = NOTE_PINNED_ONLY if observation.pinned_ignored else NOTE_EMPTY
        return AccountVerdict("stale", [_finding(observation, rule, None, note)], None, observation=observation)
    silent = days_silent(observation.latest_post_at, as_of)
    if silent <= int(rule["stale_days"]):
        return AccountVerdict("updated", [], silent, observation=observation)
    note = NOTE_ZOMBIE if silent > int(rule["zombie_days"]) else ""
    return AccountVerdict("stale", [_finding(observation, rule, silent, note)], silent, observation=observation)


def _finding(observation: AccountObservation, rule: RuleSpec, silent: int | None, note: str) -> Finding:
    return Finding(
        rule=rule.id, severity=rule.severity, wording=rule.wording,
        evidence=dict(_evidence(observation, rule, silent, note)),
        subject_kind=SubjectKind.ACCOUNT, subject_id=observation.account_id,
    )


def _evidence(observation: AccountObservation, rule: RuleSpec, silent: int | None, note: str) -> AccountStaleEvidence:
    latest = observation.latest_post_at
    evidence: AccountStaleEvidence = {
        "latest_post_at": (latest.date().isoformat() if observation.date_only else iso(latest)) if latest else None,
        "latest_post_title": observation.latest_title,
        "latest_post_url": observation.latest_url,
        "days_silent": silent,
        "stale_days": int(rule["stale_days"]),
        "source": observation.source,
        "source_kind": observation.source_kind,
        "checked_at": iso(observation.checked_at),
    }
    if observation.pinned_ignored:
        evidence["pinned_ignored"] = observation.pinned_ignored
    pinned = observation.pinned_latest_at
    if pinned is not None and (latest is None or pinned > latest):
        # Pinned posts do not count, but a reviewer should see that a newer one exists.
        evidence["pinned_post_at"] = iso(pinned)
    if note:
        evidence["note"] = note
    return evidence
