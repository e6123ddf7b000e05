"""Compute the quarterly report once, from the store: 总体情况, 附件1, 附件2, 附件4 (monitor/report/annex4.py), evidence.

What counts (the notice's 存在突出问题): veto findings open at any moment of the quarter, not dismissed
by a reviewer (manual findings included), on websites and accounts not retired before the quarter began.
An account counts as checked only with a verdict dated in the quarter (an automatic check or an
inspector's observation that read it, or a finding seen in it); the drawn sample is the plan, and
planned accounts left without a verdict are listed in the coverage appendix.
Everything is sorted on stable keys so one store always gives the same report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from monitor.config import Settings
from monitor.models import Account, Finding, Severity, Status, SubjectKind, Website, iso
from monitor.quarter import Quarter
from monitor.report.annex4 import build_annex4
from monitor.report.evidence import Entry, evidence_items
from monitor.report.model import (
    AccountProblem,
    Annex1Row,
    EvidenceItem,
    QuarterReport,
    Summary,
    UncheckedAccount,
    WebsiteProblem,
)
from monitor.report.prose import overview_paragraph, percent
from monitor.report.regions import Regions
from monitor.rulebook import Rulebook
from monitor.store import Store
from monitor.times import in_zone

SUSPECTED = "疑似"  # evidence level of a finding that counts only once a reviewer confirms it

__all__ = ["QuarterReport", "Scope", "build_report", "counted_findings", "load_scope"]

CITY_PORTAL, CITY_DEPARTMENT, COUNTY_PORTAL = "市级门户", "市级部门", "县级门户"

Key = tuple[SubjectKind, int]


@dataclass(frozen=True)
class Scope:
    """The subjects and findings of one quarter, before any counting."""

    websites: list[Website]
    accounts: list[Account]
    checked: set[int]  # account ids with a verdict dated in the quarter
    planned: dict[int, str]  # account id -> sample reason (full, sampled): the quarter's plan
    problems: dict[Key, list[Finding]]  # counted findings per subject, in indicator order
    unread: dict[int, str] = field(default_factory=dict)  # account id -> why its source could not be read

    def of_site(self, website: Website) -> list[Finding]:
        return self.problems.get((SubjectKind.WEBSITE, website.id or 0), [])

    def of_account(self, account: Account) -> list[Finding]:
        return self.problems.get((SubjectKind.ACCOUNT, account.id or 0), [])


def build_report(
    store: Store,
    settings: Settings,
    quarter: Quarter,
    *,
    rulebook: Rulebook | None = None,
    generated_at: datetime | None = None,
) -> QuarterReport:
    """The whole report of `quarter`; `generated_at` only reaches document metadata."""
    rulebook = rulebook or Rulebook(settings.rules_dir)
    places = rulebook.places(settings.province, settings.region_order)
    regions = Regions.of_province(places, settings.province_row_label)
    scope = load_scope(store, quarter, rule_order=rulebook.rule_ids)
    annex1 = _annex1(scope, regions)
    websites = _website_problems(scope, regions)
    accounts = _account_problems(scope, regions)
    passed_both = _regions_all_passed(scope, regions)
    return QuarterReport(
        quarter=quarter,
        summary=_summary(scope, regions, quarter, annex1),
        annex1=annex1,
        websites=websites,
        accounts=accounts,
        regions_all_passed=tuple(regions.display[name] for name in passed_both),
        evidence=_evidence(scope, regions),
        unchecked=_unchecked(scope, regions),
        province_row_label=settings.province_row_label,
        generated_at=generated_at,
        annex4=build_annex4(store, quarter, regions, scope.websites, passed_both, rulebook.annex4, settings.timezone),
    )


# -- scope ------------------------------------------------------------------------------------------
def load_scope(store: Store, quarter: Quarter, *, rule_order: list[str]) -> Scope:
    """Live subjects, checked accounts and counted findings of the quarter."""
    websites = [w for w in store.websites(include_retired=True) if _alive(w.retired_at, quarter)]
    accounts = [a for a in store.accounts(include_retired=True) if _alive(a.retired_at, quarter)]
    live = {(SubjectKind.WEBSITE, w.id) for w in websites} | {(SubjectKind.ACCOUNT, a.id) for a in accounts}
    problems: dict[Key, list[Finding]] = defaultdict(list)
    for finding in counted_findings(store, quarter):
        if finding.subject_id is not None and (finding.subject_kind, finding.subject_id) in live:
            problems[(finding.subject_kind, finding.subject_id)].append(finding)
    rank = {rule: index for index, rule in enumerate(rule_order)}
    for found in problems.values():
        found.sort(key=lambda f: (rank.get(f.rule, len(rank)), f.rule, f.id or 0))
    live_accounts = {a.id for a in accounts if a.id is not None}
    seen_in_quarter = {subject_id for (kind, subject_id), found in problems.items()
                       if kind == SubjectKind.ACCOUNT and any(_seen_in(f, quarter) for f in found)}
    judged = store.accounts_judged_between(quarter.start, quarter.end)
    checked = (judged | seen_in_quarter) & live_accounts
    unread = store.account_read_failures_between(quarter.start, quarter.end)
    return Scope(websites, accounts, checked, _planned(store, quarter, accounts), dict(problems), unread)


def counted_findings(store: Store, quarter: Quarter) -> list[Finding]:
    """Veto findings open at any moment of the quarter that no reviewer dismissed, and 疑似 findings
    (a suspected veto problem: forged dates, a suspect wording category) once a reviewer confirmed them."""
    active = store.findings_active_between(iso(quarter.start), iso(quarter.end))
    return [f for f in active if f.status != Status.DISMISSED and (f.severity == Severity.VETO or _confirmed_suspect(f))]


def _confirmed_suspect(finding: Finding) -> bool:
    return finding.status == Status.CONFIRMED and isinstance(finding.evidence, dict) \
        and finding.evidence.get("level") == SUSPECTED


def _alive(retired_at: datetime | None, quarter: Quarter) -> bool:
    """A subject retired before the quarter began is not part of it; one retired during it is."""
    return retired_at is None or in_zone(retired_at, quarter.start.tzinfo) >= quarter.start


def _seen_in(finding: Finding, quarter: Quarter) -> bool:
    """A finding first or last seen inside the quarter: a verdict dated in it."""
    return any(quarter.start <= in_zone(moment, quarter.start.tzinfo) < quarter.end
               for moment in (finding.first_seen, finding.last_seen) if moment is not None)


def _planned(store: Store, quarter: Quarter, accounts: list[Account]) -> dict[int, str]:
    """The quarter's stored sample among live accounts; without a sample every account is planned
    (full coverage), each with the reason the sampler would give it."""
    live = {a.id: a for a in accounts if a.id is not None}
    sample = {row.account_id: row.reason for row in store.account_sample(quarter.label) if row.account_id in live}
    if sample:
        return sample
    return {i: ("full" if a.is_full_coverage else "sampled") for i, a in live.items()}


# -- 附件1 -------------------------------------------------------------------------------------------
def _annex1(scope: Scope, regions: Regions) -> tuple[Annex1Row, ...]:
    """One row per 市(州) in order, the province-level row, then 合计."""
    sites: dict[str | None, list[Website]] = defaultdict(list)
    for website in scope.websites:
        sites[regions.of_website(website)].append(website)
    accounts: dict[str | None, list[Account]] = defaultdict(list)
    for account in scope.accounts:
        accounts[regions.of_account(account)].append(account)
    rows = [_annex1_row(name, sites[name], accounts[name], scope) for name in regions.order]
    rows.append(_annex1_row(None, sites[None], accounts[None], scope, label=regions.province_label))
    return (*rows, _total_row(rows))


def _annex1_row(region: str | None, sites: list[Website], accounts: list[Account], scope: Scope,
                label: str = "") -> Annex1Row:
    def kind_count(kind: str) -> int | None:
        return None if region is None else sum(1 for w in sites if w.kind == kind)

    return Annex1Row(
        unit=region if region is not None else label,
        is_region=region is not None,
        websites=len(sites),
        city_portals=kind_count(CITY_PORTAL),
        city_departments=kind_count(CITY_DEPARTMENT),
        county_portals=kind_count(COUNTY_PORTAL),
        website_problems=sum(1 for w in sites if scope.of_site(w)),
        accounts=len(accounts),
        account_problems=sum(1 for a in accounts if scope.of_account(a)),
    )


def _total_row(rows: list[Annex1Row]) -> Annex1Row:
    return Annex1Row(
        unit="合计",
        is_region=False,
        websites=sum(r.websites for r in rows),
        city_portals=sum(r.city_portals or 0 for r in rows),
        city_departments=sum(r.city_departments or 0 for r in rows),
        county_portals=sum(r.county_portals or 0 for r in rows),
        website_problems=sum(r.website_problems for r in rows),
        accounts=sum(r.accounts for r in rows),
        account_problems=sum(r.account_problems for r in rows),
    )


# -- 总体情况 and 附件4 -------------------------------------------------------------------------------
def _summary(scope: Scope, regions: Regions, quarter: Quarter, annex1: tuple[Annex1Row, ...]) -> Summary:
    total = annex1[-1]
    checked = [a for a in scope.accounts if a.id in scope.checked]
    full = sum(1 for a in checked if a.is_full_coverage)
    problems = sum(1 for a in checked if scope.of_account(a))
    planned = len(scope.planned)
    summary = Summary(
        websites_checked=total.websites,
        websites_with_problems=total.website_problems,
        website_pass_rate=percent(total.websites - total.website_problems, total.websites),
        regions_websites_passed=len(_regions_websites_passed(annex1)),
        accounts_total=total.accounts,
        accounts_planned=planned,
        accounts_planned_unchecked=sum(1 for i in scope.planned if i not in scope.checked),
        accounts_checked=len(checked),
        check_rate=percent(len(checked), total.accounts),
        accounts_full_coverage=full,
        accounts_sampled=len(checked) - full,
        accounts_with_problems=problems,
        account_pass_rate=percent(len(checked) - problems, len(checked)),
        regions_accounts_passed=len(_regions_accounts_passed(scope, regions)),
        paragraph="",
    )
    return replace(summary, paragraph=overview_paragraph(quarter, summary))


def _regions_websites_passed(annex1: tuple[Annex1Row, ...]) -> list[str]:
    """市(州) whose websites all passed (a region without websites is not counted)."""
    return [r.unit for r in annex1 if r.is_region and r.websites and not r.website_problems]


def _regions_accounts_passed(scope: Scope, regions: Regions) -> list[str]:
    """市(州) with checked accounts and none of them with a problem."""
    checked: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    for account in scope.accounts:
        region = regions.of_account(account)
        if region is None or account.id not in scope.checked:
            continue
        checked[region] += 1
        failed[region] += bool(scope.of_account(account))
    return [name for name in regions.order if checked[name] and not failed[name]]


def _regions_all_passed(scope: Scope, regions: Regions) -> list[str]:
    """附件4: 市(州) whose websites and accounts both passed 100% this quarter."""
    failing = {regions.of_website(w) for w in scope.websites if scope.of_site(w)}
    with_sites = {regions.of_website(w) for w in scope.websites}
    accounts_ok = set(_regions_accounts_passed(scope, regions))
    return [name for name in regions.order if name in with_sites and name not in failing and name in accounts_ok]


# -- 附件2 -------------------------------------------------------------------------------------------
def _wording(findings: list[Finding]) -> str:
    """Several problems of one subject, each once, joined as the notice does."""
    return "；".join(dict.fromkeys(f.wording for f in findings if f.wording))


def _sorted_sites(scope: Scope, regions: Regions) -> list[Website]:
    flagged = [w for w in scope.websites if scope.of_site(w)]
    return sorted(flagged, key=lambda w: (regions.rank(regions.of_website(w)), w.id or 0))


def _sorted_accounts(scope: Scope, regions: Regions) -> list[Account]:
    flagged = [a for a in scope.accounts if scope.of_account(a)]
    return sorted(flagged, key=lambda a: (regions.rank(regions.of_account(a)), a.id or 0))


def _website_problems(scope: Scope, regions: Regions) -> tuple[WebsiteProblem, ...]:
    return tuple(
        WebsiteProblem(
            number=number,
            unit=regions.unit(regions.of_website(w), w.region, w.sponsor),
            name=w.name,
            problems=_wording(scope.of_site(w)),
            url=w.url,
            website_id=w.id or 0,
        )
        for number, w in enumerate(_sorted_sites(scope, regions), start=1)
    )


def _account_problems(scope: Scope, regions: Regions) -> tuple[AccountProblem, ...]:
    return tuple(
        AccountProblem(
            number=number,
            unit=regions.unit(regions.of_account(a), a.region),
            name=a.name,
            platform=a.platform,
            problems=_wording(scope.of_account(a)),
            account_id=a.id or 0,
        )
        for number, a in enumerate(_sorted_accounts(scope, regions), start=1)
    )


# -- evidence ----------------------------------------------------------------------------------------
def _evidence(scope: Scope, regions: Regions) -> tuple[EvidenceItem, ...]:
    """Every counted finding, in the order of 附件2 (websites first), with its evidence spelled out."""
    entries: list[Entry] = []
    for w in _sorted_sites(scope, regions):
        unit = regions.unit(regions.of_website(w), w.region, w.sponsor)
        entries += [Entry("网站", unit, w.name, w.url, f) for f in scope.of_site(w)]
    for a in _sorted_accounts(scope, regions):
        unit = regions.unit(regions.of_account(a), a.region)
        entries += [Entry("政务新媒体", unit, a.name, a.platform, f) for f in scope.of_account(a)]
    return evidence_items(entries)


# -- coverage ----------------------------------------------------------------------------------------
SAMPLE_REASONS = {"full": "全覆盖", "sampled": "抽查"}


def _unchecked(scope: Scope, regions: Regions) -> tuple[UncheckedAccount, ...]:
    """Planned accounts without a verdict dated in the quarter, in region then registry order."""
    left = [a for a in scope.accounts if a.id in scope.planned and a.id not in scope.checked]
    left.sort(key=lambda a: (regions.rank(regions.of_account(a)), a.id or 0))
    return tuple(
        UncheckedAccount(
            number=number,
            unit=regions.unit(regions.of_account(a), a.region),
            name=a.name,
            platform=a.platform,
            plan=SAMPLE_REASONS.get(scope.planned[a.id or 0], scope.planned[a.id or 0]),
            reason=f"数据源未能读取（{scope.unread[a.id or 0]}），待人工核查" if a.id in scope.unread
            else "本季度无检查记录",
            account_id=a.id or 0,
        )
        for number, a in enumerate(left, start=1)
    )
