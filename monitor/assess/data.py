"""Gather one half-year from the store and score it: the score sheet of every site of a group, and the
tiers of each group. The store is read through its named queries; scoring and tiers are pure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from monitor.assess.half import Half
from monitor.assess.manual import ManualScores
from monitor.assess.model import AssessmentModel
from monitor.assess.scoring import ManualScore, ScoreSheet, SiteInputs, score_site
from monitor.assess.tiers import GroupResult, place
from monitor.checks.availability import tally_probes
from monitor.models import Finding, SubjectKind, Website, iso
from monitor.rulebook import RulesError
from monitor.store import Store
from monitor.times import in_zone


@dataclass(frozen=True)
class Assessment:
    half: Half
    model: AssessmentModel
    groups: tuple[GroupResult, ...]  # in the model's order
    manual_rows: int = 0  # inspectors' rows scored
    manual_outside: int = 0  # inspectors' rows dated outside the half-year
    generated_at: datetime | None = None  # document metadata only

    def sheets(self) -> list[ScoreSheet]:
        """Every score sheet: group by group, tiers in order, then 不合格, then 未评估."""
        return [sheet for result in self.groups for sheet in _in_order(result)]

    def result(self, group_id: str) -> GroupResult:
        return next(r for r in self.groups if r.group.id == group_id)


def _in_order(result: GroupResult) -> list[ScoreSheet]:
    return [s for _tier, sheets in result.tiers for s in sheets] + list(result.failed) + list(result.unassessed)


def build_assessment(store: Store, model: AssessmentModel, half: Half, *, manual: ManualScores | None = None,
                     generated_at: datetime | None = None) -> Assessment:
    """Score every live website of an assessed group over `half`, and place each group in tiers."""
    websites = [w for w in store.websites(include_retired=True)
                if _alive(w.retired_at, half) and model.group_of_kind(w.kind) is not None]
    no_services = _no_services(model, websites)
    findings: dict[int, list[Finding]] = defaultdict(list)
    for finding in store.findings_active_between(iso(half.start), iso(half.end)):
        if finding.subject_kind == SubjectKind.WEBSITE and finding.subject_id is not None:
            findings[finding.subject_id].append(finding)
    checks = store.site_checks_between(half.start, half.end)
    scores: dict[int, list[ManualScore]] = manual.by_site if manual else {}
    sheets: dict[str, list[ScoreSheet]] = defaultdict(list)
    for website in websites:
        site_id = website.id or 0
        run = checks.get(site_id)
        probes = store.probes_between(site_id, start=half.start, end=half.end)
        inputs = SiteInputs(
            website=website, findings=findings.get(site_id, []), checks=run.count if run else 0,
            last_check=run.last_as_of if run else "",
            stale_counts={k: v for k, v in run.last_summary.items()
                          if k in ("stale_columns", "stale_columns_long") and isinstance(v, int)} if run else None,
            availability=tally_probes(probes, half.start, half.end) if probes else None,
            manual=tuple(scores.get(site_id, ())), no_public_services=site_id in no_services,
        )
        group = model.group_of_kind(website.kind)
        if group is not None:
            sheets[group.id].append(score_site(inputs, model, group))
    return Assessment(
        half=half, model=model, groups=tuple(place(g, sheets[g.id]) for g in model.groups),
        manual_rows=sum(len(v) for v in scores.values()), manual_outside=manual.outside if manual else 0,
        generated_at=generated_at,
    )


def _no_services(model: AssessmentModel, websites: list[Website]) -> set[int]:
    """Ids of the departments listed without public services; a name matching no site is a typo."""
    found: set[int] = set()
    for entry in model.no_public_services:
        wanted = entry.strip().rstrip("/")
        match = [w for w in websites if wanted in (w.name, w.url.rstrip("/"), w.site_code)]
        if not match:
            raise RulesError(f"{model.path}: 'no_public_services.sites' names no assessed site: {entry!r}")
        found.update(w.id or 0 for w in match)
    return found


def _alive(retired_at: datetime | None, half: Half) -> bool:
    """A site retired before the half-year began is not part of it; one retired during it is."""
    return retired_at is None or in_zone(retired_at, half.start.tzinfo) >= half.start
