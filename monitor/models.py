"""The domain model shared by every part of govmon: what is monitored, and what was found.

One `Finding` type serves the website checks, the availability verdict, the new-media checks,
human reviewers, the CLI, the daemon and the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from monitor.times import iso as iso  # the stored form of a timestamp, imported from here by most modules


class Severity(StrEnum):
    VETO = "veto"  # 单项否决: any one makes the subject 不合格
    DEDUCTION = "deduction"  # 扣分
    WARNING = "warning"  # early warning, not counted


# How the notices name each severity.
SEVERITY_LABELS = {Severity.VETO: "单项否决", Severity.DEDUCTION: "扣分", Severity.WARNING: "预警"}


class Status(StrEnum):
    OPEN = "open"  # seen by the monitor, not reviewed
    RESOLVED = "resolved"  # no longer seen by the monitor
    CONFIRMED = "confirmed"  # a reviewer agreed
    DISMISSED = "dismissed"  # a reviewer rejected it: never counted in reports


class SubjectKind(StrEnum):
    WEBSITE = "website"
    ACCOUNT = "account"


class Source(StrEnum):
    AUTO = "auto"  # produced by a check
    MANUAL = "manual"  # entered by a human reviewer


WEBSITE_KINDS = ("省政府门户", "省级部门", "市级门户", "市级部门", "县级门户")
PROVINCE_LEVEL_KINDS = ("省政府门户", "省级部门")
ACCOUNT_SUBJECTS = ("政府", "省直部门", "市州部门", "县级部门")
FULL_COVERAGE_SUBJECTS = ("政府", "省直部门")


@dataclass(frozen=True)
class Website:
    name: str
    url: str
    region: str
    kind: str
    site_code: str
    sponsor: str = ""
    note: str = ""
    id: int | None = None
    retired_at: datetime | None = None
    county: str = ""  # the county-level unit (青羊区) when the registry names one

    @property
    def is_province_level(self) -> bool:
        return self.kind in PROVINCE_LEVEL_KINDS


@dataclass(frozen=True)
class Account:
    name: str
    platform: str
    region: str
    subject: str
    source: str = ""
    id: int | None = None
    retired_at: datetime | None = None
    county: str = ""  # the county-level unit when the registry names one

    @property
    def is_full_coverage(self) -> bool:
        return self.subject in FULL_COVERAGE_SUBJECTS


@dataclass
class Finding:
    """A problem a rule found (or a reviewer entered) for one website or account.

    `key` tells apart several findings of one rule on one subject (empty when a rule yields at most one).
    Evidence is plain JSON-able data: URLs, column names, dates seen, links, snippets.
    """

    rule: str
    severity: Severity
    wording: str
    evidence: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    subject_kind: SubjectKind = SubjectKind.WEBSITE
    subject_id: int | None = None
    id: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    status: Status = Status.OPEN
    resolved_at: datetime | None = None
    note: str = ""
    source: Source = Source.AUTO

    def summary(self) -> dict[str, Any]:
        """The JSON shape of `govmon check --json`."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "wording": self.wording,
            "evidence": self.evidence,
        }


UNDETERMINED = "undetermined"  # the rule id of 未能判断 findings (monitor/checks/undetermined.py)
PASSED, FAILED, UNDECIDED = "合格", "不合格", "未能判断"


def undetermined_vetoes(findings: list[Finding]) -> list[Finding]:
    """未能判断 findings standing for a veto rule (a finding without the rule's severity counts as one)."""
    return [
        f for f in findings
        if f.rule == UNDETERMINED and f.status != Status.DISMISSED
        and f.evidence.get("rule_severity", Severity.VETO) == Severity.VETO
    ]


def verdict(findings: list[Finding]) -> str:
    """不合格 if a veto finding stands; else 未能判断 if a veto rule could not be judged; else 合格.

    Dismissed findings never count. A rule that could not be judged is not passed: the site is
    合格 only when every veto rule was decided.
    """
    if any(f.severity == Severity.VETO and f.status != Status.DISMISSED for f in findings):
        return FAILED
    return UNDECIDED if undetermined_vetoes(findings) else PASSED


def wall_clock(as_of: datetime) -> datetime:
    """When a run actually happens (not the moment it is judged as of), in as_of's zone."""
    return datetime.now(as_of.tzinfo).replace(microsecond=0)


ROLES = ("admin", "supervisor", "region", "operator")
ROLE_LABELS = {"admin": "管理员", "supervisor": "监管人员", "region": "市(州)监管人员", "operator": "网站运维单位"}


@dataclass(frozen=True)
class User:
    """A console user: a supervisor, a region officer (one 市(州)) or a site operator (some sites)."""

    name: str
    role: str
    region: str = ""
    site_ids: tuple[int, ...] = ()
    id: int | None = None
    session_epoch: int = 0
    disabled_at: str | None = None


class Rectification(StrEnum):
    """Where a confirmed finding stands in the 整改 loop."""

    ASSIGNED = "assigned"  # sent to the responsible unit, deadline running
    RECTIFIED = "rectified"  # the unit says it is fixed; a re-check (or a supervisor) has to agree
    CLOSED = "closed"  # the re-check no longer finds it (or a supervisor verified a manual finding)
    REOPENED = "reopened"  # the re-check still finds it: back to the unit
    CANCELLED = "cancelled"  # the finding was dismissed after assignment


RECTIFICATION_LABELS = {
    Rectification.ASSIGNED: "整改中", Rectification.RECTIFIED: "待复查", Rectification.CLOSED: "已整改",
    Rectification.REOPENED: "复查未通过", Rectification.CANCELLED: "已撤销",
}


@dataclass(frozen=True)
class Assignment:
    """A confirmed finding given to the unit that must fix it, with its deadline (a date)."""

    finding_id: int
    unit: str
    deadline: str
    assigned_at: str
    assigned_by: str
    state: Rectification = Rectification.ASSIGNED
    rectified_at: str | None = None
    rectified_by: str = ""
    rectified_note: str = ""
    rechecked_at: str | None = None
    recheck_result: str = ""

    def overdue(self, today: str) -> bool:
        """Past its deadline and still not fixed (dates compare as ISO strings)."""
        return self.state in (Rectification.ASSIGNED, Rectification.REOPENED) and self.deadline < today


@dataclass(frozen=True)
class AuditEntry:
    """One action on a finding: who, when, what, from where."""

    finding_id: int
    at: str
    actor: str
    action: str
    detail: str = ""
    remote: str = ""
