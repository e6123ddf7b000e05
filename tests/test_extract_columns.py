"""Column discovery (menus, "更多" links, hubs) and classification by the rules' vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract.columns import classify_column, discover_columns
from monitor.observations import ColumnLink
from monitor.rulebook import ColumnCategory, Rulebook

REALWORLD = Path(__file__).parent / "data" / "realworld"

HOME = """<html><body>
<div class="header"><a href="/"><img src="/logo.png"></a></div>
<ul class="nav">
  <li><a href="/">首页</a></li>
  <li><a href="/zwgk/">政务公开</a></li>
  <li><a href="/hdjl/index.html">互动交流</a></li>
  <li><a href="javascript:void(0)">无障碍</a></li>
  <li><a href="#main">跳到正文</a></li>
  <li><a href="mailto:office@example.gov.cn">联系邮箱</a></li>
  <li><a href="http://www.other.gov.cn/zwfw/">政务服务</a></li>
  <li><a href="/zwgk/">政务公开</a></li>
</ul>
<div class="block">
  <div class="title"><h3>工作动态</h3><a class="more" href="/xwzx/gzdt/">更多>></a></div>
  <ul><li><a href="/xwzx/gzdt/202301/t20230102_1.html">某某工作会议召开</a><span>2023-01-02</span></li></ul>
</div>
<div class="box">
  <div class="tabs"><a href="/tzgg/list.html">通知公告</a><a href="/zcwj/list.html">政策文件</a></div>
  <div class="bd"><ul><li><a href="/tzgg/t20230101_2.html">某某通知</a></li></ul>
    <a href="/tzgg/list.html">更多</a> <a href="/zcwj/list.html">more</a></div>
</div>
<div class="block"><h2>领导信箱</h2><span class="more"><a href="/hdjl/ldxx/">更多 ></a></span></div>
<div class="block"><h2>专题</h2><a href="/art/2022/12/28/art_1_1.html">更多</a></div>
<div class="footer"><a href="/wzsm/">网站声明</a><a href="/lxwm/">联系我们</a></div>
</body></html>"""


@pytest.fixture(scope="module")
def home_columns() -> list[ColumnLink]:
    return discover_columns(HOME, "http://www.example.gov.cn/", level=1)


def test_nav_and_more_links(home_columns: list[ColumnLink]) -> None:
    assert [(c.name, c.url) for c in home_columns] == [
        ("政务公开", "http://www.example.gov.cn/zwgk/"),
        ("互动交流", "http://www.example.gov.cn/hdjl/index.html"),
        ("工作动态", "http://www.example.gov.cn/xwzx/gzdt/"),
        ("通知公告", "http://www.example.gov.cn/tzgg/list.html"),
        ("政策文件", "http://www.example.gov.cn/zcwj/list.html"),
        ("领导信箱", "http://www.example.gov.cn/hdjl/ldxx/"),
    ]
    assert all(c.level == 1 and c.found_on == "http://www.example.gov.cn/" for c in home_columns)


def test_level_is_passed_through() -> None:
    columns = discover_columns(HOME, "http://www.example.gov.cn/zwgk/", level=2)
    assert {c.level for c in columns} == {2}
    assert "http://www.example.gov.cn/zwgk/" not in {c.url for c in columns}  # the page itself


def test_hub_of_sub_columns() -> None:
    html = """<div class="left"><ul>
      <li><a href="../rsxx/">人事信息</a></li><li><a href="../ghjh/index.html">规划计划</a></li>
      <li><a href="../rsxx/202301/t20230101_1.html">某某同志任职通知</a></li>
      <li><a href="http://www.other.gov.cn/">外站链接</a></li></ul></div>"""
    columns = discover_columns(html, "http://www.example.gov.cn/xxgk/xxgkml/", level=2)
    assert [(c.name, c.url) for c in columns] == [
        ("人事信息", "http://www.example.gov.cn/xxgk/rsxx/"),
        ("规划计划", "http://www.example.gov.cn/xxgk/ghjh/index.html"),
    ]


def test_yichun_home_columns() -> None:
    html = (REALWORLD / "gov_pages/yichun_home_2023-10-11_raw.html").read_text(encoding="utf-8")
    columns = discover_columns(html, "https://www.yichun.gov.cn/ycsrmzf/index.shtml")
    names = {c.name: c.url for c in columns}
    assert names["政务要闻"] == "https://www.yichun.gov.cn/ycsrmzf/zwyw/list.shtml"  # from 更多 + tab title
    assert names["县市区动态"] == "https://www.yichun.gov.cn/ycsrmzf/xsqdt/list.shtml"
    assert names["部门信息"] == "https://www.yichun.gov.cn/ycsrmzf/bmxx/list.shtml"
    assert names["政务公开"] == "https://www.yichun.gov.cn/ycsrmzf/zwgk/zwgk.shtml"
    assert names["统计公报"] == "https://www.yichun.gov.cn/ycsrmzf/tjgb/xxgk_list.shtml"
    assert "首页" not in names and "更多" not in names and "用户中心" not in names
    urls = [c.url for c in columns]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("https://www.yichun.gov.cn/") for url in urls)  # no ycrd.gov.cn, weixin …
    assert not any("/202310/" in url or url.endswith("index.shtml") for url in urls)


def test_ordos_menu_and_side_hub() -> None:
    html = (REALWORLD / "gov_pages/ordos_engebei_xxgknb_list_nhp.html").read_text(encoding="utf-8")
    columns = discover_columns(html, "http://www.engebei.gov.cn/xxgk/xxgknb/", level=2)
    names = {c.name: c.url for c in columns}
    assert names["信息公开"] == "http://www.engebei.gov.cn/xxgk/"
    assert names["人事信息"] == "http://www.engebei.gov.cn/xxgk/rsxx/"
    assert "首页" not in names and "信息公开年报" not in names  # home and the page itself
    assert not any("t20" in c.url for c in columns)


@pytest.fixture(scope="module")
def categories(rulebook: Rulebook) -> list[ColumnCategory]:
    return rulebook.column_categories


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("工作动态", "news"),
        ("部门动态", "news"),
        ("图片新闻", "news"),
        ("通知公告", "notice"),
        ("公示公告", "notice"),
        ("政策文件", "policy"),
        ("规范性文件", "policy"),
        ("人事信息", "should_update"),
        ("财政预决算", "should_update"),
        ("机构职能", "static"),
        ("联系我们", "static"),
        ("专题专栏", "special"),
        ("领导信箱", "interaction"),  # 信箱 (interaction) comes before 领导 (should_update) in the rules
        ("在线咨询", "interaction"),
        ("办事指南", "service"),
        ("走进宜春", "unknown"),
    ],
)
def test_classify_typical_names(name: str, expected: str, categories: list[ColumnCategory]) -> None:
    assert classify_column(name, categories) == expected


def test_classify_falls_back_to_column_type(categories: list[ColumnCategory]) -> None:
    assert classify_column("部门信息公开", categories, "政策文件，信息公开") == "policy"
    assert classify_column("工作动态", categories, "政策文件") == "news"  # the name decides first
    assert classify_column("", categories) == "unknown"


def test_classify_follows_rules_order() -> None:
    first = ColumnCategory("a", "A", 1, ("动态",))
    second = ColumnCategory("b", "B", 1, ("工作",))
    assert classify_column("工作动态", [first, second]) == "a"
    assert classify_column("工作动态", [second, first]) == "b"
