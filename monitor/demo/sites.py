"""The seven websites of the fixture province, each built to show known defects at DEMO_AS_OF.

Dates are chosen far from every threshold (as of 2022-12-28: 动态 stale before 12-14, 通知公告 and
政策文件 stale before about 06-28), so a checker that is off by a day still gets the same answer;
the "just under" cases sit one column below a count threshold instead.
"""

from __future__ import annotations

from datetime import date, timedelta

from monitor.demo.spec import ColumnSpec, SiteExpectation, SiteSpec

GAMBLING_HOST = "www.lucky-casino-demo.test"  # not on any list: judged by the text it serves
LISTED_GAMBLING = ("www.188bet.com", "www.1xbet.com")  # registrable domains on rules/illegal_domains/gambling.txt
BENIGN_HOSTS = ("www.gov.cn", "www.hanweb.com", "beian.miit.gov.cn", "www.beian.gov.cn", "bszs.conac.cn")

# Rules a site without the matching defect must not trip.
SITE_RULES = frozenset({
    "homepage_stale", "stale_columns", "stale_columns_long", "blank_columns", "illegal_links",
    "serious_wording", "tampered", "missing_jiucuo", "jiucuo_code_mismatch", "dead_links", "fetch_failed",
    "footer_identity", "privacy_leak", "forged_dates", "no_interaction", "services_unusable",
    "certificate_invalid", "https_missing", "no_ipv6", "domain_rule", "metadata_tags",
})
COMPLETE_GUIDES = (("居民身份证申领", True), ("企业投资项目备案", True), ("城乡居民养老保险参保登记", True))
# An injected, packer-obfuscated script as found on defaced pages (it writes a gambling link).
PACKED_SCRIPT = (
    "<script>eval(function(p,a,c,k,e,d){e=function(c){return c};if(!''.replace(/^/,String)){while(c--)"
    "d[c]=k[c]||c;k=[function(e){return d[e]}];e=function(){return'\\w+'};c=1};while(c--)if(k[c])"
    "p=p.replace(new RegExp('\\b'+e(c)+'\\b','g'),k[c]);return p}('0.1(\"<2 3=4>5</2>\")',6,6,"
    "'document|write|a|href|//www.lucky-casino-demo.test/|娱乐城'.split('|'),0,{}))</script>"
)


def series(newest: tuple[int, int], count: int, step_days: int) -> tuple[date, ...]:
    """`count` dates counting back from a day of 2022, newest first, `step_days` apart."""
    first = date(2022, *newest)
    return tuple(first - timedelta(days=step_days * i) for i in range(count))


def listed(name: str, slug: str, newest: tuple[int, int], count: int, step: int, home: bool = False) -> ColumnSpec:
    return ColumnSpec(name, slug, "list", series(newest, count, step), home_block=home)


def blank(name: str, slug: str, placeholder: str) -> ColumnSpec:
    return ColumnSpec(name, slug, "blank", placeholder=placeholder)


def static(name: str, slug: str) -> ColumnSpec:
    return ColumnSpec(name, slug, "static")


def services(*guides: tuple[str, bool]) -> ColumnSpec:
    return ColumnSpec("办事服务", "bsfw", "services", guides=guides or COMPLETE_GUIDES)


def mailbox(name: str, slug: str, *letters: tuple[str, date, date | None]) -> ColumnSpec:
    return ColumnSpec(name, slug, "mailbox", letters=letters)


def _except(*found: str) -> frozenset[str]:
    return SITE_RULES - set(found)


PROVINCE_PORTAL = SiteSpec(
    key="province", name="四川省人民政府（示例）", host="www.scdemo.gov.cn", region="省政府办公厅", kind="省政府门户",
    site_code="5100000001", sponsor="四川省人民政府办公厅（示例）", style="hanweb", jiucuo_code="5100000001",
    columns=(
        listed("工作动态", "gzdt", (12, 27), 12, 2, home=True),
        listed("通知公告", "tzgg", (12, 26), 8, 5, home=True),
        listed("政策文件", "zcwj", (12, 20), 8, 9, home=True),
        listed("人事信息", "rsxx", (12, 1), 5, 30),
        static("机构职能", "jgzn"),
        listed("互动交流", "hdjl", (12, 27), 6, 3),
        listed("专题专栏", "ztzl", (11, 15), 4, 60),
        ColumnSpec("活动日历", "hdrl", "calendar"),
        services(),
        mailbox("省长信箱", "szxx", ("建议优化社保卡办理流程", date(2022, 12, 12), date(2022, 12, 15)),
                ("咨询高校毕业生就业补贴政策", date(2022, 11, 20), date(2022, 11, 23)),
                ("反映高速公路服务区设施问题", date(2022, 9, 2), date(2022, 9, 8))),
    ),
    home_extras=(
        '<div class="block"><h2>相关链接</h2><ul><li><a href="http://www.gov.cn/" target="_blank">中国政府网</a></li>'
        '</ul></div><a href="http://www.hanweb.com" style="display:none">技术支持：大汉网络</a>'
    ),
    expect=SiteExpectation(not_found=SITE_RULES, passes=True),
    note="健康站点：外链政府网站、隐藏的CMS技术支持链接、无限日历（爬虫陷阱），应判定合格",
)

TONGJI = SiteSpec(
    key="tongji", name="四川省统计局（示例）", host="www.sctjdemo.com", region="省统计局", kind="省级部门",
    site_code="5100000012", sponsor="四川省统计局（示例）", style="trs", jiucuo_code="5100000012",
    columns=(
        listed("工作动态", "gzdt", (12, 1), 12, 4, home=True),
        listed("图片新闻", "tpxw", (11, 18), 6, 7),
        listed("基层动态", "jcdt", (12, 5), 10, 6),
        listed("通知公告", "tzgg", (5, 20), 9, 20, home=True),
        listed("政策文件", "zcwj", (6, 1), 6, 30),
        listed("统计数据", "tjsj", (12, 20), 12, 10, home=True),
        listed("人事信息", "rsxx", (12, 15), 4, 40, home=True),
        static("机构职能", "jgzn"),
    ),
    dead_links=(("2022年统计年鉴（在线版）", "/tjsj/tjnj/2022/index.shtml"),),
    expect=SiteExpectation(
        found=frozenset({"stale_columns", "dead_links", "domain_rule"}),
        not_found=_except("stale_columns", "dead_links", "domain_rule"),
        stale_columns=("工作动态", "图片新闻", "基层动态", "通知公告", "政策文件"),
    ),
    note="5个栏目不更新（3个动态类超过2周、通知公告与政策文件超过6个月），首页有一个断链（404）；域名不在 gov.cn 下",
)

YINGJI = SiteSpec(
    key="yingji", name="四川省应急管理厅（示例）", host="yjt.scdemo.gov.cn", region="应急厅", kind="省级部门",
    site_code="5100000023", sponsor="四川省应急管理厅（示例）", style="ul", jiucuo_code="5100000023",
    columns=(
        listed("工作动态", "gzdt", (12, 2), 10, 5),
        listed("应急要闻", "yjyw", (11, 25), 8, 6),
        listed("图片新闻", "tpxw", (12, 26), 8, 4, home=True),
        listed("通知公告", "tzgg", (5, 1), 6, 25, home=True),
        listed("政策文件", "zcwj", (3, 15), 5, 30),
        listed("人事信息", "rsxx", (12, 10), 5, 30, home=True),
        blank("规划计划", "ghjh", "暂无信息"),
        blank("财政信息", "czxx", "栏目建设中"),
        blank("统计信息", "tjxx", "暂无数据"),
        ColumnSpec("重大项目", "zdxm", "empty"),
        static("机构职能", "jgzn"),
        listed("互动交流", "hdjl", (12, 23), 6, 5),
    ),
    expect=SiteExpectation(
        not_found=SITE_RULES,
        passes=True,
        stale_columns=("工作动态", "应急要闻", "通知公告", "政策文件"),
        blank_columns=("规划计划", "财政信息", "统计信息", "重大项目"),
    ),
    note="临界站点：4个栏目不更新、4个空白栏目，均未达到否决线，应判定合格",
)

ZSCQ = SiteSpec(
    key="zscq", name="四川省知识产权服务促进中心（示例）", host="zscq.scdemo.gov.cn",
    certificate="expired", region="省知识产权服务促进中心", kind="省级部门",
    site_code="5100000034", sponsor="四川省知识产权服务促进中心（示例）", style="hanweb", date_style="cn",
    jiucuo_code="5100000043",
    columns=(
        listed("工作动态", "gzdt", (12, 26), 10, 3, home=True),
        listed("通知公告", "tzgg", (12, 22), 8, 12, home=True),
        listed("政策文件", "zcwj", (11, 30), 6, 20, home=True),
        listed("人事信息", "rsxx", (10, 10), 4, 60),
        static("机构职能", "jgzn"),
        listed("互动交流", "hdjl", (12, 20), 5, 7),
    ),
    headline="转发中华人民共和国国务院办公室关于进一步优化知识产权公共服务的通知",
    headline_date=date(2022, 12, 27),
    expect=SiteExpectation(
        found=frozenset({"serious_wording", "jiucuo_code_mismatch", "certificate_invalid"}),
        not_found=_except("serious_wording", "jiucuo_code_mismatch", "certificate_invalid"),
    ),
    note="严重表述错误（国务院办公室）；找错入口的网站标识码5100000043与注册的5100000034不一致；HTTPS证书已过期",
)

YAAN = SiteSpec(
    key="yaan", name="雅安市人民政府（示例）", host="www.yademo.gov.cn",
    missing_meta=("SiteDomain",), region="雅安市", kind="市级门户",
    site_code="5118000001", sponsor="雅安市人民政府办公室（示例）", style="ul", date_style="bracket",
    encoding="gbk", jiucuo_code="5118000001",
    columns=(
        listed("雅安要闻", "yayw", (12, 27), 10, 2, home=True),
        listed("区县动态", "qxdt", (12, 26), 10, 3, home=True),
        listed("通知公告", "tzgg", (12, 23), 8, 8, home=True),
        listed("政策文件", "zcwj", (12, 9), 6, 15),
        listed("人事信息", "rsxx", (11, 28), 4, 30),
        static("机构职能", "jgzn"),
        listed("互动交流", "hdjl", (12, 27), 6, 2),
        ColumnSpec("专题专栏", "ztzl", "error"),
        services(),
    ),
    home_extras=(
        '<div style="display:none"><a href="http://www.188bet.com/">体育投注</a>'
        '<a href="http://www.1xbet.com/">百家乐</a></div>'
        f'<a href="http://{GAMBLING_HOST}/" style="position:absolute;left:-9999px;top:-9999px">友情链接</a>'
        + PACKED_SCRIPT
    ),
    expect=SiteExpectation(
        found=frozenset({"illegal_links", "fetch_failed", "tampered", "metadata_tags"}),
        not_found=_except("illegal_links", "fetch_failed", "dead_links", "tampered", "metadata_tags"),
    ),
    note="GBK编码；首页暗链（隐藏的博彩域名链接，及移出屏幕的博彩站链接）；首页被植入加壳混淆脚本；专题专栏页面返回500；"
         "页面缺少SiteDomain元数据",
)

YAEDU = SiteSpec(
    key="yaedu", name="雅安市教育局（示例）", host="jyj.yademo.gov.cn", ipv6=False, region="雅安市", kind="市级部门",
    site_code="5118000012", sponsor="雅安市教育局（示例）", style="trs", jiucuo_code=None,
    columns=(
        listed("教育动态", "jydt", (12, 27), 10, 3, home=True),
        listed("通知公告", "tzgg", (12, 21), 10, 6, home=True),
        listed("政策文件", "zcwj", (11, 30), 5, 20, home=True),
        listed("人事信息", "rsxx", (12, 5), 4, 30),
        blank("规划计划", "ghjh", "暂无信息"),
        blank("财政信息", "czxx", "栏目建设中"),
        blank("统计信息", "tjxx", "暂无数据"),
        ColumnSpec("重大项目", "zdxm", "empty"),
        blank("专题专栏", "ztzl", "敬请期待"),
        blank("机构职能", "jgzn", "正在建设"),
    ),
    expect=SiteExpectation(
        found=frozenset({"blank_columns", "missing_jiucuo", "no_ipv6"}),
        not_found=_except("blank_columns", "missing_jiucuo", "footer_identity", "no_ipv6"),
        blank_columns=("规划计划", "财政信息", "统计信息", "重大项目", "专题专栏", "机构职能"),
    ),
    note="6个空白栏目（暂无信息、建设中、空列表）；未添加“我为政府网站找错”入口；无IPv6地址",
)

LIXIAN = SiteSpec(
    key="lixian", name="理县人民政府（示例）", host="www.lxdemo.gov.cn", secure=False, region="阿坝州", kind="县级门户",
    site_code="5132220001", sponsor="理县人民政府办公室（示例）", style="ul", jiucuo_code="5132220001",
    columns=(
        listed("工作动态", "gzdt", (12, 5), 10, 4, home=True),
        listed("乡镇动态", "xzdt", (12, 2), 8, 5, home=True),
        listed("通知公告", "tzgg", (11, 30), 6, 15, home=True),
        listed("政策文件", "zcwj", (10, 15), 5, 20),
        listed("人事信息", "rsxx", (9, 20), 3, 40),
        static("机构职能", "jgzn"),
        listed("互动交流", "hdjl", (11, 20), 4, 10),
        services(),
        mailbox("县长信箱", "xzxx", ("反映某小区冬季供暖不足", date(2022, 12, 20), None),
                ("咨询农村危房改造补助政策", date(2022, 12, 10), date(2022, 12, 14))),
    ),
    expect=SiteExpectation(
        found=frozenset({"homepage_stale", "https_missing"}),
        not_found=_except("homepage_stale", "https_missing"),
        stale_columns=("工作动态", "乡镇动态"),
    ),
    note="首页超过2周未更新（最新信息12月5日）；仅2个栏目不更新；HTTP未跳转HTTPS、未启用HSTS",
)

SITES = (PROVINCE_PORTAL, TONGJI, YINGJI, ZSCQ, YAAN, YAEDU, LIXIAN)
