"""The site crawler against an in-memory site: what it reads, what it skips, what it records."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from crawl_fakes import AS_OF, JIUCUO, SITE, Failure, FakeFetcher, listing, page, rulebook, settings, website

from monitor.crawl import SiteCrawler
from monitor.crawl.column_reader import MAX_ITEMS_KEPT
from monitor.fetch.result import Outcome
from monitor.observations import ColumnObservation, SiteObservation

HOME = page(
    "演示市人民政府",
    """
<div class="block"><div class="title"><h3>政策文件</h3><a class="more" href="/zcwj/">更多</a></div>"""
    + listing([("/zcwj/202406/t20240601_1.html", "关于印发演示市某某管理办法的通知", "2024-06-01")])
    + """</div>
<div class="block"><div class="title"><h3>活动日历</h3><a class="more" href="/hdrl/?date=2024-06-01">更多</a></div></div>
<div class="block"><div class="title"><h3>网上办事</h3><a class="more" href="/bsfw/;jsessionid=ABCDEF0123">更多</a></div></div>
<p><a href="/old/notice.html">旧版通知入口页面</a> <a href="/slow/report.html">年度报告下载页面</a></p>
<p><a href="http://spam.example.com/">友情链接一</a> <a href="http://www.hanweb.com" style="display:none">大汉网络</a></p>
<div style="display:none"><a href="http://www.10bet.com/">澳门赌场在线</a></div>
""",
)

GZDT = page(
    "工作动态",
    listing(
        [
            ("./t20240605_1.html", "市政府召开全市安全生产工作会议", "2024-06-05"),
            ("./t20240603_2.html", "市领导调研农业农村重点工作", "2024-06-03"),
        ],
        '<div class="page"><a href="index_1.html">下一页</a></div><a href="http://spam.example.com/">合作伙伴</a>',
    ),
)
BMDT = page(
    "部门动态",
    listing([("./t20230110_1.html", "市教育局部署寒假安全工作", "2023-01-10")]),
    footer="",
)
TZGG = page("通知公告", '<ul class="list"></ul><p>暂无信息</p>')
ZWGK = page(
    "政务公开",
    """<div class="side"><ul>
<li><a href="/zwgk/rsxx/">人事信息</a></li><li><a href="/zwgk/tjxx/">统计信息</a></li>
<li><a href="/zwgk/ghjh/">规划计划</a></li></ul></div>""",
)
RSXX = page(
    "人事信息", listing([("./t20240115_1.html", "演示市人民政府关于某某同志任职的通知", "2024-01-15")])
)
TJXX = page(
    "统计信息",
    listing(
        [
            ("./202405/a1.html", "演示市2024年4月份主要统计数据发布", ""),
            ("./202405/a2.html", "演示市2024年3月份主要统计数据发布", ""),
        ],
        '<div class="page"><a href="index_1.html">下一页</a></div>',
    ),
)
TJXX_2 = page("统计信息", listing([("./202401/a3.html", "演示市2023年全年主要统计数据发布", "2024-01-20")]))
GHJH = page(
    "规划计划",
    listing(
        [
            ("./202403/b1.html", "演示市国民经济和社会发展第十四个五年规划", ""),
            ("./202403/b2.html", "演示市国土空间总体规划（2021—2035年）", ""),
        ]
    ),
)
ARTICLE_B1 = page("规划", "<p>正文</p>", head='<meta name="PubDate" content="2024-03-08 09:30">')
CALENDAR = page(
    "活动日历",
    '<div class="side"><a href="/hdrl/?date=2024-06-02">六月二日活动</a></div>'
    + listing([("./t20240601_9.html", "六月一日全市活动安排一览表", "2024-06-01")]),
)
SPAM = (
    "<html><head><title>澳门百家乐 真人荷官</title></head><body>澳门赌场 百家乐 娱乐城 在线下注</body></html>"
)

PAGES: dict[str, tuple[int, str] | Failure] = {
    f"{SITE}/": (200, HOME),
    f"{SITE}/gzdt/": (200, GZDT),
    f"{SITE}/gzdt/index_1.html": (200, GZDT),
    f"{SITE}/bmdt/": (200, BMDT),
    f"{SITE}/tzgg/": (200, TZGG),
    f"{SITE}/zcwj/": (500, "<html><body>Internal Server Error</body></html>"),
    f"{SITE}/zwgk/": (200, ZWGK),
    f"{SITE}/zwgk/rsxx/": (200, RSXX),
    f"{SITE}/zwgk/tjxx/": (200, TJXX),
    f"{SITE}/zwgk/tjxx/index_1.html": (200, TJXX_2),
    f"{SITE}/zwgk/ghjh/": (200, GHJH),
    f"{SITE}/zwgk/ghjh/202403/b1.html": (200, ARTICLE_B1),
    f"{SITE}/hdrl/?date=2024-06-01": (200, CALENDAR),
    f"{SITE}/slow/report.html": Failure(Outcome.TIMEOUT, "read timed out"),
    "http://spam.example.com/": (200, SPAM),
}


async def crawl_demo(**changes: object) -> tuple[SiteObservation, FakeFetcher]:
    fetcher = FakeFetcher(PAGES)
    crawler = SiteCrawler(fetcher, rulebook(), settings(**changes))
    return await crawler.crawl(website(), AS_OF), fetcher


def column(obs: SiteObservation, path: str) -> ColumnObservation:
    matches = [c for c in obs.columns if c.url.rstrip("/").endswith(path.rstrip("/"))]
    assert matches, f"no column {path} in {[c.url for c in obs.columns]}"
    return matches[0]


@pytest.fixture
async def demo() -> tuple[SiteObservation, FakeFetcher]:
    return await crawl_demo()


async def test_home_page_items_footer_and_final_url(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, _ = demo
    assert obs.homepage_ok and obs.final_url == f"{SITE}/"
    assert [item.date for item in obs.homepage_items] == [date(2024, 6, 1)]
    assert not obs.homepage_is_entrance
    assert obs.footer.site_code == "9900000001"
    assert obs.observed_at == AS_OF


async def test_columns_found_in_menu_and_more_links_are_classified(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, _ = demo
    assert column(obs, "/gzdt/").category == "news" and column(obs, "/gzdt/").level == 1
    assert column(obs, "/zcwj/").name == "政策文件" and column(obs, "/zcwj/").category == "policy"
    assert column(obs, "/tzgg/").category == "notice"


async def test_sub_columns_of_a_hub_are_level_two(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, _ = demo
    rsxx = column(obs, "/zwgk/rsxx/")
    assert rsxx.level == 2 and rsxx.category == "should_update"
    assert rsxx.newest is not None and rsxx.newest.date == date(2024, 1, 15)
    assert not column(obs, "/zwgk/").blank  # a hub page is not a blank column


async def test_fresh_and_stale_columns_report_their_newest_dates(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, _ = demo
    gzdt, bmdt = column(obs, "/gzdt/"), column(obs, "/bmdt/")
    assert gzdt.newest is not None and gzdt.newest.date == date(2024, 6, 5)
    assert gzdt.item_count == 2 and gzdt.undated_count == 0
    assert bmdt.newest is not None and bmdt.newest.date == date(2023, 1, 10)


async def test_placeholder_page_is_a_blank_column(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, _ = demo
    tzgg = column(obs, "/tzgg/")
    assert tzgg.fetched and tzgg.blank and tzgg.blank_reason == "暂无信息" and tzgg.item_count == 0


async def test_column_answering_500_is_a_fetch_failure_not_a_blank_column(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, _ = demo
    zcwj = column(obs, "/zcwj/")
    assert not zcwj.fetched and not zcwj.blank
    assert zcwj.status == 500 and "http_status" in zcwj.error


async def test_next_page_is_read_only_when_the_first_page_has_no_dated_item(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, fetcher = demo
    read_pages = {entry.page_url for entry in obs.jiucuo}
    assert column(obs, "/gzdt/").pages_read == 1 and f"{SITE}/gzdt/index_1.html" not in read_pages
    tjxx = column(obs, "/zwgk/tjxx/")
    assert fetcher.count(f"{SITE}/zwgk/tjxx/index_1.html") == 1 and tjxx.pages_read == 2
    assert tjxx.newest is not None and tjxx.newest.date == date(2024, 1, 20)
    assert tjxx.item_count == 3 and tjxx.undated_count == 2


async def test_undated_list_takes_the_first_articles_pubdate(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, _ = demo
    newest = column(obs, "/zwgk/ghjh/").newest
    assert newest is not None and newest.date == date(2024, 3, 8) and newest.date_source == "pubdate"


async def test_calendar_and_session_id_traps_are_skipped(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, fetcher = demo
    assert f"{SITE}/hdrl/?date=2024-06-02" in obs.trap_urls
    assert any("jsessionid" in url for url in obs.trap_urls)
    assert fetcher.count(f"{SITE}/hdrl/?date=2024-06-02") == 0
    assert not any("jsessionid" in url for url in fetcher.calls)


async def test_no_url_is_fetched_twice(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, fetcher = demo
    assert all(fetcher.count(url) == 1 for url in fetcher.calls)
    assert obs.pages_fetched == len(fetcher.calls)


async def test_hidden_cms_signature_link_is_benign_and_not_fetched(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, fetcher = demo
    hanweb = obs.external["www.hanweb.com"]
    assert hanweb.benign and not hanweb.listed and not hanweb.fetched
    assert not any("hanweb" in url for url in fetcher.calls)
    assert any(link.hidden == "display:none" and "hanweb" in link.href for link in obs.links)


async def test_hidden_link_to_a_listed_gambling_domain_is_listed(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, fetcher = demo
    verdict = obs.external["www.10bet.com"]
    assert verdict.listed and not verdict.benign
    assert "赌场" in verdict.keywords  # the hidden anchor text is scored too
    assert any(link.hidden and "10bet" in link.href for link in obs.links)
    assert not any("10bet" in url for url in fetcher.calls)


async def test_unknown_external_host_is_fetched_once_and_scored(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, fetcher = demo
    verdict = obs.external["spam.example.com"]
    assert verdict.fetched and verdict.score >= 3 and "百家乐" in verdict.keywords
    assert verdict.title.startswith("澳门百家乐")
    assert fetcher.count("http://spam.example.com/") == 1  # linked from the home page and a column page
    assert fetcher.robots_flags["http://spam.example.com/"] is False


async def test_jiucuo_entry_is_checked_on_every_site_page(demo: tuple[SiteObservation, FakeFetcher]) -> None:
    obs, _ = demo
    entries = {entry.page_url: entry for entry in obs.jiucuo}
    assert entries[f"{SITE}/"].present and entries[f"{SITE}/"].site_code == "9900000001"
    assert not entries[f"{SITE}/bmdt/"].present
    assert f"{SITE}/zwgk/ghjh/202403/b1.html" in entries  # sampled article pages too
    assert "http://spam.example.com/" not in entries


async def test_dead_links_are_reported_with_the_pages_linking_them(
    demo: tuple[SiteObservation, FakeFetcher],
) -> None:
    obs, _ = demo
    dead = {link.url: link for link in obs.dead_links}
    assert dead[f"{SITE}/old/notice.html"].outcome == "http_404"
    assert dead[f"{SITE}/old/notice.html"].status == 404
    assert dead[f"{SITE}/old/notice.html"].found_on == (f"{SITE}/",)
    assert dead[f"{SITE}/slow/report.html"].outcome == "timeout"
    assert f"{SITE}/zcwj/" not in dead  # a failed column is a column failure, reported once


async def test_page_budget_is_respected_and_noted() -> None:
    obs, fetcher = await crawl_demo(max_pages_per_site=6)
    assert obs.pages_fetched <= 6 and len(fetcher.calls) == obs.pages_fetched
    assert any("page budget" in note for note in obs.notes)


async def test_external_checks_are_bounded() -> None:
    obs, fetcher = await crawl_demo(max_external_checks=0)
    assert not obs.external["spam.example.com"].fetched
    assert fetcher.count("http://spam.example.com/") == 0
    assert any("max_external_checks" in note for note in obs.notes)


async def test_home_page_failure_stops_the_crawl() -> None:
    fetcher = FakeFetcher({f"{SITE}/": Failure(Outcome.DNS, "name not resolved")})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert not obs.homepage_ok and obs.homepage_error == "dns: name not resolved"
    assert obs.columns == [] and len(fetcher.calls) == 1


async def test_home_page_without_dated_items_is_an_entrance() -> None:
    home = page("演示市", '<div class="main"><a href="/gzdt/">进入主站</a></div>')
    fetcher = FakeFetcher({f"{SITE}/": (200, home), f"{SITE}/gzdt/": (200, GZDT)})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert obs.homepage_ok and obs.homepage_is_entrance
    assert column(obs, "/gzdt/").newest is not None


async def test_fetcher_exception_becomes_a_column_failure() -> None:
    class Exploding(FakeFetcher):
        async def fetch(self, url: str, *, respect_robots: bool = True):  # type: ignore[override]
            if url.endswith("/gzdt/"):
                raise RuntimeError("boom")
            return await super().fetch(url, respect_robots=respect_robots)

    obs = await SiteCrawler(Exploding(PAGES), rulebook(), settings()).crawl(website(), AS_OF)
    gzdt = column(obs, "/gzdt/")
    assert not gzdt.fetched and "boom" in gzdt.error


async def test_wording_errors_are_found_in_page_text() -> None:
    home = page("演示市", listing([("/a/t20240601_1.html", "台湾国代表团来访的消息不实", "2024-06-01")]))
    fetcher = FakeFetcher({f"{SITE}/": (200, home)})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert [(w.phrase, w.page_url) for w in obs.wording] == [("台湾国", f"{SITE}/")]


async def test_other_units_sites_are_not_crawled_as_columns() -> None:
    home = page(
        "演示市",
        '<div class="nav2 menu"><a href="http://www.other.gov.cn/gzdt/">兄弟单位动态</a></div>'
        + listing([("/a/t20240601_1.html", "市政府常务会议研究部署近期工作", "2024-06-01")]),
        footer=JIUCUO,
    )
    fetcher = FakeFetcher({f"{SITE}/": (200, home)})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert not any("other.gov.cn" in c.url for c in obs.columns)
    assert obs.external["www.other.gov.cn"].benign
    assert not any("other.gov.cn" in url for url in fetcher.calls)


async def test_entrance_home_page_leads_to_the_columns_of_the_main_page() -> None:
    home = '<html><body><div class="enter"><a href="/main/index.html">进入主站</a></div></body></html>'
    main = page("演示市人民政府", "<p>欢迎</p>")
    fetcher = FakeFetcher(
        {f"{SITE}/": (200, home), f"{SITE}/main/index.html": (200, main), f"{SITE}/gzdt/": (200, GZDT)}
    )
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert obs.homepage_is_entrance and obs.homepage_items == []
    gzdt = column(obs, "/gzdt/")
    assert gzdt.level == 1 and gzdt.newest is not None and gzdt.newest.date == date(2024, 6, 5)
    assert any("entrance" in note for note in obs.notes)


async def test_list_column_with_an_empty_list_is_blank_but_a_static_page_is_not() -> None:
    def menu_page(title: str, body: str) -> str:
        return page(title, body).replace('<a href="/bmdt/">部门动态</a>', '<a href="/jgzn/">机构职能</a>')

    fetcher = FakeFetcher(
        {
            f"{SITE}/": (
                200,
                menu_page(
                    "演示市",
                    listing([("/a/t20240601_1.html", "市政府常务会议研究部署近期工作", "2024-06-01")]),
                ),
            ),
            f"{SITE}/tzgg/": (200, menu_page("通知公告", '<ul class="list"></ul>')),
            f"{SITE}/jgzn/": (200, menu_page("机构职能", "<p>负责全市政府日常工作。</p>")),
            f"{SITE}/gzdt/": (200, ""),
        }
    )
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert column(obs, "/tzgg/").blank and column(obs, "/tzgg/").blank_reason == "空列表"
    assert not column(obs, "/jgzn/").blank and column(obs, "/jgzn/").category == "static"
    gzdt = column(obs, "/gzdt/")  # 200 with an empty body: it answered, with nothing
    assert gzdt.fetched and gzdt.blank and gzdt.blank_reason == "空页面"


async def test_an_extractor_failing_on_one_page_costs_only_that_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import monitor.crawl.column_reader as column_reader

    real = column_reader.extract_listing_of

    def fragile(content: object, raw: object, base_url: str, **kwargs: object) -> list:
        if "/bmdt/" in base_url:
            raise ValueError("odd markup")
        return real(content, raw, base_url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(column_reader, "extract_listing_of", fragile)
    obs, _ = await crawl_demo(page_workers=0)  # the patch is in this process: pages are read here
    assert not any(c.url.endswith("/bmdt/") for c in obs.columns)
    assert column(obs, "/gzdt/").newest is not None
    assert any("/bmdt/" in note and "odd markup" in note for note in obs.notes)


async def test_a_column_page_whose_reading_was_lost_is_a_column_not_read_not_a_missing_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import monitor.crawl.column_reader as column_reader
    from monitor.page_workers import PageReadTimedOut

    real = column_reader.read_page

    async def timing_out(func: Any, html: str, *args: Any) -> Any:
        if func.__name__ == "first_page" and "/bmdt/" in str(args[0]):
            raise PageReadTimedOut("reading the page took longer than 60 s; the process reading it was stopped")
        return await real(func, html, *args)

    monkeypatch.setattr(column_reader, "read_page", timing_out)
    obs, _ = await crawl_demo(page_workers=0)
    lost = column(obs, "/bmdt/")
    assert not lost.fetched and lost.partial and not lost.blank and lost.newest is None
    assert "longer than 60 s" in lost.error
    assert column(obs, "/gzdt/").newest is not None


def _wide_site(columns: int, items: int) -> dict[str, tuple[int, str] | Failure]:
    """A home page whose menu links `columns` columns of `items` dated items each."""
    menu = "".join(f'<li><a href="/c{i}/">栏目动态{i}</a></li>' for i in range(columns))
    rows = [
        (f"./t202406{1 + d % 9:02d}_{d}.html", f"第{d}条工作动态信息标题", f"2024-06-{1 + d % 9:02d}")
        for d in range(items)
    ]
    pages: dict[str, tuple[int, str] | Failure] = {
        f"{SITE}/c{i}/": (200, f"<html><body>{listing(rows)}</body></html>") for i in range(columns)
    }
    pages[f"{SITE}/"] = (200, f'<html><body><div class="menu"><ul>{menu}</ul></div></body></html>')
    return pages


async def test_stored_items_are_capped_but_counted() -> None:
    fetcher = FakeFetcher(_wide_site(3, 50))
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert len(obs.columns) == 3
    assert 0 < MAX_ITEMS_KEPT < 50
    assert all(len(c.items) == MAX_ITEMS_KEPT and c.item_count == 50 for c in obs.columns)
    assert all(c.newest is not None and c.newest.date == date(2024, 6, 9) for c in obs.columns)


async def test_column_pages_are_fetched_concurrently_within_a_bound() -> None:
    class Slow(FakeFetcher):
        in_flight = peak = 0

        async def fetch(self, url: str, *, respect_robots: bool = True):  # type: ignore[override]
            Slow.in_flight += 1
            Slow.peak = max(Slow.peak, Slow.in_flight)
            await asyncio.sleep(0.01)
            Slow.in_flight -= 1
            return await super().fetch(url, respect_robots=respect_robots)

    obs = await SiteCrawler(Slow(_wide_site(12, 3)), rulebook(), settings(per_host_concurrency=2)).crawl(
        website(), AS_OF
    )
    assert len(obs.columns) == 12
    assert 1 < Slow.peak <= 4


async def test_a_list_loaded_by_script_is_unreadable_not_blank() -> None:
    scripted = page(
        "通知公告",
        '<div id="app"><ul class="list"><li v-for="x in rows">{{x.title}}</li></ul>'
        '<p v-if="!rows.length">暂无数据</p></div><script>axios.get("/api/list")</script>',
    )
    fetcher = FakeFetcher({f"{SITE}/": (200, page("演示", "<p>首页</p>")), f"{SITE}/tzgg/": (200, scripted)})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    tzgg = column(obs, "/tzgg/")  # not readable without a browser: neither blank nor stale
    assert not tzgg.fetched and not tzgg.blank and tzgg.status == 200 and "script" in tzgg.error
