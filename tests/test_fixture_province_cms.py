"""A fixture province of real CMS patterns, checked through the CLI as a supervisor does.

Five sites on local servers (each under its own host name): a Hanweb county with blank jpage columns and
content pages that include jpage.js, a TRS city in GBK with a gambling site in its 友情链接 dropdown, a
plain GBK county whose newest article carries a hidden porn link, a healthy Hanweb district whose lists
come from its data proxy, and a county whose home page is filled by script only. Every veto site must
be named with the right rule, the healthy one must pass, and no readable page may be called unreadable.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

from fetch_servers import Reply, Site
from hanweb_pages import content_page, dataproxy_answer, jpage_column, jpage_scripted_column
from typer.testing import CliRunner

from monitor.cli import app
from monitor.extract.list_sources import source_urls

AS_OF = "2022-12-28T10:00"
FRESH = ["2022-12-26", "2022-12-23", "2022-12-20"]


def footer(code: str) -> str:
    return (f'<div class="footer"><p>主办单位：本级人民政府办公室 网站标识码：{code} 蜀ICP备{code[-8:]}号 '
            f'川公网安备 5101040{code[-7:]}号</p><a href="http://bszs.conac.cn/sitename?method=show&id={code}">'
            f'<img src="/red.png" alt="党政机关"></a><script id="_jiucuo_" sitecode="{code}" '
            'src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script></div>')


def html(title: str, body: str, code: str, charset: str = "utf-8") -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}</title></head><body><div class=\"header\"><a href=\"/\">首页</a></div>"
            f'<div class="main">{body}</div>{footer(code)}</body></html>')


def reply(text: str, charset: str = "utf-8", content_type: str = "text/html") -> Reply:
    return Reply(body=text.encode(charset), headers={"Content-Type": f"{content_type}; charset={charset}"})


def plain_list(rows: list[tuple[str, str, str]]) -> str:
    return '<ul class="list">' + "".join(
        f'<li><a href="{href}">{title}</a><span class="date">{day}</span></li>' for href, title, day in rows) + "</ul>"


def article(title: str, code: str, day: str, extra: str = "", charset: str = "utf-8") -> Reply:
    body = f'<h1>{title}</h1><div class="info">发布时间：{day}</div><p>{title}。会议要求，各部门要抓好落实。</p>{extra}'
    return reply(html(title, body, code, charset), charset)


def news(prefix: str, name: str) -> list[tuple[str, str, str]]:
    return [(f"/{prefix}/t{day.replace('-', '')}_{i}.html", f"{name}第{i}条：全县重点工作推进会召开", day)
            for i, day in enumerate(FRESH, 1)]


def articles(rows: list[tuple[str, str, str]], code: str, charset: str = "utf-8") -> dict[str, Reply]:
    return {href: article(title, code, day, charset=charset) for href, title, day in rows}


# -- 甲县: Hanweb, six blank jpage columns, content pages that include jpage.js ------------------------
def jiaxian() -> dict[str, Reply]:
    code = "5132000001"
    blank = ["通知公告", "政策文件", "人事信息", "规划计划", "统计信息", "财政预决算"]
    nav = [(f"/col/col{100 + i}/index.html", name) for i, name in enumerate(blank)]
    nav += [("/col/col200/index.html", "领导信息"), ("/col/col201/index.html", "机构职能")]
    home_rows = news("art", "甲县要闻")
    menu = '<ul class="nav">' + "".join(f'<li><a href="{u}">{n}</a></li>' for u, n in nav) + "</ul>"
    routes = {"/": reply(html("甲县人民政府", menu + plain_list(home_rows), code)), **articles(home_rows, code)}
    for i, name in enumerate(blank):
        routes[f"/col/col{100 + i}/index.html"] = reply(html(name, jpage_column(str(100 + i), [], total=0), code))
    text = ["县长：某某，主持县政府全面工作，负责审计、机构编制方面工作，分管县审计局。",
            "副县长：某某，负责发展改革、财政、统计、市场监管方面工作。"]
    routes["/col/col200/index.html"] = reply(html("领导信息", content_page("县政府领导", text), code))
    routes["/col/col201/index.html"] = reply(html("机构职能", content_page("主要职责", text), code))
    return routes


# -- 乙市: TRS in GBK, a gambling site in the 友情链接 dropdown ------------------------------------------
def yishi() -> dict[str, Reply]:
    code, gbk = "5107000001", "gbk"
    rows = news("xwzx", "乙市新闻")
    dropdown = ('<select onchange="window.open(this.options[this.selectedIndex].value)"><option value="">友情链接</option>'
                '<option value="http://www.sc.gov.cn/">四川省人民政府</option>'
                '<option value="http://www.10bet.com/">十博体育</option></select>')
    trs = plain_list(rows) + '<script>createPageHTML(1, 0, "index", "html");</script>'
    routes = {
        "/": reply(html("乙市人民政府", '<ul class="nav"><li><a href="/xwzx/">新闻中心</a></li></ul>'
                        + plain_list(rows) + dropdown, code, gbk), gbk),
        "/xwzx/": reply(html("新闻中心", trs, code, gbk), gbk),
        **articles(rows, code, gbk),
    }
    return routes


# -- 丙县: plain GBK, the newest article carries a hidden porn link ---------------------------------------
def bingxian() -> dict[str, Reply]:
    code, gbk = "5134000001", "gbk"
    rows = news("gzdt", "丙县动态")
    hidden = '<div style="position:absolute;left:-9999px"><a href="http://www.114av.xyz/">成人视频</a></div>'
    routes = {
        "/": reply(html("丙县人民政府", '<ul class="nav"><li><a href="/gzdt/">工作动态</a></li></ul>'
                        + plain_list(rows[:1]), code, gbk), gbk),
        "/gzdt/": reply(html("工作动态", plain_list(rows), code, gbk), gbk),
        **articles(rows, code, gbk),
    }
    href, title, day = rows[1]
    routes[href] = article(title, code, day, hidden, gbk)
    return routes


# -- 丁区: Hanweb, lists read from the data proxy, everything in order ------------------------------------
def dingqu() -> dict[str, Reply]:
    code = "5101000007"
    names = ["工作动态", "通知公告"]
    routes: dict[str, Reply] = {}
    menu = '<ul class="nav">' + "".join(
        f'<li><a href="/col/col{300 + i}/index.html">{n}</a></li>' for i, n in enumerate(names)) + "</ul>"
    home_rows = news("art/home", "丁区要闻")
    routes["/"] = reply(html("丁区人民政府", menu + plain_list(home_rows), code))
    routes.update(articles(home_rows, code))
    for i, name in enumerate(names):
        column_id, column_url = str(300 + i), f"/col/col{300 + i}/index.html"
        body = jpage_scripted_column(column_id)
        routes[column_url] = reply(html(name, body, code))
        rows = news(f"art/{column_id}", name)
        [proxy] = source_urls(body, f"http://www.dingqu.gov.cn{column_url}")
        routes[proxy.removeprefix("http://www.dingqu.gov.cn")] = reply(dataproxy_answer(rows), content_type="text/xml")
        routes.update(articles(rows, code))
    return routes


# -- 戊县: the home page's lists are all filled by a script the crawl cannot follow --------------------------
def wuxian() -> dict[str, Reply]:
    code = "5133000001"
    body = '<div id="news"></div><script>loadNews(document.getElementById("news"), buildUrl("news"));</script>'
    return {"/": reply(html("戊县人民政府", body + '<script>$.ajax({url: apiBase + "/list"})</script>', code))}


SITES = {  # name: (host, site code, routes, expected verdict, expected veto rules)
    "甲县人民政府": ("www.jiaxian.gov.cn", "5132000001", jiaxian, "不合格", {"blank_columns"}),
    "乙市人民政府": ("www.yishi.gov.cn", "5107000001", yishi, "不合格", {"illegal_links"}),
    "丙县人民政府": ("www.bingxian.gov.cn", "5134000001", bingxian, "不合格", {"illegal_links"}),
    "丁区人民政府": ("www.dingqu.gov.cn", "5101000007", dingqu, "合格", set()),
    "戊县人民政府": ("www.wuxian.gov.cn", "5133000001", wuxian, "未能判断", set()),
}


def test_the_fixture_province_is_judged_right_through_the_cli(tmp_path: Path) -> None:
    with ExitStack() as stack:
        servers = {name: stack.enter_context(Site(routes())) for name, (_, _, routes, _, _) in SITES.items()}
        overrides = "".join(f'"{host}" = "127.0.0.1:{servers[name].port}"\n'
                            for name, (host, *_rest) in SITES.items())
        (tmp_path / "config.toml").write_text(
            "[crawl]\nretries = 0\nper_host_delay_s = 0.0\nmax_external_checks = 0\n"
            f'[crawl.host_overrides]\n{overrides}[render]\nbrowser = "off"\n', encoding="utf-8")
        rows = "".join(f"{name},http://{host}/,成都,市级部门,{code}\n" for name, (host, code, *_rest) in SITES.items())
        (tmp_path / "sites.csv").write_text(f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n{rows}", encoding="utf-8")

        def run(*args: str):
            return CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"), *args])

        assert run("registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
        result = run("check", "--all", "--as-of", AS_OF, "--json")
    checked = {site["name"]: site for site in json.loads(result.stdout)}
    for name, (_, _, _, verdict, vetoes) in SITES.items():
        site = checked[name]
        findings = site["findings"]
        assert site["verdict"] == verdict, (name, findings)
        assert {f["rule"] for f in findings if f["severity"] == "veto"} == vetoes, (name, findings)
        unreadable = [f for f in findings if f["rule"] == "fetch_failed"]
        assert not unreadable, (name, unreadable)  # every page of the province can be read without a browser
    jia = {f["rule"]: f for f in checked["甲县人民政府"]["findings"]}
    assert jia["blank_columns"]["evidence"]["count"] == 6
    assert "undetermined" not in jia  # the content pages are content
    [link] = next(f for f in checked["乙市人民政府"]["findings"] if f["rule"] == "illegal_links")["evidence"]["links"]
    assert link["href"] == "http://www.10bet.com/" and link["element"] == "option"
    [hidden] = next(f for f in checked["丙县人民政府"]["findings"] if f["rule"] == "illegal_links")["evidence"]["links"]
    assert hidden["hidden"] == "offscreen" and hidden["article"].startswith("丙县动态第2条")
    wu = checked["戊县人民政府"]
    assert wu["undecided_rules"] == ["首页不更新"]
    assert "homepage_stale" not in {f["rule"] for f in wu["findings"]}
