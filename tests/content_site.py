"""A fixture county site for the content-safety rules: a 公示 article leaking an ID and a mobile, a PDF
and an XLSX attachment with ID numbers, and decoys (masked numbers, office phone, 12345, credit code, 文号).

The pages follow the usual county CMS pattern: a home page with a news block and navigation, a 通知公告
column listing articles (date beside each), article pages with PubDate meta and attachment links.
"""

from __future__ import annotations

from stdnum import luhn

from tests.content_files import pdf_with_lines, xlsx_with_rows
from tests.fetch_servers import Reply, Route

ID_IN_ARTICLE = "510104198206151232"
ID_IN_PDF = "51010719800101123" + "5"
ID_IN_XLSX = "11010519491231002X"
MOBILE_IN_ARTICLE = "13981234567"
CARD_DECOY = "622202100111588888" + luhn.calc_check_digit("622202100111588888")
UNMASKED = (ID_IN_ARTICLE, ID_IN_PDF, ID_IN_XLSX, MOBILE_IN_ARTICLE)
LEAKING_PATHS = ("/tzgg/202212/t20221220_101.html", "/uploads/2022/gongshi-mingdan.pdf",
                 "/uploads/2022/butie-mingdan.xlsx")

FOOTER = (
    '<div class="footer"><p>主办单位：示例县人民政府办公室 网站标识码：5132000001</p>'
    '<p>蜀ICP备12345678号 川公网安备 51320002000001号</p>'
    '<script id="_jiucuo_" sitecode="5132000001" src="/jiucuo.js"></script></div>'
)


def _page(title: str, body: str, pubdate: str = "") -> Reply:
    meta = f'<meta name="PubDate" content="{pubdate}">' if pubdate else ""
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>'
            '<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a> <a href="/zwdt/">政务动态</a> <a href="/xxgk/">信息公开</a></div>'
            f"{body}{FOOTER}</body></html>")
    return Reply(body=html.encode("utf-8"))


def _listing(title: str, items: list[tuple[str, str, str]]) -> Reply:
    rows = "".join(f'<li><a href="{url}">{text}</a><span class="date">{day}</span></li>' for url, text, day in items)
    return _page(title, f'<div class="list"><h2>{title}</h2><ul>{rows}</ul></div>')


NOTICES = [
    ("/tzgg/202212/t20221220_101.html", "关于2022年第四季度城乡低保对象的公示", "2022-12-20"),
    ("/tzgg/202212/t20221218_102.html", "关于耕地地力保护补贴发放情况的公示", "2022-12-18"),
    ("/uploads/2022/butie-mingdan.xlsx", "耕地地力保护补贴发放明细（附件）", "2022-12-18"),
    ("/tzgg/202212/t20221215_103.html", "关于印发《示例县政务服务事项清单》的通知", "2022-12-15"),
]
NEWS = [(f"/zwdt/202212/t202212{d:02d}_2{d:02d}.html", f"示例县召开第{d}次专题会议", f"2022-12-{d:02d}")
        for d in (26, 24, 21)]


def content_site_routes() -> dict[str, Route]:
    """Routes of the fixture site, paths to replies."""
    routes: dict[str, Route] = {
        "/": _page("示例县人民政府", '<div class="news"><h2>政务动态</h2><ul>' + "".join(
            f'<li><a href="{u}">{t}</a><span>{d}</span></li>' for u, t, d in NEWS + NOTICES) + "</ul>"
            '<a href="/zwdt/">更多</a></div>'),
        "/tzgg/": _listing("通知公告", NOTICES),
        "/zwdt/": _listing("政务动态", NEWS),
        "/xxgk/": _page("信息公开", '<div class="list"><h2>信息公开</h2><ul><li><a href="/uploads/2022/gongshi-mingdan.pdf">'
                        '补贴对象公示名单</a><span>2022-12-18</span></li><li><a href="/uploads/2022/guihua.doc">'
                        '示例县“十四五”规划</a><span>2022-12-01</span></li></ul></div>'),
        NOTICES[0][0]: _page(NOTICES[0][1], (
            f"<h1>{NOTICES[0][1]}</h1><div class='content'><p>根据《城乡居民最低生活保障办法》，现将新增低保对象公示如下：</p>"
            f"<table><tr><td>姓名</td><td>身份证号</td><td>联系电话</td></tr>"
            f"<tr><td>张建华</td><td>{ID_IN_ARTICLE}</td><td>{MOBILE_IN_ARTICLE}</td></tr>"
            "<tr><td>李秀英</td><td>510104********1243</td><td>139****6789</td></tr></table>"
            "<p>公示期7天。监督电话：0832-1234567，或拨打12345。</p></div>"), "2022-12-20 09:30"),
        NOTICES[1][0]: _page(NOTICES[1][1], (
            f"<h1>{NOTICES[1][1]}</h1><div class='content'><p>现将补贴发放明细公示如下，详见附件。</p>"
            '<p>附件：<a href="/uploads/2022/gongshi-mingdan.pdf">公示名单.pdf</a> '
            '<a href="/uploads/2022/butie-mingdan.xlsx">补贴发放明细.xlsx</a></p>'
            "<p>联系人：王科长，联系电话：13812345678。</p></div>"), "2022-12-18 10:00"),
        NOTICES[3][0]: _page(NOTICES[3][1], (
            f"<h1>{NOTICES[3][1]}</h1><div class='content'><p>示府办发〔2022〕35号</p>"
            "<p>统一社会信用代码：11513200MB1234567X，索引号：11513200008264011K/2022-00123。</p>"
            "<p>项目资金13912345678元已于20221215拨付。咨询电话：0832-7654321。</p>"
            f"<p>专户 {CARD_DECOY} 余额见附表。</p></div>"), "2022-12-15 08:00"),
        "/uploads/2022/gongshi-mingdan.pdf": Reply(
            body=pdf_with_lines(["Gongshi mingdan", f"1  Zhang Jianhua  {ID_IN_PDF}", "2  Li Xiuying  510104********1243"]),
            headers={"Content-Type": "application/pdf"}),
        "/uploads/2022/butie-mingdan.xlsx": Reply(
            body=xlsx_with_rows([["序号", "姓名", "身份证号", "补贴金额（元）"], [1, "赵德明", ID_IN_XLSX, 1280.5],
                                 [2, "钱玉兰", "110105********0021", 960]]),
            headers={"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        "/uploads/2022/guihua.doc": Reply(body=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
                                          headers={"Content-Type": "application/msword"}),
        "/jiucuo.js": Reply(body=b"", headers={"Content-Type": "application/javascript"}),
    }
    for url, title, day in NEWS:
        routes[url] = _page(title, f"<h1>{title}</h1><p>会议研究部署了近期重点工作。</p>", f"{day} 09:00")
    return routes
