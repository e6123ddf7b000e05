"""One dripping site among healthy ones: the daemon keeps checking the others on time, records the slow
one as over its deadline, `govmon status` shows it, and failed or abandoned checks come back soon."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from fetch_servers import Reply, Site
from hostile_server import HostileServer, drip
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import Settings
from monitor.daemon import Daemon
from monitor.fetch.client import HttpFetcher
from monitor.models import SubjectKind, iso
from monitor.rulebook import Rulebook
from monitor.scheduling import retry_due
from monitor.store import Store
from tests.conftest import SHANGHAI

HOME = "<html><head><title>健康站点</title></head><body><a href='/a'>动态</a></body></html>".encode()
SITE_DEADLINE_S = 1.5


class FakeClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def fast(settings: Settings) -> Settings:
    crawl = replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, retries=0,
                    respect_robots=False, connect_timeout_s=1.0, read_timeout_s=1.0, fetch_deadline_s=30.0,
                    site_deadline_s=SITE_DEADLINE_S)
    return replace(settings, crawl=crawl)


def register(store: Store, name: str, url: str, at: datetime) -> int:
    return store.insert_registry_row("websites", {"url": url, "name": name, "region": "成都", "kind": "市级部门",
                                        "site_code": "5101000001", "imported_at": iso(at)})


def runs(store: Store) -> dict[str, dict]:
    return {store.website(run["subject_id"]).name: run for run in store.runs(kind="site")}


async def wait_until(predicate, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_a_dripping_site_does_not_hold_the_healthy_ones(settings: Settings, rulebook: Rulebook,
                                                              tmp_path: Path) -> None:
    settings = fast(settings)
    db = tmp_path / "g.db"
    store = Store.open(db)
    now = datetime.now(SHANGHAI).replace(microsecond=0)
    clock = FakeClock(now)
    long_ago = now - timedelta(days=3)
    healthy = Site({"/": Reply(body=HOME), "/a": Reply(body=HOME)})
    other = Site({"/": Reply(body=HOME), "/a": Reply(body=HOME)})
    with HostileServer({"/": drip}) as slow, healthy, other:
        register(store, "滴水站点", slow.url(), long_ago)
        healthy_id = register(store, "健康站点甲", healthy.url("/"), long_ago)
        async with HttpFetcher(settings.crawl) as fetcher:
            daemon = Daemon(settings, rulebook, store, clock=clock, fetcher=fetcher)
            first = await daemon.start_due_websites()
            assert first == "2 sites due, 2 started, 0 still being checked"
            # its run is recorded a moment before its task ends: wait for both
            await wait_until(lambda: runs(store).get("健康站点甲", {}).get("outcome") == "ok"
                             and healthy_id not in daemon.site_tasks)
            assert runs(store)["滴水站点"]["outcome"] == "running"
            # A site registered meanwhile is checked at the next tick, the slow one still running.
            register(store, "健康站点乙", other.url("/"), long_ago)
            second = await daemon.start_due_websites()
            assert "1 started, 1 still being checked" in second
            await wait_until(lambda: runs(store).get("健康站点乙", {}).get("outcome") == "ok")
            status = json.loads(CliRunner().invoke(app, ["--db", str(db), "status", "--json"]).stdout)
            slow_now = {s["name"]: s for s in status["websites"]}["滴水站点"]
            assert slow_now["checking_since"] and not slow_now["stuck"]
            started = time.monotonic()
            await asyncio.gather(*daemon.site_tasks.values())
            assert time.monotonic() - started < SITE_DEADLINE_S + 1
    recorded = runs(store)
    assert recorded["滴水站点"]["outcome"] == "deadline"
    assert "deadline of 1.5 s" in recorded["滴水站点"]["error"]
    store.close()
    result = CliRunner().invoke(app, ["--db", str(db), "status", "--json"])
    status = json.loads(result.stdout)
    slow_site = {s["name"]: s for s in status["websites"]}["滴水站点"]
    assert slow_site["last_outcome"] == "deadline"
    # Due again after the first retry wait (10 min), not a whole day later.
    assert datetime.fromisoformat(slow_site["next_check_due"]) == now + timedelta(minutes=10)
    assert any(e["outcome"] == "deadline" and e["name"] == "滴水站点" for e in status["recent_errors"])
    table = CliRunner().invoke(app, ["--db", str(db), "status"])
    assert "超时未完成" in table.stdout


def test_status_names_overdue_sites_and_stuck_checks(settings: Settings, tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    store = Store.open(db)
    now = datetime.now(SHANGHAI).replace(microsecond=0)
    overdue = register(store, "逾期站点", "http://a.example.gov.cn/", now - timedelta(days=5))
    stuck = register(store, "卡住站点", "http://b.example.gov.cn/", now - timedelta(days=5))
    for site, at in ((overdue, now - timedelta(days=3)), (stuck, now - timedelta(hours=2))):
        run = store.start_run(SubjectKind.WEBSITE, site, "site", as_of=iso(at), started_at=iso(at))
        if site == overdue:
            store.finish_run(run, finished_at=iso(at), outcome="ok")
    store.close()
    status = json.loads(CliRunner().invoke(app, ["--db", str(db), "status", "--json"]).stdout)
    assert status["overdue"] == ["逾期站点"]
    assert status["stuck"] == ["卡住站点"]  # running two hours with a 30-minute deadline
    table = CliRunner().invoke(app, ["--db", str(db), "status"]).stdout
    assert "逾期未检查" in table and "检查卡住" in table


def test_an_abandoned_check_is_due_again_soon_with_backoff(settings: Settings, rulebook: Rulebook,
                                                            store: Store) -> None:
    now = datetime(2022, 12, 1, 10, 0, tzinfo=SHANGHAI)
    site = register(store, "被中断站点", "http://a.example.gov.cn/", now - timedelta(days=5))
    ok = store.start_run(SubjectKind.WEBSITE, site, "site", as_of=iso(now - timedelta(hours=20)),
                         started_at=iso(now - timedelta(hours=20)))
    store.finish_run(ok, finished_at=iso(now), outcome="ok")
    store.start_run(SubjectKind.WEBSITE, site, "site", as_of=iso(now), started_at=iso(now))
    store.abandon_unfinished_runs(iso(now))  # the process was killed mid-check; restarted
    clock = FakeClock(now + timedelta(minutes=9))
    daemon = Daemon(settings, rulebook, store, clock=clock, fetcher=None)  # type: ignore[arg-type]
    assert daemon.due_websites() == []
    clock.moment = now + timedelta(minutes=10)
    assert daemon.due_websites() == [site]
    # Each failure in a row doubles the wait, never beyond the interval.
    interval = timedelta(hours=24)
    assert retry_due(3, now, timedelta(minutes=10), interval) == now + timedelta(minutes=40)
    assert retry_due(20, now, timedelta(minutes=10), interval) == now + interval


def test_a_future_as_of_does_not_block_the_schedule(tmp_path: Path) -> None:
    with Site({"/": Reply(body=HOME)}) as site:
        (tmp_path / "config.toml").write_text("[crawl]\nallow_private_targets = true\nretries = 0\n"
                                              "respect_robots = false\n[render]\nbrowser = \"off\"\n", encoding="utf-8")
        (tmp_path / "sites.csv").write_text(
            f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n健康站点,{site.url('/')},成都,市级部门,5101000009\n",
            encoding="utf-8")
        base = ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db")]
        assert CliRunner().invoke(app, [*base, "registry", "import", str(tmp_path / "sites.csv")]).exit_code == 0
        CliRunner().invoke(app, [*base, "check", "--all", "--as-of", "2099-01-01"])
    status = json.loads(CliRunner().invoke(app, [*base, "status", "--json"]).stdout)
    entry = status["websites"][0]
    assert entry["last_check_as_of"].startswith("2099-01-01")
    next_due = datetime.fromisoformat(entry["next_check_due"])
    assert next_due - datetime.now(SHANGHAI) < timedelta(days=1, minutes=1)  # tomorrow, not in 2099
