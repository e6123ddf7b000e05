"""extract/js.py: the one reading of document.write scripts, shared by listings, links and footers."""

from __future__ import annotations

from monitor.extract.js import call_argument, string_literals, string_variables, written_html
from monitor.extract.links import extract_external_links
from monitor.extract.listing import extract_listing


def test_trs_item_script_writes_its_link_with_variables_substituted() -> None:
    script = """var str_1 = "./202611/t20261120_1.html"; var title = "关于\\"十四五\\"规划的通知";
    document.write("<a href='" + str_1 + "' target=_blank>" + title + "</a>");"""
    assert written_html(script) == ["<a href='./202611/t20261120_1.html' target=_blank>关于\"十四五\"规划的通知</a>"]


def test_escapes_are_decoded_the_same_way_everywhere() -> None:
    source = r"""document.writeln('<a href=\'http://x.example.com/\'>\u5165\u53e3\x21</a>\n')"""
    assert written_html(source) == ["<a href='http://x.example.com/'>入口!</a>\n"]
    assert string_literals(r"""'\u5165' + "\x21" + '\\x21'""") == "入!\\x21"  # an escaped backslash stays one


def test_unknown_names_drop_out_and_percent_encoding_is_undone() -> None:
    script = 'document.write(unescape("%3Ca href=%22http://spam.example.com/%22%3E") + makeTitle() + "</a>")'
    assert written_html(script) == ['<a href="http://spam.example.com/"></a>']


def test_template_literals_let_and_const_are_read() -> None:
    script = "const host = 'x.example.com'; let a = `<a href=\"http://`; document.write(a + host + '/\">x</a>')"
    assert string_variables(script) == {"host": "x.example.com", "a": '<a href="http://'}
    assert written_html(script) == ['<a href="http://x.example.com/">x</a>']


def test_an_unclosed_call_reads_to_the_end_of_the_script() -> None:
    assert call_argument("document.write('<a>'", len("document.write(")) == "'<a>'"
    assert written_html("no writing here") == []


def test_listing_and_links_see_the_same_written_link() -> None:
    """The listing reader and the link extractor both read the written anchor through js.py."""
    html = """<html><body><ul>
    <li><script>var str_1 = "http://www.example.gov.cn/art/2026/11/20/art_1.html";
    document.write("<a href='" + str_1 + "'>\\u5e02\\u653f\\u5e9c\\u5e38\\u52a1\\u4f1a\\u8bae\\u53ec\\u5f00</a>");</script>
    <span>2026-11-20</span></li></ul></body></html>"""
    [item] = extract_listing(html, "http://www.example.gov.cn/col/")
    assert (item.title, item.url) == ("市政府常务会议召开", "http://www.example.gov.cn/art/2026/11/20/art_1.html")
    links = extract_external_links(html, "http://www.example.gov.cn/col/", site_host="www.sc.gov.cn")
    written = [(link.href, link.text) for link in links if link.hidden == "document.write"]
    assert written == [(item.url, item.title)]
