"""站点无法访问: the availability verdict over a week of probes (issue 4).

Pure: probes and the rule's thresholds in, findings out. Probes of rounds discarded as an outage of
the monitor itself never count against a site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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


def evaluate_availability(probes: Sequence[ProbeRow], rule: RuleSpec, as_of: datetime, *,
                          subject_id: int) -> list[Finding]:
    """Veto when failed/total >= veto_share over the window; a warning from warning_share on."""
    start = as_of - timedelta(days=rule["window_days"])
    window = [p for p in probes if start < p.at <= as_of]
    counted = [p for p in window if not p.discarded]
    if not counted:
        return []
    failures = [p for p in counted if p.failed]
    share = len(failures) / len(counted)
    if share >= rule["veto_share"]:
        severity, level = rule.severity, "否决"
    elif share >= rule["warning_share"]:
        severity, level = Severity.WARNING, "预警"
    else:
        return []
    evidence = _evidence(rule, start, as_of, counted, failures, len(window) - len(counted))
    evidence["level"] = level
    return [Finding(rule=rule.id, severity=severity, wording=rule.wording, evidence=evidence,
                    subject_kind=SubjectKind.WEBSITE, subject_id=subject_id)]


def _evidence(rule: RuleSpec, start: datetime, as_of: datetime, counted: Sequence[ProbeRow],
              failures: Sequence[ProbeRow], discarded: int) -> dict[str, Any]:
    share = len(failures) / len(counted)
    expected = int(rule["min_probes_per_day"] * rule["window_days"])
    evidence: dict[str, Any] = {
        "window": {"from": iso(start), "to": iso(as_of), "days": rule["window_days"]},
        "total": len(counted),
        "failed": len(failures),
        "share": round(share, 4),
        "share_text": f"{share:.1%}",
        "veto_share": rule["veto_share"],
        "warning_share": rule["warning_share"],
        "discarded": discarded,
        "failures": [
            {"at": iso(p.at), "outcome": p.outcome, "status": p.status, "error": p.error}
            for p in sorted(failures, key=lambda p: p.at)[:MAX_LISTED_FAILURES]
        ],
    }
    if len(failures) > MAX_LISTED_FAILURES:
        evidence["failures_not_listed"] = len(failures) - MAX_LISTED_FAILURES
    if len(counted) < expected:
        evidence["note"] = f"监测次数不足：{rule['window_days']}天内应不少于{expected}次，实测{len(counted)}次"
    return evidence
