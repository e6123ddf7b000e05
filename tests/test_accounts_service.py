"""check_account / check_accounts end to end: posts read on 127.0.0.1, observations and findings stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from newmedia_fakes import Answer, LocalFetcher, PayloadServer, payload
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import Settings
from monitor.models import Account, Status, SubjectKind
from monitor.newmedia.scheduling import due_accounts, run_account_checks
from monitor.newmedia.service import (
    AccountCheck,
    check_account,
    check_accounts,
    manual_check_list,
    run_sampled_account_checks,
)
from monitor.newmedia.sources import SourceOptions
from monitor.rulebook import Rulebook
from monitor.store import FindingFilter, Store
from monitor.times import iso

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2022, 12, 20, 10, 0, tzinfo=SHANGHAI)
INDEX = "/api/container/getIndex?containerid=107603{uid}"
UIDS = {"fresh": "1111111111", "stale": "2222222222", "teapot": "4444444444"}


@pytest.fixture
def server() -> Iterator[PayloadServer]:
    routes = {
        INDEX.format(uid=UIDS["fresh"]): Answer(payload("weibo_getIndex_pinned_old.json")),
        INDEX.format(uid=UIDS["stale"]): Answer(payload("weibo_getIndex_pinned_new.json")),
        INDEX.format(uid=UIDS["teapot"]): Answer(b"", 418, "text/html"),
        "/wewe/jtt.atom": Answer(payload("atom_dept_feed.xml"), content_type="application/atom+xml"),
    }
    with PayloadServer(routes) as running:
        yield running


def add(store: Store, name: str, source: str, *, subject: str = "市州部门", platform: str = "新浪微博") -> Account:
    account_id = store.insert_registry_row("accounts", {"platform": platform, "name": name, "region": "成都", "subject": subject,
                                              "source": source, "imported_at": "2022-10-01T00:00:00+08:00"})
    return store.account(account_id)


async def run_one(store: Store, rulebook: Rulebook, settings: Settings, server: PayloadServer, account: Account,
                  as_of: datetime = AS_OF) -> AccountCheck:
    async with LocalFetcher() as fetcher:
        return await check_account(store, rulebook, settings, account, as_of, fetcher=fetcher,
                                   options=SourceOptions(weibo_base=server.base))


def findings_of(store: Store, account: Account) -> list:
    return store.findings(FindingFilter(subject_kind=SubjectKind.ACCOUNT, subject_id=account.id))


async def test_old_pinned_post_does_not_hide_fresh_posts(store, rulebook, settings, server) -> None:
    account = add(store, "成都发布", "weibo:" + UIDS["fresh"])
    check = await run_one(store, rulebook, settings, server, account)
    assert check.state == "updated" and check.verdict.days_silent == 5
    assert findings_of(store, account) == []
    [seen] = store.account_observations(account.id)
    assert (seen.outcome, seen.source_kind, seen.post_count) == ("ok", "weibo", 2)
    assert iso(seen.latest_post_at) == "2022-12-15T18:30:05+08:00" and seen.pinned_ignored == 1
    assert iso(seen.pinned_latest_at) == "2021-03-01T09:00:00+08:00"
    run = store.last_run(SubjectKind.ACCOUNT, account.id, "account")
    assert run["outcome"] == "ok" and json.loads(run["summary"])["state"] == "updated"


async def test_new_pinned_post_does_not_make_a_stale_account_fresh(store, rulebook, settings, server) -> None:
    account = add(store, "某局", "weibo:" + UIDS["stale"])
    check = await run_one(store, rulebook, settings, server, account)
    assert check.state == "stale" and check.verdict.days_silent == 35
    [finding] = findings_of(store, account)
    assert finding.rule == "account_stale" and finding.wording == "监测时间点内2周未更新"
    assert finding.status == Status.OPEN and iso(finding.first_seen) == "2022-12-20T10:00:00+08:00"
    assert finding.evidence["latest_post_title"] == "11月政务公开日活动回顾"
    assert finding.evidence["latest_post_url"] == "https://m.weibo.cn/status/Mk0004"
    assert finding.evidence["pinned_ignored"] == 1 and finding.evidence["source"] == "weibo:2222222222"
    assert finding.evidence["pinned_post_at"] == "2022-12-17T08:00:00+08:00"  # shown, not counted
    assert check.summary()["verdict"] == "不合格"


async def test_blocked_is_unknown_and_keeps_previous_findings(store, rulebook, settings, server) -> None:
    account = add(store, "某局", "weibo:" + UIDS["stale"])
    await run_one(store, rulebook, settings, server, account)
    store.update_registry_row("accounts", account.id, {"source": "weibo:" + UIDS["teapot"]})
    blocked = await run_one(store, rulebook, settings, server, store.account(account.id), AS_OF + timedelta(days=1))
    assert blocked.state == "unknown" and blocked.findings == []
    assert "418" in blocked.verdict.reason
    assert manual_check_list([blocked]) == [blocked]
    [finding] = findings_of(store, account)
    assert finding.status == Status.OPEN and iso(finding.last_seen) == "2022-12-20T10:00:00+08:00"  # untouched
    outcomes = [seen.outcome for seen in reversed(store.account_observations(account.id))]  # oldest first
    assert outcomes == ["ok", "blocked"]


async def test_stale_then_updated_resolves_the_finding(store, rulebook, settings, server) -> None:
    account = add(store, "某局", "weibo:" + UIDS["stale"])
    await run_one(store, rulebook, settings, server, account)
    store.update_registry_row("accounts", account.id, {"source": "weibo:" + UIDS["fresh"]})
    check = await run_one(store, rulebook, settings, server, store.account(account.id), AS_OF + timedelta(hours=1))
    assert check.state == "updated"
    [finding] = findings_of(store, account)
    assert finding.status == Status.RESOLVED and iso(finding.resolved_at) == "2022-12-20T11:00:00+08:00"


async def test_manual_observation_stands_in_for_a_blocked_platform(store, rulebook, settings, server, tmp_path) -> None:
    from monitor.newmedia.manual import import_observations

    fresh = add(store, "成都发布", "weibo:" + UIDS["teapot"])
    shell = add(store, "某县发布", "", platform="微信订阅号")
    sheet = tmp_path / "manual.csv"
    sheet.write_text("账号名称,类型,所属地方或部门,最近发布时间,检查时间\n"
                     "成都发布,微博,成都,2022-12-16 08:00,2022-12-17 09:00\n"
                     "某县发布,微信公众号,成都,无,2022-12-17\n", encoding="utf-8")
    assert import_observations(store, rulebook, [sheet], zone=SHANGHAI).stored == 2
    updated = await run_one(store, rulebook, settings, server, fresh)
    assert updated.state == "updated" and updated.result.outcome == "blocked"
    assert updated.verdict.observation.source_kind == "manual"
    empty = await run_one(store, rulebook, settings, server, shell)
    assert empty.state == "stale" and empty.result.outcome == "unsupported"
    [finding] = findings_of(store, shell)
    assert finding.evidence["note"] == "空壳" and finding.evidence["source_kind"] == "manual"


async def test_check_accounts_paces_each_platform(store, rulebook, settings, server) -> None:
    accounts = [add(store, "甲", "weibo:" + UIDS["fresh"]), add(store, "乙", "weibo:" + UIDS["stale"]),
                add(store, "丙", "feed:" + server.url("/wewe/jtt.atom"), platform="微信订阅号"),
                add(store, "丁", "weibo:" + UIDS["fresh"] + " ")]
    slept: list[float] = []
    seen: list[str] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with LocalFetcher() as fetcher:
        checks = await check_accounts(store, rulebook, settings, accounts, AS_OF, fetcher=fetcher,
                                      progress=lambda c: seen.append(c.account.name), sleep=sleep,
                                      options=SourceOptions(weibo_base=server.base))
        assert len(fetcher.urls) == 3  # 丁 shares 甲's URL: served from the run's cache
    assert [c.account.name for c in checks] == ["甲", "乙", "丙", "丁"]
    assert [c.state for c in checks] == ["updated", "stale", "updated", "updated"]
    assert sorted(seen) == sorted(["甲", "乙", "丙", "丁"])
    # All three requests went to one host (127.0.0.1 plays both platforms): two waits, none for the cache hit.
    assert len(slept) == 2 and all(0 < s <= settings.accounts.platform_delay_s for s in slept)


async def test_sampled_checks_and_due_accounts(store, rulebook, settings, server) -> None:
    full = add(store, "省政府发布", "weibo:" + UIDS["fresh"], subject="政府")
    add(store, "县局", "", subject="县级部门", platform="微信订阅号")
    settings_all = replace(settings, accounts=replace(settings.accounts, sample_rate=1.0, sample_seed="t",
                                                      platform_delay_s=0.0))
    async with LocalFetcher() as fetcher:
        checks = await run_sampled_account_checks(store, rulebook, settings_all, "2022Q4", AS_OF, fetcher,
                                                  options=SourceOptions(weibo_base=server.base),
                                                  clock=lambda: AS_OF)
    assert {c.account.name: c.state for c in checks} == {"省政府发布": "updated", "县局": "unknown"}
    interval = timedelta(hours=24)
    assert due_accounts(store, settings_all, AS_OF + timedelta(hours=1), interval) == []
    later = AS_OF + timedelta(hours=25)
    due = due_accounts(store, settings_all, later, interval)
    assert {a.id for a in due} == {full.id, full.id + 1}
    async with LocalFetcher() as fetcher:  # what the daemon runs (production base URLs: the 418 account fails)
        rechecked = await run_account_checks(store, rulebook, settings_all, due[:1], later, fetcher=fetcher,
                                             clock=lambda: later)
    assert len(rechecked) == 1 and due_accounts(store, settings_all, later, interval) == due[1:]


# -- CLI --------------------------------------------------------------------------------------------
@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: PayloadServer):
    """The real HttpFetcher, allowed to reach 127.0.0.1 by the configuration."""
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "govmon.toml"
    config.write_text("[crawl]\nallow_private_targets = true\nretries = 0\nper_host_delay_s = 0.0\n[accounts]\nplatform_delay_s = 0.0\n",
                      encoding="utf-8")
    db = tmp_path / "cli.db"
    store = Store.open(db)
    add(store, "交通运输厅", "feed:" + server.url("/wewe/jtt.atom"), subject="省直部门", platform="微信订阅号")
    add(store, "某县发布", "", subject="县级部门", platform="微信订阅号")
    store.close()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--config", str(config), "--db", str(db), *args])


def test_cli_check_account_updated_and_stale(cli) -> None:
    fresh = cli("check-account", "交通运输厅", "--as-of", "2022-12-20", "--json")
    assert fresh.exit_code == 0, fresh.output
    data = json.loads(fresh.stdout)
    assert (data["state"], data["verdict"], data["days_silent"]) == ("updated", "合格", 14)
    assert data["latest_post"]["title"] == "全省高速公路冬季除冰保畅工作部署"
    stale = cli("check-account", "交通运输厅", "--as-of", "2022-12-21")
    assert stale.exit_code == 1
    assert "stale 不合格" in stale.stdout and "监测时间点内2周未更新" in stale.stdout
    assert "已 15 天未更新（要求 14 天内更新）" in stale.stdout and "核查依据：RSS/Atom 订阅" in stale.stdout, stale.stdout


def test_cli_check_account_unknown_and_adhoc(cli, server: PayloadServer) -> None:
    unknown = cli("check-account", "某县发布", "--as-of", "2022-12-20")
    assert unknown.exit_code == 3
    assert "待人工核查" in unknown.stdout and "import-observations" in unknown.stdout
    adhoc = cli("check-account", server.url("/wewe/jtt.atom"), "--as-of", "2022-12-31", "--json")
    assert adhoc.exit_code == 1 and json.loads(adhoc.stdout)["account"]["id"] is None
    missing = cli("check-account", "无此账号")
    assert missing.exit_code == 2


def test_cli_accounts_list(cli) -> None:
    cli("check-account", "交通运输厅", "--as-of", "2022-12-20")
    result = cli("accounts", "list")
    assert result.exit_code == 0
    assert "交通运输厅" in result.stdout and "共 2 个账号" in result.stdout
    rows = {r["name"]: r for r in json.loads(cli("accounts", "list", "--json").stdout)}
    assert rows["交通运输厅"]["latest_post_at"] == "2022-12-06T09:30:00+08:00"
    assert rows["某县发布"]["observation"] is None
    assert cli("accounts", "list", "--quarter", "2022Q4").exit_code == 2  # no sample drawn yet


def test_cli_check_sampled_accounts(cli) -> None:
    result = cli("check", "--accounts", "--quarter", "2022Q4", "--as-of", "2022-12-30", "--json")
    assert result.exit_code == 1, result.output  # the department's feed is 24 days old
    data = json.loads(result.stdout)
    states = {c["account"]["name"]: c["state"] for c in data["checks"]}
    assert states["交通运输厅"] == "stale"
