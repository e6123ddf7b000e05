"""`govmon run`: one process, one APScheduler asyncio scheduler, four kinds of job.

- probe rounds: every 24 h / probe.per_day, each site probed at a random offset inside the round (no
  lockstep), the round judged for a monitor outage, then each site's 7-day availability verdict;
- website checks: every tick, the sites whose next check is due (from the store) each start as a task of
  their own; as many run at once as the registry's measured check times need to fit in the full-check
  window (schedule.full_check_within_h), within what memory and open files allow (monitor.sizing); the
  log says when the window cannot be met and why. A slow site holds its own slot, never the others,
  and every site check ends within crawl.site_deadline_s;
- new-media checks: likewise for the accounts of the quarter's sample;
- the quarterly report, once, the first day after a quarter ends.
What is due derives from the registry and the store, so a restart resumes where it stopped, registry
changes are seen at the next tick, and missed runs are coalesced into one. The clock is injected.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from monitor.config import CrawlSettings, Settings
from monitor.fetch.result import Fetcher
from monitor.fetch.safety import TargetPolicy
from monitor.fetch.servers import server_of_url
from monitor.models import SubjectKind, Website, iso
from monitor.render.renderer import Renderer
from monitor.rulebook import Rulebook
from monitor.scheduling import FAILED_OUTCOMES, due_items
from monitor.sizing import MIN_SITES_AT_ONCE, ServerLoad, WindowPlan, ceiling, plan_window
from monitor.slots import ServerSlots, SiteSlots
from monitor.store import RunSpan, Store

log = logging.getLogger("govmon.daemon")
Clock = Callable[[], datetime]


def full_check_plan(store: Store, settings: Settings) -> WindowPlan:
    """The registry's full checks against the window, timed by each site's last stored run: what the
    daemon sizes its site checks by and `govmon status` shows."""
    spans = store.last_run_spans(SubjectKind.WEBSITE, "site")
    websites = store.websites()
    return plan_window([w.id for w in websites if w.id is not None],
                       {sid: span.duration_s for sid, span in spans.items()},
                       settings.schedule.full_check_within_h, ceiling(settings.crawl),
                       server_loads(websites, spans, settings.crawl))


def server_loads(websites: Iterable[Website], spans: Mapping[int, RunSpan], crawl: CrawlSettings) -> list[ServerLoad]:
    """Sites and pages of the last runs per server, as far as it is known without DNS (platform group,
    host override target, address literal, else the host name)."""
    policy = TargetPolicy(overrides=dict(crawl.host_overrides))
    sites: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for website in websites:
        server = server_of_url(website.url, policy, crawl.platform_groups)
        sites[server] += 1
        span = spans.get(website.id or 0)
        pages[server] += span.pages if span is not None else 0
    return [ServerLoad(server, count, pages[server], crawl.per_host_delay_s) for server, count in sites.items()]


class Daemon:
    """The scheduled work of the monitor; each job is also callable on its own (tests, status)."""

    def __init__(self, settings: Settings, rulebook: Rulebook, store: Store, *, clock: Clock, fetcher: Fetcher,
                 probe_fetcher: Fetcher | None = None, tick_s: float = 60.0, grace_s: float = 10.0, rng: random.Random | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, renderer: Renderer | None = None):
        self.settings, self.rulebook, self.store = settings, rulebook, store
        self.renderer = renderer  # headless browser for script-filled pages and screenshots, when installed
        self.clock, self.fetcher = clock, fetcher
        # Probes need their own fetcher: no retries (a retry would hide the failure a probe counts).
        self.probe_fetcher = probe_fetcher or fetcher
        self.tick_s, self.grace_s = tick_s, grace_s
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.in_flight: set[asyncio.Task[object]] = set()
        self.site_tasks: dict[int, asyncio.Task[object]] = {}  # website id -> its check in progress
        self.site_slots = SiteSlots(MIN_SITES_AT_ONCE)
        self.server_slots = ServerSlots(settings.crawl)  # a few sites per server: the rest wait without a slot
        self.window: WindowPlan | None = None  # the last review of the full-check window
        self.stopping = False

    # -- scheduling ---------------------------------------------------------------------------------
    @property
    def probe_interval_s(self) -> float:
        return 86400.0 / self.settings.probe.per_day

    async def serve(self, stop: asyncio.Event) -> None:
        """Run the jobs until `stop` is set, then stop taking work and finish within the grace bound."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        abandoned = self.store.abandon_unfinished_runs(iso(self.clock()))
        if abandoned:
            log.info("marked %d runs left unfinished by the last process as abandoned", abandoned)
        scheduler = AsyncIOScheduler(timezone=self.settings.timezone)
        soon = self.clock() + timedelta(seconds=1)  # the scheduler runs on the wall clock; ours is it in production
        jobs: list[tuple[str, Callable[[], Awaitable[str]], float]] = [
            ("probe_round", self.probe_round, self.probe_interval_s),
            ("website_checks", self.start_due_websites, self.tick_s),
            ("account_checks", self.check_due_accounts, self.tick_s),
            ("quarterly_report", self.report_if_due, 3600.0),
            ("housekeeping", self.housekeeping, 86400.0),
        ]
        for name, job, every in jobs:
            scheduler.add_job(self._logged(name, job), IntervalTrigger(seconds=every), id=name, name=name,
                              next_run_time=soon, coalesce=True, max_instances=1, misfire_grace_time=int(every))
        scheduler.start()
        log.info("govmon daemon started: %d probes/site/day, site checks every %.0f h, database %s",
                 self.settings.probe.per_day, self.settings.schedule.site_check_interval_h, self.store.path)
        try:
            await stop.wait()
        finally:
            self.stopping = True
            scheduler.pause()  # no new work; shutting the scheduler down would cancel its jobs at once
            await self._drain()
            scheduler.shutdown(wait=False)
            log.info("govmon daemon stopped")

    def _logged(self, name: str, job: Callable[[], Awaitable[str]]) -> Callable[[], Awaitable[None]]:
        """One log line per job run with its outcome and duration; a failing job never stops the daemon."""

        async def run() -> None:
            if self.stopping:
                return
            task = asyncio.current_task()
            assert task is not None
            self.in_flight.add(task)
            started = time.monotonic()
            try:
                outcome = await job()
                log.info("job %s: %s (%.1fs)", name, outcome, time.monotonic() - started)
            except asyncio.CancelledError:
                log.warning("job %s: abandoned at shutdown (%.1fs)", name, time.monotonic() - started)
                raise
            except Exception:
                log.exception("job %s: failed (%.1fs)", name, time.monotonic() - started)
            finally:
                self.in_flight.discard(task)

        return run

    async def _drain(self) -> None:
        """Give in-flight jobs and site checks `grace_s` to finish, then cancel them: a cancelled check
        is recorded as abandoned and is due again soon."""
        running = set(self.in_flight) | set(self.site_tasks.values())
        if not running:
            return
        log.info("stopping: %d jobs in flight get %.0f s to finish", len(running), self.grace_s)
        _done, pending = await asyncio.wait(running, timeout=self.grace_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=self.grace_s)

    # -- jobs ---------------------------------------------------------------------------------------
    async def probe_round(self) -> str:
        """Probe every active site once, each at a random offset inside the round, then judge availability."""
        from monitor.probe import ProbeResult, judge_availability, probe_url, record_probe_round

        websites = self.store.websites()
        if not websites:
            return "no websites registered"
        spread_s = min(self.settings.probe.jitter_s, self.probe_interval_s / 2)
        round_id = iso(self.clock())
        semaphore = asyncio.Semaphore(self.settings.crawl.global_concurrency)

        async def one(website: Website) -> tuple[Website, ProbeResult]:
            await self.sleep(self.rng.uniform(0, spread_s))
            async with semaphore:
                result = await probe_url(self.probe_fetcher, website.url, timeout_s=self.settings.probe.timeout_s,
                                         clock=self.clock)
            return website, result

        results = await asyncio.gather(*(one(w) for w in websites))
        canary_ok = await self._canary_ok()
        rule = self.rulebook.rule("unreachable")
        verdict = record_probe_round(self.store, list(results), round_id=round_id, rule=rule, canary_ok=canary_ok)
        as_of = self.clock()
        vetoes = sum(len(judge_availability(self.store, self.rulebook, w, as_of)) for w in websites)
        failed = sum(1 for _w, r in results if getattr(r, "outcome", "ok") != "ok")
        return f"{len(results)} sites probed, {failed} failed, {verdict}, {vetoes} availability findings"

    async def _canary_ok(self) -> bool | None:
        """Probe the configured canary after the round: None when there is none."""
        from monitor.probe import probe_url

        if not self.settings.probe.canary_url:
            return None
        result = await probe_url(self.probe_fetcher, self.settings.probe.canary_url,
                                 timeout_s=self.settings.probe.timeout_s, clock=self.clock)
        return result.ok

    def due_websites(self) -> list[int]:
        """Ids of the sites due now (failed and abandoned checks retried with backoff), most overdue first;
        sites never checked are spread over the full-check window."""
        schedule = self.settings.schedule
        failures = self.store.failures_since_success(SubjectKind.WEBSITE, "site", FAILED_OUTCOMES)
        due = due_items(self.store.schedule_history(SubjectKind.WEBSITE, "site"), self.clock(),
                        timedelta(hours=schedule.site_check_interval_h), "site", failures,
                        timedelta(minutes=schedule.retry_after_min), timedelta(hours=schedule.full_check_within_h))
        return [item.subject_id for item in due]

    def review_window(self) -> WindowPlan:
        """Size the site checks at once by the window plan; log when the window cannot be met, and why
        (once when that starts, once when it ends, not every tick)."""
        plan = full_check_plan(self.store, self.settings)
        self.site_slots.resize(plan.at_once)
        was_met = self.window.meets if self.window is not None else True
        if not plan.meets and was_met:
            log.warning("full checks of %d sites cannot all fall within the %g h window (%d at once, about %.1f h): %s",
                        plan.sites, plan.window_h, plan.at_once, plan.expected_h, "; ".join(plan.problems))
        elif plan.meets and not was_met:
            log.info("full checks of %d sites fit the %g h window again (%d at once)", plan.sites, plan.window_h,
                     plan.at_once)
        self.window = plan
        return plan

    async def start_due_websites(self) -> str:
        """Start a task for each due site not already being checked, and return at once: one slow
        site keeps its own slot and never stops the next tick from starting the others."""
        self.review_window()
        due = self.due_websites()
        started = [sid for sid in due if sid not in self.site_tasks and not self.stopping]
        for website_id in started:
            task = asyncio.create_task(self._check_site(website_id), name=f"site-check-{website_id}")
            self.site_tasks[website_id] = task
            task.add_done_callback(partial(self._forget_site_task, website_id))
        busy = len(self.site_tasks) - len(started)
        return f"{len(due)} sites due, {len(started)} started, {busy} still being checked" if due else "nothing due"

    def _forget_site_task(self, website_id: int, _task: asyncio.Task[Any]) -> None:
        self.site_tasks.pop(website_id, None)

    async def check_due_websites(self) -> str:
        """Start the due site checks and wait for them (one pass, as tests and one-off runs want)."""
        due = await self.start_due_websites()
        results = await asyncio.gather(*self.site_tasks.values(), return_exceptions=True)
        verdicts = [r for r in results if isinstance(r, str)]
        return f"{due}; {len(verdicts)} checked, {verdicts.count('不合格')} 不合格"

    async def _check_site(self, website_id: int) -> str | None:
        """One site's check within its slot; its failures are its own (logged and recorded, never raised)."""
        from monitor.service import check_website

        website = self.store.website(website_id)
        if website is None:
            return None
        async with self.server_slots.of(website.url).hold(), self.site_slots.hold():
            website = self.store.website(website_id)
            if website is None or website.retired_at or self.stopping:
                return None
            try:
                check = await check_website(self.store, self.rulebook, self.settings, website, self.clock(),
                                            fetcher=self.fetcher, clock=self.clock,
                                            renderer=self.renderer)
            except Exception:  # recorded as an error run by check_website; due again soon
                return None
        log.info("site %s: %s", website.name, check.verdict)
        return check.verdict

    async def check_due_accounts(self) -> str:
        """Check the accounts of the current quarter's sample whose next check is due."""
        from monitor.newmedia.scheduling import due_accounts, run_account_checks

        interval = timedelta(hours=self.settings.schedule.account_check_interval_h)
        accounts = due_accounts(self.store, self.settings, self.clock(), interval)
        if not accounts:
            return "nothing due"
        checks = await run_account_checks(self.store, self.rulebook, self.settings, accounts, self.clock(),
                                          fetcher=self.fetcher, clock=self.clock)
        states = [getattr(c, "state", "") for c in checks]
        return f"{len(accounts)} accounts due: {states.count('updated')} updated, {states.count('stale')} stale, " \
               f"{states.count('unknown')} unknown"

    async def report_if_due(self) -> str:
        """Write the report of the quarter that ended, once, from `schedule.report_hour` of its next day."""
        from monitor.quarter import last_complete_quarter

        now = self.clock()
        quarter = last_complete_quarter(now).label
        key = f"report:{quarter}"
        if self.store.get_meta(key) or now.hour < self.settings.schedule.report_hour:
            return f"report {quarter}: nothing to do"
        from monitor.report import generate_report

        _report, paths = generate_report(self.store, self.settings, quarter, rulebook=self.rulebook,
                                         directory=self.settings.report_dir / quarter, generated_at=now)
        self.store.set_meta(key, iso(now))
        return f"report {quarter}: wrote {len(paths)} files to {self.settings.report_dir / str(quarter)}"

    async def housekeeping(self) -> str:
        """Keep the database from growing without bound: old per-page rows go."""
        cutoff = self.clock() - timedelta(days=self.settings.keep_pages_days)
        return f"deleted {self.store.prune_pages(iso(cutoff))} page rows older than {iso(cutoff)}"
