"""Outbound links and dark-link hiding techniques; domains, keyword scores and page text."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from monitor import hosts
from monitor.extract.links import (
    domain_verdict,
    extract_external_links,
    parse_declarations,
    style_technique,
)
from monitor.extract.text import score_text, title_and_text
from monitor.hosts import registrable_domain
from monitor.observations import LinkObservation
from monitor.rulebook import Rulebook

PAGES = Path(__file__).parent / "data" / "realworld"
PAGE = "http://www.example.gov.cn/art/2024/1/1/art_1.html"
SITE = "www.example.gov.cn"


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>t</title>{head}</head><body><p>正文</p>{body}</body></html>"


def _links(body: str, head: str = "") -> list[LinkObservation]:
    return extract_external_links(_page(body, head), PAGE, site_host=SITE)


def _only(body: str, head: str = "") -> LinkObservation:
    found = _links(body, head)
    assert len(found) == 1, found
    return found[0]


# -- hiding techniques (synthetic) -------------------------------------------------------------------------

HIDDEN_CASES = [
    ('<a href="http://bet.example.com/" style="display:none">百家乐</a>', "display:none"),
    (
        '<div style="DISPLAY: NONE !important"><p><a href="http://bet.example.com/">x</a></p></div>',
        "display:none",
    ),
    ('<div hidden><a href="http://bet.example.com/">x</a></div>', "display:none"),
    ('<span style="visibility:hidden"><a href="http://bet.example.com/">x</a></span>', "visibility:hidden"),
    (
        '<div style="position:absolute;left:-9999px"><a href="http://bet.example.com/">x</a></div>',
        "offscreen",
    ),
    ('<div style="position:fixed; top:-3000px"><a href="http://bet.example.com/">x</a></div>', "offscreen"),
    ('<p style="text-indent:-9999px"><a href="http://bet.example.com/">x</a></p>', "offscreen"),
    ('<div style="font-size:0px"><a href="http://bet.example.com/">x</a></div>', "zero-size"),
    ('<div style="width:0;height:0"><a href="http://bet.example.com/">x</a></div>', "zero-size"),
    (
        '<div style="height:1px;overflow:hidden"><a href="http://bet.example.com/">x</a></div>',
        "overflow-hidden",
    ),
    (
        '<div style="width:0px; overflow: hidden"><a href="http://bet.example.com/">x</a></div>',
        "overflow-hidden",
    ),
    ('<marquee height="1" width="1"><a href="http://bet.example.com/">x</a></marquee>', "marquee"),
    ('<marquee style="height:5px"><a href="http://bet.example.com/">x</a></marquee>', "marquee"),
    ('<marquee scrollamount="10000"><a href="http://bet.example.com/">x</a></marquee>', "marquee"),
    ('<noscript><a href="http://bet.example.com/">x</a></noscript>', "noscript"),
]


@pytest.mark.parametrize(("body", "technique"), HIDDEN_CASES)
def test_each_inline_hiding_technique_is_named(body: str, technique: str) -> None:
    link = _only(body)
    assert link.href == "http://bet.example.com/"
    assert link.hidden == technique


STYLE_BLOCK_CASES = [
    (".x{display:none}", '<div class="a x"><a href="http://bet.example.com/">x</a></div>', "display:none"),
    (
        "#y { position:absolute; left:-2000px }",
        '<div id="y"><a href="http://bet.example.com/">x</a></div>',
        "offscreen",
    ),
    (
        "div.z{visibility:hidden}",
        '<div class="z"><a href="http://bet.example.com/">x</a></div>',
        "visibility:hidden",
    ),
    (".a, .b{display:none}", '<p class="b"><a href="http://bet.example.com/">x</a></p>', "display:none"),
    (
        "/* c */ .h{height:0;overflow:hidden}",
        '<ul class="h"><li><a href="http://bet.example.com/">x</a></li></ul>',
        "overflow-hidden",
    ),
    (
        ".p{position:absolute}",
        '<div class="p" style="top:-5000px"><a href="http://bet.example.com/">x</a></div>',
        "offscreen",
    ),
]


@pytest.mark.parametrize(("css", "body", "technique"), STYLE_BLOCK_CASES)
def test_style_block_class_and_id_rules_hide(css: str, body: str, technique: str) -> None:
    assert _only(body, f"<style>{css}</style>").hidden == technique


VISIBLE_CASES = [
    ("", '<a href="http://partner.example.com/">合作</a>'),
    (
        "@media (max-width:600px){.x{display:none}}",
        '<div class="x"><a href="http://partner.example.com/">x</a></div>',
    ),
    (
        ".nav li:hover ul{display:none}",
        '<div class="nav"><ul><li><a href="http://partner.example.com/">x</a></li></ul></div>',
    ),
    (
        ".x{display:none}",
        '<div class="x" style="display:block"><a href="http://partner.example.com/">x</a></div>',
    ),
    ("p.x{display:none}", '<div class="x"><a href="http://partner.example.com/">x</a></div>'),
    ("", '<marquee height="30" scrollamount="3"><a href="http://partner.example.com/">x</a></marquee>'),
    ("", '<div style="position:absolute;left:-20px"><a href="http://partner.example.com/">x</a></div>'),
    ("", '<div style="height:0"><a href="http://partner.example.com/">x</a></div>'),
]


@pytest.mark.parametrize(("css", "body"), VISIBLE_CASES)
def test_ordinary_layouts_are_not_called_hidden(css: str, body: str) -> None:
    assert _only(body, f"<style>{css}</style>" if css else "").hidden == ""


def test_document_write_links_in_every_disguise() -> None:
    body = """
    <script>document.write('<a href="http://one.example.com/">百家乐</a>');</script>
    <script>document.write(unescape("%3Ca href='http://two.example.com/'%3E%E8%B5%8C%E5%9C%BA%3C/a%3E"));</script>
    <script>var s = 1; document.writeln("<a hr" + "ef=\\"http://three.example.com/\\">\\u535a\\u5f69</a>");</script>
    <script>var footer = '<a href="http://not-written.example.com/">x</a>';</script>
    """
    found = {link.href: link for link in _links(body)}
    assert set(found) == {"http://one.example.com/", "http://two.example.com/", "http://three.example.com/"}
    assert {link.hidden for link in found.values()} == {"document.write"}
    assert found["http://one.example.com/"].text == "百家乐"
    assert found["http://two.example.com/"].text == "赌场"
    assert found["http://three.example.com/"].text == "博彩"
    assert "one.example.com" in found["http://one.example.com/"].snippet


def test_template_content_is_not_a_link() -> None:
    assert _links('<template><a href="http://t.example.com/">x</a></template>') == []


def test_internal_and_non_web_links_are_left_out() -> None:
    body = """
    <a href="/col/index.html">相对</a><a href="http://www.example.gov.cn/a">同站</a>
    <a href="http://example.gov.cn/b">门户裸域</a><a href="https://fgw.example.gov.cn/c">部门子站</a>
    <a href="javascript:void(0)">js</a><a href="mailto:a@example.com">mail</a><a href="#top">top</a>
    <a href="http://www.other.gov.cn/">其他政府网站</a>
    """
    assert [link.href for link in _links(body)] == ["http://www.other.gov.cn/"]


def test_www_of_a_public_suffix_is_not_dropped() -> None:
    body = '<a href="http://www.sc.gov.cn/">四川</a><a href="http://sousuo.www.gov.cn/">搜索</a>'
    found = extract_external_links(_page(body), "https://www.gov.cn/", site_host="www.gov.cn")
    assert [link.href for link in found] == ["http://www.sc.gov.cn/"]


def test_base_href_resolves_relative_links() -> None:
    html = (
        '<html><head><base href="http://cdn.example.net/x/"></head><body><a href="a.html">a</a></body></html>'
    )
    found = extract_external_links(html, PAGE, site_host=SITE)
    assert [link.href for link in found] == ["http://cdn.example.net/x/a.html"]


def test_duplicates_collapse_per_href_and_technique() -> None:
    body = """
    <a href="http://p.example.com/">a</a><a href="http://p.example.com/">b</a>
    <div style="display:none"><a href="http://p.example.com/">c</a></div>
    """
    found = _links(body)
    assert [(link.href, link.hidden, link.text) for link in found] == [
        ("http://p.example.com/", "", "a"),
        ("http://p.example.com/", "display:none", "c"),
    ]


def test_snippet_shows_the_hiding_ancestor_and_image_alt_is_the_text() -> None:
    link = _only(
        '<div class="f" style="display:none"><a href="http://p.example.com/"><img alt="彩票"></a></div>'
    )
    assert link.text == "彩票"
    assert link.snippet.startswith('<div class="f" style="display:none">…<a href="http://p.example.com/">')
    assert link.page_url == PAGE


def test_declarations_and_techniques_helpers() -> None:
    assert parse_declarations("Display : None ; color:red") == {"display": "none", "color": "red"}
    assert style_technique({"position": "absolute", "left": "-100em"}) == "offscreen"
    assert style_technique({"position": "relative", "left": "-9999px"}) == ""
    assert style_technique({"width": "50%", "overflow": "hidden"}) == ""


# -- real pages ---------------------------------------------------------------------------------------------


def test_zj_fzggw_hidden_links_are_the_jiucuo_entry_and_the_cms_signature(rulebook: Rulebook) -> None:
    html = (PAGES / "gov_pages" / "zj_fzggw_article_gne.html").read_text(encoding="utf-8")
    found = extract_external_links(
        html, "http://fzggw.zj.gov.cn/art/2016/11/22/art.html", site_host="fzggw.zj.gov.cn"
    )
    hidden = {link.href: link for link in found if link.hidden}
    assert set(hidden) == {
        "http://121.43.68.40/exposure/jiucuo.html?site_code=3300000020&url=http%3A%2F%2Fwww.zjdpc.gov.cn%2F",
        "http://www.hanweb.com",
    }
    assert {link.hidden for link in hidden.values()} == {"display:none"}
    assert hidden["http://www.hanweb.com"].text == "Produced By 大汉网络 大汉版通发布系统"
    # the CMS signature is hidden but benign: it must not read as a dark link
    assert domain_verdict("www.hanweb.com", rulebook.illegal_domains, rulebook.benign_domains) == (
        False,
        True,
    )
    # the hidden 找错 link points at the national platform's old IP address: benign too
    assert domain_verdict("121.43.68.40", rulebook.illegal_domains, rulebook.benign_domains) == (False, True)
    conac = [link for link in found if "conac.cn" in link.href]
    assert conac and conac[0].hidden == ""


def test_cmse_hidden_share_widget_is_benign(rulebook: Rulebook) -> None:
    html = (PAGES / "gov_pages" / "cmse_article_gne.html").read_text(encoding="utf-8")
    found = extract_external_links(html, "http://www.cmse.gov.cn/a.html", site_host="www.cmse.gov.cn")
    hidden = [link for link in found if link.hidden]
    assert hidden, "the bShare panel is display:none"
    for link in hidden:
        host = hosts.url_host(link.href)
        assert domain_verdict(host, rulebook.illegal_domains, rulebook.benign_domains) == (False, True), host


# -- domains --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.sc.gov.cn", "sc.gov.cn"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("WWW.Example.COM.", "example.com"),
        ("bszs.conac.cn", "conac.cn"),
        ("121.43.68.40", "121.43.68.40"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_registrable_domain_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    hosts._extractor.cache_clear()
    try:
        assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
        assert hosts._extractor() is hosts._extractor()  # one instance, built once
    finally:
        hosts._extractor.cache_clear()


ILLEGAL = frozenset({"188bet.com", "evil.example"})
BENIGN = frozenset({"hanweb.com", "qq.com", "evil.example"})


@pytest.mark.parametrize(
    ("host", "verdict"),
    [
        ("188bet.com", (True, False)),
        ("www.188bet.com", (True, False)),
        ("a.b.188bet.com", (True, False)),
        ("x188bet.com", (False, False)),
        ("www.hanweb.com", (False, True)),
        ("hanweb.com.evil.cc", (False, False)),
        ("sub.evil.example", (True, False)),  # listed wins over benign
        ("www.sc.gov.cn", (False, True)),
        ("gov.cn", (False, True)),
        ("www.beijing.政务", (False, True)),
        ("www.beijing.xn--zfr164b", (False, True)),  # .政务 in punycode
        ("gov.cn.188bet.com", (True, False)),
        ("WWW.188BET.COM.", (True, False)),
        ("unknown.example.org", (False, False)),
    ],
)
def test_domain_verdict(host: str, verdict: tuple[bool, bool]) -> None:
    assert domain_verdict(host, ILLEGAL, BENIGN) == verdict


def test_ip_entries_match_exactly() -> None:
    assert domain_verdict("10.1.2.3", frozenset({"1.2.3"}), frozenset()) == (False, False)
    assert domain_verdict("10.1.2.3", frozenset({"10.1.2.3"}), frozenset()) == (True, False)


def test_a_gov_cn_host_is_never_illegal_even_when_listed() -> None:
    assert domain_verdict("www.bad.gov.cn", frozenset({"bad.gov.cn"}), frozenset()) == (False, True)


def test_domain_verdict_with_the_shipped_lists(rulebook: Rulebook) -> None:
    illegal, benign = rulebook.illegal_domains, rulebook.benign_domains
    assert domain_verdict("www.188bet.com", illegal, benign) == (True, False)
    assert domain_verdict("s11.cnzz.com", illegal, benign) == (False, True)


# -- text -----------------------------------------------------------------------------------------------------


def test_score_text_sums_weights_of_keywords_present(rulebook: Rulebook) -> None:
    keywords = {"百家乐": 3, "棋牌": 1, "av在线": 3, "下注": 2}
    assert score_text("澳门百家乐 AV在线 百家乐 棋牌", keywords) == (7, ("av在线", "棋牌", "百家乐"))
    assert score_text("政务公开 通知公告", keywords) == (0, ())
    score, matched = score_text("真人荷官 在线下注", rulebook.illegal_keywords)
    assert score >= rulebook.rule("illegal_links")["keyword_score"]
    assert matched == ("下注", "真人荷官")


def test_title_and_text_drop_scripts_styles_templates_and_join_inline_tags() -> None:
    html = """<html><head><title> 某某市人民政府
      门户网站 </title><style>.a{color:red}</style></head>
      <body><script>var x = "脚本";</script><template><p>模板</p></template>
      <div>京<span>ICP</span>备<span>19054529</span>号</div><p>第一段</p><p>第二&nbsp;&nbsp;段</p>
      <noscript>请启用脚本</noscript></body></html>"""
    title, text = title_and_text(html)
    assert title == "某某市人民政府 门户网站"
    assert text == "京ICP备19054529号 第一段 第二 段 请启用脚本"


def test_title_and_text_of_empty_and_fragment_input() -> None:
    assert title_and_text("") == ("", "")
    assert title_and_text("<p>只有片段</p>") == ("", "只有片段")


def _kinds(body: str, head: str = "") -> dict[str, tuple[str, str, str]]:
    found = extract_external_links(_page(body, head), PAGE, site_host=SITE)
    return {link.href: (link.element, link.text, link.hidden) for link in found}


def test_dropdown_friend_links_are_read_from_option_values():
    found = _kinds('<select onchange="window.open(this.value)"><option value="">友情链接</option>'
                   '<option value="http://www.bet365-sports.example/">365体育</option>'
                   '<option value="www.bare.example">无协议</option></select>'
                   '<select onchange="location.href=this.value"><option value="/gk/">本站</option></select>'
                   '<select name="year"><option value="2022">2022</option></select>')
    assert found == {"http://www.bet365-sports.example/": ("option", "365体育", ""),
                     "http://www.bare.example": ("option", "无协议", "")}


def test_onclick_javascript_frames_forms_refresh_and_redirects_are_read():
    found = _kinds(
        '<a href="javascript:void(0)" onclick="window.open(\'http://click.example/a\')">点我</a>'
        '<a href="javascript:window.open(\'http://jshref.example/\')">脚本</a>'
        '<button onclick="location.href=\'http://button.example/\'">按钮</button>'
        '<iframe src="http://frame.example/ad.html" style="width:0;height:0"></iframe>'
        '<form action="http://form.example/search"></form>'
        '<script>if (x) { window.location.href = "http://redirect.example/"; }</script>'
        '<div style="display:none"><select><option value="http://hidden.example/">隐</option></select></div>',
        head='<meta http-equiv="refresh" content="3; URL=http://refresh.example/">')
    assert {href: kind for href, (kind, _, _) in found.items()} == {
        "http://click.example/a": "onclick", "http://jshref.example/": "onclick", "http://button.example/": "onclick",
        "http://frame.example/ad.html": "iframe", "http://form.example/search": "form",
        "http://redirect.example/": "script", "http://refresh.example/": "meta-refresh",
        "http://hidden.example/": "option"}
    assert found["http://frame.example/ad.html"][2] == "zero-size"
    assert found["http://hidden.example/"][2] == "display:none"


def test_the_element_kind_reaches_the_evidence(rulebook):
    from monitor.checks.website import illegal_links
    from monitor.evidence import describe_evidence
    from monitor.observations import ExternalVerdict, SiteObservation
    from tests.conftest import shanghai

    obs = SiteObservation(url=PAGE, observed_at=shanghai(2022, 12, 28), homepage_ok=True)
    obs.links = extract_external_links(_page('<select onchange="window.open(this.value)">'
                                             '<option value="http://www.bet365-sports.example/">365体育</option></select>'),
                                       PAGE, site_host=SITE)
    obs.external = {"www.bet365-sports.example": ExternalVerdict("www.bet365-sports.example", listed="gambling")}
    [finding] = illegal_links(obs, rulebook.rule("illegal_links"))
    assert finding.evidence["links"][0]["element"] == "option"
    assert "下拉菜单选项链接指向 http://www.bet365-sports.example/" in describe_evidence(finding)[1]
