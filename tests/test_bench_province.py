"""The province benchmark (bench/province.py) end to end on a 12-site province, so the bench cannot rot.

One hung site, one refused, three on one platform address, served by the bench's own server process and
checked by the real `govmon registry import` and `govmon check --all` subprocesses (short timeouts and a small
page budget here; the bench itself runs at the packaged defaults). The politeness assertion is checked against
the server's own request log, and on a made-up log where a group goes over its limit.
"""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.province import Options, print_report, run_bench  # noqa: E402
from bench.province_plan import PLATFORM_ADDRESS, Mix, plan_province  # noqa: E402
from bench.province_stats import group_checks, max_in_flight_from_log, national_estimate, percentile  # noqa: E402
from monitor.config import load_settings  # noqa: E402

# No pauses, no retries, a small page budget; the read timeout is what a hung site costs (twice: robots.txt, home).
FAST = {"per_host_delay_s": 0.0, "connect_timeout_s": 2.0, "read_timeout_s": 3.0, "retries": 0,
        "fetch_deadline_s": 6.0, "max_pages_per_site": 6}
MIX = Mix(12, slow=0, hung=1, refused=1, platform=3)


def test_the_bench_checks_a_small_province_and_asserts_politeness_from_the_server_log(tmp_path: Path) -> None:
    results = run_bench(Options(MIX, tmp_path, ("check",), crawl=FAST))
    check = results["phases"]["check"]
    assert check["sites"] == check["checked"] == 12  # the hung and the refused site end too
    outcomes = {run["behaviour"]: run["outcome"] for run in check["runs"] if run["behaviour"] in ("hung", "refused")}
    assert outcomes == {"hung": "homepage_failed", "refused": "homepage_failed"}
    assert check["pages"] > 12 and check["cpu_s"] > 0 and check["peak_rss_mb"] > 20
    assert check["workers_cpu_s"] > 0 and check["peak_pss_mb"] > 20  # pages were read by the page workers
    assert check["site_s"]["max"] >= check["site_s"]["p50"] >= 0

    folder = tmp_path / "check"
    summary = json.loads((folder / "server-summary.json").read_text(encoding="utf-8"))
    lines = (folder / "requests.tsv").read_text(encoding="utf-8").splitlines()
    plan = plan_province(MIX, load_settings(cwd_default=False).rules_dir)
    hung = next(s for s in plan.sites if s.behaviour == "hung")
    refused = next(s for s in plan.sites if s.behaviour == "refused")
    assert refused.address not in summary  # nothing listened there
    hung_lines = [line.split("\t") for line in lines if line.split("\t")[2] == hung.address]
    assert hung_lines and all(fields[5] == "0" for fields in hung_lines)  # asked, never answered
    assert summary[PLATFORM_ADDRESS]["hosts"] == 3
    assert sum(c["requests"] for c in summary.values()) == len(lines) == check["requests"]

    # The server's running counts agree with its own log, and the assertion follows them.
    assert {a: c["max_in_flight"] for a, c in summary.items()} == max_in_flight_from_log(lines)
    over = {g["address"] for g in check["groups_over_limit"]}
    assert over == {a for a, c in summary.items() if c["max_in_flight"] > check["politeness_limit"]}
    assert check["politeness_limit"] == load_settings(cwd_default=False).crawl.per_host_concurrency
    assert check["healthy_unchecked"] == []  # only the hung and refused sites may end 未能检查
    assert results["ok"] is not bool(over)
    report = StringIO()
    print_report(results, report)
    assert ("ASSERTION FAILED" in report.getvalue()) is bool(over)


def test_a_group_over_its_limit_fails_the_assertion() -> None:
    summary = {"127.2.0.1": {"requests": 30, "hosts": 3, "max_in_flight": 5},
               "127.1.0.1": {"requests": 9, "hosts": 1, "max_in_flight": 2}}
    groups = group_checks(summary, 2, lambda address: f"group {address}")
    assert [(g.address, g.over) for g in groups] == [("127.2.0.1", True), ("127.1.0.1", False)]


def test_in_flight_recount_from_log_intervals() -> None:
    # A: [1, 4] and [2, 5] overlap; [6, 8] starts after both ended, [7, 9] overlaps it. B: one alone.
    lines = ["0.0\t1.0\tA\th\t/\t200\t1\t1\t4", "0.5\t1.0\tA\th\t/x\t200\t2\t2\t5",
             "1.0\t1.5\tA\th\t/y\t200\t1\t6\t8", "1.0\t3.0\tA\th\t/z\t0\t2\t7\t9",
             "0.0\t9.0\tB\tk\t/\t0\t1\t3\t10"]
    assert max_in_flight_from_log(lines) == {"A": 2, "B": 1}


def test_percentiles_and_the_national_arithmetic() -> None:
    assert [percentile([4, 1, 3, 2], share) for share in (0.5, 0.9, 1.0)] == [2, 4, 4]
    assert percentile([], 0.5) == 0.0
    estimate = national_estimate([10.0] * 8, wall_s=20.0, cpu_s=4.0)  # 4 sites in flight, 0.5 CPU s a site
    assert estimate["concurrency"] == 4.0
    assert estimate["waiting_bound_h"] == round(14_000 * 10 / 4 / 3600, 2)
    assert estimate["cpu_bound_h"] == round(14_000 * 0.5 / 3600, 2)
    assert estimate["estimate_h"] == estimate["waiting_bound_h"]
    # page workers on 2 cores: 4 CPU s here and 8 in workers is 6 s of the machine, more than 4 on one core
    shared = national_estimate([10.0] * 8, wall_s=20.0, cpu_s=4.0, workers_cpu_s=8.0, cores=2)
    assert shared["cpu_bound_h"] == round(14_000 * 6 / 8 / 3600, 2)
