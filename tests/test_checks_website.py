"""The website rules judged on hand-made observations: each threshold from both sides."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from monitor.checks.website import evaluate_site
from monitor.models import Severity, Website
from monitor.observations import (
    ColumnObservation,
    DeadLink,
    ExternalVerdict,
    FooterIdentity,
    JiucuoEntry,
    LinkObservation,
    ListingItem,
    PageFailure,
    SiteObservation,
    WordingMatch,
)
from tests.conftest import shanghai

AS_OF = shanghai(2022, 12, 28)
TODAY = AS_OF.date()
SITE = Website(name="示例市人民政府", url="http://www.example.gov.cn/", region="成都", kind="市级门户",
               site_code="5101000001", id=1)
GOOD_FOOTER = FooterIdentity(site_code="5101000001", icp="蜀ICP备00000001号", gongan="51010402000001", conac=True)


def item(days_ago: int | None, title: str = "消息") -> ListingItem:
    day = None if days_ago is None else TODAY - timedelta(days=days_ago)
    return ListingItem(title=title, url=f"http://www.example.gov.cn/a/{title}.html", date=day, date_source="list")


def column(name: str, category: str, days_ago: int | None, *, level: int = 1, **extra: object) -> ColumnObservation:
    items = [item(days_ago, name)] if days_ago is not None or not extra.get("blank") else []
    return ColumnObservation(name=name, url=f"http://www.example.gov.cn/{name}/", level=level, category=category,
                             fetched=extra.pop("fetched", True), items=items, item_count=len(items), **extra)  # type: ignore[arg-type]


def observation(**changes: object) -> SiteObservation:
    obs = SiteObservation(
        url=SITE.url, observed_at=AS_OF, homepage_ok=True, homepage_items=[item(1)],
        jiucuo=[JiucuoEntry(SITE.url, True, "script", "5101000001")], footer=GOOD_FOOTER,
    )
    for key, value in changes.items():
        setattr(obs, key, value)
    return obs


def rules_found(obs: SiteObservation, rulebook, site: Website = SITE) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in evaluate_site(obs, site, rulebook, AS_OF).findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def test_healthy_site_has_no_findings(rulebook):
    assert rules_found(observation(columns=[column("工作动态", "news", 3)]), rulebook) == {}


@pytest.mark.parametrize(("days", "expected"), [(10, None), (11, Severity.WARNING), (14, Severity.WARNING),
                                                (15, Severity.VETO)])
def test_homepage_stale_boundaries(rulebook, days, expected):
    found = rules_found(observation(homepage_items=[item(days)]), rulebook)
    if expected is None:
        assert "homepage_stale" not in found
    else:
        assert [f.severity for f in found["homepage_stale"]] == [expected]
        assert found["homepage_stale"][0].evidence["days_since_update"] == days


def test_homepage_without_dated_items_is_judged_on_second_level_pages(rulebook):
    obs = observation(homepage_items=[item(None)], homepage_is_entrance=True,
                      columns=[column("工作动态", "news", 2)])
    assert "homepage_stale" not in rules_found(obs, rulebook)
    obs.columns = [column("工作动态", "news", 40)]
    finding = rules_found(obs, rulebook)["homepage_stale"][0]
    assert finding.severity == Severity.VETO
    assert finding.evidence["judged_on"].startswith("二级页面")


def test_homepage_with_no_dates_anywhere_is_undetermined_never_a_veto(rulebook):
    found = rules_found(observation(homepage_items=[item(None)], homepage_is_entrance=True,
                                    columns=[column("工作动态", "news", None, blank=False)]), rulebook)
    assert "homepage_stale" not in found
    [unsure] = found["undetermined"]
    assert unsure.severity == Severity.WARNING and unsure.wording == "未能判断"
    assert unsure.key == f"homepage_stale:{SITE.url}"
    assert unsure.evidence["rule"] == "homepage_stale" and unsure.evidence["url"] == SITE.url
    assert unsure.evidence["reason"] == "未读到任何带日期的条目"


def test_an_undetermined_rule_is_left_out_of_the_checked_rules(rulebook):
    judged = evaluate_site(observation(homepage_items=[]), SITE, rulebook, AS_OF)
    assert "homepage_stale" not in judged.checked_rules
    assert "undetermined" in judged.checked_rules and "dead_links" in judged.checked_rules
    assert "homepage_stale" in evaluate_site(observation(), SITE, rulebook, AS_OF).checked_rules


def test_the_verdict_names_an_undetermined_veto_rule_and_ignores_other_ones(rulebook):
    from monitor.checks.undetermined import undetermined
    from monitor.models import verdict

    unsure = rulebook.rule("undetermined")
    footer = undetermined(unsure, rulebook.rule("footer_identity"), "页面超过大小上限被截断", SITE.url)
    stale = undetermined(unsure, rulebook.rule("homepage_stale"), "未读到任何带日期的条目", SITE.url)
    assert verdict([footer]) == "合格"
    assert verdict([footer, stale]) == "未能判断"
    veto = rules_found(observation(homepage_items=[item(30)]), rulebook)["homepage_stale"]
    assert verdict([stale, *veto]) == "不合格"


def stale_set(news: int, notices: int, fresh: int = 3) -> list[ColumnObservation]:
    columns = [column(f"动态{i}", "news", 15) for i in range(news)]
    columns += [column(f"通知{i}", "notice", 200) for i in range(notices)]
    columns += [column(f"要闻{i}", "news", 14) for i in range(fresh)]
    return columns


def test_stale_columns_four_is_under_the_line(rulebook):
    assert "stale_columns" not in rules_found(observation(columns=stale_set(2, 2)), rulebook)


def test_stale_columns_five_news_and_notice_together_is_a_veto(rulebook):
    finding = rules_found(observation(columns=stale_set(3, 2)), rulebook)["stale_columns"][0]
    assert finding.severity == Severity.VETO and finding.wording == "多个栏目不更新"
    assert finding.evidence["count"] == 5
    assert {c["column"] for c in finding.evidence["stale_columns"]} == {"动态0", "动态1", "动态2", "通知0", "通知1"}


def test_notice_columns_count_only_at_first_level_and_after_six_months(rulebook):
    columns = [column(f"通知{i}", "notice", 200, level=2) for i in range(5)]
    columns += [column(f"公告{i}", "notice", 180) for i in range(5)]
    assert "stale_columns" not in rules_found(observation(columns=columns), rulebook)


def test_columns_with_only_undated_items_are_undetermined_never_stale(rulebook):
    columns = [column(f"动态{i}", "news", None, undated_count=3) for i in range(3)]
    columns += [column(f"要闻{i}", "news", 30) for i in range(2)]
    for c in columns[:3]:
        c.items = [item(None, c.name)]
        c.item_count = 1
    found = rules_found(observation(columns=columns), rulebook)
    assert "stale_columns" not in found
    [unsure] = [f for f in found["undetermined"] if f.evidence["rule"] == "stale_columns"]
    assert unsure.evidence["columns"] == ["动态0", "动态1", "动态2"] and unsure.evidence["count"] == 2
    assert "stale_columns" not in evaluate_site(observation(columns=columns), SITE, rulebook, AS_OF).checked_rules


def test_unreadable_columns_that_could_reach_the_blank_line_are_undetermined(rulebook):
    blank = [column(f"空{i}", "news", None, blank=True, blank_reason="暂无信息") for i in range(3)]
    scripted = [column(f"脚本{i}", "notice", None, fetched=False, status=200, failure=PageFailure("list loaded by script: not readable without a browser"))
                for i in range(2)]
    found = rules_found(observation(columns=blank + scripted), rulebook)
    assert "blank_columns" not in found
    assert {f.evidence["rule"] for f in found["undetermined"]} >= {"blank_columns"}
    missing = [column(f"无{i}", "notice", None, fetched=False, status=404, failure=PageFailure("http_status", 404)) for i in range(2)]
    assert "undetermined" not in rules_found(observation(columns=blank + missing), rulebook)  # 404: not blank


def test_special_and_static_columns_never_go_stale(rulebook):
    columns = [column(f"专题{i}", "special", 900) for i in range(5)] + [column(f"职能{i}", "static", 900) for i in range(5)]
    assert rules_found(observation(columns=columns), rulebook) == {}


def test_stale_columns_long_needs_ten_yearly_columns(rulebook):
    nine = [column(f"人事{i}", "should_update", 400) for i in range(9)]
    assert "stale_columns_long" not in rules_found(observation(columns=nine), rulebook)
    ten = nine + [column("统计信息", "should_update", 366)]
    assert rules_found(observation(columns=ten), rulebook)["stale_columns_long"][0].evidence["count"] == 10


def test_blank_columns_threshold_and_no_double_counting_as_stale(rulebook):
    blank = [column(f"栏目{i}", "news", None, blank=True, blank_reason="暂无信息") for i in range(4)]
    assert rules_found(observation(columns=blank), rulebook) == {}
    blank.append(column("栏目9", "notice", None, blank=True, blank_reason="建设中"))
    found = rules_found(observation(columns=blank), rulebook)
    assert found["blank_columns"][0].evidence["count"] == 5
    assert "stale_columns" not in found


def test_unfetched_column_is_its_own_finding_not_blank(rulebook):
    columns = [column(f"栏目{i}", "news", None, fetched=False, status=500, failure=PageFailure("http_status", 500)) for i in range(6)]
    found = rules_found(observation(columns=columns), rulebook)
    assert "blank_columns" not in found and "stale_columns" not in found
    assert found["fetch_failed"][0].evidence["count"] == 6


def link(href: str, hidden: str = "") -> LinkObservation:
    return LinkObservation(page_url=SITE.url, href=href, text="链接", hidden=hidden, snippet="<a>")


def test_hidden_link_to_listed_domain_is_a_dark_link(rulebook):
    obs = observation(links=[link("http://www.12bet.com/", "display:none")],
                      external={"www.12bet.com": ExternalVerdict("www.12bet.com", listed="gambling")})
    finding = rules_found(obs, rulebook)["illegal_links"][0]
    assert finding.wording == "存在网站暗链" and finding.key == "hidden"
    assert finding.evidence["techniques"] == ["display:none"]


def test_visible_link_to_high_scoring_page_is_an_illegal_link(rulebook):
    verdict = ExternalVerdict("bad.example", fetched=True, title="娱乐城", score=6, keywords=("娱乐城", "百家乐"))
    obs = observation(links=[link("http://bad.example/x")], external={"bad.example": verdict})
    finding = rules_found(obs, rulebook)["illegal_links"][0]
    assert finding.wording == "链接非法网站" and finding.evidence["links"][0]["keywords"] == ["娱乐城", "百家乐"]


def test_benign_and_low_scoring_links_are_never_flagged(rulebook):
    obs = observation(
        links=[link("http://www.hanweb.com/", "display:none"), link("http://shop.example/")],
        external={"www.hanweb.com": ExternalVerdict("www.hanweb.com", benign=True),
                  "shop.example": ExternalVerdict("shop.example", fetched=True, score=2, keywords=("下注",))},
    )
    assert "illegal_links" not in rules_found(obs, rulebook)


def test_missing_or_hidden_jiucuo_entry(rulebook):
    absent = observation(jiucuo=[JiucuoEntry(SITE.url, False)])
    assert rules_found(absent, rulebook)["missing_jiucuo"][0].evidence["home_present"] is False
    hidden = observation(jiucuo=[JiucuoEntry(SITE.url, True, "link", "5101000001", visible=False)])
    assert rules_found(hidden, rulebook)["missing_jiucuo"][0].evidence["home_visible"] is False


def test_jiucuo_missing_on_inner_pages_reports_the_share(rulebook):
    entries = [JiucuoEntry(SITE.url, True, "script", "5101000001")]
    entries += [JiucuoEntry(f"{SITE.url}p{i}", i < 3, "script", "5101000001") for i in range(4)]
    finding = rules_found(observation(jiucuo=entries), rulebook)["missing_jiucuo"][0]
    assert finding.evidence["inner_pages_without"] == 1 and finding.evidence["inner_share_without"] == 0.25


def test_jiucuo_code_must_equal_registered_code(rulebook):
    obs = observation(jiucuo=[JiucuoEntry(SITE.url, True, "script", "5101000002")])
    finding = rules_found(obs, rulebook)["jiucuo_code_mismatch"][0]
    assert finding.evidence["pages"][0]["entry_code"] == "5101000002"
    assert finding.severity == Severity.DEDUCTION


def test_serious_wording_dead_links_and_footer(rulebook):
    obs = observation(
        wording=[WordingMatch(SITE.url, "台湾国", "台湾地区", "……台湾国……")],
        dead_links=[DeadLink("http://www.example.gov.cn/gone.html", "http_status", 404, (SITE.url,))],
        footer=FooterIdentity(site_code="5101000001"),
    )
    found = rules_found(obs, rulebook)
    assert found["serious_wording"][0].severity == Severity.VETO
    assert found["dead_links"][0].evidence["links"][0]["status"] == 404
    assert found["footer_identity"][0].evidence["missing"] == ["ICP备案编号", "公安机关备案号", "党政机关网站标识"]


def test_unreachable_home_page_judges_nothing_else(rulebook):
    judgement = evaluate_site(observation(homepage_ok=False, homepage_failure=PageFailure("timeout")), SITE, rulebook, AS_OF)
    assert [f.rule for f in judgement.findings] == ["fetch_failed"]
    assert judgement.checked_rules == ("fetch_failed",)


def test_thresholds_come_from_rules_data(tmp_path, rulebook):
    import shutil

    from monitor.rulebook import Rulebook

    shutil.copytree(rulebook.directory, tmp_path / "rules")
    path = tmp_path / "rules" / "rules.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("veto_count = 5             # 动态要闻",
                                                              "veto_count = 4             # 动态要闻"), encoding="utf-8")
    edited = Rulebook(tmp_path / "rules")
    assert "stale_columns" in rules_found(observation(columns=stale_set(2, 2)), edited)
    assert date(2022, 12, 28) == TODAY


def test_a_broken_certificate_is_recorded_on_each_finding(rulebook):
    obs = observation(homepage_items=[item(30)], tls_error="certificate has expired")
    finding = rules_found(obs, rulebook)["homepage_stale"][0]
    assert finding.evidence["tls_certificate"] == "certificate has expired"
    from monitor.evidence import describe_evidence

    assert any(line.startswith("网站证书问题") and "expired" in line for line in describe_evidence(finding))
