"""The findings filter shared by the findings page, its CSV/XLSX export and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.models import Assignment, Finding, Severity, Status, SubjectKind
from monitor.review import assignments_of
from monitor.store import FindingFilter
from monitor.times import optional_iso
from monitor.web.scope import Scope, known_id


@dataclass(frozen=True)
class FindingQuery:
    rule: str = ""
    region: str = ""
    status: str = ""
    severity: str = ""
    since: str = ""  # YYYY-MM-DD: last seen on or after
    until: str = ""  # YYYY-MM-DD: first seen on or before
    site: int | None = None
    overdue: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> FindingQuery:
        site = params.get("site", "")
        return cls(
            rule=params.get("rule", "").strip(), region=params.get("region", "").strip(),
            status=params.get("status", "").strip() if params.get("status", "") in set(Status) else "",
            severity=params.get("severity", "").strip() if params.get("severity", "") in set(Severity) else "",
            since=params.get("since", "").strip()[:10], until=params.get("until", "").strip()[:10],
            site=int(site) if site.isdigit() else None, overdue=params.get("overdue", "") in ("1", "on", "true"),
        )


@dataclass(frozen=True)
class Row:
    """One line of the findings list: the finding, where it is, and where its rectification stands."""

    finding: Finding
    subject_name: str
    region: str
    url: str
    assignment: Assignment | None
    overdue: bool


def find(scope: Scope, query: FindingQuery, today: str) -> list[Row]:
    """The findings the user sees that match the query, newest first."""
    flt = FindingFilter(
        rule=query.rule or None, status=Status(query.status) if query.status else None,
        severity=Severity(query.severity) if query.severity else None,
        subject_kind=SubjectKind.WEBSITE if query.site is not None else None, subject_id=query.site,
    )
    sites = {w.id: w for w in scope.websites()}
    accounts = {a.id: a for a in scope.accounts()}
    findings = scope.findings(flt)
    assignments = assignments_of(scope.store, findings)
    rows = []
    for f in findings:
        if f.subject_kind == SubjectKind.WEBSITE:
            site = sites[f.subject_id]
            name, region, url = site.name, site.region, site.url
        else:
            account = accounts[f.subject_id]
            name, region, url = f"{account.name}（{account.platform}）", account.region, ""
        if query.region and region != query.region:
            continue
        if query.since and (optional_iso(f.last_seen) or "")[:10] < query.since:
            continue
        if query.until and (optional_iso(f.first_seen) or "")[:10] > query.until:
            continue
        assignment = assignments.get(known_id(f.id))
        overdue = assignment is not None and assignment.overdue(today)
        if query.overdue and not overdue:
            continue
        rows.append(Row(f, name, region, url, assignment, overdue))
    rows.sort(key=lambda r: (optional_iso(r.finding.last_seen) or "", r.finding.id or 0), reverse=True)
    return rows
