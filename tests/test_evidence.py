"""Evidence in Chinese lines (monitor/evidence.py), from the evidence dicts the rules really build."""

from __future__ import annotations

from datetime import timedelta

from monitor.checks import website as rules
from monitor.checks.accounts import AccountObservation, evaluate_account
from monitor.checks.availability import ProbeRow, evaluate_availability
from monitor.evidence import RENDERERS, describe_evidence, failure_words
from monitor.models import Finding, Severity, Source, SubjectKind
from monitor.observations import (
    ColumnObservation,
    DeadLink,
    ExternalVerdict,
    FooterIdentity,
    JiucuoEntry,
    LinkObservation,
    ListingItem,
    PageFailure,
    WordingMatch,
)
from tests.conftest import shanghai
from tests.test_checks_website import AS_OF, SITE, TODAY, column, observation

BASE = "http://www.example.gov.cn"


def categories(rulebook) -> dict:
    return {c.name: c for c in rulebook.column_categories}


def one(findings: list[Finding], key: str = "") -> Finding:
    (found,) = [f for f in findings if f.key == key]
    return found


def test_stale_columns_one_line_per_column_after_the_count(rulebook):
    news = ColumnObservation(
        name="工作动态", url=f"{BASE}/gzdt/index.shtml", level=1, category="news", fetched=True, item_count=1,
        items=[ListingItem("工作动态：召开全市安全生产工作会议暨第四季度防范重特大事故会议", f"{BASE}/gzdt/1.shtml",
                           TODAY - timedelta(days=27), "list")])
    others = [column(f"动态{i}", "news", 20 + i) for i in range(4)]
    finding = one(rules.stale_columns([news, *others], categories(rulebook), rulebook.rule("stale_columns"), TODAY))
    lines = describe_evidence(finding)
    assert lines[0] == "不更新栏目 5 个（否决线 5 个）"
    assert lines[1] == ("栏目「工作动态」（动态要闻类，一级）最新信息 2022-12-01「工作动态：召开全市安全生产工作会议暨第四季度防范重特大事故会…」，"
                        f"已 27 天未更新（要求 14 天内更新）：{BASE}/gzdt/index.shtml")
    assert lines[2].startswith("栏目「动态0」（动态要闻类，一级）最新信息 2022-12-08")
    assert len(lines) == 6 and not any("{" in line or "stale_columns" in line for line in lines)


def test_stale_columns_long_counts_yearly_columns(rulebook):
    columns = [column(f"规划{i}", "should_update", 400) for i in range(10)]
    finding = one(rules.stale_columns_long(columns, categories(rulebook), rulebook.rule("stale_columns_long"), TODAY))
    lines = describe_evidence(finding)
    assert lines[0] == "应更新但长期未更新栏目 10 个（否决线 10 个）" and len(lines) == 11
    assert lines[1].startswith("栏目「规划0」（应更新类，一级）最新信息 2021-11-23「规划0」，已 400 天未更新")


def test_homepage_stale_and_its_warning(rulebook):
    finding = one(rules.homepage_stale(observation(homepage_items=[ListingItem(
        "市政府召开常务会议", f"{BASE}/a.html", TODAY - timedelta(days=30), "list")]),
        rulebook.rule("homepage_stale"), TODAY,
        rulebook.rule("undetermined")))
    assert describe_evidence(finding) == [
        f"首页最新信息 2022-11-28「市政府召开常务会议」，已 30 天未更新（要求 14 天内更新）：{BASE}/a.html",
        f"判断依据：识别到带日期的信息 1 条，日期取自列表日期；网站首页 {BASE}/"]
    warning = one(rules.homepage_stale(observation(homepage_items=[ListingItem(
        "会议", f"{BASE}/b.html", TODAY - timedelta(days=12), "pubdate")]), rulebook.rule("homepage_stale"), TODAY,
        rulebook.rule("undetermined")))
    assert describe_evidence(warning)[0].startswith("【预警】首页最新信息 2022-12-16「会议」，已 12 天未更新")
    nothing = one(rules.homepage_stale(observation(homepage_items=[]), rulebook.rule("homepage_stale"), TODAY,
                                       rulebook.rule("undetermined")), key=f"homepage_stale:{BASE}/")
    assert nothing.rule == "undetermined"
    assert describe_evidence(nothing)[0] == f"无法判断「首页不更新」：未读到任何带日期的条目：{BASE}/"


def test_blank_columns_translate_english_reasons(rulebook):
    blank = [column(f"栏目{i}", "news", None, blank=True, blank_reason=reason)
             for i, reason in enumerate(["暂无信息", "empty list", "empty page", "空列表", ""])]
    blank[0].name = "规划计划"
    finding = one(rules.blank_columns(blank, rulebook.rule("blank_columns")))
    assert describe_evidence(finding) == [
        "空白栏目 5 个（否决线 5 个）", f"栏目「规划计划」空白（暂无信息）：{BASE}/栏目0/",
        f"栏目「栏目1」空白（空列表）：{BASE}/栏目1/", f"栏目「栏目2」空白（空页面）：{BASE}/栏目2/",
        f"栏目「栏目3」空白（空列表）：{BASE}/栏目3/", f"栏目「栏目4」空白（空列表）：{BASE}/栏目4/"]


def test_fetch_failed_home_page_and_columns(rulebook):
    spec = rulebook.rule("fetch_failed")
    home = rules.evaluate_site(observation(homepage_ok=False, homepage_failure=PageFailure("timeout", detail="read timed out")), SITE,
                               rulebook, AS_OF).findings[0]
    assert describe_evidence(home) == [f"网站首页无法打开（超时：read timed out）：{BASE}/", "检查时间：2022-12-28 10:00"]
    failed = [column("信息公开", "news", None, fetched=False, status=404, failure=PageFailure("http_status", 404, "Not Found")),
              column("专题", "news", None, fetched=False,
                     failure=PageFailure("list loaded by script: not readable without a browser"))]
    lines = describe_evidence(one(rules.unfetched_columns(failed, spec), "columns"))
    assert lines == ["无法打开的栏目 2 个", f"栏目「信息公开」无法打开（HTTP错误 404：Not Found）：{BASE}/信息公开/",
                     f"栏目「专题」无法打开（列表由脚本加载，需用浏览器人工核查）：{BASE}/专题/"]


def test_illegal_links_hidden_listed_and_visible_scored(rulebook):
    obs = observation(
        links=[LinkObservation(f"{BASE}/", "http://www.188bet.com/", "188金宝博", hidden="display:none"),
               LinkObservation(f"{BASE}/yqlj.html", "http://casino.example/", "娱乐", snippet="<a>娱乐</a>")],
        external={"www.188bet.com": ExternalVerdict("www.188bet.com", listed="illegal_domains"),
                  "casino.example": ExternalVerdict("casino.example", fetched=True, title="澳门娱乐城官网", score=12,
                                                    keywords=("娱乐城", "百家乐"))})
    found = rules.illegal_links(obs, rulebook.rule("illegal_links"))
    assert describe_evidence(one(found, "hidden")) == [
        "暗链 1 个（隐藏方式：display:none）",
        f"隐藏链接（display:none）指向 http://www.188bet.com/（列入非法域名名单）；所在页面 {BASE}/；锚文本「188金宝博」"]
    assert describe_evidence(one(found, "visible")) == [
        "指向非法网站的链接 1 个",
        "链接指向 http://casino.example/（目标页面标题「澳门娱乐城官网」，命中关键词：娱乐城、百家乐，得分 12）；"
        f"所在页面 {BASE}/yqlj.html；锚文本「娱乐」"]


def test_missing_jiucuo_and_code_mismatch(rulebook):
    pages = [JiucuoEntry(f"{BASE}/p{i}.html", i % 2 == 0, "script", "5101000002") for i in range(4)]
    obs = observation(jiucuo=[JiucuoEntry(f"{BASE}/", True, "script", "5101000001", visible=False), *pages])
    assert describe_evidence(one(rules.missing_jiucuo(obs, rulebook.rule("missing_jiucuo")))) == [
        f"首页“我为政府网站找错”入口存在但被隐藏：{BASE}/", "抽查内页 4 个，其中 2 个无入口（占 50.0%）",
        f"无入口页面：{BASE}/p1.html", f"无入口页面：{BASE}/p3.html"]
    mismatch = one(rules.jiucuo_code_mismatch(obs, SITE, rulebook.rule("jiucuo_code_mismatch")))
    assert describe_evidence(mismatch) == [
        "注册网站标识码 5101000001，找错入口标识码不一致的页面 2 个",
        f"入口标识码 5101000002（脚本引入）：{BASE}/p0.html", f"入口标识码 5101000002（脚本引入）：{BASE}/p2.html"]


def test_serious_wording_dead_links_and_footer(rulebook):
    obs = observation(
        wording=[WordingMatch(f"{BASE}/a.html", "中华人民共和国国务院办公室", "国务院办公厅",
                              "由【中华人民共和国国务院办公室】印发。", "国家、地区、机构名称错误")],
        dead_links=[DeadLink(f"{BASE}/old.html", "http_404", 404, (f"{BASE}/", f"{BASE}/b.html")),
                    DeadLink("http://gone.example.cn/", "dns", None, (f"{BASE}/yqlj.html",))],
        footer=FooterIdentity(site_code="5101000009", icp="蜀ICP备1号"))
    assert describe_evidence(one(rules.serious_wording(obs, rulebook.rule("serious_wording")),
                                 "term:中华人民共和国国务院办公室")) == [
        "表述错误「中华人民共和国国务院办公室」，应为「国务院办公厅」（国家、地区、机构名称错误），共 1 处",
        f"由【中华人民共和国国务院办公室】印发。（{BASE}/a.html）"]
    assert describe_evidence(one(rules.dead_links(obs, rulebook.rule("dead_links")))) == [
        "错链、断链 2 个", f"{BASE}/old.html 无法打开（HTTP错误 404）；所在页面：{BASE}/、{BASE}/b.html",
        f"http://gone.example.cn/ 无法打开（域名解析失败）；所在页面：{BASE}/yqlj.html"]
    assert describe_evidence(one(rules.footer_identity(obs, SITE, rulebook.rule("footer_identity")))) == [
        f"网站底部缺少：公安机关备案号、党政机关网站标识：{BASE}/", "底部网站标识码 5101000009 与注册的 5101000001 不一致"]


def test_unreachable_lists_failures_in_chinese(rulebook):
    start = shanghai(2022, 12, 21, 11)
    outcomes = ["dns", "connect", "tls", "timeout", "http_status", "empty"]
    probes = [ProbeRow(at=start + timedelta(hours=i), outcome="ok") for i in range(140)]
    probes += [ProbeRow(at=start + timedelta(hours=i, minutes=30), outcome=o, status=503 if o == "http_status" else None,
                        error="Connection refused" if o == "connect" else "")
               for i, o in enumerate(outcomes * 2)]
    probes.append(ProbeRow(at=start, outcome="timeout", discarded=True, discard_reason="outage"))
    (finding,) = evaluate_availability(probes, rulebook.rule("unreachable"), AS_OF, subject_id=1)
    lines = describe_evidence(finding)
    assert lines[:3] == ["近 7 天监测 152 次，失败 12 次，失败率 7.9%（否决线 5%，预警线 3%），判定：否决",
                         "监测时段：2022-12-21 10:00 至 2022-12-28 10:00", "另有 1 次因监测方网络故障作废，不计入"]
    assert len(lines) == 15 and lines[3:9] == ["2022-12-21 11:30 域名解析失败", "2022-12-21 12:30 连接失败：Connection refused",
                           "2022-12-21 13:30 证书/TLS错误", "2022-12-21 14:30 超时", "2022-12-21 15:30 HTTP错误 503",
                           "2022-12-21 16:30 空页面"]


def test_account_stale_latest_post_pinned_and_empty(rulebook):
    spec = rulebook.rule("account_stale")
    seen = AccountObservation(
        account_id=1, checked_at=AS_OF, outcome="ok", source_kind="weibo", source="weibo:2222222222",
        latest_post_at=shanghai(2022, 11, 23, 9, 5), latest_title="全省应急管理工作会议召开",
        latest_url="https://weibo.com/2222222222/abc", pinned_ignored=1, pinned_latest_at=shanghai(2022, 12, 20))
    (finding,) = evaluate_account(seen, spec, AS_OF).findings
    assert describe_evidence(finding) == [
        "最近发布 2022-11-23 09:05「全省应急管理工作会议召开」，已 35 天未更新（要求 14 天内更新）："
        "https://weibo.com/2222222222/abc",
        "已忽略置顶内容 1 条（置顶不计入更新）", "置顶内容最近发布于 2022-12-20 10:00，不计入更新",
        "核查依据：微博接口（weibo:2222222222），检查于 2022-12-28 10:00"]
    zombie = AccountObservation(account_id=1, checked_at=AS_OF, outcome="ok", source_kind="feed",
                                latest_post_at=shanghai(2022, 1, 1))
    assert "，属僵尸账号" in describe_evidence(evaluate_account(zombie, spec, AS_OF).findings[0])[0]
    empty = AccountObservation(account_id=1, checked_at=AS_OF, outcome="ok", source_kind="manual", source="人工")
    assert describe_evidence(evaluate_account(empty, spec, AS_OF).findings[0]) == [
        "未发现任何发布内容（空壳账号）", "核查依据：人工核查记录（人工），检查于 2022-12-28 10:00"]


def test_manual_finding_shows_url_snippet_and_note():
    finding = Finding("serious_wording", Severity.VETO, "严重表述错误", {"url": f"{BASE}/news/1.html",
                      "snippet": "错误表述"}, source=Source.MANUAL, note="截图已存档")
    assert describe_evidence(finding) == [f"问题内容「错误表述」：{BASE}/news/1.html", "复核意见：截图已存档"]


def test_limit_keeps_the_summary_and_says_how_many(rulebook):
    links = [DeadLink(f"{BASE}/{i}.html", "http_404", 404, (f"{BASE}/",)) for i in range(60)]
    finding = one(rules.dead_links(observation(dead_links=links), rulebook.rule("dead_links")))
    finding.note = "已通知"
    lines = describe_evidence(finding, limit=5)
    assert lines[0] == "错链、断链 60 个" and lines[1].startswith(f"{BASE}/0.html ")
    assert lines[-2:] == ["……共 60 项", "复核意见：已通知"] and len(lines) == 6
    full = describe_evidence(finding)  # the evidence lists 50 of 60: the count stays exact
    assert len(full) == 1 + rules.EVIDENCE_LIST_CAP + 2 and full[-2] == "……共 60 项"
    assert describe_evidence(finding, limit=100) == full


def test_fallback_for_unknown_rules_and_keys():
    finding = Finding("tampered", Severity.VETO, "页面被挂马、内容被篡改", {
        "url": f"{BASE}/", "checked_at": "2022-12-28T10:00:00+08:00", "flagged": True,
        "columns": [{"name": "通知公告", "last": "2022-01-01"}], "pages": [f"{BASE}/a.html", f"{BASE}/b.html"],
        "script_hash": "ab12"})
    assert describe_evidence(finding) == [
        f"网址：{BASE}/", "检查时间：2022-12-28 10:00", "flagged：是", "script_hash：ab12",
        "栏目：名称 通知公告；最近更新 2022-01-01", f"页面：{BASE}/a.html", f"页面：{BASE}/b.html"]
    # a known rule with evidence of another shape still shows everything, never JSON
    odd = Finding("stale_columns", Severity.VETO, "多个栏目不更新", {"columns": ["通知公告", "政策文件"], "url": BASE})
    assert describe_evidence(odd) == [f"网址：{BASE}", "栏目：通知公告", "栏目：政策文件"]
    assert describe_evidence(Finding("homepage_stale", Severity.VETO, "首页不更新")) == []
    broken = Finding("unreachable", Severity.VETO, "站点无法访问", {"total": "many", "window": 3, "failures": [1]})
    assert all("{" not in line for line in describe_evidence(broken))


def test_every_rule_with_evidence_has_a_renderer(rulebook):
    assert set(rules.CRAWL_RULES) | {"unreachable", "account_stale"} <= set(RENDERERS)
    assert set(RENDERERS) <= set(rulebook.rule_ids)


def test_lines_do_not_depend_on_key_order():
    evidence = {"b_key": 1, "url": "u", "a_key": [1, 2], "note": "n"}
    reordered = dict(reversed(list(evidence.items())))
    make = lambda ev: Finding("x", Severity.WARNING, "w", ev, subject_kind=SubjectKind.ACCOUNT)  # noqa: E731
    assert describe_evidence(make(evidence)) == describe_evidence(make(reordered))


def test_a_recorded_failure_is_worded_from_its_fields_and_kept_as_one_line_for_scripts():
    cases = [
        (PageFailure("http_status", 500, "HTTP 500"), "http_status 500: HTTP 500", "HTTP错误 500"),
        (PageFailure("redirects", 301, "more than 5 redirects"), "redirects 301: more than 5 redirects",
         "重定向过多 301：more than 5 redirects"),
        (PageFailure("list loaded by script: the browser could not render it", detail="page crashed"),
         "list loaded by script: the browser could not render it: page crashed", "列表由脚本加载，浏览器渲染失败：page crashed"),
        (PageFailure(detail="site check over its deadline of 1 s"), "site check over its deadline of 1 s",
         "site check over its deadline of 1 s"),
    ]
    for failure, line, words in cases:
        assert failure.text() == line
        assert failure_words({"kind": failure.kind, "status": failure.status, "detail": failure.detail}) == words
