"""Fixture portals for the 互动交流 and 办事服务 rules, in three CMS styles, as of 2022-12-28.

- 示例县 (plain, UTF-8): a 县长信箱 table (信件标题 | 来信时间 | 回复时间 | 状态) with a letter of 2022-08-15 still
  办理中 (over 3 months), and a 办事服务 column linking a complete 办事指南 and one that shows three elements.
- 示例市 (TRS, GBK): a 领导信箱 whose rows carry no header (title, 来信, 回复, 已回复), every letter replied
  in days; a 政务服务 entry image-linked from the home page (alt text only) to a complete guide list.
- 示例区 (Hanweb): a 在线咨询 column whose jpage list is filled by script from a data proxy that is not
  there (未能判断), and complete guides.
"""

from __future__ import annotations

from functools import partial

from tests.fetch_servers import Reply, Route
from tests.hanweb_pages import jpage_scripted_column

GUIDE_ROWS = (
    ("事项名称", "{name}"), ("设定依据", "《中华人民共和国行政许可法》"), ("申请条件", "具有本县户籍的居民"),
    ("办理材料", "申请表、户口簿"), ("办理地点", "县政务服务中心一楼"), ("办理机构", "县民政局"),
    ("收费标准", "不收费"), ("办理时间", "工作日9:00-17:00"), ("联系电话", "0832-1234567"),
    ("办理流程", "申请、受理、审核、办结"),
)
SHORT_GUIDE = ("事项名称", "办理地点", "联系电话")
UNANSWERED_TITLE = "关于县城停车难问题的建议（联系电话13981234567）"
UNANSWERED_PATH = "/xzxx/202208/t20220815_31.html"
DEFICIENT_GUIDE = "/bsfw/bszn_2.html"


def _page(title: str, nav: str, main: str, charset: str = "utf-8", code: str = "5132000001") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>'
            f'<div class="nav"><ul><li><a href="/">首页</a></li>{nav}</ul></div><div class="main">{main}</div>'
            f'<div class="footer">主办单位：示例人民政府办公室　联系电话：0832-7654321　网站标识码：{code}'
            f'<script id="_jiucuo_" sitecode="{code}" src="/jiucuo.js"></script></div></body></html>')


def _nav(*columns: tuple[str, str]) -> str:
    return "".join(f'<li><a href="{url}">{name}</a></li>' for name, url in columns)


def _guide(name: str, complete: bool) -> str:
    rows = "".join(f"<tr><td>{label}</td><td>{value.format(name=name)}</td></tr>"
                   for label, value in GUIDE_ROWS if complete or label in SHORT_GUIDE)
    return f'<div class="article"><h1>{name}办事指南</h1><table>{rows}</table><p>其他详见附件。</p></div>'


def _news(prefix: str) -> str:
    items = "".join(f'<li><a href="/zwdt/202212/t202212{d}_1{d}.html">{prefix}召开第{d}次会议</a><span>2022-12-{d}</span></li>'
                    for d in ("26", "24", "20"))
    return f'<div class="list"><h2>政务动态</h2><ul>{items}</ul></div>'


def _html(text: str, charset: str = "utf-8") -> Reply:
    encoding = "gbk" if charset == "gbk" else "utf-8"
    return Reply(body=text.encode(encoding), headers={"Content-Type": f"text/html; charset={charset}"})


def county_routes() -> dict[str, Route]:
    """示例县: the unanswered letter and the deficient guide."""
    nav = _nav(("政务动态", "/zwdt/"), ("通知公告", "/tzgg/"), ("信息公开", "/xxgk/"), ("县长信箱", "/xzxx/"),
               ("办事服务", "/bsfw/"))
    letters = (
        ("反映某小区冬季供暖不足", "/xzxx/202212/t20221220_33.html", "2022-12-20", "", "办理中"),
        ("咨询农村危房改造补助政策", "/xzxx/202212/t20221210_32.html", "2022-12-10", "2022-12-14", "已回复"),
        (UNANSWERED_TITLE, UNANSWERED_PATH, "2022-08-15", "", "办理中"),
        ("咨询新生儿落户手续", "/xzxx/202206/t20220601_30.html", "2022-06-01", "2022-06-03", "已回复"),
    )
    rows = "".join(f'<tr><td><a href="{url}">{title}</a></td><td>{asked}</td><td>{replied}</td><td>{state}</td></tr>'
                   for title, url, asked, replied, state in letters)
    mailbox = ('<table class="mail"><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>'
               f"{rows}</table>")
    guides = ('<div class="list"><h2>办事指南</h2><ul><li><a href="/bsfw/bszn_1.html">最低生活保障申请办事指南</a></li>'
              f'<li><a href="{DEFICIENT_GUIDE}">农村宅基地建房审批办事指南</a></li></ul></div>')
    routes: dict[str, Route] = {
        "/": _html(_page("示例县人民政府", nav, _news("示例县"))),
        "/zwdt/": _html(_page("政务动态", nav, _news("示例县"))),
        "/tzgg/": _html(_page("通知公告", nav, _news("示例县"))),
        "/xxgk/": _html(_page("信息公开", nav, _news("示例县"))),
        "/xzxx/": _html(_page("县长信箱", nav, mailbox)),
        "/bsfw/": _html(_page("办事服务", nav, guides)),
        "/bsfw/bszn_1.html": _html(_page("最低生活保障申请办事指南", nav, _guide("最低生活保障申请", True))),
        DEFICIENT_GUIDE: _html(_page("农村宅基地建房审批办事指南", nav, _guide("农村宅基地建房审批", False))),
    }
    for title, url, asked, _, _ in letters:
        routes[url] = _html(_page(title, nav, f"<h1>{title}</h1><p>来信时间：{asked}</p>"))
    return routes


def city_routes() -> dict[str, Route]:
    """示例市 (TRS, GBK): every letter replied within days; a 政务服务 image entry to complete guides."""
    nav = _nav(("政务动态", "/zwdt/index.shtml"), ("通知公告", "/tzgg/index.shtml"),
               ("信息公开", "/xxgk/index.shtml"), ("领导信箱", "/ldxx/index.shtml"))
    letters = "".join(
        f'<tr><td class="ico">&middot;</td><td><a href="./202212/t202212{d}_2{d}.shtml" title="{t}">{t}</a></td>'
        f'<td class="date">2022-12-{d}</td><td class="date">2022-12-{int(d) + 3:02d}</td><td>已回复</td></tr>'
        for d, t in (("20", "建议增加城区公交线路"), ("12", "咨询公积金提取条件"), ("02", "反映道路照明故障")))
    mailbox = f'<table class="list" width="100%"><tbody>{letters}</tbody></table>'
    home = (_news("示例市") + '<div class="entry"><a href="/zwfw/index.shtml"><img src="/images/zwfw.png" alt="政务服务"></a></div>')
    guides = ('<div class="list"><h2>办事指南</h2><ul><li><a href="/zwfw/bszn_1.shtml">户口迁移办事指南</a></li>'
              '<li><a href="/zwfw/bszn_2.shtml">个体工商户登记办事指南</a></li></ul></div>')
    gbk = "gbk"
    page = partial(_page, code="5107000001")
    return {
        "/": _html(page("示例市人民政府", nav, home, gbk), gbk),
        "/zwdt/index.shtml": _html(page("政务动态", nav, _news("示例市"), gbk), gbk),
        "/tzgg/index.shtml": _html(page("通知公告", nav, _news("示例市"), gbk), gbk),
        "/xxgk/index.shtml": _html(page("信息公开", nav, _news("示例市"), gbk), gbk),
        "/ldxx/index.shtml": _html(page("领导信箱", nav, mailbox, gbk), gbk),
        "/zwfw/index.shtml": _html(page("政务服务", nav, guides, gbk), gbk),
        "/zwfw/bszn_1.shtml": _html(page("户口迁移办事指南", nav, _guide("户口迁移", True), gbk), gbk),
        "/zwfw/bszn_2.shtml": _html(page("个体工商户登记办事指南", nav, _guide("个体工商户登记", True), gbk), gbk),
    }


def district_routes() -> dict[str, Route]:
    """示例区 (Hanweb): the 在线咨询 list is filled by script from a data proxy that answers 404."""
    nav = _nav(("政务动态", "/col/col101/index.html"), ("通知公告", "/col/col102/index.html"),
               ("在线咨询", "/col/col103/index.html"), ("办事服务", "/col/col104/index.html"))
    guides = '<div class="list"><ul><li><a href="/art/2022/3/1/art_104_1.html">社会救助办事指南</a></li></ul></div>'
    page = partial(_page, code="5107030001")
    return {
        "/": _html(page("示例区人民政府", nav, _news("示例区"))),
        "/col/col101/index.html": _html(page("政务动态", nav, _news("示例区"))),
        "/col/col102/index.html": _html(page("通知公告", nav, _news("示例区"))),
        "/col/col103/index.html": _html(page("在线咨询", nav, jpage_scripted_column("103"))),
        "/col/col104/index.html": _html(page("办事服务", nav, guides)),
        "/art/2022/3/1/art_104_1.html": _html(page("社会救助办事指南", nav, _guide("社会救助", True))),
    }
