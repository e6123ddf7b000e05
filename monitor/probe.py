"""Availability probes: a GET of each home page within the official 15 s, many times a day.

A round probes many sites at once. When nearly all of them fail together, or the canary (a site known
to be up) fails, it is the monitor that was cut off, not the sites: the whole round is kept for the
record but discarded, so it never counts against any site.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from monitor.checks.availability import ProbeRow, evaluate_availability, window_start
from monitor.config import CrawlSettings
from monitor.fetch.result import Fetcher, FetchResult, Outcome
from monitor.models import Finding, SubjectKind, Website, iso
from monitor.rulebook import Rulebook, RuleSpec
from monitor.store import Store

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ProbeResult:
    at: datetime
    outcome: str  # ok, dns, connect, tls, timeout, http_status, empty (refused, redirects, error)
    status: int | None
    latency_ms: int
    final_url: str
    error: str

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK


@dataclass(frozen=True)
class RoundVerdict:
    round_id: str
    probed: int
    failed: int
    canary_ok: bool | None
    discarded: bool
    reason: str

    @property
    def share(self) -> float:
        return self.failed / self.probed if self.probed else 0.0


class RoundResults(list[tuple[Website, ProbeResult]]):
    """The (website, probe) pairs of one round, plus the canary's probe when one was asked for."""

    canary: ProbeResult | None = None
    verdict: RoundVerdict | None = None

    @property
    def canary_ok(self) -> bool | None:
        return None if self.canary is None else self.canary.ok


def probe_crawl_settings(crawl: CrawlSettings) -> CrawlSettings:
    """Crawl settings for a probing fetcher: no retries (a retry would hide the very failure a probe
    counts), no robots.txt (one home-page visit is what every visitor does), and no memory of servers
    that did not answer: each probe asks anew, or a failure would be counted again without a try."""
    return replace(crawl, retries=0, respect_robots=False, dead_host_memory_s=0.0)


async def probe_url(fetcher: Fetcher, url: str, *, timeout_s: float, clock: Clock) -> ProbeResult:
    """One probe: GET the home page within timeout_s. A page cut at the size cap still loaded: ok."""
    at = clock()
    result: FetchResult = await fetcher.fetch(url, respect_robots=False, timeout_s=timeout_s)  # type: ignore[call-arg]
    outcome = Outcome.OK if result.outcome is Outcome.TOO_LARGE else result.outcome
    return ProbeResult(at=at, outcome=str(outcome), status=result.status,
                       latency_ms=int(round(result.elapsed_s * 1000)), final_url=result.final_url or url,
                       error=result.error)


async def probe_round(fetcher: Fetcher, websites: Sequence[Website], *, timeout_s: float, clock: Clock,
                      rule: RuleSpec, canary_url: str | None = None) -> RoundResults:
    """Probe every site (and the canary) concurrently; the fetcher's caps keep it polite."""
    jobs = [probe_url(fetcher, site.url, timeout_s=timeout_s, clock=clock) for site in websites]
    if canary_url:
        jobs.append(probe_url(fetcher, canary_url, timeout_s=timeout_s, clock=clock))
    probes = await asyncio.gather(*jobs)
    results = RoundResults(zip(websites, probes[: len(websites)], strict=True))
    results.canary = probes[len(websites)] if canary_url else None
    results.verdict = outage_verdict(results, rule, canary_ok=results.canary_ok)
    return results


def outage_verdict(results: Sequence[tuple[Website, ProbeResult]], rule: RuleSpec, *,
                   canary_ok: bool | None, round_id: str = "") -> RoundVerdict:
    """Discard the round when the canary failed, or when >= outage_share of >= outage_min_sites failed."""
    probed = len(results)
    failed = sum(1 for _site, probe in results if not probe.ok)
    reason = ""
    if canary_ok is False:
        reason = "对照站点无法访问，判定为监测端网络故障，本轮探测不计入"
    elif probed >= rule["outage_min_sites"] and probed and failed / probed >= rule["outage_share"]:
        reason = f"本轮{probed}个站点中{failed}个无法访问（≥{rule['outage_share']:.0%}），判定为监测端网络故障，本轮探测不计入"
    return RoundVerdict(round_id=round_id, probed=probed, failed=failed, canary_ok=canary_ok,
                        discarded=bool(reason), reason=reason)


def record_probe_round(store: Store, results: Sequence[tuple[Website, ProbeResult]], *, round_id: str,
                       rule: RuleSpec, canary_ok: bool | None) -> RoundVerdict:
    """Store one round in `probes` (one transaction), discarded as a whole if it was an outage."""
    verdict = outage_verdict(results, rule, canary_ok=canary_ok, round_id=round_id)
    rows = []
    for site, probe in results:
        if site.id is None:
            raise ValueError(f"cannot record a probe of an unregistered site: {site.url}")
        rows.append((site.id, ProbeRow(
            at=probe.at, outcome=probe.outcome, status=probe.status, latency_ms=probe.latency_ms,
            final_url=probe.final_url, error=probe.error, round_id=round_id, discarded=verdict.discarded,
            discard_reason=verdict.reason)))
    store.record_probes(rows)
    return verdict


def load_probes(store: Store, website_id: int, *, start: datetime, end: datetime) -> list[ProbeRow]:
    """Probes of one site with start < at <= end (discarded ones included; the rule skips them)."""
    return store.probes_between(website_id, start=start, end=end)


def judge_availability(store: Store, rulebook: Rulebook, website: Website, as_of: datetime) -> list[Finding]:
    """Evaluate a site's stored probes as of `as_of` and record the result (a cleared site resolves)."""
    if website.id is None:
        raise ValueError(f"cannot judge an unregistered site: {website.url}")
    rule = rulebook.rule("unreachable")
    probes = load_probes(store, website.id, start=window_start(rule, as_of), end=as_of)
    findings = evaluate_availability(probes, rule, as_of, subject_id=website.id)
    return store.record_findings(SubjectKind.WEBSITE, website.id, findings, checked_rules=[rule.id],
                                 seen_at=iso(as_of))
