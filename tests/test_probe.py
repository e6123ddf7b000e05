"""Availability: probes, the outage rule of a round, the 7-day verdict on both sides of 5%, `govmon probe`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import shanghai
from fetch_servers import Reply, Site
from typer.testing import CliRunner

from monitor.checks.availability import ProbeRow, evaluate_availability, tally_probes, window_start
from monitor.cli import app
from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import FetchResult, Outcome
from monitor.models import Severity, SubjectKind, Website
from monitor.probe import (
    ProbeResult,
    judge_availability,
    load_probes,
    outage_verdict,
    probe_crawl_settings,
    probe_round,
    probe_url,
    record_probe_round,
)
from monitor.rulebook import Rulebook, RuleSpec
from monitor.store import Store

AS_OF = shanghai(2026, 11, 27, 12)


def fixed_clock(moment: datetime = AS_OF) -> Callable[[], datetime]:
    return lambda: moment


@pytest.fixture
def crawl(settings: Settings) -> CrawlSettings:
    return probe_crawl_settings(replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0))


@pytest.fixture
def unreachable(rulebook: Rulebook) -> RuleSpec:
    return rulebook.rule("unreachable")


# -- probe_url against real servers -----------------------------------------------------------------
async def test_probe_of_a_working_home_page(crawl: CrawlSettings) -> None:
    with Site({"/": Reply()}) as site:
        async with HttpFetcher(crawl) as fetcher:
            probe = await probe_url(fetcher, site.url("/"), timeout_s=5, clock=fixed_clock())
    assert (probe.outcome, probe.status, probe.at, probe.final_url, probe.error) == ("ok", 200, AS_OF, site.url("/"), "")
    assert probe.ok and probe.latency_ms >= 0


async def test_probe_timeout_comes_from_settings(settings: Settings, crawl: CrawlSettings) -> None:
    short = replace(settings.probe, timeout_s=0.3)
    with Site({"/": Reply(stall_s=10)}) as site:
        async with HttpFetcher(crawl) as fetcher:
            probe = await probe_url(fetcher, site.url("/"), timeout_s=short.timeout_s, clock=fixed_clock())
    assert probe.outcome == "timeout"
    assert 250 <= probe.latency_ms < 2000


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [(Reply(404, b"gone"), "http_status"), (Reply(body=b""), "empty"), (Reply(body=b"x" * 100, repeat=300), "ok")],
)
async def test_probe_outcomes(crawl: CrawlSettings, reply: Reply, outcome: str) -> None:
    with Site({"/": reply}) as site:
        async with HttpFetcher(replace(crawl, max_response_bytes=1000)) as fetcher:
            probe = await probe_url(fetcher, site.url("/"), timeout_s=5, clock=fixed_clock())
    assert probe.outcome == outcome


async def test_probe_fetcher_does_not_retry_a_failure(crawl: CrawlSettings) -> None:
    with Site({"/": lambda n: Reply(503, b"busy") if n == 1 else Reply()}) as site:
        async with HttpFetcher(crawl) as fetcher:
            probe = await probe_url(fetcher, site.url("/"), timeout_s=5, clock=fixed_clock())
    assert (probe.outcome, probe.status, site.hits["/"]) == ("http_status", 503, 1)


async def test_probe_round_probes_every_site_and_the_canary(crawl: CrawlSettings, unreachable: RuleSpec) -> None:
    routes = {f"/site{i}": (Reply() if i % 3 else Reply(500, b"err")) for i in range(6)} | {"/canary": Reply()}
    with Site(routes) as site:
        websites = [website(i, site.url(f"/site{i}")) for i in range(6)]
        async with HttpFetcher(crawl) as fetcher:
            results = await probe_round(fetcher, websites, timeout_s=5, clock=fixed_clock(), rule=unreachable,
                                        canary_url=site.url("/canary"))
    assert [w.id for w, _p in results] == [w.id for w in websites]
    assert [p.outcome for _w, p in results] == ["http_status", "ok", "ok", "http_status", "ok", "ok"]
    assert results.canary_ok is True
    assert results.verdict is not None and not results.verdict.discarded


# -- the outage rule --------------------------------------------------------------------------------
def website(number: int, url: str = "") -> Website:
    return Website(name=f"站点{number}", url=url or f"http://site{number}.example.gov.cn/", region="成都",
                   kind="市级部门", site_code=f"5101000{number:03d}", id=number + 1)


def probe(outcome: str = "ok", at: datetime = AS_OF) -> ProbeResult:
    return ProbeResult(at=at, outcome=outcome, status=200 if outcome == "ok" else None, latency_ms=120,
                       final_url="http://x/", error="" if outcome == "ok" else "ConnectError: refused")


def round_of(failed: int, total: int) -> list[tuple[Website, ProbeResult]]:
    return [(website(i), probe("connect" if i < failed else "ok")) for i in range(total)]


def test_round_where_nearly_all_sites_fail_is_an_outage(unreachable: RuleSpec) -> None:
    verdict = outage_verdict(round_of(8, 10), unreachable, canary_ok=None)
    assert verdict.discarded and "监测端" in verdict.reason


def test_round_just_below_the_outage_share_counts(unreachable: RuleSpec) -> None:
    assert not outage_verdict(round_of(7, 10), unreachable, canary_ok=None).discarded


def test_too_few_sites_for_the_outage_rule(unreachable: RuleSpec) -> None:
    assert not outage_verdict(round_of(4, 4), unreachable, canary_ok=None).discarded


def test_failed_canary_discards_the_round(unreachable: RuleSpec) -> None:
    verdict = outage_verdict(round_of(0, 3), unreachable, canary_ok=False)
    assert verdict.discarded and "对照站点" in verdict.reason


def test_recorded_outage_round_never_counts_against_sites(store: Store, unreachable: RuleSpec,
                                                          rulebook: Rulebook) -> None:
    sites = register(store, 5)
    good_rounds = 100
    for n in range(good_rounds):  # 100 clean rounds over the last days
        at = AS_OF - timedelta(hours=n + 1)
        record_probe_round(store, [(s, probe("ok", at)) for s in sites], round_id=f"r{n}", rule=unreachable,
                           canary_ok=None)
    outage = [(s, probe("timeout", AS_OF - timedelta(minutes=5))) for s in sites]
    verdict = record_probe_round(store, outage, round_id="cut-off", rule=unreachable, canary_ok=None)
    assert verdict.discarded
    rows = store.probes_of_round("cut-off")
    assert len(rows) == 5 and all(r.discarded and r.discard_reason for r in rows)
    stored = load_probes(store, sites[0].id, start=AS_OF - timedelta(days=7), end=AS_OF)
    assert len(stored) == good_rounds + 1
    assert evaluate_availability(stored, unreachable, AS_OF, subject_id=sites[0].id) == []
    assert judge_availability(store, rulebook, sites[0], AS_OF) == []


def test_judge_availability_records_a_veto(store: Store, rulebook: Rulebook, unreachable: RuleSpec) -> None:
    [site] = register(store, 1)
    for n in range(140):
        outcome = "dns" if n < 10 else "ok"
        record_probe_round(store, [(site, probe(outcome, AS_OF - timedelta(hours=n)))], round_id=f"r{n}",
                           rule=unreachable, canary_ok=None)
    [finding] = judge_availability(store, rulebook, site, AS_OF)
    assert (finding.rule, finding.severity, finding.id is not None) == ("unreachable", Severity.VETO, True)
    assert store.findings()[0].evidence["failed"] == 10


def register(store: Store, count: int) -> list[Website]:
    for i in range(count):
        store.insert_registry_row("websites", {"url": f"http://site{i}.example.gov.cn/", "name": f"站点{i}", "region": "成都",
                                     "kind": "市级部门", "site_code": f"51010000{i:02d}"})
    return store.websites()


# -- the 7-day verdict ------------------------------------------------------------------------------
def week(failed: int, total: int = 140, *, discarded_failures: int = 0) -> list[ProbeRow]:
    """`total` probes spread over the 7 days before AS_OF, the first `failed` of them failures."""
    step = timedelta(days=7) / total
    rows = [ProbeRow(at=AS_OF - step * i, outcome="timeout" if i < failed else "ok", error="timed out"
                     if i < failed else "") for i in range(total)]
    rows += [ProbeRow(at=AS_OF - timedelta(hours=i + 1), outcome="connect", discarded=True,
                      discard_reason="监测端网络故障") for i in range(discarded_failures)]
    return rows


def test_share_at_the_veto_line_is_a_veto(unreachable: RuleSpec) -> None:
    [finding] = evaluate_availability(week(7), unreachable, AS_OF, subject_id=9)  # 7/140 = 5.0%
    assert (finding.rule, finding.severity, finding.wording) == ("unreachable", Severity.VETO, unreachable.wording)
    assert (finding.subject_kind, finding.subject_id) == (SubjectKind.WEBSITE, 9)
    evidence = finding.evidence
    assert (evidence["total"], evidence["failed"], evidence["share"], evidence["level"]) == (140, 7, 0.05, "否决")
    assert len(evidence["failures"]) == 7
    assert evidence["failures"][0].keys() == {"at", "outcome", "status", "error"}
    assert "note" not in evidence


def test_share_just_below_the_veto_line_is_a_warning(unreachable: RuleSpec) -> None:
    [finding] = evaluate_availability(week(6), unreachable, AS_OF, subject_id=9)  # 4.3%
    assert finding.severity is Severity.WARNING
    assert finding.wording == unreachable.wording
    assert finding.evidence["level"] == "预警"


def test_share_below_the_warning_line_is_clean(unreachable: RuleSpec) -> None:
    assert evaluate_availability(week(4), unreachable, AS_OF, subject_id=9) == []  # 2.9%


def test_discarded_probes_do_not_count(unreachable: RuleSpec) -> None:
    assert evaluate_availability(week(0, discarded_failures=50), unreachable, AS_OF, subject_id=9) == []


def test_probes_outside_the_window_do_not_count(unreachable: RuleSpec) -> None:
    old = [ProbeRow(at=AS_OF - timedelta(days=8, hours=i), outcome="dns") for i in range(50)]
    future = [ProbeRow(at=AS_OF + timedelta(hours=1), outcome="dns")]
    assert evaluate_availability(week(0) + old + future, unreachable, AS_OF, subject_id=9) == []


def test_too_few_probes_are_judged_with_a_note(unreachable: RuleSpec) -> None:
    [finding] = evaluate_availability(week(1, total=10), unreachable, AS_OF, subject_id=9)
    assert finding.severity is Severity.VETO
    assert "监测次数不足" in finding.evidence["note"]


def test_wording_and_severity_come_from_the_rule_spec() -> None:
    spec = RuleSpec("unreachable", Severity.DEDUCTION, "测试措辞", {
        "window_days": 7, "veto_share": 0.5, "warning_share": 0.2, "min_probes_per_day": 1,
        "outage_share": 0.8, "outage_min_sites": 5})
    [finding] = evaluate_availability(week(70), spec, AS_OF, subject_id=1)
    assert (finding.severity, finding.wording) == (Severity.DEDUCTION, "测试措辞")


def test_no_probes_no_finding(unreachable: RuleSpec) -> None:
    assert evaluate_availability([], unreachable, AS_OF, subject_id=1) == []


@pytest.mark.parametrize(("failed", "level"), [(7, "veto"), (6, "warning"), (4, None)])
def test_the_tally_status_and_probe_show_is_the_rule_s_verdict(unreachable: RuleSpec, failed: int,
                                                              level: str | None) -> None:
    """govmon status and govmon probe judge a tally with the same thresholds as the finding."""
    probes = week(failed, discarded_failures=3)
    tally = tally_probes(probes, window_start(unreachable, AS_OF), AS_OF)
    assert (tally.total, tally.failed, tally.discarded) == (140, failed, 3)
    assert tally.level(unreachable) == level
    findings = evaluate_availability(probes, unreachable, AS_OF, subject_id=1)
    assert [f.evidence["level"] for f in findings] == {"veto": ["否决"], "warning": ["预警"], None: []}[level]


# -- govmon probe -----------------------------------------------------------------------------------
@pytest.fixture
def cli_files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "site.toml"
    config.write_text("[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\n[probe]\ntimeout_s = 0.3\n",
                      encoding="utf-8")
    return config, tmp_path / "govmon.db"


def run_cli(cli_files: tuple[Path, Path], *args: str) -> tuple[int, str]:
    config, database = cli_files
    result = CliRunner().invoke(app, ["--config", str(config), "--db", str(database), "probe", *args])
    return result.exit_code, result.stdout


def test_cli_probes_a_registered_site_by_name_and_records(cli_files: tuple[Path, Path]) -> None:
    with Site({"/": Reply()}) as site:
        store = Store.open(cli_files[1])
        store.insert_registry_row("websites", {"url": site.url("/"), "name": "某某市人民政府", "region": "成都", "kind": "市级门户",
                                     "site_code": "5101000001"})
        store.close()
        code, out = run_cli(cli_files, "某某市人民政府", "--count", "3", "--interval", "0", "--json", "--record")
    data = json.loads(out)
    assert code == 0
    assert (data["total"], data["ok"], data["failed"], data["verdict"]) == (3, 3, 0, "合格")
    assert [p["outcome"] for p in data["probes"]] == ["ok", "ok", "ok"]
    store = Store.open(cli_files[1])
    site_id = store.find_website("某某市人民政府").id
    everything = {"start": datetime(2000, 1, 1, tzinfo=UTC), "end": datetime(2100, 1, 1, tzinfo=UTC)}
    assert len(store.probes_between(site_id, **everything)) == 3
    store.close()


def test_cli_flaky_site_reaching_the_veto_line_exits_1(cli_files: tuple[Path, Path]) -> None:
    with Site({"/": lambda n: Reply(stall_s=5) if n % 2 else Reply()}) as site:
        code, out = run_cli(cli_files, site.url("/"), "--count", "4", "--interval", "0")
    assert code == 1
    assert "timeout" in out and "不合格" in out and "50.0%" in out


def test_cli_unknown_name_is_a_usage_error(cli_files: tuple[Path, Path]) -> None:
    code, _out = run_cli(cli_files, "不存在的网站")
    assert code == 2


def test_cli_record_needs_a_registered_site(cli_files: tuple[Path, Path]) -> None:
    code, _out = run_cli(cli_files, "http://127.0.0.1:9/", "--record")
    assert code == 2


def test_fake_fetcher_results_map_to_probe_outcomes() -> None:
    class Fake:
        async def fetch(self, url: str, **kwargs: object) -> FetchResult:
            assert kwargs == {"respect_robots": False, "timeout_s": 15.0}
            return FetchResult(url=url, outcome=Outcome.TOO_LARGE, status=200, elapsed_s=0.25, truncated=True)

    result = asyncio.run(probe_url(Fake(), "http://x.gov.cn/", timeout_s=15.0, clock=fixed_clock()))
    assert (result.outcome, result.latency_ms, result.final_url) == ("ok", 250, "http://x.gov.cn/")


def test_the_finding_carries_the_evidence_shape_its_renderer_reads(unreachable: RuleSpec) -> None:
    """The check writes UnreachableEvidence; every key it writes is one the renderer declares and shows."""
    from monitor.evidence import UnreachableEvidence, describe_evidence

    [finding] = evaluate_availability(week(7, discarded_failures=2), unreachable, AS_OF, subject_id=9)
    assert set(finding.evidence) <= set(UnreachableEvidence.__annotations__) | {"level"}
    lines = describe_evidence(finding)
    assert lines[0].startswith("近 7 天监测 140 次，失败 7 次，失败率 5.0%") and "另有 2 次" in lines[2]
    assert not any("：" in line and line.split("：")[0] in ("window", "failures") for line in lines)
