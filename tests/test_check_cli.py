"""`govmon check` and `govmon status` as a user runs them, against the served fixture province."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from fixture_province import running_province, settings_for  # noqa: F401 (fixture)
from typer.testing import CliRunner

from monitor.cli import app
from monitor.demo import RunningProvince
from monitor.models import Finding, Severity, Website
from monitor.observations import ArticleObservation, ColumnObservation, ListingItem, SiteObservation
from monitor.service import SiteCheck

AS_OF = "2022-12-28T10:00"


def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), *args])


def imported(running: RunningProvince, folder: Path) -> Path:
    settings_for(running, folder)  # writes folder/config.toml
    config = folder / "config.toml"
    result = run(config, "registry", "import", *map(str, running.registry_paths))
    assert result.exit_code == 0, result.output
    return config


def test_check_all_json_gives_the_expected_verdict_per_site(running_province: RunningProvince,  # noqa: F811
                                                           tmp_path: Path):
    config = imported(running_province, tmp_path)
    result = run(config, "check", "--all", "--as-of", AS_OF, "--json")
    assert result.exit_code == 1  # some sites are 不合格
    sites = json.loads(result.stdout)
    expected = running_province.province.expected.websites
    assert {s["name"] for s in sites} == set(expected)
    for site in sites:
        assert set(site) >= {"name", "url", "site_code", "verdict", "findings"}
        assert site["verdict"] == ("合格" if expected[site["name"]].passes else "不合格"), site
        for finding in site["findings"]:
            assert set(finding) == {"rule", "severity", "wording", "evidence"}
        rules = {f["rule"] for f in site["findings"]}
        assert set(expected[site["name"]].found) <= rules, site["name"]
        assert not set(expected[site["name"]].not_found) & rules, site["name"]


def test_check_all_keeps_an_outline_of_each_site_what_it_prints_and_not_every_page() -> None:
    site = Website(name="某县人民政府", url="http://www.a.gov.cn/", region="", kind="", site_code="5101000001")
    items = [ListingItem(title="通知", url="http://www.a.gov.cn/tzgg/1.html", date=date(2022, 12, 1), date_source="list")]
    observation = SiteObservation(
        url=site.url, observed_at=datetime(2022, 12, 28), homepage_ok=True, tls_error="证书已过期", pages_fetched=42,
        columns=[ColumnObservation(name="通知公告", url="http://www.a.gov.cn/tzgg/", level=1, category="通知公告",
                                   fetched=True, items=items, item_count=1)],
        articles=[ArticleObservation("http://www.a.gov.cn/tzgg/1.html", "通知", "通知公告", "正文" * 5000, None, None, "")],
    )
    stale = Finding("homepage_stale", Severity.VETO, "首页不更新", {"newest_date": "2022-12-01"})
    check = SiteCheck(site, datetime(2022, 12, 28), observation, [stale], run_id=7)
    outline = check.outline()
    assert outline.to_json() == check.to_json() and outline.verdict == check.verdict == "不合格"
    assert outline.observation.columns == [] and outline.observation.articles == []
    assert check.observation.columns  # the check itself is left whole


def test_check_one_healthy_site_by_name_exits_zero_and_status_shows_it(running_province: RunningProvince,  # noqa: F811
                                                                       tmp_path: Path):
    config = imported(running_province, tmp_path)
    result = run(config, "check", "四川省人民政府（示例）", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "合格" in result.stdout
    status = run(config, "status", "--json")
    assert status.exit_code == 0, status.output
    sites = {s["name"]: s for s in json.loads(status.stdout)["websites"]}
    assert sites["四川省人民政府（示例）"]["last_check_as_of"].startswith("2022-12-28T10:00")
    assert not sites["四川省人民政府（示例）"]["last_check"].startswith("2022")  # when it ran, apart from as_of
    assert sites["四川省人民政府（示例）"]["verdict"] == "合格"
    assert sites["理县人民政府（示例）"]["last_check"] is None


def test_check_unknown_target_is_a_usage_error(running_province: RunningProvince, tmp_path: Path):  # noqa: F811
    config = imported(running_province, tmp_path)
    result = run(config, "check", "不存在的网站")
    assert result.exit_code == 2
    assert "no registered website" in result.output


def test_a_site_that_does_not_answer_is_not_passed(tmp_path: Path):
    import socket

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "config.toml").write_text("[crawl]\nallow_private_targets = true\nretries = 0\n", encoding="utf-8")
    (tmp_path / "sites.csv").write_text(
        f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n停机站点,http://127.0.0.1:{port}/,成都,市级部门,5101000009\n",
        encoding="utf-8")
    config = tmp_path / "config.toml"
    assert run(config, "--db", str(tmp_path / "g.db"), "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
    result = run(config, "--db", str(tmp_path / "g.db"), "check", "停机站点", "--json")
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "未能检查"
    assert [f["rule"] for f in data["findings"]] == ["fetch_failed"]
