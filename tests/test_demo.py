"""The fixture province: each site carries exactly the defects its expectation names, read back from
the pages themselves with selectolax (not with govmon's extractors, which these pages test), and the
servers answer as real sites do (charsets, 404, 500, virtual hosts) and stop cleanly."""

from __future__ import annotations

import re
import socket
from datetime import date
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
from fixture_province import running_province  # noqa: F401 (fixture)
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from monitor.demo import DEMO_AS_OF, build_province, serve_province
from monitor.demo.media import weibo_target
from monitor.demo.pages import render_site
from monitor.demo.registry_files import ACCOUNT_HEADER, WEBSITE_HEADER
from monitor.demo.sites import GAMBLING_HOST, SITES
from monitor.demo.spec import DemoSite
from monitor.models import WEBSITE_KINDS
from monitor.rulebook import Rulebook

PROVINCE = build_province()
TODAY = DEMO_AS_OF.date()
_DATE = re.compile(r"(\d{4})[-年](\d{2})[-月](\d{2})|\[(\d{2})-(\d{2})\]|^(\d{2})-(\d{2})$")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_PAGER = re.compile(r"createPageHTML\((\d+),\s*(\d+),")


# -- reading the pages back -------------------------------------------------------------------------
def text(site: DemoSite, target: str) -> str:
    page = site.resolve(target)
    return page.body.decode("gb18030" if site.spec.encoding == "gbk" else "utf-8")


def parse(site: DemoSite, target: str) -> HTMLParser:
    return HTMLParser(text(site, target))


def read_date(raw: str) -> date:
    match = _DATE.search(raw.strip())
    assert match, raw
    g = match.groups()
    if g[0]:
        return date(int(g[0]), int(g[1]), int(g[2]))
    month, day = (g[3], g[4]) if g[3] else (g[5], g[6])
    return date(2022, int(month), int(day))  # pages say 页面生成时间 2022-12-28


def menu(site: DemoSite) -> dict[str, str]:
    return {a.text(strip=True): a.attributes["href"] for a in parse(site, "/").css(".nav a") if a.text() != "首页"}


def listing_dates(site: DemoSite, html: str) -> list[date]:
    """Dates of the listed items: inside Hanweb CDATA records, TRS table cells or <ul> spans."""
    tree = HTMLParser(html)
    if site.spec.style == "hanweb":
        records = [c for s in tree.css('script[type="text/xml"]') for c in _CDATA.findall(s.text()) if "<li" in c]
        return [read_date(HTMLParser(r).css_first("span").text()) for r in records]
    return [read_date(n.text()) for n in tree.css(".list-box td.date, .list-box li span.date")]


def listing_pages(site: DemoSite, target: str) -> list[str]:
    """A column's first listing page and every page its pager leads to (TRS script or 下一页 link)."""
    pager = _PAGER.search(text(site, target))
    if pager:
        return [target] + [urljoin(target, f"index_{k}.shtml") for k in range(1, int(pager.group(1)))]
    pages = [target]
    while link := HTMLParser(text(site, pages[-1])).css_first(".pager a"):
        pages.append(urljoin(pages[-1], link.attributes["href"]))
    return pages


def column_dates(site: DemoSite, target: str) -> list[date]:
    pages = listing_pages(site, target)
    assert all(site.resolve(p).status == 200 for p in pages), pages
    return [day for page in pages for day in listing_dates(site, text(site, page))]


def category(name: str, rulebook: Rulebook) -> str:
    return next((c.name for c in rulebook.column_categories if any(k in name for k in c.keywords)), "unknown")


def stale_columns(site: DemoSite, rulebook: Rulebook) -> set[str]:
    """Columns whose newest item is older than their category allows (动态, 通知公告, 政策文件 only)."""
    limits = {c.name: c.stale_days for c in rulebook.column_categories}
    stale = set()
    for name, href in menu(site).items():
        kind = category(name, rulebook)
        if kind in ("news", "notice", "policy") and site.resolve(href).status == 200:
            dates = column_dates(site, href)
            if not dates or (TODAY - max(dates)).days > limits[kind]:
                stale.add(name)
    return stale


def blank_columns(site: DemoSite, rulebook: Rulebook) -> set[str]:
    """Column pages that load but list nothing: a placeholder text or an empty list."""
    blank = set()
    for name, href in menu(site).items():
        if site.resolve(href).status != 200:
            continue
        tree = parse(site, href)
        tree.strip_tags(["script"])
        content = "".join(n.text() for n in tree.css(".main .list-box, .main .content, .main table.calendar"))
        has_items = bool(listing_dates(site, text(site, href))) or len(content.strip()) > 40
        if not has_items or any(marker in content for marker in rulebook.blank_markers):
            blank.add(name)
    return blank


def home_dates(site: DemoSite) -> list[date]:
    tree = parse(site, "/")
    return [read_date(n.text()) for n in tree.css(".block span.time, .headline span.time")]


def all_targets(site: DemoSite) -> list[str]:
    return [t for t, page in site.pages.items() if page.status == 200]


# -- the manifest -----------------------------------------------------------------------------------
def test_expected_defects_name_real_rules_and_every_subject(rulebook: Rulebook) -> None:
    expected = PROVINCE.expected
    assert set(expected.websites) == {s.name for s in PROVINCE.sites}
    assert set(expected.accounts) == {a.name for a in PROVINCE.accounts}
    for exp in [*expected.websites.values(), *expected.accounts.values()]:
        assert exp.found <= set(rulebook.rule_ids) and exp.not_found <= set(rulebook.rule_ids)
        assert not exp.found & exp.not_found
    assert expected.must_pass == {"四川省人民政府（示例）", "四川省应急管理厅（示例）", "四川发布（示例）", "四川统计（示例）"}
    assert expected.unchecked_accounts == {"四川应急（示例）"}
    assert expected.rules("雅安市人民政府（示例）") == {"illegal_links", "fetch_failed", "tampered", "metadata_tags"}


def test_sites_cover_every_kind_style_and_encoding() -> None:
    specs = [s.spec for s in PROVINCE.sites]
    assert {s.kind for s in specs} == set(WEBSITE_KINDS)
    assert {s.style for s in specs} == {"hanweb", "trs", "ul"}
    assert {s.encoding for s in specs} == {"utf-8", "gbk"}
    assert {s.date_style for s in specs} == {"iso", "cn", "bracket"}
    assert all(re.fullmatch(r"\d{10}", s.site_code) for s in specs)


def test_rendering_is_pure() -> None:
    again = render_site(SITES[4])
    assert {t: p.body for t, p in again.pages.items()} == {t: p.body for t, p in PROVINCE.sites[4].pages.items()}


def test_mismatches_describe_departures_from_expectation() -> None:
    exp = PROVINCE.expected.websites["四川省统计局（示例）"]
    assert exp.mismatches(["stale_columns", "dead_links", "domain_rule"], False) == []
    assert exp.mismatches(["stale_columns", "blank_columns", "domain_rule"], True) == [
        "missing dead_links", "unexpected blank_columns", "expected 不合格"]


# -- each defect, read back from the pages -----------------------------------------------------------
@pytest.mark.parametrize("site", PROVINCE.sites, ids=lambda s: s.spec.key)
def test_stale_columns_are_exactly_the_expected_ones(site: DemoSite, rulebook: Rulebook) -> None:
    assert stale_columns(site, rulebook) == set(site.spec.expect.stale_columns)


def test_stale_column_counts_straddle_the_veto_threshold(rulebook: Rulebook) -> None:
    veto = rulebook.rule("stale_columns")["veto_count"]
    counts = {s.spec.key: len(s.spec.expect.stale_columns) for s in PROVINCE.sites}
    assert counts["tongji"] >= veto and counts["yingji"] == veto - 1
    assert all(n < veto for key, n in counts.items() if key != "tongji")


def test_newest_dates_of_stale_columns_are_far_from_the_threshold() -> None:
    tongji = PROVINCE.site("tongji")
    newest = {name: max(column_dates(tongji, href)) for name, href in menu(tongji).items() if name != "机构职能"}
    assert newest["工作动态"] == date(2022, 12, 1) and newest["基层动态"] == date(2022, 12, 5)
    assert newest["通知公告"] == date(2022, 5, 20) and newest["政策文件"] == date(2022, 6, 1)
    assert newest["统计数据"] == date(2022, 12, 20)


@pytest.mark.parametrize("site", PROVINCE.sites, ids=lambda s: s.spec.key)
def test_blank_columns_are_exactly_the_expected_ones(site: DemoSite, rulebook: Rulebook) -> None:
    assert blank_columns(site, rulebook) == set(site.spec.expect.blank_columns)


def test_blank_column_counts_straddle_the_veto_threshold(rulebook: Rulebook) -> None:
    veto = rulebook.rule("blank_columns")["veto_count"]
    assert len(PROVINCE.site("yaedu").spec.expect.blank_columns) >= veto
    assert len(PROVINCE.site("yingji").spec.expect.blank_columns) == veto - 1


def test_blank_columns_never_hide_among_freshness_columns(rulebook: Rulebook) -> None:
    """A blank 动态 column would also count as stale and spoil the just-under case."""
    for site in PROVINCE.sites:
        assert all(category(n, rulebook) not in ("news", "notice", "policy") for n in site.spec.expect.blank_columns)


@pytest.mark.parametrize("site", PROVINCE.sites, ids=lambda s: s.spec.key)
def test_only_the_county_home_page_is_older_than_two_weeks(site: DemoSite, rulebook: Rulebook) -> None:
    age = (TODAY - max(home_dates(site))).days
    rule = rulebook.rule("homepage_stale")
    stale = age > rule["stale_days"]
    assert stale == ("homepage_stale" in site.spec.expect.found)
    assert stale or age < rule["warning_days"]  # fresh home pages are clearly fresh


def test_home_blocks_link_their_columns_with_more_links() -> None:
    site = PROVINCE.site("province")
    more = {a.attributes["href"] for a in parse(site, "/").css(".block a.more")}
    assert more and more <= set(menu(site).values())
    assert all(site.resolve(h).status == 200 for h in more)


def test_hanweb_lists_live_in_datastore_cdata() -> None:
    html = text(PROVINCE.site("zscq"), menu(PROVINCE.site("zscq"))["工作动态"])
    assert '<script type="text/xml"><datastore>' in html and "<record><![CDATA[<li>" in html
    assert read_date("2022年12月26日") in listing_dates(PROVINCE.site("zscq"), html)


def test_trs_columns_paginate_with_create_page_html() -> None:
    site = PROVINCE.site("tongji")
    html = text(site, "/gzdt/index.shtml")
    assert 'createPageHTML(2, 0, "index", "shtml")' in html
    assert 'createPageHTML(2, 1, "index", "shtml")' in text(site, "/gzdt/index_1.shtml")
    assert len(column_dates(site, "/gzdt/index.shtml")) == 12


def test_article_pages_carry_the_listed_date_as_pubdate() -> None:
    site = PROVINCE.site("lixian")
    tree = parse(site, "/gzdt/index.html")
    link = tree.css_first(".list-box li a")
    listed = read_date(tree.css_first(".list-box li span.date").text())
    article = parse(site, link.attributes["href"])
    assert article.css_first('meta[name="PubDate"]').attributes["content"].startswith(listed.isoformat())


def test_dark_links_point_to_listed_and_unlisted_gambling_hosts(rulebook: Rulebook) -> None:
    tree = parse(PROVINCE.site("yaan"), "/")
    hidden = [a.attributes["href"] for a in tree.css('div[style*="display:none"] a')]
    domains = {urlsplit(h).hostname.removeprefix("www.") for h in hidden}
    assert domains and domains <= rulebook.illegal_domains
    offscreen = [a.attributes["href"] for a in tree.css('a[style*="-9999px"]')]
    assert [urlsplit(h).hostname for h in offscreen] == [GAMBLING_HOST]
    assert "lucky-casino-demo.test" not in rulebook.illegal_domains


def test_unlisted_gambling_host_scores_as_illegal_by_its_text(rulebook: Rulebook) -> None:
    page = HTMLParser(PROVINCE.external[GAMBLING_HOST].page.body.decode()).body.text()
    score = sum(w for k, w in rulebook.illegal_keywords.items() if k in page.lower())
    assert score >= rulebook.rule("illegal_links")["keyword_score"]


def test_healthy_portal_links_only_benign_outside_hosts(rulebook: Rulebook) -> None:
    tree = parse(PROVINCE.site("province"), "/")
    hosts = {urlsplit(a.attributes["href"]).hostname for a in tree.css("a") if "://" in a.attributes["href"]}
    assert {"www.gov.cn", "www.hanweb.com"} <= hosts
    assert all(any(h == b or h.endswith("." + b) for b in rulebook.benign_domains) for h in hosts)
    assert tree.css_first('a[style*="display:none"]').attributes["href"] == "http://www.hanweb.com"


@pytest.mark.parametrize("site", PROVINCE.sites, ids=lambda s: s.spec.key)
def test_jiucuo_entry_on_every_page_with_the_expected_code(site: DemoSite) -> None:
    codes = set()
    for target in all_targets(site):
        entry = parse(site, target).css_first("script#_jiucuo_")
        codes.add(entry.attributes["sitecode"] if entry else None)
    assert codes == {site.spec.jiucuo_code}
    assert (site.spec.jiucuo_code is None) == ("missing_jiucuo" in site.spec.expect.found)
    mismatch = site.spec.jiucuo_code not in (None, site.spec.site_code)
    assert mismatch == ("jiucuo_code_mismatch" in site.spec.expect.found)


@pytest.mark.parametrize("site", PROVINCE.sites, ids=lambda s: s.spec.key)
def test_footer_carries_site_code_icp_and_gongan(site: DemoSite) -> None:
    footer = parse(site, "/").css_first(".footer").text()
    assert f"网站标识码：{site.spec.site_code}" in footer
    assert re.search(r"川ICP备\d{8}号", footer) and re.search(r"川公网安备 \d{14}号", footer)


def test_serious_wording_appears_only_on_its_site(rulebook: Rulebook) -> None:
    found = {s.spec.key for s in PROVINCE.sites for t in all_targets(s) if rulebook.wording.scan(text(s, t))}
    assert found == {"zscq"}
    assert "中华人民共和国国务院办公室" in parse(PROVINCE.site("zscq"), "/").body.text()


def test_dead_link_and_failing_column_are_where_expected() -> None:
    tongji = PROVINCE.site("tongji")
    hrefs = [a.attributes["href"] for a in parse(tongji, "/").css(".main a")]
    assert [h for h in hrefs if tongji.resolve(h).status == 404] == ["/tjsj/tjnj/2022/index.shtml"]
    yaan = PROVINCE.site("yaan")
    assert {n: yaan.resolve(h).status for n, h in menu(yaan).items() if yaan.resolve(h).status != 200} == {"专题专栏": 500}


def test_calendar_links_to_ever_next_months() -> None:
    site = PROVINCE.site("province")
    href = menu(site)["活动日历"]
    seen = [href]
    for _ in range(30):
        tree = parse(site, seen[-1])
        seen.append(next(a.attributes["href"] for a in tree.css(".main a") if a.text() == "下个月"))
    assert seen[-1].endswith("year=2025&month=6") and len(set(seen)) == 31
    assert site.resolve(href.split("?")[0] + "?year=x&month=1").status == 404


def test_gbk_site_pages_encode_in_gb2312_and_say_so_in_meta_or_header() -> None:
    site = PROVINCE.site("yaan")
    home, inner = site.resolve("/"), site.resolve(menu(site)["雅安要闻"])
    assert home.content_type == "text/html; charset=gbk" and b"charset" not in home.body[:200]
    assert inner.content_type == "text/html" and b'<meta charset="gb2312">' in inner.body
    assert "雅安要闻" in inner.body.decode("gb2312")


# -- the servers -------------------------------------------------------------------------------------
def test_server_sends_gbk_bytes_that_only_gb18030_reads(running_province) -> None:  # noqa: F811
    answer = httpx.get(running_province.site("yaan").local_url, verify=False)
    assert answer.headers["content-type"] == "text/html; charset=gbk"
    assert "雅安市人民政府（示例）" in answer.content.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        answer.content.decode("utf-8")


def test_server_answers_404_and_500(running_province) -> None:  # noqa: F811
    tongji, yaan = running_province.site("tongji").local_url, running_province.site("yaan").local_url
    assert httpx.get(urljoin(tongji, "/no/such/page.html"), verify=False).status_code == 404
    assert httpx.get(urljoin(tongji, "/tjsj/tjnj/2022/index.shtml"), verify=False).status_code == 404
    assert httpx.get(urljoin(yaan, "/ztzl/index.html"), verify=False).status_code == 500
    assert httpx.head(tongji, verify=False).status_code == 200


def test_virtual_host_answers_by_host_header(running_province) -> None:  # noqa: F811
    address = running_province.host_overrides[GAMBLING_HOST]
    assert set(running_province.outside_overrides.values()) == {address}
    answer = httpx.get(f"http://{address}/", headers={"Host": GAMBLING_HOST})
    assert answer.status_code == 200 and "真人荷官" in answer.text
    assert "www.gov.cn" in httpx.get(f"http://{address}/any", headers={"Host": "www.gov.cn"}).text
    assert httpx.get(f"http://{address}/", headers={"Host": "unknown.example"}).status_code == 404


def test_media_server_imitates_weibo_and_rss(running_province) -> None:  # noqa: F811
    media = running_province.media_url
    weibo = httpx.get(media + weibo_target("7518000012")).json()
    mblogs = [c["mblog"] for c in weibo["data"]["cards"]]
    assert weibo["ok"] == 1 and [m["isTop"] for m in mblogs] == [1, 0, 0]
    newest = int(mblogs[1]["mid"]) >> 22
    assert newest + 515483463 == int(DEMO_AS_OF.replace(month=12, day=1, hour=9, minute=30).timestamp())
    assert len(feedparser.parse(httpx.get(media + "/rss/sctj.xml").content).entries) == 3
    assert feedparser.parse(httpx.get(media + "/rss/lixianfabu.xml").content).entries == []


def test_registry_files_carry_the_served_urls(running_province) -> None:  # noqa: F811
    websites = running_province.websites_csv.read_text(encoding="utf-8").splitlines()
    assert websites[0] == ",".join(WEBSITE_HEADER) and len(websites) == 1 + len(PROVINCE.sites)
    assert all(url in "\n".join(websites) for url in running_province.urls.values())
    accounts = running_province.accounts_csv.read_text(encoding="utf-8").splitlines()
    assert accounts[0] == ",".join(ACCOUNT_HEADER)
    assert "weibo:7510000001" in accounts[1] and f"{running_province.media_url}/rss/sctj.xml" in accounts[2]
    assert accounts[-1].endswith(",省直部门,")


def test_servers_stop_and_free_their_ports(tmp_path) -> None:
    with serve_province(PROVINCE, workdir=tmp_path) as running:
        ports = [*running.ports.values(), running.vhost_port, int(running.media_url.rsplit(":", 1)[1])]
        assert httpx.get(running.site("lixian").local_url, verify=False).status_code == 200
        threads = [s.thread for s in running._servers]
    assert not any(t.is_alive() for t in threads)
    for port in ports:
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass


def test_servers_stop_when_the_block_raises(tmp_path) -> None:
    with pytest.raises(KeyboardInterrupt), serve_province(PROVINCE, workdir=tmp_path) as running:
        port = running.site("province").port
        raise KeyboardInterrupt
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
