"""URL normalisation, site scope and crawler-trap detection."""

from __future__ import annotations

from datetime import date

import pytest
from crawl_fakes import AS_OF, SITE, FakeFetcher, listing, page, rulebook, settings, website

from monitor.crawl import SiteCrawler
from monitor.crawl.column_reader import newest_first, sanitise_dates
from monitor.crawl.traps import TrapDetector
from monitor.crawl.urls import SiteScope, normalise_url
from monitor.fetch.result import FetchResult
from monitor.observations import ListingItem


def test_normalised_url_drops_fragment_sorts_query_and_default_port() -> None:
    assert (
        normalise_url("HTTP://WWW.X.gov.cn:80/list.html?b=2&a=1#top")
        == "http://www.x.gov.cn/list.html?a=1&b=2"
    )
    assert normalise_url("https://x.gov.cn") == "https://x.gov.cn/"
    assert normalise_url("http://x.gov.cn:8080/a") == "http://x.gov.cn:8080/a"


def test_scope_is_the_registered_host_with_or_without_www() -> None:
    scope = SiteScope.for_site("http://www.x.gov.cn/")
    assert scope.contains("https://x.gov.cn/col/a/") and scope.contains("http://www.x.gov.cn/b.html")
    assert not scope.contains("http://www.y.gov.cn/") and not scope.contains("http://jyj.x.gov.cn/")
    assert not scope.contains("javascript:void(0)")


def test_scope_of_a_site_under_a_path_is_that_path() -> None:
    scope = SiteScope.for_site("http://www.gov.cn/dept/index.html")
    assert scope.contains("http://www.gov.cn/dept/gzdt/") and not scope.contains("http://www.gov.cn/other/")


def test_scope_includes_the_host_the_home_page_redirected_to() -> None:
    scope = SiteScope.for_site("http://x.gov.cn/", "https://www.x-new.gov.cn/index.shtml")
    assert scope.contains("https://www.x-new.gov.cn/gzdt/")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://x.gov.cn/list;jsessionid=0A1B2C3D", "session id in path"),
        ("http://x.gov.cn/list.jsp?PHPSESSID=abc&page=2", "session id in query"),
        ("http://x.gov.cn/a/b/a/b/index.html", "repeated path segments"),
        ("http://x.gov.cn/c/c/c/index.html", "repeated path segments"),
        ("http://x.gov.cn/list?id=1&id=1", "repeated query keys"),
        ("http://x.gov.cn/" + "x" * 400, "very long URL"),
    ],
)
def test_trap_urls_are_recognised(url: str, reason: str) -> None:
    assert TrapDetector().reason(url) == reason


def test_ordinary_column_urls_are_not_traps() -> None:
    detector = TrapDetector()
    for url in (
        "http://x.gov.cn/zwgk/zwgk/index.html",
        "http://x.gov.cn/list?page=2",
        "http://x.gov.cn/col/col1/",
    ):
        assert detector.reason(url, "http://x.gov.cn/list?page=1") == ""


def test_calendar_parameters_are_allowed_once_per_page() -> None:
    detector = TrapDetector()
    assert detector.reason("http://x.gov.cn/cal?year=2024&month=5") == ""
    assert detector.reason("http://x.gov.cn/cal?month=5&year=2024") == ""  # the same page again
    assert detector.reason("http://x.gov.cn/cal?year=2024&month=6") == "calendar parameters changing"


def test_query_growing_across_links_is_a_trap() -> None:
    parent = "http://x.gov.cn/search?q=a"
    assert (
        TrapDetector().reason("http://x.gov.cn/search?q=a&from=1", parent)
        == "query string growing across links"
    )


def test_future_and_absurd_dates_are_ignored_and_noted() -> None:
    items = [
        ListingItem("a", "u1", date(2024, 7, 1), "list", "2024-07-01"),
        ListingItem("b", "u2", date(2024, 6, 1), "list", "2024-06-01"),
        ListingItem("c", "u3", date(1900, 1, 1), "list", "1900-01-01"),
    ]
    kept, ignored = sanitise_dates(items, date(2024, 6, 10))
    assert [i.date for i in newest_first(kept)] == [date(2024, 6, 1), None, None]
    assert ignored == ["2024-07-01 (u1)", "1900-01-01 (u3)"]


class _Redirecting(FakeFetcher):
    """The registered http://demo.gov.cn/ redirects to https://www.demo-new.gov.cn/."""

    async def fetch(self, url: str, *, respect_robots: bool = True) -> FetchResult:
        result = await super().fetch(url.replace("http://demo.gov.cn/", "https://www.demo-new.gov.cn/"))
        result.url = url
        return result


async def test_home_page_redirect_moves_the_scope_and_tls_error_is_recorded() -> None:
    home = page("新站", listing([("/a/t20240601_1.html", "市政府常务会议研究部署近期工作", "2024-06-01")]))
    gzdt = page("工作动态", listing([("./t20240605_1.html", "全市安全生产工作会议召开", "2024-06-05")]))
    fetcher = _Redirecting(
        {"https://www.demo-new.gov.cn/": (200, home), "https://www.demo-new.gov.cn/gzdt/": (200, gzdt)}
    )
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website("http://demo.gov.cn/"), AS_OF)
    assert obs.final_url == "https://www.demo-new.gov.cn/"
    assert [c.url for c in obs.columns if c.name == "工作动态"] == ["https://www.demo-new.gov.cn/gzdt/"]


async def test_certificate_problem_is_recorded_as_tls_error() -> None:
    class Unverified(FakeFetcher):
        async def fetch(self, url: str, *, respect_robots: bool = True) -> FetchResult:
            result = await super().fetch(url)
            result.tls_unverified = "certificate has expired"
            return result

    fetcher = Unverified({f"{SITE}/": (200, page("演示", "<p>首页</p>"))})
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert obs.tls_error == "certificate has expired"


async def test_redirect_to_another_owners_site_does_not_widen_the_scope() -> None:
    class Hijacked(FakeFetcher):
        async def fetch(self, url: str, *, respect_robots: bool = True) -> FetchResult:
            result = await super().fetch(url.replace(f"{SITE}/", "http://casino.example.com/"))
            result.url = url
            return result

    home = page("娱乐城", listing([("/a/t20240601_1.html", "澳门百家乐真人荷官在线", "2024-06-01")]))
    fetcher = Hijacked(
        {"http://casino.example.com/": (200, home), "http://casino.example.com/gzdt/": (200, home)}
    )
    obs = await SiteCrawler(fetcher, rulebook(), settings()).crawl(website(), AS_OF)
    assert any("redirected to another site" in note for note in obs.notes)
    assert obs.columns == []  # the casino's pages are not the site's columns
    assert "casino.example.com" in obs.external  # its links are external to the registered site
