"""Sites at once sized by the work and the window, bounded by memory and open files (pure planning)."""

from __future__ import annotations

from dataclasses import replace

from monitor.config import Settings
from monitor.sizing import MIN_SITES_AT_ONCE, UNMEASURED_CHECK_S, ServerLoad, ceiling, plan_window


def test_the_ceiling_is_the_tighter_of_memory_and_open_files(settings: Settings) -> None:
    crawl = replace(settings.crawl, global_concurrency=10_000, per_host_concurrency=2, memory_budget_mb=200.0,
                    site_memory_mb=4.0, max_sites_at_once=1_000)
    roomy = ceiling(crawl, open_files=65_536)
    assert (roomy.sites, roomy.by_memory) == (50, 50) and "memory_budget_mb" in roomy.reason()
    tight = ceiling(crawl, open_files=256)  # (256 - 64 reserved) / 2 sockets per request = 96 requests
    assert (tight.requests, tight.by_files, tight.sites) == (96, 48, 48)
    assert "RLIMIT_NOFILE 256" in tight.reason()
    capped = ceiling(replace(crawl, global_concurrency=16), open_files=65_536)
    assert (capped.requests, capped.sites) == (16, 8)


def test_the_cpu_bound_caps_sites_at_once_below_memory_and_files(settings: Settings) -> None:
    limit = ceiling(replace(settings.crawl, max_sites_at_once=12), open_files=65_536)
    assert (limit.sites, limit.by_cpu) == (12, 12) and limit.by_memory > 12 and "max_sites_at_once" in limit.reason()
    plan = plan_window(range(800), {sid: 600.0 for sid in range(800)}, 6.0, limit)
    assert (plan.needed, plan.at_once, plan.meets) == (23, 12, False) and "CPU" in plan.problems[0]


def test_sites_at_once_follow_the_measured_work(settings: Settings) -> None:
    limit = ceiling(settings.crawl, open_files=65_536)
    durations = {sid: 600.0 for sid in range(800)}  # 800 sites of 10 minutes: 133 h one after the other
    plan = plan_window(range(800), durations, 6.0, limit)
    assert plan.needed == 23 and plan.at_once == 23 and plan.meets
    assert abs(plan.expected_h - 800 * 600 / 23 / 3600) < 0.01
    small = plan_window(range(40), {}, 6.0, limit)
    assert small.work_s == 40 * UNMEASURED_CHECK_S and small.at_once == MIN_SITES_AT_ONCE and small.measured == 0


def test_a_window_memory_cannot_meet_says_why(settings: Settings) -> None:
    limit = ceiling(replace(settings.crawl, memory_budget_mb=16.0, site_memory_mb=8.0), open_files=65_536)
    plan = plan_window(range(100), {sid: 600.0 for sid in range(100)}, 6.0, limit)
    assert (plan.needed, plan.at_once, plan.meets) == (3, 2, False)
    assert "上限 2 个" in plan.problems[0] and "memory_budget_mb" in plan.problems[0]


def test_a_server_slower_than_the_window_is_named(settings: Settings) -> None:
    limit = ceiling(settings.crawl, open_files=65_536)
    platform = ServerLoad("10.1.1.1", sites=80, pages=80 * 400, delay_s=0.5)  # 16 000 s at 0.5 s a request
    plan = plan_window(range(80), {}, 4.0, limit, [ServerLoad("10.2.2.2", 1, 50, 0.5), platform])
    assert plan.busiest == platform and not plan.meets
    assert "10.1.1.1" in plan.problems[-1] and "4.4 小时" in plan.problems[-1]
    assert plan.expected_h == platform.least_s / 3600
