"""Listing items, next pages, blank placeholders and column metas, on real and synthetic pages."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from monitor.extract.listing import blank_marker, column_meta, extract_listing, next_page_urls
from monitor.observations import ListingItem

REALWORLD = Path(__file__).parent / "data" / "realworld"
MARKERS = ("暂无信息", "暂无数据", "建设中", "栏目建设中")


def read(relative: str) -> str:
    return (REALWORLD / relative).read_text(encoding="utf-8")


def manifest(relative: str) -> dict[str, str]:
    with (REALWORLD / "MANIFEST_extract.tsv").open(encoding="utf-8") as handle:
        rows = {row["local_path"]: row for row in csv.DictReader(handle, delimiter="\t")}
    return rows[relative]


def dated(items: list[ListingItem]) -> list[ListingItem]:
    return [item for item in items if item.date is not None]


def expected_counts(relative: str) -> tuple[int, date, date]:
    row = manifest(relative)
    newest = date.fromisoformat(row["newest_item_date"][:10])
    oldest = date.fromisoformat(row["oldest_item_date"][:10])
    return int(row["n_dated_items"]), newest, oldest


# -- real pages ----------------------------------------------------------------------------------
YICHUN = "gov_pages/yichun_home_2023-10-11_raw.html"
ORDOS = "gov_pages/ordos_engebei_xxgknb_list_nhp.html"
HANDAN = "gov_pages/handan_xxgk_list_saved.jsp"


@pytest.fixture(scope="module")
def yichun_items() -> list[ListingItem]:
    return extract_listing(read(YICHUN), "https://www.yichun.gov.cn/ycsrmzf/index.shtml")


def test_yichun_home_counts_match_the_manifest(yichun_items: list[ListingItem]) -> None:
    count, newest, oldest = expected_counts(YICHUN)
    items = dated(yichun_items)
    assert len(items) == count == 41
    assert max(item.date for item in items) == newest == date(2023, 10, 11)
    assert min(item.date for item in items) == oldest == date(2023, 8, 21)
    assert all(item.date_source == "list" for item in items)


def test_yichun_bare_month_days_take_the_generation_year(yichun_items: list[ListingItem]) -> None:
    bare = [item for item in yichun_items if item.raw_date == "10-11"]
    assert len(bare) == 3  # headline + two list entries of 政务要闻
    assert {item.date for item in bare} == {date(2023, 10, 11)}
    first = yichun_items[0]
    assert first.title == "严允：加速打造国家级新能源产业重要集聚区"
    assert first.url == "https://www.yichun.gov.cn/ycsrmzf/zwyw/202310/02264b867b4b4b6d91a3844f29b22154.shtml"


def test_yichun_dates_in_urls_are_not_list_dates(yichun_items: list[ListingItem]) -> None:
    # /ycsrmzf/footer/2022-01/27/… and /ydl/2022-12/06/… live in image and download URLs only
    assert all(item.date is not None and item.date.year == 2023 for item in yichun_items)
    assert all("footer" not in item.url for item in yichun_items)


def test_yichun_reference_passed_in_and_from_newest_full_date() -> None:
    html = read(YICHUN)
    later = extract_listing(html, "https://www.yichun.gov.cn/", reference=date(2024, 1, 2))
    assert {item.date for item in later if item.raw_date == "10-11"} == {date(2023, 10, 11)}
    # crawled years later: the generation meta (2023-10-11) still bounds the year, so a stale
    # static page is not read as this year's news
    years_later = extract_listing(html, "https://www.yichun.gov.cn/", reference=date(2026, 11, 27))
    assert {item.date for item in years_later if item.raw_date == "10-11"} == {date(2023, 10, 11)}
    assert max(item.date for item in dated(years_later)) == date(2023, 10, 11)
    without_meta = html.replace("页面生成时间 2023-10-11 11:36:07", "")
    items = extract_listing(without_meta, "https://www.yichun.gov.cn/")
    assert len(dated(items)) == 41
    assert max(item.date for item in dated(items)) == date(2023, 10, 11)


def test_ordos_listing_uses_displayed_dates_not_url_dates() -> None:
    count, newest, oldest = expected_counts(ORDOS)
    items = extract_listing(read(ORDOS), "http://www.engebei.gov.cn/xxgk/xxgknb/")
    assert len(dated(items)) == count == 10
    assert len(items) == 10  # the side menu and the footer are not entries
    assert items[0].date == newest == date(2020, 9, 3)
    assert items[-1].date == oldest == date(2017, 1, 7)
    by_url = {item.url.rsplit("/", 1)[-1]: item.date for item in items}
    assert by_url["t20181102_2290635.html"] == date(2018, 3, 26)
    assert by_url["t20181102_2290607.html"] == date(2018, 1, 5)
    assert by_url["t20180525_2166460.html"] == date(2017, 3, 22)
    assert by_url["t20180205_2082017.html"] == date(2017, 1, 7)
    assert items[0].url == "http://www.engebei.gov.cn/xxgk/xxgknb/202009/t20200903_2748784.html"
    assert items[0].title == "鄂尔多斯市2019年政府信息公开工作年度报告"
    assert items[0].raw_date == "2020-09-03"


def test_handan_table_listing() -> None:
    count, newest, _ = expected_counts(HANDAN)
    items = extract_listing(read(HANDAN), "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/")
    assert len(items) == count == 1
    assert items[0].date == newest == date(2020, 8, 5)
    assert items[0].title == "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知"


def test_real_next_pages() -> None:
    assert next_page_urls(read(ORDOS), "http://www.engebei.gov.cn/xxgk/xxgknb/") == [
        "http://www.engebei.gov.cn/xxgk/xxgknb/index_1.html"
    ]
    pages = next_page_urls(read(HANDAN), "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/")
    assert pages[0] == "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_1.html"
    assert pages[-1] == "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_55.html"  # countPage = 56
    assert len(pages) == 55


# -- synthetic pages -----------------------------------------------------------------------------
PLAIN = """<html><body>
<div class="nav"><ul><li><a href="/zwgk/">政务公开栏目首页</a><span>2023-01-02</span></li></ul></div>
<ul class="list">
  <li><a href="./202301/t20230102_1.html">关于做好春节期间安全生产工作的通知</a><span>2023-01-02</span></li>
  <li><a href="./202212/t20221230_2.html" title="市政府召开常务会议研究部署年底重点工作">市政府召开常务会议研究...</a>
      <span class="date">[12-30]</span></li>
  <li><a href="/2022-01/27/t3.html">一条没有日期的列表信息标题</a></li>
</ul>
<div class="footer"><a href="/lxwm/">联系我们网站地图</a> 2023-01-03</div>
</body></html>"""


def test_plain_list_with_bare_and_missing_dates() -> None:
    items = extract_listing(PLAIN, "http://www.example.gov.cn/xwzx/", reference=date(2023, 1, 3))
    assert [item.title for item in items] == [
        "关于做好春节期间安全生产工作的通知",
        "市政府召开常务会议研究部署年底重点工作",
        "一条没有日期的列表信息标题",
    ]
    assert [item.date for item in items] == [date(2023, 1, 2), date(2022, 12, 30), None]
    assert items[1].raw_date == "[12-30]"
    assert items[0].url == "http://www.example.gov.cn/xwzx/202301/t20230102_1.html"
    assert items[2].date_source == "" and items[2].raw_date == ""


def test_plain_list_without_reference_uses_newest_full_date() -> None:
    items = extract_listing(PLAIN, "http://www.example.gov.cn/xwzx/")
    assert items[1].date == date(2022, 12, 30)


def test_generated_meta_is_the_year_reference() -> None:
    html = (
        '<html><head><meta name="others" content="页面生成时间 2023-01-03 08:00:00"></head><body><ul>'
        '<li><a href="a.html">年终岁末安全生产大检查部署会召开</a><span class="time">12-30</span></li>'
        '<li><a href="b.html">新年第一天全市重点项目集中开工</a><span class="time">01-01</span></li>'
        "</ul></body></html>"
    )
    items = extract_listing(html, "http://www.example.gov.cn/")
    assert [item.date for item in items] == [date(2022, 12, 30), date(2023, 1, 1)]


def test_reference_wins_when_earlier_than_generation() -> None:
    html = (
        '<html><head><meta name="others" content="页面生成时间 2023-01-05 08:00:00"></head><body><ul>'
        '<li><a href="a.html">新年第一天全市重点项目集中开工</a><span class="time">01-04</span></li>'
        "</ul></body></html>"
    )
    items = extract_listing(html, "http://www.example.gov.cn/", reference=date(2023, 1, 2))
    assert items[0].date == date(2022, 1, 4)  # 01-04 is after reference + 1 day: last year's


def test_month_days_without_any_reference_stay_undated() -> None:
    html = '<ul><li><a href="a.html">年终岁末安全生产大检查部署会召开</a><span>12-30</span></li></ul>'
    items = extract_listing(html, "http://www.example.gov.cn/")
    assert [(item.title, item.date, item.raw_date) for item in items] == [
        ("年终岁末安全生产大检查部署会召开", None, "12-30")
    ]


def test_table_rows() -> None:
    html = """<table class="zfxxgk">
      <tr><th>名称</th><th>索引号</th><th>发布日期</th></tr>
      <tr><td><a href="/zfwj/t20221228_1.html">关于印发某某实施方案的通知</a></td>
          <td>000014348/2022-35428</td><td>2022-12-28</td></tr>
      <tr><td><a href="/zfwj/t20221101_2.html">关于调整某某标准的通知</a></td>
          <td>000014348/2022-30001</td><td>2022年11月01日</td></tr>
    </table>"""
    items = extract_listing(html, "https://www.example.gov.cn/zfwj/")
    assert [(item.url, item.date) for item in items] == [
        ("https://www.example.gov.cn/zfwj/t20221228_1.html", date(2022, 12, 28)),
        ("https://www.example.gov.cn/zfwj/t20221101_2.html", date(2022, 11, 1)),
    ]


def test_divs_with_time_and_date_classes() -> None:
    html = """<div class="news">
      <div class="item"><a href="/a/1.html">全市重点项目建设推进会召开</a><div class="time">2023-03-02</div></div>
      <div class="item"><a href="/a/2.html">春季植树造林工作全面启动</a><div class="date">2023-03-01</div></div>
    </div>"""
    items = extract_listing(html, "https://www.example.gov.cn/")
    assert [item.date for item in items] == [date(2023, 3, 2), date(2023, 3, 1)]


HANWEB = """<html><body><div id="4242">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=1621004"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2022/12/28/art_1621004_1.html" title="关于做好冬季安全生产工作的通知">关于做好冬季安全生产工作的通知</a><span>2022-12-28</span></li>
]]></record>
<record><![CDATA[
<li><a href="/art/2022/12/20/art_1621004_2.html">全省投资运行情况分析会召开</a><span>2022-12-20</span></li>
]]></record>
</recordset></datastore></script></div>
<script>var a = "<li><a href='x.html'>脚本里的假条目标题</a><span>2030-01-01</span></li>";</script>
<div class="page"><a href="/col/col1621004/index.html?uid=4242&pageNum=2">下一页</a></div>
</body></html>"""


def test_hanweb_datastore_records_are_items() -> None:
    items = extract_listing(HANWEB, "http://fzggw.zj.gov.cn/col/col1621004/index.html")
    assert [(item.title, item.date) for item in items] == [
        ("关于做好冬季安全生产工作的通知", date(2022, 12, 28)),
        ("全省投资运行情况分析会召开", date(2022, 12, 20)),
    ]
    assert items[0].url == "http://fzggw.zj.gov.cn/art/2022/12/28/art_1621004_1.html"


def test_bare_datastore_response_from_dataproxy() -> None:
    xml = (
        "<?xml version='1.0' encoding='UTF-8'?><datastore><recordset><record><![CDATA["
        "<li><a href='/art/2021/1/5/art_1_9.html'>浙江省发展改革委关于某某事项的公示</a><span>2021-01-05</span></li>"
        "]]></record></recordset></datastore>"
    )
    items = extract_listing(xml, "http://fzggw.zj.gov.cn/module/web/jpage/dataproxy.jsp")
    assert [(item.url, item.date) for item in items] == [
        ("http://fzggw.zj.gov.cn/art/2021/1/5/art_1_9.html", date(2021, 1, 5))
    ]


def test_hanweb_next_page_link() -> None:
    assert next_page_urls(HANWEB, "http://fzggw.zj.gov.cn/col/col1621004/index.html") == [
        "http://fzggw.zj.gov.cn/col/col1621004/index.html?uid=4242&pageNum=2"
    ]


def test_trs_create_page_html() -> None:
    html = """<div class="page"><script>createPageHTML(4, 0, "index", "shtml");</script></div>"""
    assert next_page_urls(html, "http://www.example.gov.cn/xwzx/gzdt/") == [
        "http://www.example.gov.cn/xwzx/gzdt/index_1.shtml",
        "http://www.example.gov.cn/xwzx/gzdt/index_2.shtml",
        "http://www.example.gov.cn/xwzx/gzdt/index_3.shtml",
    ]
    later = """<script>createPageHTML('page_div', 5, 3, 'index', 'html');</script>"""
    assert next_page_urls(later, "http://www.example.gov.cn/xwzx/gzdt/index_3.html") == [
        "http://www.example.gov.cn/xwzx/gzdt/index_4.html"
    ]


def test_single_page_and_article_pages_have_no_next_pages() -> None:
    article = '<script>createPageHTML(1,0,"t20190918_693227","shtml");</script><p>正文</p>'
    assert next_page_urls(article, "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml") == []
    assert next_page_urls("<ul><li><a href='a.html'>一条信息</a></li></ul>", "http://x.gov.cn/") == []


def test_numbered_pager_links() -> None:
    html = """<div class="pages"><span>1</span> <a href="list_2.html">2</a> <a href="list_3.html">3</a>
      <a href="list_2.html">下页</a> <a href="list_9.html">尾页</a></div>
      <p>全市共有<a href="/tj/7.html">7</a>个县区</p>"""
    assert next_page_urls(html, "http://www.example.gov.cn/tzgg/list_1.html") == [
        "http://www.example.gov.cn/tzgg/list_2.html",
        "http://www.example.gov.cn/tzgg/list_3.html",
    ]


def test_undated_list_on_a_page_without_dates_is_kept() -> None:
    html = """<div class="menu"><ul><li><a href="/a/">机构设置栏目</a></li><li><a href="/b/">工作职能栏目</a></li></ul></div>
    <ul class="list"><li><a href="/c/1.html">关于开展城乡环境综合整治的实施意见</a></li>
    <li><a href="/c/2.html">关于进一步加强安全生产工作的若干意见</a></li></ul>"""
    items = extract_listing(html, "http://www.example.gov.cn/")
    assert [(item.url, item.date) for item in items] == [
        ("http://www.example.gov.cn/c/1.html", None),
        ("http://www.example.gov.cn/c/2.html", None),
    ]


def test_navigation_only_page_has_no_items() -> None:
    html = """<nav><ul><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav>
    <div class="footer"><a href="/wzsm/">网站声明</a><a href="/lxwm/">联系我们</a></div>"""
    assert extract_listing(html, "http://www.example.gov.cn/") == []


# -- what a column page says of itself -------------------------------------------------------------
def test_blank_marker_in_content() -> None:
    html = """<html><body><div class="nav"><a href="/">首页</a></div>
    <div class="main"><h2>人事信息</h2><div class="list">暂无信息</div></div>
    <div class="footer">主办单位：某某市人民政府</div></body></html>"""
    assert blank_marker(html, MARKERS) == "暂无信息"


def test_blank_marker_only_in_footer_nav_or_scripts_does_not_count() -> None:
    html = """<html><body><div class="menu"><a href="/z/">专题 建设中</a></div>
    <ul class="list"><li><a href="/a/1.html">某某工作通知</a><span>2023-01-02</span></li></ul>
    <script>if (!data) { show("暂无数据"); }</script>
    <footer>暂无信息时请致电 12345</footer><div id="foot">栏目建设中</div></body></html>"""
    assert blank_marker(html, MARKERS) == ""


def test_blank_marker_construction_page() -> None:
    assert (
        blank_marker("<body><div class='con'><p>本栏目正在建设中，敬请期待</p></div></body>", MARKERS)
        == "建设中"
    )


def test_column_meta() -> None:
    assert column_meta(read("gov_pages/handan_xxgk_article_saved.jsp")) == (
        "部门信息公开",
        "政策文件，信息公开",
    )
    assert column_meta("<html><head><title>x</title></head></html>") == ("", "")


def test_blank_marker_ignores_prose_mentioning_the_words() -> None:
    html = """<body><div class="article"><p>会议指出，要把校园文化建设中的好经验好做法总结推广，
    对暂无信息化基础的学校给予重点支持，推动全市教育信息化水平整体提升。</p></div></body>"""
    assert blank_marker(html, MARKERS) == ""


TRS_WRITTEN = r"""<ul class="list">
<li><script>
var str_1 = "./202212/t20221228_3041512.html";
var str_2 = "";
if (str_2 == "") { document.write("<a href='" + str_1 + "' title='关于做好冬季安全生产工作的通知'>关于做好冬季安全生产工作的通知</a>"); }
else { document.write("<a href='" + str_2 + "'>外链</a>"); }
</script><span>2022-12-28</span></li>
<li><script>var url = './202212/t20221220_1.html'; var t = "全市\"两会\"筹备工作会议召开";
document.write('<a href="' + url + '">' + t + '</a>');</script><span>2022-12-20</span></li>
</ul>"""


def test_trs_links_written_by_script() -> None:
    items = extract_listing(TRS_WRITTEN, "http://www.example.gov.cn/xwzx/tzgg/")
    assert [(item.title, item.url, item.date) for item in items] == [
        (
            "关于做好冬季安全生产工作的通知",
            "http://www.example.gov.cn/xwzx/tzgg/202212/t20221228_3041512.html",
            date(2022, 12, 28),
        ),
        (
            '全市"两会"筹备工作会议召开',
            "http://www.example.gov.cn/xwzx/tzgg/202212/t20221220_1.html",
            date(2022, 12, 20),
        ),
    ]


def test_bootstrap_position_class_is_not_chrome() -> None:
    html = """<div class="position-relative"><ul>
    <li><a href="/a/1.html">全市重点项目建设推进会召开</a><span>2023-03-02</span></li></ul></div>"""
    assert [item.date for item in extract_listing(html, "https://www.example.gov.cn/")] == [date(2023, 3, 2)]


def test_hanweb_jpage_record_groups() -> None:
    records = "".join(
        f"<record><![CDATA[<li><a href='/art/2022/12/{day}/art_1_{day}.html'>某某工作动态信息第{day}条</a>"
        f"<span>2022-12-{day:02d}</span></li>]]></record>"
        for day in range(1, 4)
    )
    html = (
        "<div id='4242'><script type='text/xml'><datastore><nextgroup><![CDATA[<a href="
        "'/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3185&columnid=1621004'></a>]]></nextgroup>"
        f"<recordset>{records}</recordset></datastore></script></div>"
        "<script>$('#4242').jpage({ proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: 1, totalRecord: 8 });</script>"
    )
    base = "http://fzggw.zj.gov.cn/col/col1621004/index.html"
    proxy = "http://fzggw.zj.gov.cn/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3185&columnid=1621004"
    assert next_page_urls(html, base) == [
        f"{proxy}&startrecord=4&endrecord=6&perpage=1",
        f"{proxy}&startrecord=7&endrecord=8&perpage=1",
    ]
    assert len(extract_listing(html, base)) == 3


def test_flat_list_and_definition_list() -> None:
    flat = """<div class="list">
      <a href="/a/1.html">全市重点项目建设推进会召开</a> <span>2023-03-02</span><br>
      <a href="/a/2.html">春季植树造林工作全面启动</a> (2023-03-01)<br>
    </div>"""
    assert [item.date for item in extract_listing(flat, "https://www.example.gov.cn/")] == [
        date(2023, 3, 2),
        date(2023, 3, 1),
    ]
    definitions = """<div class="list">
      <dl><dt><a href="/a/1.html">全市重点项目建设推进会召开</a></dt><dd>2023-03-02</dd></dl>
      <dl><dt><a href="/a/2.html">春季植树造林工作全面启动</a></dt><dd>2023年3月1日</dd></dl>
    </div>"""
    assert [item.date for item in extract_listing(definitions, "https://www.example.gov.cn/")] == [
        date(2023, 3, 2),
        date(2023, 3, 1),
    ]
