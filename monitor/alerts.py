"""Alerts to the units: new veto findings, overdue rectifications and daemon failures, through apprise.

`[alerts.targets]` maps a responsible unit (a site's 主办单位, as on its assignments), a region or "*"
(everything) to apprise URLs: e-mail (mailto://, mailtos://), WeCom, DingTalk and Feishu robots, any
webhook. Each target gets at most one digest a day, after `alerts.digest_hour`; the day's sending is
kept in the store, so a restarted daemon does not send it twice. Collecting reads only the store;
sending is the only part that touches the network.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.config import Settings
from monitor.models import Finding, Severity, Status, SubjectKind, iso
from monitor.review import assignments_of, responsible_unit
from monitor.store import Store
from monitor.times import in_zone, to_minute

log = logging.getLogger(__name__)
EVERYTHING = "*"
DIGEST = "digest"
MAX_LINES = 30  # per section; the console has the rest


@dataclass
class Digest:
    """What one target is told today."""

    target: str
    new_vetoes: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new_vetoes or self.overdue or self.failures)

    def title(self, day: str) -> str:
        return f"政府网站与政务新媒体监管日报 {day}（{self.target if self.target != EVERYTHING else '全省'}）"

    def body(self) -> str:
        parts = []
        for heading, lines in (("新发现的单项否决问题", self.new_vetoes), ("逾期未整改", self.overdue),
                               ("监测运行异常", self.failures)):
            if lines:
                shown = lines[:MAX_LINES] + ([f"……另有 {len(lines) - MAX_LINES} 项"] if len(lines) > MAX_LINES else [])
                parts.append(f"{heading}（{len(lines)}）：\n" + "\n".join(f"- {line}" for line in shown))
        return "\n\n".join(parts)


@dataclass(frozen=True)
class _Subject:
    name: str
    region: str
    unit: str


def _subjects(store: Store) -> dict[tuple[str, int], _Subject]:
    found: dict[tuple[str, int], _Subject] = {}
    for w in store.websites():
        found[(str(SubjectKind.WEBSITE), w.id)] = _Subject(w.name, w.region, responsible_unit(w))  # type: ignore[index]
    for a in store.accounts():
        found[(str(SubjectKind.ACCOUNT), a.id)] = _Subject(f"{a.name}（{a.platform}）", a.region, responsible_unit(a))  # type: ignore[index]
    return found


def _concerns(target: str, subject: _Subject, unit: str | None = None) -> bool:
    return target in (EVERYTHING, subject.region, subject.unit) or (unit is not None and target == unit)


def collect_digests(store: Store, targets: Iterable[str], now: datetime) -> list[Digest]:
    """Each target's digest as of `now`: vetoes first seen in the last day, assignments past their
    deadline, and (for "*") the daemon's failed or abandoned runs of the last day."""
    since = now - timedelta(days=1)
    today = now.date().isoformat()
    subjects = _subjects(store)
    findings = [f for f in store.findings() if (str(f.subject_kind), f.subject_id) in subjects]
    assignments = assignments_of(store, findings)
    failures = [f"{to_minute(row['started_at'])} {row['name'] or row['kind']}：{row['outcome']} {row['error'] or ''}".strip()
                for row in store.recent_run_errors(iso(since), limit=50)]
    digests = []
    for target in targets:
        digest = Digest(target)
        for finding in findings:
            subject = subjects[(str(finding.subject_kind), finding.subject_id)]  # type: ignore[index]
            assignment = assignments.get(finding.id)  # type: ignore[arg-type]
            if not _concerns(target, subject, assignment.unit if assignment else None):
                continue
            if _new_veto(finding, since):
                digest.new_vetoes.append(f"{subject.name}：{finding.wording}（#{finding.id}）")
            if assignment is not None and assignment.overdue(today):
                digest.overdue.append(f"{subject.name}：{finding.wording}，期限 {assignment.deadline}"
                                      f"（{assignment.unit}，#{finding.id}）")
        if target == EVERYTHING:
            digest.failures = failures
        digests.append(digest)
    return digests


def _new_veto(finding: Finding, since: datetime) -> bool:
    return (finding.severity == Severity.VETO and finding.status in (Status.OPEN, Status.CONFIRMED)
            and finding.first_seen is not None and in_zone(finding.first_seen, since.tzinfo) >= since)


def notify(urls: list[str], title: str, body: str) -> bool:
    """Send one message to every URL; True when all of them took it."""
    import apprise

    sender = apprise.Apprise()
    for url in urls:
        if not sender.add(url):
            log.warning("alerts: not a notification URL apprise knows: %s", _redacted(url))
            return False
    return bool(sender.notify(title=title, body=body))


def _redacted(url: str) -> str:
    """The scheme and host of a URL, never its credentials or keys."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1].split("?", 1)[0]
    return f"{scheme}://{host}/…"


def send_digests(store: Store, settings: Settings, now: datetime) -> str:
    """Send today's digest to every configured target that has something to say and was not sent one
    today (from `alerts.digest_hour` on). Returns a one-line summary for the daemon's log."""
    targets = settings.alerts.targets
    if not targets:
        return "no alert targets configured"
    if now.hour < settings.alerts.digest_hour:
        return f"digests go out from {settings.alerts.digest_hour}:00"
    day = now.date().isoformat()
    due = [t for t in targets if not store.alert_sent(t, DIGEST, day)]
    sent, failed, quiet = 0, 0, 0
    for digest in collect_digests(store, due, now):
        if digest.empty:
            quiet += 1
            continue
        if notify(targets[digest.target], digest.title(day), digest.body()):
            store.mark_alert_sent(digest.target, DIGEST, day, at=iso(now))
            sent += 1
        else:
            failed += 1
    return f"digests: {sent} sent, {failed} failed, {quiet} with nothing to report"


