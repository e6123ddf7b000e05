"""站点无法访问: the availability verdict over a week of probes, and the one place its thresholds apply.

Pure: probes and the rule's thresholds in, findings out. Probes of rounds discarded as an outage of
the monitor itself never count against a site. `govmon probe` and `govmon status` judge their own
tallies with `AvailabilityTally.level`, so all three say the same thing about the same share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from monitor.evidence import ProbeFailure, UnreachableEvidence
from monitor.models import Finding, Severity, SubjectKind, iso
from monitor.rulebook import RuleSpec

OK_OUTCOME = "ok"
# Failures listed one by one in the evidence; a site down all week would otherwise list hundreds.
MAX_LISTED_FAILURES = 100


@dataclass(frozen=True)
class ProbeRow:
    """One stored probe, as the rule needs it."""

    at: datetime
    outcome: str
    status: int | None = None
    latency_ms: int = 0
    error: str = ""
    final_url: str = ""
    round_id: str = ""
    discarded: bool = False
    discard_reason: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome != OK_OUTCOME


Level = Literal["veto", "warning"]
LEVEL_WORDS: dict[Level, str] = {"veto": "否决", "warning": "预警"}


@dataclass(frozen=True)
class AvailabilityTally:
    """Counted probes (those of discarded rounds left out) and how many of them failed."""

    total: int
    failed: int
    discarded: int = 0

    @property
    def share(self) -> float:
        return self.failed / self.total if self.total else 0.0

    def level(self, rule: RuleSpec) -> Level | None:
        """Veto when failed/total >= veto_share; a warning from warning_share on; None below (or no probes)."""
        if not self.total:
            return None
        if self.share >= rule["veto_share"]:
            return "veto"
        if self.share >= rule["warning_share"]:
            return "warning"
        return None


def window_start(rule: RuleSpec, as_of: datetime) -> datetime:
    """The rule's window is (as_of - window_days, as_of]."""
    return as_of - timedelta(days=rule["window_days"])


def tally_probes(probes: Sequence[ProbeRow], start: datetime, end: datetime) -> AvailabilityTally:
    """The tally of the probes with start < at <= end."""
    window = [p for p in probes if start < p.at <= end]
    counted = [p for p in window if not p.discarded]
    return AvailabilityTally(len(counted), sum(1 for p in counted if p.failed), len(window) - len(counted))


def evaluate_availability(probes: Sequence[ProbeRow], rule: RuleSpec, as_of: datetime, *,
                          subject_id: int) -> list[Finding]:
    """A veto or warning finding when the window's tally reaches the rule's shares; none otherwise."""
    start = window_start(rule, as_of)
    tally = tally_probes(probes, start, as_of)
    level = tally.level(rule)
    if level is None:
        return []
    counted = [p for p in probes if start < p.at <= as_of and not p.discarded]
    failures = [p for p in counted if p.failed]
    severity = rule.severity if level == "veto" else Severity.WARNING
    evidence = _evidence(rule, start, as_of, counted, failures, tally.discarded)
    evidence["level"] = LEVEL_WORDS[level]
    return [Finding(rule=rule.id, severity=severity, wording=rule.wording, evidence=dict(evidence),
                    subject_kind=SubjectKind.WEBSITE, subject_id=subject_id)]


def _evidence(rule: RuleSpec, start: datetime, as_of: datetime, counted: Sequence[ProbeRow],
              failures: Sequence[ProbeRow], discarded: int) -> UnreachableEvidence:
    share = len(failures) / len(counted)
    expected = int(rule["min_probes_per_day"] * rule["window_days"])
    evidence: UnreachableEvidence = {
        "window": {"from": iso(start), "to": iso(as_of), "days": rule["window_days"]},
        "total": len(counted),
        "failed": len(failures),
        "share": round(share, 4),
        "share_text": f"{share:.1%}",
        "veto_share": rule["veto_share"],
        "warning_share": rule["warning_share"],
        "discarded": discarded,
        "failures": [
            ProbeFailure(at=iso(p.at), outcome=p.outcome, status=p.status, error=p.error)
            for p in sorted(failures, key=lambda p: p.at)[:MAX_LISTED_FAILURES]
        ],
    }
    if len(failures) > MAX_LISTED_FAILURES:
        evidence["failures_not_listed"] = len(failures) - MAX_LISTED_FAILURES
    if len(counted) < expected:
        evidence["note"] = f"监测次数不足：{rule['window_days']}天内应不少于{expected}次，实测{len(counted)}次"
    return evidence
