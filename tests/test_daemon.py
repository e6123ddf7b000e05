"""The daemon's due work under a simulated clock: restarts resume, nothing runs twice, nothing is skipped."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

import monitor.service
from monitor.daemon import Daemon
from monitor.models import SubjectKind, Website, iso
from monitor.service import SiteCheck
from monitor.store import PageVisit
from tests.conftest import add_rows, shanghai

T0 = shanghai(2022, 12, 1, 0, 0)


class FakeClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, datetime]]:
    """Replace the crawl with a recorder that stores a finished run, as the real check does."""
    calls: list[tuple[int, datetime]] = []

    async def fake_check(store, rulebook, settings, website: Website, as_of: datetime, *, fetcher, **_: object) -> SiteCheck:
        calls.append((website.id, as_of))
        run = store.start_run(SubjectKind.WEBSITE, website.id, "site", as_of=iso(as_of), started_at=iso(as_of))
        store.finish_run(run, finished_at=iso(as_of), outcome="ok")
        return SiteCheck(website, as_of, observation=None)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor.service, "check_website", fake_check)
    return calls


def register(store, count: int) -> None:
    add_rows(store, "websites", (
        {"url": f"http://s{i}.example.gov.cn/", "name": f"站点{i}", "region": "成都", "kind": "市级部门",
         "site_code": f"51010000{i:02d}", "imported_at": iso(T0)} for i in range(count)
    ))


def daemon(settings, rulebook, store, clock) -> Daemon:
    return Daemon(settings, rulebook, store, clock=clock, fetcher=None)  # type: ignore[arg-type]


def test_first_day_checks_every_site_once_spread_over_the_window(settings, rulebook, store, checked):
    register(store, 30)
    clock = FakeClock(T0)
    d = daemon(settings, rulebook, store, clock)
    for _ in range(24 * 4 + 1):  # a tick every 15 minutes for a day, both ends included
        asyncio.run(d.check_due_websites())
        clock.advance(minutes=15)
    ids = [site for site, _ in checked]
    assert sorted(ids) == list(range(1, 31))  # each once
    window = timedelta(hours=settings.schedule.full_check_within_h)
    assert all(moment <= T0 + window for _, moment in checked)  # all within the full-check window
    assert len({moment.hour for _, moment in checked}) >= 5  # spread over it, not all at start


def test_the_daemon_sizes_checks_at_once_by_the_window_and_says_when_it_cannot_be_met(
        settings, rulebook, store, caplog):
    register(store, 40)
    for sid in range(1, 41):  # each site's last check took half an hour
        run = store.start_run(SubjectKind.WEBSITE, sid, "site", as_of=iso(T0), started_at=iso(T0))
        store.finish_run(run, finished_at=iso(T0 + timedelta(minutes=30)), outcome="ok", pages=300)
    roomy = daemon(settings, rulebook, store, FakeClock(T0 + timedelta(hours=1)))
    plan = roomy.review_window()  # 20 h of work in a 6 h window: 4 at once would do, never fewer than 8
    assert (plan.needed, plan.at_once, plan.meets, roomy.site_slots.size) == (4, 8, True, 8)
    tight = replace(settings, crawl=replace(settings.crawl, memory_budget_mb=16.0, site_memory_mb=8.0),
                    schedule=replace(settings.schedule, full_check_within_h=2.0))
    d = daemon(tight, rulebook, store, FakeClock(T0 + timedelta(hours=1)))
    with caplog.at_level("WARNING", logger="govmon.daemon"):
        plan = d.review_window()
        d.review_window()  # said once, not every tick
    assert (plan.needed, plan.at_once, plan.meets, d.site_slots.size) == (10, 2, False, 2)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "cannot all fall within the 2 h window" in warnings[0]
    assert "memory_budget_mb" in warnings[0]


def test_restart_neither_reruns_nor_skips(settings, rulebook, store, checked):
    register(store, 10)
    clock = FakeClock(T0 + timedelta(days=1))  # everything due
    asyncio.run(daemon(settings, rulebook, store, clock).check_due_websites())
    assert len(checked) == 10
    clock.advance(hours=1)
    asyncio.run(daemon(settings, rulebook, store, clock).check_due_websites())  # a restarted process
    assert len(checked) == 10
    clock.advance(days=3)  # down for three days: each site once, not three times
    asyncio.run(daemon(settings, rulebook, store, clock).check_due_websites())
    assert len(checked) == 20


def test_registry_changes_are_seen_without_restart(settings, rulebook, store, checked):
    register(store, 2)
    clock = FakeClock(T0 + timedelta(days=1))
    d = daemon(settings, rulebook, store, clock)
    asyncio.run(d.check_due_websites())
    store.insert_registry_row("websites", {"url": "http://new.example.gov.cn/", "name": "新站", "region": "成都",
                                 "kind": "市级部门", "site_code": "5101009999", "imported_at": iso(T0)})
    store.update_registry_row("websites", 1, {"retired_at": iso(clock())})
    clock.advance(days=1)
    asyncio.run(d.check_due_websites())
    assert sorted(site for site, _ in checked[2:]) == [2, 3]


def test_quarterly_report_is_written_once_after_the_quarter_ends(settings, rulebook, store, tmp_path):
    register(store, 3)
    clock = FakeClock(shanghai(2023, 1, 1, 5, 0))
    d = daemon(settings, rulebook, store, clock)
    assert "nothing to do" in asyncio.run(d.report_if_due())  # before report_hour
    clock.advance(hours=2)
    outcome = asyncio.run(d.report_if_due())
    assert "2022Q4" in outcome and "wrote" in outcome
    written = sorted(p.name for p in (settings.report_dir / "2022Q4").iterdir())
    assert "govmon_2022Q4.xlsx" in written and "govmon_2022Q4.md" in written
    assert "nothing to do" in asyncio.run(d.report_if_due())  # once per quarter, also after a restart
    assert "nothing to do" in asyncio.run(daemon(settings, rulebook, store, clock).report_if_due())


async def _no_sleep(_seconds: float) -> None:
    return None


def test_probe_rounds_against_local_servers_give_the_unreachable_veto(settings, rulebook, store):
    from dataclasses import replace

    from monitor.fetch.client import HttpFetcher
    from monitor.models import Severity
    from monitor.probe import probe_crawl_settings
    from tests.fetch_servers import Reply, Site

    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0)
    settings = replace(settings, crawl=crawl)
    flaky = Site({"/": lambda n: Reply(503) if n % 10 == 0 else Reply()})  # 10% of probes fail
    healthy = Site({"/": Reply()})
    with flaky, healthy:
        add_rows(store, "websites", [
            {"url": flaky.url(), "name": "时好时坏", "region": "成都", "kind": "市级部门", "site_code": "5101000001"},
            {"url": healthy.url(), "name": "一直正常", "region": "成都", "kind": "市级部门", "site_code": "5101000002"},
        ])
        clock = FakeClock(T0)

        async def rounds() -> None:
            async with HttpFetcher(probe_crawl_settings(crawl)) as prober:
                d = Daemon(settings, rulebook, store, clock=clock, fetcher=prober, probe_fetcher=prober,
                           sleep=_no_sleep)
                for _ in range(30):
                    await d.probe_round()
                    clock.advance(hours=1)

        asyncio.run(rounds())
    findings = {f.subject_id: f for f in store.findings() if f.rule == "unreachable"}
    assert set(findings) == {1}
    assert findings[1].severity == Severity.VETO
    assert findings[1].evidence["failed"] == 3 and findings[1].evidence["total"] == 30


def test_a_failing_canary_discards_the_round(settings, rulebook, store):
    from dataclasses import replace

    from monitor.fetch.client import HttpFetcher
    from monitor.probe import probe_crawl_settings
    from tests.fetch_servers import Reply, Site

    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0)
    down = Site({"/": Reply(503)})
    with down:
        settings = replace(settings, crawl=crawl, probe=replace(settings.probe, canary_url=down.url("/canary")))
        site_id = store.insert_registry_row("websites", {"url": down.url(), "name": "断网时", "region": "成都", "kind": "市级部门",
                                     "site_code": "5101000001"})

        async def one_round() -> str:
            async with HttpFetcher(probe_crawl_settings(crawl)) as prober:
                d = Daemon(settings, rulebook, store, clock=FakeClock(T0), fetcher=prober, probe_fetcher=prober,
                           sleep=_no_sleep)
                return await d.probe_round()

        asyncio.run(one_round())
    rows = store.probes_between(site_id, start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    assert len(rows) == 1 and rows[0].discarded and rows[0].discard_reason
    assert [f for f in store.findings() if f.rule == "unreachable"] == []


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
<item><title>最新动态</title><link>http://example.gov.cn/1</link><pubDate>{date}</pubDate></item>
</channel></rss>"""


def test_account_checks_run_when_due_and_not_again_until_the_interval(settings, rulebook, store):
    from dataclasses import replace

    from monitor.fetch.client import HttpFetcher
    from tests.fetch_servers import Reply, Site

    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0)
    settings = replace(settings, crawl=crawl, accounts=replace(settings.accounts, platform_delay_s=0.0))
    feeds = Site({
        "/fresh.xml": Reply(body=RSS.format(date="Mon, 26 Dec 2022 09:00:00 +0800").encode(),
                            headers={"Content-Type": "application/rss+xml"}),
        "/stale.xml": Reply(body=RSS.format(date="Tue, 01 Nov 2022 09:00:00 +0800").encode(),
                            headers={"Content-Type": "application/rss+xml"}),
    })
    with feeds:
        add_rows(store, "accounts", [
            {"platform": "微信订阅号", "name": "新鲜", "region": "成都", "subject": "政府", "source": feeds.url("/fresh.xml"),
             "imported_at": iso(T0)},
            {"platform": "微信订阅号", "name": "陈旧", "region": "成都", "subject": "政府", "source": feeds.url("/stale.xml"),
             "imported_at": iso(T0)},
        ])
        clock = FakeClock(shanghai(2022, 12, 28, 10, 0))

        async def tick() -> str:
            async with HttpFetcher(crawl) as fetcher:
                return await Daemon(settings, rulebook, store, clock=clock, fetcher=fetcher).check_due_accounts()

        first = asyncio.run(tick())
        clock.advance(hours=1)
        second = asyncio.run(tick())
    assert "1 updated, 1 stale" in first
    assert second == "nothing due"
    stale = [f for f in store.findings() if f.rule == "account_stale"]
    assert [f.subject_id for f in stale] == [2]


def test_housekeeping_deletes_only_old_page_rows(settings, rulebook, store):
    register(store, 1)
    run = store.start_run(SubjectKind.WEBSITE, 1, "site", as_of=iso(T0), started_at=iso(T0))
    store.record_pages(run, 1, [PageVisit("http://s0.example.gov.cn/old", "home", T0),
                                PageVisit("http://s0.example.gov.cn/new", "home", T0 + timedelta(days=100))])
    clock = FakeClock(T0 + timedelta(days=settings.keep_pages_days + 1))
    outcome = asyncio.run(daemon(settings, rulebook, store, clock).housekeeping())
    assert outcome.startswith("deleted 1 page rows")
    assert [row["url"] for row in store.pages_of_run(run)] == ["http://s0.example.gov.cn/new"]
    assert len(store.runs()) == 1
