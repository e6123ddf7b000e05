"""The "我为政府网站找错" entry and the footer identity, on real pages and on each written form."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract.footer import classify_jiucuo_url, extract_footer_identity, find_jiucuo
from monitor.observations import FooterIdentity, JiucuoEntry

PAGES = Path(__file__).parent / "data" / "realworld"
URL = "http://www.example.gov.cn/"


def _read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _body(body: str) -> str:
    return f"<html><head><title>t</title></head><body><p>正文</p>{body}</body></html>"


# -- 我为政府网站找错: real pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "form", "code", "visible"),
    [
        ("gov_pages/shanxi_gov_article_gne.html", "script", "1400000045", True),
        ("gov_pages/zj_fzggw_article_gne.html", "link", "3300000020", False),  # display:none link
        ("gov_pages/ccgp_gov_cjgg_notice.html", "link", "bm14000002", True),
        ("gov_pages/nfra_xzcf_detail_selenium_pagesource.html", "script", "bm55000001", True),
        ("gov_pages/ccgp_hebei_zbgg_detail_saved.html", "script", "1300000065", True),  # local jiucuo.js copy
        ("counterfeit_gov/mhxqwer_zysc.gov.cn_index.html", "link", "5100000062", True),
        ("counterfeit_gov/mhxqwer_myzgd.gov.cn_index.html", "script", "4400000131", True),
    ],
)
def test_jiucuo_entry_on_real_pages(name: str, form: str, code: str, visible: bool) -> None:
    assert find_jiucuo(_read(name), URL) == JiucuoEntry(URL, True, form, code, visible)


def test_cmse_has_no_entry() -> None:
    assert find_jiucuo(_read("gov_pages/cmse_article_gne.html"), URL) == JiucuoEntry(URL, present=False)


def test_govcn_own_jiucuo_page_is_not_the_national_entry() -> None:
    entry = find_jiucuo(_read("gov_pages/govcn_gongbao_article_gne.html"), URL)
    assert entry == JiucuoEntry(URL, present=False, form="own-page")


def test_nfra_rendered_image_alone_is_the_image_form() -> None:
    html = _read("gov_pages/nfra_xzcf_detail_selenium_pagesource.html")
    start = html.index('<span id="_span_jiucuo">')
    image_only = _body(html[start : html.index("</span>", start) + len("</span>")])
    assert find_jiucuo(image_only, URL) == JiucuoEntry(URL, True, "image", "bm55000001", True)


# -- 我为政府网站找错: every form (synthetic) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "form", "code"),
    [
        (
            '<script id="_jiucuo_" sitecode="1100000088" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>',
            "script",
            "1100000088",
        ),
        (
            "<script id=_jiucuo_ sitecode=1506000140 src=http://pucha.kaipuyun.cn/exposure/jiucuo.js></script>",
            "script",
            "1506000140",
        ),
        ('<script id="_jiucuo_" sitecode="3609000002" src="/js/jiucuo.js"></script>', "script", "3609000002"),
        (
            "<script>document.write(unescape(\"%3Cscript id='_jiucuo_' sitecode='bm55000001' "
            "src='https://zfwzgl.www.gov.cn/exposure/jiucuo.js'%3E%3C/script%3E\"));</script>",
            "script",
            "bm55000001",
        ),
        (
            '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=bm14000002&amp;url=http%3A%2F%2Fx">找错</a>',
            "link",
            "bm14000002",
        ),
        (
            '<a href="http://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=1301000003&url=">找错</a>',
            "link",
            "1301000003",
        ),
        (
            '<a href="http://121.43.68.40/exposure/jiucuo.html?site_code=3300000020">找错</a>',
            "link",
            "3300000020",
        ),
        (
            '<a href="https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfoNew?siteCode=4401000004&url=x">找错</a>',
            "backend-link",
            "4401000004",
        ),
        (
            '<a href="https://zfwzxx.www.gov.cn/check_web/errorInfo/jcInfoNew?siteCode=bm05000001">找错</a>',
            "backend-link",
            "bm05000001",
        ),
        (
            '<img src="https://zfwzgl.www.gov.cn/exposure/images/jiucuo.png?v=bm55000001">',
            "image",
            "bm55000001",
        ),
        (
            '<span id="_span_jiucuo"><img onclick="Link(\'4400000131\')" src="static/jiucuo.png"></span>',
            "image",
            "4400000131",
        ),
    ],
)
def test_every_entry_form_and_its_code(body: str, form: str, code: str) -> None:
    assert find_jiucuo(_body(body), URL) == JiucuoEntry(URL, True, form, code, True)


def test_entry_hidden_by_a_style_block_rule_is_not_visible() -> None:
    body = (
        "<style>.jc{display:none}</style><div class='jc'>"
        '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=1100000088">找错</a></div>'
    )
    assert find_jiucuo(_body(body), URL) == JiucuoEntry(URL, True, "link", "1100000088", False)


def test_a_visible_form_wins_over_a_hidden_one() -> None:
    body = (
        '<div style="display:none"><script id="_jiucuo_" sitecode="1100000088" src="/jiucuo.js"></script></div>'
        '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=1100000099">找错</a>'
    )
    assert find_jiucuo(_body(body), URL) == JiucuoEntry(URL, True, "link", "1100000099", True)


def test_lookalike_hosts_and_plain_pages_are_not_the_entry() -> None:
    assert classify_jiucuo_url("http://zfwzgl.www.gov.cn.evil.cc/exposure/jiucuo.html?site_code=1") == (
        "",
        "",
    )
    assert classify_jiucuo_url("https://www.gov.cn/fuwu/jiucuopage.html") == ("", "")
    assert find_jiucuo(_body('<a href="/about.html">关于我们</a>'), URL) == JiucuoEntry(URL, present=False)
    assert find_jiucuo("", URL) == JiucuoEntry(URL, present=False)


# -- footer identity: real pages ---------------------------------------------------------------------------------


def test_ccgp_numbers_split_across_spans() -> None:
    assert extract_footer_identity(_read("gov_pages/ccgp_gov_cjgg_notice.html")) == FooterIdentity(
        site_code="bm14000002",
        icp="京ICP备19054529号-1",
        gongan="京公网安备11010602060068号",
        conac=True,
        sponsor="中华人民共和国财政部国库司",
        meta_site_code="",
    )


def test_zysc_counterfeit_footer() -> None:
    assert extract_footer_identity(_read("counterfeit_gov/mhxqwer_zysc.gov.cn_index.html")) == FooterIdentity(
        site_code="5100000062",
        icp="蜀ICP备 13001288号",
        gongan="川公网安备 51010402000507号",
        conac=True,
        sponsor="四川省人民政府办公厅",
        meta_site_code="5100000062",
    )


def test_govcn_code_without_colon() -> None:
    assert extract_footer_identity(_read("gov_pages/govcn_gongbao_article_gne.html")) == FooterIdentity(
        site_code="bm01000001",
        icp="京ICP备05070218号",
        gongan="京公网安备11010202000001号",
        conac=True,
        sponsor="国务院办公厅",
        meta_site_code="",
    )


def test_ccgp_hebei_gongan_number_inside_link_on_next_line() -> None:
    identity = extract_footer_identity(_read("gov_pages/ccgp_hebei_zbgg_detail_saved.html"))
    assert identity == FooterIdentity(
        site_code="1300000065",
        icp="冀ICP备13016076号-2",
        gongan="冀公网安备 13010402001602",
        conac=True,
        sponsor="河北省财政厅",
        meta_site_code="1300000065",
    )


def test_myzgd_footer_written_by_javascript_strings() -> None:
    identity = extract_footer_identity(_read("counterfeit_gov/mhxqwer_myzgd.gov.cn_index.html"))
    assert identity.site_code == "4400000131"
    assert identity.icp == "粤ICP备05070829号"
    assert identity.gongan == "粤公网安备 44010402001160号"
    assert identity.sponsor == "广东省人民政府办公厅"
    assert identity.conac is True
    assert identity.meta_site_code == "4400000131"


def test_cmse_footer_lacks_code_and_gongan() -> None:
    identity = extract_footer_identity(_read("gov_pages/cmse_article_gne.html"))
    assert (identity.site_code, identity.gongan, identity.conac) == ("", "", False)
    assert identity.icp == "京ICP备20027467号-1"
    assert identity.sponsor == "中国载人航天工程办公室"


def test_nfra_and_shanxi_meta_and_footer_codes_agree() -> None:
    for name, code in [
        ("gov_pages/nfra_xzcf_detail_selenium_pagesource.html", "bm55000001"),
        ("gov_pages/shanxi_gov_article_gne.html", "1400000045"),
    ]:
        identity = extract_footer_identity(_read(name))
        assert (identity.site_code, identity.meta_site_code) == (code, code), name


# -- footer identity: synthetic edge cases --------------------------------------------------------------------


def test_script_string_footer_is_a_fallback_only() -> None:
    html = _body(
        "<div id='f'></div><script>var f = '<span>网站标识码4400000131</span>'+\n"
        "'<a href=\"https://beian.miit.gov.cn/\">粤ICP备05070829号</a>';"
        "document.getElementById('f').innerHTML = f;</script>"
    )
    identity = extract_footer_identity(html)
    assert (identity.site_code, identity.icp) == ("4400000131", "粤ICP备05070829号")
    shown = _body("<p>网站标识码：1100000001</p><script>var f = '标识码4400000131';</script>")
    assert extract_footer_identity(shown).site_code == "1100000001"


def test_bm_codes_are_given_in_lower_case_as_registered() -> None:
    html = '<html><head><meta name="siteidcode" content="BM01000001"></head><body>网站标识码:BM01000001</body></html>'
    identity = extract_footer_identity(html)
    assert (identity.site_code, identity.meta_site_code) == ("bm01000001", "bm01000001")
    script = '<script id="_jiucuo_" sitecode="BM01000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
    assert find_jiucuo(_body(script), URL).site_code == "bm01000001"


def test_codes_of_the_wrong_length_are_rejected_and_the_last_one_wins() -> None:
    assert extract_footer_identity(_body("<p>网站标识码：11000000012</p>")).site_code == ""
    assert extract_footer_identity(_body("<p>网站标识码：bm0100000</p>")).site_code == ""
    text = "<p>转载自网站标识码：1100000001的网站</p><div>网站标识码: 3300000020</div>"
    assert extract_footer_identity(_body(text)).site_code == "3300000020"


def test_gongan_from_the_beian_link_when_the_text_is_an_image() -> None:
    body = (
        '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33010602009328">'
        '<img src="ga.png"></a>'
    )
    assert extract_footer_identity(_body(body)).gongan == "33010602009328"


def test_sponsor_stops_at_the_next_field() -> None:
    body = "<p>主办单位：某某市人民政府办公室 | 承办：某某市大数据中心 © 版权所有</p>"
    assert extract_footer_identity(_body(body)).sponsor == "某某市人民政府办公室"


def test_conac_mark_as_link_image_or_script() -> None:
    assert extract_footer_identity(_body('<a href="http://bszs.conac.cn/sitename?id=1">x</a>')).conac
    assert extract_footer_identity(_body('<img src="/images/foot_dzjg.png">')).conac
    assert not extract_footer_identity(_body('<div class="dzjg">党政机关</div>')).conac


def test_empty_page_gives_an_empty_identity() -> None:
    assert extract_footer_identity("") == FooterIdentity()
