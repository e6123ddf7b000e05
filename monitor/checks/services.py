"""服务不实用: the site's 办事服务 entries and 办事指南 pages as the crawl read them.

Findings: entries that do not open or open on nothing (on the site or off it); each guide lacking at
least `missing_elements` of the required elements (办事指南重点要素缺失), naming what it lacks; no
办事服务 at all on a site of a kind that must offer services, when its navigation was read whole. A
guide that could not be read, or navigation not read whole, makes the rule 未能判断. Pure.
"""

from __future__ import annotations

from monitor.checks.undetermined import undetermined
from monitor.evidence import (
    DeadEntriesEvidence,
    DeadEntry,
    GuideEvidence,
    NoServicesEvidence,
    failure_evidence,
)
from monitor.extract.guides import ServiceVocabulary
from monitor.models import Finding
from monitor.observations import ServiceEntry, ServicesObservation
from monitor.rulebook import RuleSpec

EVIDENCE_LIST_CAP = 50


def services_unusable(obs: ServicesObservation, site_url: str, kind: str, words: ServiceVocabulary,
                      spec: RuleSpec, unsure: RuleSpec) -> list[Finding]:
    """Every 服务不实用 finding of one site (and the 未能判断 ones)."""
    if not obs.looked:
        return []
    return [*dead_entries(obs, spec), *deficient_guides(obs, words, spec, unsure),
            *no_services(obs, site_url, kind, words, spec, unsure)]


def dead_entries(obs: ServicesObservation, spec: RuleSpec) -> list[Finding]:
    dead = [_dead_entry(e) for e in obs.entries if e.checked and e.outcome]
    if not dead:
        return []
    evidence: DeadEntriesEvidence = {"count": len(dead), "entries": dead[:EVIDENCE_LIST_CAP]}
    return [Finding(rule=spec.id, severity=spec.severity, wording=spec.wording, evidence=dict(evidence),
                    key="entries")]


def deficient_guides(obs: ServicesObservation, words: ServiceVocabulary, spec: RuleSpec,
                     unsure: RuleSpec) -> list[Finding]:
    """One finding per guide lacking at least `missing_elements` required elements."""
    line = int(spec["missing_elements"])
    findings = []
    for guide in obs.guides:
        if not guide.readable:
            findings.append(undetermined(unsure, spec, f"办事指南「{guide.title}」{guide.reason}", guide.url,
                                         found_on=guide.found_on))
            continue
        if len(guide.missing) < line:
            continue
        evidence: GuideEvidence = {
            "title": guide.title, "url": guide.url, "found_on": guide.found_on, "missing": list(guide.missing),
            "present": list(guide.present), "missing_count": len(guide.missing), "missing_elements": line,
            "required": list(words.elements),
        }
        findings.append(Finding(rule=spec.id, severity=spec.severity, wording=spec["guide_wording"],
                                evidence=dict(evidence), key=guide.url))
    return findings


def no_services(obs: ServicesObservation, site_url: str, kind: str, words: ServiceVocabulary, spec: RuleSpec,
                unsure: RuleSpec) -> list[Finding]:
    """No 办事服务 entry at all, on a site that must offer services."""
    if obs.entries or kind not in words.required_kinds:
        return []
    if not obs.searched_whole:
        return [undetermined(unsure, spec, obs.search_note or "首页导航未能完整读取", site_url)]
    evidence: NoServicesEvidence = {"url": site_url, "kind": kind}
    return [Finding(rule=spec.id, severity=spec.severity, wording=spec.wording, evidence=dict(evidence),
                    key="none")]


def _dead_entry(entry: ServiceEntry) -> DeadEntry:
    dead: DeadEntry = {"name": entry.name, "url": entry.url, "offsite": entry.offsite, "error": entry.outcome}
    if entry.failure is not None:
        dead["failure"] = failure_evidence(entry.failure)
    return dead
