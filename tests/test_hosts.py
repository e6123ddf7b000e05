"""monitor/hosts.py: the one host normalisation that link extraction, crawl scope and rules share."""

from __future__ import annotations

from monitor.crawl.urls import SiteScope
from monitor.hosts import bare_host, is_government_host, is_same_site, same_owner, url_host


def test_one_host_text_for_every_spelling() -> None:
    assert url_host("HTTP://WWW.X.gov.cn.:80/a") == "www.x.gov.cn"
    assert url_host("http://xn--fiqs8s.xn--zfr164b/") == "中国.政务"
    assert url_host("not a url") == ""
    assert bare_host("www.x.gov.cn") == "x.gov.cn" == bare_host("x.gov.cn")


def test_government_and_ownership() -> None:
    assert is_government_host("a.b.gov.cn") and is_government_host("xn--fiqs8s.xn--zfr164b")
    assert not is_government_host("gov.cn.example.com")
    assert same_owner("www.sc.gov.cn", "www.newname.gov.cn")  # a site that moved to a new gov.cn name
    assert same_owner("www.example.com", "news.example.com") and not same_owner("a.example.com", "b.example.org")
    assert is_same_site("dept.x.gov.cn", "www.x.gov.cn") and not is_same_site("y.gov.cn", "www.gov.cn")


def test_crawl_scope_compares_hosts_the_same_way() -> None:
    scope = SiteScope.for_site("http://www.xn--fiqs8s.xn--zfr164b/", "http://中国.政务/index.html")
    assert scope.hosts == frozenset({"中国.政务"})
    assert scope.contains("http://WWW.中国.政务./col/1.html") and scope.contains("http://xn--fiqs8s.xn--zfr164b/a")
