"""Checking one website end to end: crawl it, judge the observation as of a moment, store the result.

Shared by `govmon check`, the daemon and the demo, so every path records runs and findings the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from monitor.checks.site_basics import judge_site_basics
from monitor.checks.tamper import Baseline, is_tampered, tampered
from monitor.checks.website import ItemHistory, evaluate_site, seen_items, stale_column_counts
from monitor.config import Settings
from monitor.fetch.result import Fetcher
from monitor.models import (
    UNDECIDED,
    Finding,
    SubjectKind,
    Website,
    iso,
    undetermined_vetoes,
    verdict,
    wall_clock,
)
from monitor.observations import PageFailure, SiteObservation
from monitor.render.renderer import Renderer
from monitor.render.screenshots import attach_screenshots, screenshot_folder
from monitor.rulebook import Rulebook
from monitor.sizing import ceiling
from monitor.slots import ServerSlots, SiteSlots
from monitor.store import PageVisit, Store

log = logging.getLogger(__name__)
UNCHECKED = "未能检查"


@dataclass
class SiteCheck:
    """The outcome of one website check, as the CLI prints it and `--json` serialises it."""

    website: Website
    as_of: datetime
    observation: SiteObservation
    findings: list[Finding] = field(default_factory=list)
    run_id: int | None = None
    duration_s: float = 0.0

    @property
    def verdict(self) -> str:
        """合格 / 不合格 / 未能判断 (a veto rule could not be judged) — or 未能检查 when the home page could
        not be fetched: no rule could be judged, and a site is not 合格 just because it did not answer
        (站点无法访问 is judged from a week of probes)."""
        if self.observation is not None and not self.observation.homepage_ok:
            return UNCHECKED
        return verdict(self.findings)

    @property
    def undecided_rules(self) -> list[str]:
        """Wording of the veto rules that could not be judged, in finding order, once each."""
        if self.verdict != UNDECIDED:
            return []
        names = [str(f.evidence.get("rule_wording") or f.evidence.get("rule", "")) for f in undetermined_vetoes(self.findings)]
        return list(dict.fromkeys(names))

    def outline(self) -> SiteCheck:
        """This check with only what is printed of its observation (whether the home page was read, pages
        fetched, the certificate problem): a run of many sites keeps outlines, not every page's items and text."""
        obs = self.observation
        bare = SiteObservation(
            url=obs.url, observed_at=obs.observed_at, homepage_ok=obs.homepage_ok, homepage_failure=obs.homepage_failure,
            over_deadline=obs.over_deadline, homepage_partial=obs.homepage_partial, final_url=obs.final_url,
            tls_error=obs.tls_error, pages_fetched=obs.pages_fetched, pages_rendered=obs.pages_rendered)
        return replace(self, observation=bare)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.website.name,
            "url": self.website.url,
            "site_code": self.website.site_code,
            "verdict": self.verdict,
            "undecided_rules": self.undecided_rules,
            "as_of": iso(self.as_of),
            "pages_fetched": self.observation.pages_fetched,
            "tls_error": self.observation.tls_error,
            "findings": [finding.summary() for finding in self.findings],
        }


@asynccontextmanager
async def http_fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """The production fetcher, built from the crawl settings."""
    from monitor.fetch.client import HttpFetcher

    async with HttpFetcher(settings.crawl) as fetcher:
        yield fetcher


async def crawl_and_judge(website: Website, rulebook: Rulebook, settings: Settings, as_of: datetime,
                          fetcher: Fetcher, renderer: Renderer | None = None, store: Store | None = None,
                          registered_hosts: frozenset[str] = frozenset(),
                          ) -> tuple[SiteObservation, list[Finding], tuple[str, ...]]:
    """Crawl one site and apply the rules, without storing anything (ad-hoc checks use this).

    The crawl as a whole, politeness pauses included, ends within `crawl.site_deadline_s`; a site
    over it is judged on nothing (an unfinished crawl is no evidence) and said to be over its deadline.
    With a `renderer`, pages filled by script are read in the headless browser.
    Links to `registered_hosts` are links to government sites: never judged illegal on this site.
    """
    from monitor.crawl import SiteCrawler

    deadline_s = settings.crawl.site_deadline_s
    crawler = SiteCrawler(fetcher, rulebook, settings.crawl, renderer, registered_hosts=registered_hosts)
    try:
        async with asyncio.timeout(deadline_s):
            observation = await crawler.crawl(website, as_of)
    except TimeoutError:
        log.warning("check of %s outlasted its deadline of %g s", website.url, deadline_s)
        observation = SiteObservation(url=website.url, observed_at=as_of, homepage_ok=False, over_deadline=True,
                                      homepage_failure=PageFailure(detail=f"site check over its deadline of {deadline_s:g} s"))
    history = _item_history(store, website, observation) if store is not None else None
    judgement = evaluate_site(observation, website, rulebook, as_of, history)
    if not observation.homepage_ok:
        return observation, judgement.findings, judgement.checked_rules
    basics, decided = judge_site_basics(observation, website, rulebook, as_of)
    baseline = _home_baseline(store, website, as_of) if store is not None else None
    tampering = tampered(observation, rulebook, baseline)
    decided += ("tampered",) if observation.fingerprint is not None else ()
    return observation, judgement.findings + basics + tampering, judgement.checked_rules + decided


def _home_baseline(store: Store, website: Website, as_of: datetime) -> Baseline | None:
    """The home page as the newest earlier untampered check saw it (the tampering rule compares with it)."""
    if website.id is None:
        return None
    found = store.home_baseline(website.id, as_of)
    return Baseline(*found) if found is not None else None


def _item_history(store: Store, website: Website, observation: SiteObservation) -> ItemHistory | None:
    """What earlier checks saw of the articles this one saw (the forged-dates rule compares against it)."""
    if website.id is None or not observation.homepage_ok:
        return None
    items = seen_items(observation)
    return ItemHistory(store.item_history(website.id, [i.url for i in items]),
                       store.items_with_text(website.id, [i.text_hash for i in items]))


async def check_website(store: Store, rulebook: Rulebook, settings: Settings, website: Website,
                        as_of: datetime, *, fetcher: Fetcher, renderer: Renderer | None = None,
                        clock: Callable[[], datetime] | None = None,
                        registered: frozenset[str] | None = None) -> SiteCheck:
    """Crawl, judge and store one registered website; a broken site yields findings, not exceptions.

    The run records when it actually ran (`clock`, default the wall clock) apart from `as_of`: the
    daemon schedules by the former, so a check judged as of a future day does not block it. A check
    cancelled (daemon shutdown past its grace) is recorded as abandoned, and is due again soon.
    With a `renderer`, script-filled pages are rendered and each veto finding gets a screenshot."""
    assert website.id is not None, "only registered websites are stored"
    now = clock or (lambda: wall_clock(as_of))
    started = time.monotonic()
    run_id = store.start_run(SubjectKind.WEBSITE, website.id, "site", as_of=iso(as_of), started_at=iso(now()))
    try:
        observation, findings, checked = await crawl_and_judge(website, rulebook, settings, as_of, fetcher,
                                                               renderer, store,
                                                               registered_hosts=registered or registered_hosts(store))
        if renderer is not None and settings.render.screenshots:
            await attach_screenshots(findings, renderer, screenshot_folder(settings.database), website.id, as_of)
    except asyncio.CancelledError:
        store.finish_run(run_id, finished_at=iso(now()), outcome="abandoned", error="cancelled at shutdown")
        raise
    except Exception as exc:  # a crawler bug must not stop the other sites of a run
        log.exception("check of %s failed", website.url)
        store.finish_run(run_id, finished_at=iso(now()), outcome="error", error=f"{type(exc).__name__}: {exc}")
        raise
    stored = store.record_findings(SubjectKind.WEBSITE, website.id, findings, checked_rules=checked, seen_at=iso(as_of))
    _record_pages(store, run_id, website, observation)
    if observation.homepage_ok:
        store.record_items(website.id, seen_items(observation), seen_at=as_of)
    if observation.fingerprint is not None:
        store.record_fingerprint(website.id, observation.fingerprint, seen_at=as_of, tampered=is_tampered(stored))
    check = SiteCheck(website, as_of, observation, stored, run_id, time.monotonic() - started)
    store.finish_run(
        run_id, finished_at=iso(now()), outcome=_run_outcome(observation),
        pages=observation.pages_fetched, error=observation.homepage_error, summary=_summary(check, rulebook),
    )
    log.info("checked %s (%s): %s, %d findings, %d pages, %.1fs", website.name, website.url, check.verdict,
             len(stored), observation.pages_fetched, check.duration_s)
    return check


def site_check_slots(settings: Settings, sites: int) -> int:
    """How many of `sites` a one-off run checks at once: all of them, within what memory and open files
    allow (politeness is kept per server by the fetcher, whatever runs at once)."""
    return max(1, min(sites, ceiling(settings.crawl).sites))


async def check_websites(store: Store, rulebook: Rulebook, settings: Settings, websites: Sequence[Website],
                         as_of: datetime, *, fetcher: Fetcher, renderer: Renderer | None = None,
                         on_done: Callable[[Website, SiteCheck | Exception], None] | None = None,
                         outlines: bool = False) -> list[SiteCheck | Exception]:
    """Check registered websites concurrently, `site_check_slots` at a time; one outcome per site in the
    order given. A site whose check raised gets its exception in its place (check_website has logged and
    recorded it): one broken site never hides the others. `on_done` hears of each site as it finishes.
    With `outlines`, each check is kept as its outline (see `SiteCheck.outline`): what a whole registry's
    observations hold (every column's items, every article's text) grows with the registry."""
    slots = SiteSlots(site_check_slots(settings, len(websites)))
    server_slots = ServerSlots(settings.crawl)  # a server's sites past its share wait without holding a slot
    registered = registered_hosts(store)  # once for the run, not once per site

    async def one(website: Website) -> SiteCheck | Exception:
        async with server_slots.of(website.url).hold(), slots.hold():
            outcome: SiteCheck | Exception
            try:
                outcome = await check_website(store, rulebook, settings, website, as_of, fetcher=fetcher,
                                              renderer=renderer, registered=registered)
            except Exception as exc:
                outcome = exc
        if outlines and isinstance(outcome, SiteCheck):
            outcome = outcome.outline()
        if on_done is not None:
            on_done(website, outcome)
        return outcome

    return list(await asyncio.gather(*(one(w) for w in websites)))


def _run_outcome(observation: SiteObservation) -> str:
    if observation.over_deadline:
        return "deadline"
    return "ok" if observation.homepage_ok else "homepage_failed"


def registered_hosts(store: Store) -> frozenset[str]:
    """Host names of every website in the registry, retired ones included (still government sites)."""
    return frozenset(host for w in store.websites(include_retired=True) if (host := urlsplit(w.url).hostname))


def _summary(check: SiteCheck, rulebook: Rulebook) -> dict[str, Any]:
    obs = check.observation
    stale = stale_column_counts(obs, rulebook, check.as_of.date()) if obs.homepage_ok else {}
    return {**stale,
        "verdict": check.verdict, "columns": len(obs.columns),
        "columns_unfetched": sum(1 for c in obs.columns if not c.fetched),
        "blank_columns": sum(1 for c in obs.columns if c.blank), "external_hosts": len(obs.external),
        "findings": sorted({f.rule for f in check.findings}), "tls_error": obs.tls_error, "notes": obs.notes[:20],
    }


def _record_pages(store: Store, run_id: int, website: Website, obs: SiteObservation) -> None:
    """Keep the pages a check looked at (home page and column pages) with their outcome."""
    if website.id is None:
        raise ValueError(f"cannot record pages of an unregistered site: {website.url}")
    pages = [PageVisit(url=obs.url, role="home", fetched_at=obs.observed_at, error=obs.homepage_error)]
    pages += [PageVisit(url=c.url, role=f"column:{c.name}", fetched_at=obs.observed_at, status=c.status, error=c.error)
              for c in obs.columns]
    store.record_pages(run_id, website.id, pages)
