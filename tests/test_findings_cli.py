"""`govmon findings`: list with filters, confirm, dismiss and manual findings, against a temp database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.models import Finding, Severity, SubjectKind
from monitor.rulebook import Rulebook
from monitor.store import Store

RULES = Path(__file__).resolve().parent.parent / "rules"
SEEN = "2026-03-01T10:00:00+08:00"


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """Two websites, one account, and three automatic findings."""
    path = tmp_path / "findings.db"
    store = Store.open(path)
    site = store.insert_registry_row("websites", {"url": "https://www.abazhou.gov.cn/", "name": "阿坝州人民政府",
                                        "region": "阿坝", "kind": "市级门户", "site_code": "5132000001"})
    other = store.insert_registry_row("websites", {"url": "https://www.chengdu.gov.cn/", "name": "成都市人民政府",
                                         "region": "成都", "kind": "市级门户", "site_code": "5101000001"})
    account = store.insert_registry_row("accounts", {"platform": "新浪微博", "name": "阿坝发布", "region": "阿坝",
                                           "subject": "政府"})
    store.record_findings(SubjectKind.WEBSITE, site, [
        Finding("homepage_stale", Severity.VETO, "首页不更新", {"latest": "2026-01-02"}),
        Finding("dead_links", Severity.DEDUCTION, "存在错链、断链", {"links": ["https://www.abazhou.gov.cn/x"]}),
    ], checked_rules=["homepage_stale", "dead_links"], seen_at=SEEN)
    store.record_findings(SubjectKind.WEBSITE, other, [Finding("homepage_stale", Severity.VETO, "首页不更新")],
                          checked_rules=["homepage_stale"], seen_at=SEEN)
    store.record_findings(SubjectKind.ACCOUNT, account, [Finding("account_stale", Severity.VETO, "监测时间点内2周未更新")],
                          checked_rules=["account_stale"], seen_at=SEEN)
    store.close()
    return path


@pytest.fixture()
def cli(db, tmp_path, monkeypatch):
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--db", str(db), "findings", *args])


def listed(cli, *args: str) -> list[dict]:
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_shape(cli):
    rows = listed(cli)
    assert [(r["subject"], r["rule"]) for r in rows] == [
        ("阿坝州人民政府", "homepage_stale"), ("阿坝州人民政府", "dead_links"),
        ("成都市人民政府", "homepage_stale"), ("阿坝发布", "account_stale")]
    first = rows[0]
    assert first["severity"] == "veto" and first["wording"] == "首页不更新" and first["status"] == "open"
    assert first["first_seen"] == first["last_seen"] == SEEN and first["evidence"] == {"latest": "2026-01-02"}
    assert set(first) >= {"id", "subject", "rule", "severity", "wording", "status", "first_seen", "last_seen",
                          "evidence"}


def test_list_filters_by_target_rule_and_status(cli):
    assert [r["rule"] for r in listed(cli, "--site", "https://www.abazhou.gov.cn")] == ["homepage_stale", "dead_links"]
    assert [r["rule"] for r in listed(cli, "--site", "5132000001", "--rule", "dead_links")] == ["dead_links"]
    assert [r["subject"] for r in listed(cli, "--rule", "homepage_stale")] == ["阿坝州人民政府", "成都市人民政府"]
    assert [r["subject"] for r in listed(cli, "--account", "阿坝发布")] == ["阿坝发布"]
    assert listed(cli, "--status", "dismissed") == []


def test_list_table(cli):
    result = cli("list")
    assert result.exit_code == 0 and "问题（4）" in result.stdout and "2026-03-01" in result.stdout
    assert "证据" in result.stdout and "最近发布：" in result.stdout and "latest" not in result.stdout, result.stdout


@pytest.mark.parametrize("args", [
    ("--site", "https://nowhere.gov.cn/"),
    ("--account", "不存在"),
    ("--status", "closed"),
    ("--rule", "no_such_rule"),
    ("--site", "阿坝州人民政府", "--account", "阿坝发布"),
])
def test_list_rejects_unknown_input(cli, args):
    result = cli("list", *args)
    assert result.exit_code == 2
    assert "error" in result.stderr


def test_confirm_and_dismiss_keep_the_note(cli):
    first, second = listed(cli)[:2]
    confirmed = cli("confirm", str(first["id"]), "--note", "人工核实首页确未更新", "--json")
    assert confirmed.exit_code == 0, confirmed.output
    assert json.loads(confirmed.stdout)["status"] == "confirmed"
    dismissed = cli("dismiss", str(second["id"]), "--note", "链接为临时维护", "--reviewer", "王")
    assert dismissed.exit_code == 0 and f"#{second['id']}" in dismissed.stdout
    rows = {r["id"]: r for r in listed(cli)}
    assert (rows[first["id"]]["status"], rows[first["id"]]["note"]) == ("confirmed", "人工核实首页确未更新")
    assert (rows[second["id"]]["status"], rows[second["id"]]["note"]) == ("dismissed", "链接为临时维护")
    assert [r["id"] for r in listed(cli, "--status", "dismissed")] == [second["id"]]


def test_review_of_unknown_id_and_missing_note(cli):
    unknown = cli("confirm", "999", "--note", "x")
    assert unknown.exit_code == 2 and "999" in unknown.stderr
    assert cli("dismiss", "1").exit_code == 2  # --note is required


def test_add_manual_finding_takes_wording_from_the_rulebook(cli):
    result = cli("add", "--site", "阿坝州人民政府", "--rule", "serious_wording",
                 "--evidence-url", "https://www.abazhou.gov.cn/news/1.html", "--snippet", "错误表述",
                 "--note", "读稿发现", "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)
    spec = Rulebook(RULES).rule("serious_wording")
    assert (added["severity"], added["wording"]) == (str(spec.severity), spec.wording)
    assert added["status"] == "confirmed" and added["source"] == "manual" and added["note"] == "读稿发现"
    assert added["evidence"] == {"url": "https://www.abazhou.gov.cn/news/1.html", "snippet": "错误表述"}
    assert listed(cli, "--rule", "serious_wording")[0]["id"] == added["id"]


def test_add_manual_finding_for_an_account(cli):
    result = cli("add", "--account", "阿坝发布", "--platform", "微博", "--rule", "account_security",
                 "--evidence-url", "https://weibo.com/1/abc", "--snippet", "泄密内容")
    assert result.exit_code == 0, result.output
    assert [r["rule"] for r in listed(cli, "--account", "阿坝发布")] == ["account_stale", "account_security"]


@pytest.mark.parametrize("args", [
    ("--site", "nowhere", "--rule", "serious_wording"),
    ("--rule", "serious_wording"),
    ("--site", "5132000001", "--rule", "no_such_rule"),
    ("--site", "5132000001", "--rule", "account_security"),
    ("--account", "阿坝发布", "--rule", "serious_wording"),
    ("--account", "阿坝发布", "--platform", "抖音短视频", "--rule", "account_security"),
])
def test_add_rejects_bad_targets_and_rules(cli, args):
    result = cli("add", *args, "--evidence-url", "https://x.gov.cn/", "--snippet", "s")
    assert result.exit_code == 2, result.output
    assert listed(cli, "--rule", "serious_wording") == []


def test_add_rejects_a_bad_evidence_url(cli):
    result = cli("add", "--site", "5132000001", "--rule", "serious_wording", "--evidence-url", "not a url",
                 "--snippet", "s")
    assert result.exit_code == 2 and "evidence-url" in result.stderr


def test_add_dated_when_seen(cli):
    result = cli("add", "--site", "成都市人民政府", "--rule", "严重表述错误", "--evidence-url", "https://www.chengdu.gov.cn/a",
                 "--snippet", "错字", "--seen-at", "2022-12-20T15:30", "--json")
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert (row["rule"], row["first_seen"], row["status"]) == ("serious_wording", "2022-12-20T15:30:00+08:00", "confirmed")
    future = cli("add", "--site", "成都市人民政府", "--rule", "serious_wording", "--evidence-url", "https://a.gov.cn/",
                 "--snippet", "s", "--seen-at", "2999-01-01")
    assert future.exit_code == 2 and "future" in future.stderr
    bad = cli("add", "--site", "成都市人民政府", "--rule", "serious_wording", "--evidence-url", "https://a.gov.cn/",
              "--snippet", "s", "--seen-at", "去年")
    assert bad.exit_code == 2 and "not a date" in bad.stderr


FINDINGS_SHEET = """人工检查发现问题登记表,,,,,,,
网站名称,账号名称,类型,问题,证据网址,摘录,发现时间,备注
成都市人民政府,,,严重表述错误,https://www.chengdu.gov.cn/n/1.html,"把""中华人民共和国""写错",2022-12-20,王五复核
https://www.abazhou.gov.cn/,,,存在网站暗链,https://www.abazhou.gov.cn/,隐藏的博彩链接,2022/12/21 10:00,
,阿坝发布,微博,监测时间点内 2 周未更新,,最近发布 2022-11-01,2022-12-22,
,,,,,,,
不存在的网站,,,严重表述错误,https://x.gov.cn/,摘录,2022-12-20,
成都市人民政府,,,错别字太多,https://www.chengdu.gov.cn/,摘录,2022-12-20,
成都市人民政府,,,account_stale,https://www.chengdu.gov.cn/,摘录,2022-12-20,
成都市人民政府,,,serious_wording,https://www.chengdu.gov.cn/,摘录,上周,
成都市人民政府,,,serious_wording,,,2022-12-20,
,阿坝发布,抖音,account_stale,,摘录,2022-12-20,
成都市人民政府,,,serious_wording,ftp://x,摘录,2022-12-20,
"""


def test_import_sheet_dates_each_finding_and_reports_bad_rows_by_line(cli, tmp_path):
    sheet = tmp_path / "人工发现.csv"
    sheet.write_text(FINDINGS_SHEET, encoding="utf-8-sig")
    result = cli("import", str(sheet), "--reviewer", "李四")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(sheet))]
    assert [int(line.split(":")[1]) for line in lines] == [7, 8, 9, 10, 11, 12, 13]
    assert "not in the registry" in lines[0] and "neither a rule id nor the wording" in lines[1]
    assert "does not apply to a website" in lines[2] and "not a date" in lines[3] and "needs evidence" in lines[4]
    assert "not in the registry" in lines[5] and "http(s)" in lines[6]
    assert "登记人工发现的问题 3 条" in result.stdout
    manual = [r for r in listed(cli) if r["source"] == "manual"]
    assert [(r["subject"], r["rule"], r["wording"], r["first_seen"]) for r in manual] == [
        ("成都市人民政府", "serious_wording", "严重表述错误", "2022-12-20T00:00:00+08:00"),
        ("阿坝州人民政府", "illegal_links", "存在网站暗链", "2022-12-21T10:00:00+08:00"),
        ("阿坝发布", "account_stale", "监测时间点内2周未更新", "2022-12-22T00:00:00+08:00"),
    ]
    assert manual[0]["evidence"] == {"url": "https://www.chengdu.gov.cn/n/1.html", "snippet": '把"中华人民共和国"写错'}
    assert manual[0]["note"] == "王五复核" and manual[0]["status"] == "confirmed"
    again = cli("import", str(sheet), "--json")
    assert json.loads(again.stdout)["stored"] == 0 and json.loads(again.stdout)["unchanged"] == 3


def test_import_xlsx_and_a_sheet_without_header(cli, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["网站名称", "问题", "证据网址", "摘录", "发现时间"])
    from datetime import datetime as dt
    book.active.append(["阿坝州人民政府", "blank_columns", "https://www.abazhou.gov.cn/", "", dt(2022, 12, 3, 9, 0)])
    path = tmp_path / "发现.xlsx"
    book.save(path)
    result = cli("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 1
    [row] = listed(cli, "--rule", "blank_columns")
    assert row["first_seen"] == "2022-12-03T09:00:00+08:00"
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("import", str(junk))
    assert result.exit_code == 1 and f"{junk}:1: no header row" in result.stderr
    assert cli("import", str(tmp_path / "missing.csv")).exit_code == 2
