"""Blank Hanweb lists, lists read from the source the page names, and single content pages."""

from __future__ import annotations

import asyncio

from crawl_fakes import AS_OF, SITE, FakeFetcher, page, rulebook, settings, website
from hanweb_pages import content_page, dataproxy_answer, jpage_column, jpage_scripted_column

from monitor.checks.website import evaluate_site
from monitor.crawl import SiteCrawler
from monitor.extract.list_sources import says_empty, source_urls
from monitor.observations import ColumnObservation, SiteObservation

NAV = ["工作动态", "通知公告", "政策文件", "人事信息", "统计信息", "规划计划", "领导信息", "机构职能"]
PATHS = {name: f"/col/col{4000 + i}/index.html" for i, name in enumerate(NAV)}


def home() -> str:
    links = "".join(f'<li><a href="{PATHS[name]}">{name}</a></li>' for name in NAV)
    return page("示例县人民政府", f'<div class="menu"><ul>{links}</ul></div>'
                '<ul class="list"><li><a href="/art/2024/6/8/art_1_1.html">县政府召开常务会议</a><span>2024-06-08</span></li></ul>')


def crawl(pages: dict) -> SiteObservation:
    fetcher = FakeFetcher({f"{SITE}/": (200, home()), **{f"{SITE}{path}": value for path, value in pages.items()}})
    return asyncio.run(SiteCrawler(fetcher, rulebook(), settings(articles_per_column=0)).crawl(website(), AS_OF))


def column(obs: SiteObservation, name: str) -> ColumnObservation:
    (found,) = [c for c in obs.columns if c.url == f"{SITE}{PATHS[name]}"]
    return found


def test_empty_hanweb_datastores_are_blank_never_unreadable():
    blank = {PATHS[name]: (200, page(name, jpage_column(str(4000 + i), [], total=0))) for i, name in enumerate(NAV[:6])}
    obs = crawl(blank)
    for name in NAV[:6]:
        col = column(obs, name)
        assert col.fetched and col.blank and col.blank_reason == "列表数据为空（总数为0）", col
    found = {f.rule: f for f in evaluate_site(obs, website(), rulebook(), AS_OF).findings}
    assert found["blank_columns"].evidence["count"] == 6
    failed = [c["url"] for c in found["fetch_failed"].evidence["columns"]]  # the pages this fake does not serve
    assert not set(failed) & {f"{SITE}{PATHS[name]}" for name in NAV[:6]}


def test_zero_totals_say_empty_and_a_filled_datastore_does_not():
    assert says_empty('<script>jpageInit("3975", 15, 0)</script>')
    assert says_empty("<script>var totalRecord_3975 = 0;</script>")
    assert not says_empty('<script>var totalRecord_3975 = 20; jpageInit("3975", 15, 20)</script>')
    assert not says_empty(jpage_column("1", [("/a.html", "标题", "2024-06-01")]))


def test_a_list_its_page_loads_from_the_data_proxy_is_read_without_a_browser():
    proxy = f"{SITE}/module/web/jpage/dataproxy.jsp"
    [url] = source_urls(jpage_scripted_column("4000"), f"{SITE}{PATHS['工作动态']}")
    assert url.startswith(proxy) and "columnid=4000" in url and "startrecord=1" in url
    answer = dataproxy_answer([("/art/2024/6/5/art_4000_1.html", "全县安全生产工作会议召开", "2024-06-05")])
    obs = crawl({PATHS["工作动态"]: (200, page("工作动态", jpage_scripted_column("4000"))),
                 url.removeprefix(SITE): (200, answer)})
    col = column(obs, "工作动态")
    assert col.fetched and not col.blank and col.newest is not None
    assert col.newest.date.isoformat() == "2024-06-05" and col.newest.url == f"{SITE}/art/2024/6/5/art_4000_1.html"


def test_a_data_proxy_answering_no_records_makes_the_column_blank():
    [url] = source_urls(jpage_scripted_column("4001"), f"{SITE}{PATHS['通知公告']}")
    obs = crawl({PATHS["通知公告"]: (200, page("通知公告", jpage_scripted_column("4001"))),
                 url.removeprefix(SITE): (200, "<datastore><totalrecord>0</totalrecord><recordset></recordset></datastore>")})
    assert column(obs, "通知公告").blank


def test_a_json_list_named_in_the_page_is_read():
    body = '<ul id="list"></ul><script>$.getJSON("/data/tzgg.json", function (rows) { render(rows); });</script>'
    json_list = '{"total": 1, "rows": [{"title": "关于做好冬季防火工作的通知", "url": "/tzgg/1.html", "pubDate": "2024-06-03"}]}'
    obs = crawl({PATHS["通知公告"]: (200, page("通知公告", body)), "/data/tzgg.json": (200, json_list)})
    col = column(obs, "通知公告")
    assert col.fetched and col.newest is not None and col.newest.title == "关于做好冬季防火工作的通知"


def test_a_script_list_whose_source_cannot_be_read_stays_unreadable():
    obs = crawl({PATHS["通知公告"]: (200, page("通知公告", jpage_scripted_column("4001")))})  # proxy answers 404
    col = column(obs, "通知公告")
    assert not col.fetched and not col.blank and "script" in col.error


def test_single_content_pages_are_content_not_blank_nor_unreadable():
    text = ["县长：某某，主持县政府全面工作。负责审计、机构编制方面工作。分管县审计局。",
            "副县长：某某，负责发展改革、财政、统计方面工作。"]
    obs = crawl({PATHS["领导信息"]: (200, page("领导信息", content_page("县政府领导", text))),
                 PATHS["机构职能"]: (200, page("机构职能", content_page("主要职责", text, shown="2024-05-20")))})
    leaders, duties = column(obs, "领导信息"), column(obs, "机构职能")
    assert leaders.fetched and not leaders.blank and not leaders.error
    assert duties.fetched and not duties.blank and duties.newest is not None
    assert duties.newest.date.isoformat() == "2024-05-20"
    [failed] = [f for f in evaluate_site(obs, website(), rulebook(), AS_OF).findings if f.rule == "fetch_failed"]
    assert not {c["url"] for c in failed.evidence["columns"]} & {leaders.url, duties.url}
