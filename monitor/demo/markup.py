"""HTML pieces shared by every demo page: head, navigation, footer, listing items in three CMS styles.

The markup copies what real government CMSs emit (see the real pages under tests/data/realworld): Hanweb (大汉) keeps
listings inside `<script type="text/xml"><datastore>` CDATA records, TRS tables paginate through
`createPageHTML(...)`, and plain sites use `<ul>` lists. Extractors must read all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from monitor.demo.spec import ColumnSpec, DateStyle, SiteSpec

JIUCUO_SRC = "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"
GENERATED_AT = "2022-12-28 09:30:00"  # 页面生成时间 of every page: lets a reader place bare MM-DD dates

TOPICS = (
    "召开第四季度工作推进会",
    "开展安全生产大检查",
    "部署冬季森林草原防灭火工作",
    "举办政务公开业务培训班",
    "推进优化营商环境重点任务",
    "开展“我为群众办实事”走访",
    "召开党组理论学习中心组学习会",
    "推进乡村振兴重点项目建设",
    "开展法治宣传进社区",
    "部署元旦春节期间重点工作",
    "调研基层政务服务中心建设",
    "召开数据质量分析会",
)


@dataclass(frozen=True)
class Item:
    """One listed article: what the listing shows and where its page lives."""

    title: str
    url: str
    date: date
    hour: int


def show_date(day: date, style: DateStyle) -> str:
    """A date the way a listing of this style prints it."""
    if style == "cn":
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"
    if style == "bracket":
        return f"[{day.month:02d}-{day.day:02d}]"
    return day.isoformat()


def item_title(column: ColumnSpec, index: int) -> str:
    """A plausible title: notices and policies read like documents, the rest like news."""
    topic = TOPICS[index % len(TOPICS)]
    if "通知" in column.name or "公告" in column.name:
        return f"关于{topic}的通知"
    if "政策" in column.name or "文件" in column.name:
        return f"关于印发{topic}实施方案的通知"
    if "人事" in column.name:
        return f"干部任前公示（第{index + 1}批）"
    if "互动" in column.name:
        return f"网民留言：咨询{topic}有关事项"
    return f"{column.name}：{topic}"


def head(site: SiteSpec, title: str, meta: dict[str, str], charset: str | None) -> str:
    """`<head>` with the site meta tags every Chinese government page template carries."""
    tags = [f'<meta charset="{charset}">'] if charset else []
    tags.append(f"<title>{escape(title)}</title>")
    all_meta = {"SiteName": site.name, "SiteDomain": site.host, "SiteIDCode": site.site_code,
                "others": f"页面生成时间 {GENERATED_AT}"}
    all_meta.update(meta)
    tags += [f'<meta name="{k}" content="{escape(v)}">' for k, v in all_meta.items() if k not in site.missing_meta]
    return "<head>" + "".join(tags) + "</head>"


def navigation(site: SiteSpec, urls: dict[str, str]) -> str:
    """The top menu: 首页 plus every first-level column."""
    links = "".join(f'<li><a href="{escape(urls[c.name])}">{escape(c.name)}</a></li>' for c in site.columns)
    return f'<div class="header"><h1>{escape(site.name)}</h1></div><div class="nav"><ul><li><a href="/">首页</a></li>{links}</ul></div>'


def footer(site: SiteSpec) -> str:
    """底部功能区: sponsor, 网站标识码, ICP, 公安备案, 党政机关标识 and (unless missing) the 找错 entry."""
    code = site.site_code
    icp = f"川ICP备{int(code[-6:]) + 5000000:08d}号"
    gongan = f"5101{code[-6:]}{code[2:6]}"
    jiucuo = (
        f'<script id="_jiucuo_" sitecode="{site.jiucuo_code}" src="{JIUCUO_SRC}"></script>'
        if site.jiucuo_code is not None
        else ""
    )
    return (
        '<div class="footer">'
        f"<p>主办单位：{escape(site.sponsor)}　联系电话：028-86{code[-4:]}00</p>"
        f'<p>网站标识码：{code}　<a href="http://beian.miit.gov.cn/" target="_blank">{icp}</a>　'
        f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={gongan}" target="_blank">'
        f"川公网安备 {gongan}号</a></p>"
        f'<p><a href="http://bszs.conac.cn/sitename?method=show&amp;id={code}" target="_blank">党政机关</a>'
        f"{jiucuo}</p></div>"
    )


def document(site: SiteSpec, title: str, meta: dict[str, str], charset: str | None, main: str,
             urls: dict[str, str]) -> str:
    """A whole page: every page of a site shares header, menu and footer, as real templates do."""
    return (
        f"<!DOCTYPE html><html>{head(site, title, meta, charset)}<body>"
        f"{navigation(site, urls)}<div class=\"main\">{main}</div>{footer(site)}</body></html>"
    )


def item_link(item: Item) -> str:
    return f'<a href="{escape(item.url)}" target="_blank" title="{escape(item.title)}">{escape(item.title)}</a>'


def hanweb_listing(column_id: int, items: list[Item], style: DateStyle) -> str:
    """Hanweb jpage markup: the records travel as CDATA inside an XML data island."""
    records = "".join(
        f'<record><![CDATA[<li>{item_link(i)}<span class="bt-data-time">{show_date(i.date, style)}</span></li>]]></record>'
        for i in items
    )
    return (
        f'<div id="{column_id}"><script type="text/xml"><datastore><nextgroup><![CDATA[]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script></div>"
        f"<script>$(document).ready(function(){{$('#{column_id}').jpage({{perPage: 15}});}});</script>"
    )


def trs_listing(items: list[Item], style: DateStyle, page_count: int, current: int) -> str:
    """TRS WCM table rows, with the pager script that writes index_N.shtml links."""
    rows = "".join(
        f'<tr><td class="ico">&middot;</td><td>{item_link(i)}</td><td class="date">{show_date(i.date, style)}</td></tr>'
        for i in items
    )
    pager = (
        "<script>function createPageHTML(n,c,name,ext){for(var i=0;i<n;i++){var f=i==0?name+'.'+ext:"
        "name+'_'+i+'.'+ext;document.write(i==c?'<span>'+(i+1)+'</span>':'<a href=\"'+f+'\">'+(i+1)+'</a>');}}"
        f'createPageHTML({page_count}, {current}, "index", "shtml");</script>'
    )
    return f'<table class="list" width="100%"><tbody>{rows}</tbody></table><div class="page">{pager}</div>'


def ul_listing(items: list[Item], style: DateStyle, next_url: str = "") -> str:
    """A plain `<ul>` list and a 下一页 link."""
    rows = "".join(f'<li>{item_link(i)}<span class="date">{show_date(i.date, style)}</span></li>' for i in items)
    pager = f'<div class="pager"><a href="{escape(next_url)}">下一页</a></div>' if next_url else ""
    return f'<ul class="list">{rows}</ul>{pager}'


def home_block(column: ColumnSpec, url: str, items: list[Item]) -> str:
    """A home-page block: heading, 更多 link, the newest five items with MM-DD dates."""
    rows = "".join(f'<li>{item_link(i)}<span class="time">{i.date:%m-%d}</span></li>' for i in items[:5])
    return (
        f'<div class="block"><div class="block-hd"><h2>{escape(column.name)}</h2>'
        f'<a class="more" href="{escape(url)}">更多&gt;&gt;</a></div><ul>{rows}</ul></div>'
    )


GUIDE_ELEMENTS = (
    ("事项名称", "{name}"), ("设定依据", "《中华人民共和国行政许可法》《四川省政务服务管理办法》"),
    ("申请条件", "符合法定条件的申请人"), ("办理材料", "申请表1份、身份证明复印件1份"),
    ("办理地点", "政务服务中心二楼综合窗口"), ("办理机构", "{sponsor}"), ("收费标准", "不收费"),
    ("办理时间", "工作日上午9:00-12:00，下午13:30-17:30"), ("联系电话", "028-86000000"),
    ("办理流程", "申请、受理、审查、决定、送达"),
)
SHORT_GUIDE = ("事项名称", "办理地点", "联系电话")  # what an incomplete guide still shows


def guide_list(guides: list[tuple[str, str]]) -> str:
    """A 办事服务 column: links to the 办事指南 of each service."""
    rows = "".join(f'<li><a href="{escape(url)}">{escape(title)}</a></li>' for title, url in guides)
    return (f'<div class="list-box"><h2>办事指南</h2><p>本栏目提供本级政务服务事项的办事指南，点击事项名称查看办理条件、材料和流程。</p>'
            f'<ul class="list">{rows}</ul></div>')


def guide_main(name: str, complete: bool, sponsor: str) -> str:
    """A 办事指南 as a table of its elements; an incomplete one shows three and points to an attachment."""
    shown = [(label, value) for label, value in GUIDE_ELEMENTS if complete or label in SHORT_GUIDE]
    rows = "".join(f"<tr><th>{label}</th><td>{escape(value.format(name=name, sponsor=sponsor))}</td></tr>"
                   for label, value in shown)
    tail = "" if complete else "<p>其他事项详见附件。</p>"
    return f'<div class="article"><h1>{escape(name)}办事指南</h1><table class="guide">{rows}</table>{tail}</div>'


def mailbox_table(letters: list[tuple[str, str, date, date | None]]) -> str:
    """A 信箱 list as plain CMSs print it: 标题 | 来信时间 | 回复时间 | 状态."""
    rows = "".join(
        f'<tr><td><a href="{escape(url)}">{escape(title)}</a></td><td>{asked.isoformat()}</td>'
        f'<td>{replied.isoformat() if replied else ""}</td><td>{"已回复" if replied else "办理中"}</td></tr>'
        for title, url, asked, replied in letters
    )
    return ('<div class="list-box"><table class="mail-list"><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th>'
            f"<th>状态</th></tr>{rows}</table></div>")


def letter_main(title: str, asked: date, replied: date | None, sponsor: str) -> str:
    answer = (f"<h2>回复内容</h2><p>您好！您反映的问题已转相关部门办理，现答复如下：已按程序处理。</p>"
              f"<p>回复单位：{escape(sponsor)}　回复时间：{replied.isoformat()}</p>" if replied else "<p>办理中</p>")
    return (f'<div class="article"><h1>{escape(title)}</h1><p>来信时间：{asked.isoformat()}</p>'
            f"<p>来信内容：我想咨询相关事项，请予答复。</p>{answer}</div>")
