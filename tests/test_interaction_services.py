"""互动回应差 (no_interaction) and 服务不实用 (services_unusable): the readers of message lists and guides,
the pure rules, and the user's path (`govmon check`, the quarterly report) on fixture portals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.checks.interaction import no_interaction
from monitor.checks.services import services_unusable
from monitor.cli import app
from monitor.extract.guides import guide_elements, read_guide
from monitor.extract.messages import PENDING, REPLIED, read_board
from monitor.observations import InteractionObservation, MessageBoard, ServicesObservation
from monitor.rulebook import Rulebook
from tests.channel_sites import (
    DEFICIENT_GUIDE,
    UNANSWERED_PATH,
    city_routes,
    county_routes,
    district_routes,
)
from tests.conftest import REPO
from tests.fetch_servers import Site

TODAY = date(2022, 12, 28)
PAGE = "http://www.example.gov.cn/ldxx/"


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return Rulebook(REPO / "rules")


# -- message lists ----------------------------------------------------------------------------------
def test_a_headed_table_gives_each_letter_its_dates_and_status(rulebook: Rulebook):
    html = ("<table><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>办理状态</th></tr>"
            "<tr><td><a href='a.html'>咨询社保（电话13981234567）</a></td><td>2022-08-15</td><td></td><td>办理中</td></tr>"
            "<tr><td><a href='b.html'>反映路灯</a></td><td>2022-12-01</td><td>2022-12-03</td><td>已办结</td></tr></table>")
    read = read_board(html, PAGE, rulebook.interaction_words, TODAY)
    assert read.listed and read.reply_shown
    first, second = read.messages
    assert (first.title, first.asked, first.state, first.url) == (
        "咨询社保（电话139****4567）", date(2022, 8, 15), PENDING, "http://www.example.gov.cn/ldxx/a.html")
    assert (second.asked, second.replied, second.state) == (date(2022, 12, 1), date(2022, 12, 3), REPLIED)


def test_hanweb_datastore_records_with_labels_are_letters(rulebook: Rulebook):
    records = "".join(
        f"<record><![CDATA[<li><a href='/jact/front/mailpubdetail.do?transactId={n}'>{t}</a>"
        f"<span>来信时间：{d}</span><span>状态：{s}</span></li>]]></record>"
        for n, t, d, s in ((1, "建议增设公交站", "2022-12-01", "已回复"), (2, "咨询落户", "2022-07-02", "未回复")))
    html = f'<div id="9"><script type="text/xml"><datastore><recordset>{records}</recordset></datastore></script></div>'
    read = read_board(html, PAGE, rulebook.interaction_words, TODAY)
    assert [(m.title, m.asked, m.state) for m in read.messages] == [
        ("建议增设公交站", date(2022, 12, 1), REPLIED), ("咨询落户", date(2022, 7, 2), PENDING)]


def test_an_article_list_is_no_message_list_and_an_empty_list_says_so(rulebook: Rulebook):
    words = rulebook.interaction_words
    articles = "<ul><li><a href='/t1.html'>访谈预告</a><span>2022-12-01</span></li></ul>"
    read = read_board(articles, PAGE, words, TODAY)
    assert (read.messages, read.listed, read.other_items) == ([], False, 1)
    empty = read_board("<table><tr><th>标题</th><th>来信时间</th><th>状态</th></tr></table><p>暂无信件</p>",
                       PAGE, words, TODAY)
    assert (empty.messages, empty.listed, empty.says_empty) == ([], True, True)


# -- guides -----------------------------------------------------------------------------------------
def test_guide_elements_need_a_value_and_skip_the_footer(rulebook: Rulebook):
    words = rulebook.service_words
    present, missing = guide_elements("事项名称：户口迁移 设定依据： 申请条件 暂无 办理地点：一楼窗口", words)
    assert present == ("事项名称", "办理地点")
    assert "设定依据" in missing and "申请条件" in missing
    prose = "本栏目提供办事指南，点击事项名称查看办理条件、材料和流程。"  # labels inside a sentence name nothing
    assert guide_elements(prose, words)[0] == ()
    html = ("<html><body><div class='main'><h1>某事项办事指南</h1><table><tr><td>事项名称</td><td>某事项</td></tr>"
            "</table></div><div class='footer'>联系电话：0832-1234567</div></body></html>")
    read = read_guide(html, "http://x.gov.cn/g.html", words)
    assert read.title == "某事项办事指南" and read.present == ("事项名称",) and "联系电话" in read.missing


# -- the rules, on observations ---------------------------------------------------------------------
def test_no_channel_on_a_portal_read_whole_and_undetermined_when_not(rulebook: Rulebook):
    spec, unsure = rulebook.rule("no_interaction"), rulebook.rule("undetermined")
    words = rulebook.interaction_words
    whole = InteractionObservation([], looked=True, searched_whole=True)
    found = no_interaction(whole, "http://x.gov.cn/", "县级门户", words, spec, unsure, TODAY)
    assert [(f.rule, f.severity, f.key) for f in found] == [("no_interaction", "veto", "no_channel")]
    assert no_interaction(whole, "http://x.gov.cn/", "省级部门", words, spec, unsure, TODAY) == []
    partial = InteractionObservation([], looked=True, searched_whole=False, search_note="导航未读全")
    unsure_found = no_interaction(partial, "http://x.gov.cn/", "县级门户", words, spec, unsure, TODAY)
    assert [(f.rule, f.evidence["rule"], f.evidence["reason"]) for f in unsure_found] == [
        ("undetermined", "no_interaction", "导航未读全")]
    dead = InteractionObservation([MessageBoard("领导信箱", "http://x.gov.cn/ld/", opens=False, reason="http_status 404")],
                                  looked=True, searched_whole=True)
    assert [f.evidence["dead_channels"][0]["channel"] for f in
            no_interaction(dead, "http://x.gov.cn/", "省级部门", words, spec, unsure, TODAY)] == ["领导信箱"]


def test_an_idle_list_is_a_warning_unless_configured(rulebook: Rulebook):
    spec, unsure = rulebook.rule("no_interaction"), rulebook.rule("undetermined")
    board = MessageBoard("县长信箱", "http://x.gov.cn/xx/", listed=True)
    found = no_interaction(InteractionObservation([board], looked=True, searched_whole=True), "http://x.gov.cn/",
                           "县级门户", rulebook.interaction_words, spec, unsure, TODAY)
    assert [(f.key, f.severity) for f in found] == [("idle:http://x.gov.cn/xx/", "warning")]


def test_no_services_only_on_portals_read_whole(rulebook: Rulebook):
    spec, unsure = rulebook.rule("services_unusable"), rulebook.rule("undetermined")
    words = rulebook.service_words
    whole = ServicesObservation(looked=True, searched_whole=True)
    assert [f.key for f in services_unusable(whole, "http://x.gov.cn/", "市级门户", words, spec, unsure)] == ["none"]
    assert services_unusable(whole, "http://x.gov.cn/", "市级部门", words, spec, unsure) == []
    partial = ServicesObservation(looked=True)
    assert [f.rule for f in services_unusable(partial, "http://x.gov.cn/", "市级门户", words, spec, unsure)] == [
        "undetermined"]


# -- the user's path --------------------------------------------------------------------------------
def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), *args])


def _findings(output: str, rule: str) -> list[dict]:
    return [f for f in json.loads(output)["findings"] if f["rule"] == rule]


def test_check_and_report_name_unanswered_letters_and_deficient_guides(tmp_path: Path):
    with Site(county_routes()) as county, Site(city_routes()) as city, Site(district_routes()) as district:
        (tmp_path / "config.toml").write_text(
            "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n[render]\nbrowser = \"off\"\n"
            f"[store]\ndatabase = \"{tmp_path / 'g.db'}\"\n", encoding="utf-8")
        (tmp_path / "sites.csv").write_text(
            "网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
            f"示例县人民政府,{county.url('/')},绵阳,县级门户,5132000001\n"
            f"示例市人民政府,{city.url('/')},绵阳,市级门户,5107000001\n"
            f"示例区人民政府,{district.url('/')},绵阳,县级门户,5107030001\n", encoding="utf-8")
        config = tmp_path / "config.toml"
        assert run(config, "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
        shown = run(config, "check", county.url("/"), "--as-of", "2022-12-28T10:00")
        checks = {name: run(config, "check", name, "--as-of", "2022-12-28T10:00", "--json")
                  for name in ("示例市人民政府", "示例区人民政府")}
        stored = run(config, "findings", "list", "--json")
        report = run(config, "report", "--quarter", "2022Q4", "--out", str(tmp_path / "reports"), "-f", "md")
        city_hits = dict(city.hits)
    assert shown.exit_code == 1, shown.output
    county = [f for f in json.loads(stored.stdout) if f["subject"] == "示例县人民政府"]
    letters = [f for f in county if f["rule"] == "no_interaction"]
    assert [(f["severity"], f["wording"]) for f in letters] == [("veto", "互动回应差")]
    evidence = letters[0]["evidence"]
    assert (evidence["channel"], evidence["count"], evidence["letters_in_window"], evidence["replied_in_window"]) == (
        "县长信箱", 1, 4, 2)
    assert evidence["median_reply_days"] == 3  # replies after 4 and 2 days
    late = evidence["letters"][0]
    assert (late["asked"], late["days_waiting"], late["state"]) == ("2022-08-15", 135, "办理中")
    assert late["url"].endswith(UNANSWERED_PATH) and "139****4567" in late["title"]
    guides = [f for f in county if f["rule"] == "services_unusable"]
    assert [(f["wording"], f["evidence"]["url"].endswith(DEFICIENT_GUIDE)) for f in guides] == [
        ("办事指南重点要素缺失", True)]
    assert guides[0]["evidence"]["missing"] == ["设定依据", "申请条件", "办理材料", "办理机构", "收费标准",
                                                "办理时间", "办理流程"]
    for name in ("示例市人民政府",):  # every letter replied in days, complete guides: nothing
        out = checks[name].stdout
        assert _findings(out, "no_interaction") == [] and _findings(out, "services_unusable") == [], out
        assert not [f for f in _findings(out, "undetermined") if f["evidence"]["rule"] in (
            "no_interaction", "services_unusable")]
    assert city_hits["/zwfw/bszn_1.shtml"] == 1 and city_hits["/ldxx/index.shtml"] == 1  # each page fetched once
    district_out = checks["示例区人民政府"].stdout
    assert _findings(district_out, "no_interaction") == []
    unsure = [f["evidence"] for f in _findings(district_out, "undetermined") if f["evidence"]["rule"] == "no_interaction"]
    assert [e["reason"] for e in unsure] == ["互动栏目「在线咨询」留言列表由脚本加载，未能读取"]
    assert json.loads(district_out)["verdict"] == "未能判断"
    text = "".join(shown.stdout.replace("│", "").split())
    assert "超过90天未回复1件" in text and "缺少7项重点要素" in text, shown.stdout
    assert "13981234567" not in shown.stdout + stored.stdout
    assert report.exit_code in (0, 1), report.output
    markdown = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").rglob("*.md"))
    row = next(line for line in markdown.splitlines() if "示例县人民政府" in line and "互动回应差" in line)
    assert "办事指南重点要素缺失" in row
