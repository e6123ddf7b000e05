"""The numbers of the overview and region pages, for what one user sees.

A quarter counts the websites and accounts checked in it (a check judged as of a moment inside it);
one of them is 不合格 when a veto finding of it was active during that quarter and was not dismissed,
the same reading as the quarterly report's (`findings_active_between`). A quarter in which nothing
was checked has no pass rate (shown as —), never 100%.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from monitor.models import Finding, Severity, Status, SubjectKind, iso
from monitor.quarter import Quarter, quarter_containing, quarter_of
from monitor.web.scope import Scope


@dataclass
class RegionRow:
    region: str
    websites: int = 0
    websites_failing: int = 0
    accounts: int = 0
    accounts_failing: int = 0

    @property
    def website_pass_rate(self) -> float | None:
        return None if not self.websites else 1 - self.websites_failing / self.websites


@dataclass
class QuarterStats:
    quarter: Quarter
    websites: int
    accounts: int
    websites_failing: set[int] = field(default_factory=set)
    accounts_failing: set[int] = field(default_factory=set)
    by_rule: Counter[str] = field(default_factory=Counter)  # official wording -> subjects 不合格 by it
    by_region: dict[str, RegionRow] = field(default_factory=dict)
    websites_checked: set[int] = field(default_factory=set)

    @property
    def website_pass_rate(self) -> float | None:
        return None if not self.websites else 1 - len(self.websites_failing) / self.websites

    @property
    def account_pass_rate(self) -> float | None:
        return None if not self.accounts else 1 - len(self.accounts_failing) / self.accounts


def current_quarter(moment: datetime) -> Quarter:
    return quarter_containing(moment)


def previous(quarter: Quarter) -> Quarter:
    year, number = (quarter.year - 1, 4) if quarter.number == 1 else (quarter.year, quarter.number - 1)
    return quarter_of(year, number, quarter.start.tzinfo)  # type: ignore[arg-type]


def counted_vetoes(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.VETO and f.status != Status.DISMISSED]


def quarter_stats(scope: Scope, quarter: Quarter, region: str | None = None) -> QuarterStats:
    start, end = iso(quarter.start), iso(quarter.end)
    checked_sites = scope.store.subjects_checked_between(SubjectKind.WEBSITE, start, end)
    checked_accounts = scope.store.subjects_checked_between(SubjectKind.ACCOUNT, start, end)
    websites = [w for w in scope.websites(region) if w.id in checked_sites]
    accounts = [a for a in scope.accounts(region) if a.id in checked_accounts]
    site_region = {w.id: w.region for w in websites}
    account_region = {a.id: a.region for a in accounts}
    stats = QuarterStats(quarter, len(websites), len(accounts), websites_checked={w.id for w in websites if w.id is not None})
    for name in sorted(set(site_region.values()) | set(account_region.values())):
        stats.by_region[name] = RegionRow(name)
    for w in websites:
        stats.by_region[w.region].websites += 1
    for a in accounts:
        stats.by_region[a.region].accounts += 1
    by_rule: dict[str, set[tuple[str, int]]] = {}
    active = scope.store.findings_active_between(start, end)
    for finding in counted_vetoes(active):
        regions = site_region if finding.subject_kind == SubjectKind.WEBSITE else account_region
        if finding.subject_id not in regions:
            continue
        failing = stats.websites_failing if finding.subject_kind == SubjectKind.WEBSITE else stats.accounts_failing
        failing.add(finding.subject_id)  # type: ignore[arg-type]
        by_rule.setdefault(finding.wording, set()).add((str(finding.subject_kind), finding.subject_id))  # type: ignore[arg-type]
    for site_id in stats.websites_failing:
        stats.by_region[site_region[site_id]].websites_failing += 1
    for account_id in stats.accounts_failing:
        stats.by_region[account_region[account_id]].accounts_failing += 1
    stats.by_rule = Counter({wording: len(subjects) for wording, subjects in by_rule.items()})
    return stats


def trend(scope: Scope, moment: datetime, quarters: int = 6, region: str | None = None) -> list[QuarterStats]:
    """The last `quarters` quarters up to the current one, oldest first."""
    chosen = [current_quarter(moment)]
    while len(chosen) < quarters:
        chosen.append(previous(chosen[-1]))
    return [quarter_stats(scope, q, region) for q in reversed(chosen)]
