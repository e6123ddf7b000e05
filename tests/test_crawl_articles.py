"""Article pages: the newest of each column and those linked from the home page are read and checked."""

from __future__ import annotations

import asyncio
from datetime import date

from crawl_fakes import AS_OF, SITE, FakeFetcher, listing, page, rulebook, settings, website

from monitor.checks.website import evaluate_site
from monitor.crawl import SiteCrawler
from monitor.evidence import describe_evidence
from monitor.observations import SiteObservation

HOME = page("演示市人民政府", listing([("/gzdt/t20240605_1.html", "市政府召开常务会议", "2024-06-05"),
                                       ("/ywdt/home.html", "首页要闻文章", "2024-06-08")]))
GZDT = page("工作动态", listing([(f"./t2024060{day}_1.html", f"工作动态文章{day}", f"2024-06-0{day}")
                                  for day in (5, 4, 3, 2, 1)]))
HIDDEN_BET = '<div style="display:none"><a href="http://www.10bet.com/">澳门赌场在线</a></div>'


def article(title: str, body: str = "<p>正文内容。</p>", day: str = "2024-06-05") -> str:
    return page(title, f'<h1>{title}</h1><div class="info">发布时间：{day}</div>{body}',
                head='<meta name="ArticleTitle" content="' + title + '">')


def pages() -> dict:
    return {
        f"{SITE}/": (200, HOME),
        f"{SITE}/gzdt/": (200, GZDT),
        f"{SITE}/gzdt/t20240605_1.html": (200, article("市政府召开常务会议", f"<p>会议强调。</p>{HIDDEN_BET}")),
        f"{SITE}/gzdt/t20240604_1.html": (200, article("工作动态文章4", "<p>坚持习近平新时代中国特色社会主意思想。</p>", "2024-06-04")),
        # t20240603_1.html is missing: a dead link of the column listing it
        f"{SITE}/gzdt/t20240602_1.html": (200, article("工作动态文章2", day="2024-06-02")),
        f"{SITE}/ywdt/home.html": (200, article("首页要闻文章", day="2024-06-08")),
    }


def crawl(fetcher: FakeFetcher, **changes: object) -> SiteObservation:
    return asyncio.run(SiteCrawler(fetcher, rulebook(), settings(**changes)).crawl(website(), AS_OF))


def test_the_newest_articles_of_each_column_and_the_home_page_are_read():
    fetcher = FakeFetcher(pages())
    obs = crawl(fetcher)
    read = {a.url: a for a in obs.articles}
    assert f"{SITE}/ywdt/home.html" in read and read[f"{SITE}/ywdt/home.html"].column == "首页"
    assert read[f"{SITE}/gzdt/t20240604_1.html"].column == "工作动态"
    assert read[f"{SITE}/gzdt/t20240604_1.html"].shown_date == date(2024, 6, 4)
    assert read[f"{SITE}/gzdt/t20240604_1.html"].listed_date == date(2024, 6, 4)
    assert "中国特色社会主意思想" in read[f"{SITE}/gzdt/t20240604_1.html"].text
    assert read[f"{SITE}/gzdt/t20240605_1.html"].title == "市政府召开常务会议"
    # three per column (the newest, one of them linked from the home page too), the fourth and fifth not
    assert set(read) == {f"{SITE}/ywdt/home.html", f"{SITE}/gzdt/t20240605_1.html", f"{SITE}/gzdt/t20240604_1.html"}
    assert [d.url for d in obs.dead_links if "t20240603" in d.url] == [f"{SITE}/gzdt/t20240603_1.html"]


def test_articles_per_column_is_configurable_and_zero_reads_none():
    assert len(crawl(FakeFetcher(pages()), articles_per_column=5, max_home_articles=0).articles) == 3  # one 404
    none = crawl(FakeFetcher(pages()), articles_per_column=0, max_home_articles=0)
    assert none.articles == []


def test_articles_are_read_within_the_page_budget():
    fetcher = FakeFetcher(pages())
    obs = crawl(fetcher, max_pages_per_site=4)
    assert obs.pages_fetched <= 4 and len(fetcher.calls) <= 4


def test_hidden_links_wording_and_dead_links_in_articles_are_found_and_name_the_article():
    obs = crawl(FakeFetcher(pages()))
    findings = {(f.rule, f.key): f for f in evaluate_site(obs, website(), rulebook(), AS_OF).findings}
    hidden = findings[("illegal_links", "hidden")]
    [link] = hidden.evidence["links"]
    assert link["page_url"] == f"{SITE}/gzdt/t20240605_1.html" and link["article"] == "市政府召开常务会议"
    assert "文章「市政府召开常务会议」" in "\n".join(describe_evidence(hidden))
    [wording] = [f for (rule, _), f in findings.items() if rule == "serious_wording"]
    assert wording.evidence["matches"][0]["article"] == "工作动态文章4"
    assert "文章「工作动态文章4」" in "\n".join(describe_evidence(wording))
    dead = findings[("dead_links", "")]
    assert f"{SITE}/gzdt/t20240603_1.html" in [d["url"] for d in dead.evidence["links"]]


def test_an_article_without_the_jiucuo_entry_counts_as_an_inner_page_without_it():
    site = pages()
    site[f"{SITE}/ywdt/home.html"] = (200, page("首页要闻文章", "<h1>首页要闻文章</h1>", footer=""))
    obs = crawl(FakeFetcher(site))
    assert f"{SITE}/ywdt/home.html" in [e.page_url for e in obs.jiucuo if not e.present]
    found = {f.rule for f in evaluate_site(obs, website(), rulebook(), AS_OF).findings}
    assert "missing_jiucuo" in found
