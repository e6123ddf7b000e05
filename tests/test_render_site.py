"""A site whose home page and column lists are filled by `fetch()` from a JSON API, as a user checks it.

With Chromium the lists are read after rendering: blank and stale columns are found, the fresh home
page is not called stale, nothing is reported unreadable. Without it the same site is "could not
judge", never a veto.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fetch_servers import Reply, Site
from typer.testing import CliRunner

from monitor.cli import app

HOST = "www.jsfill.gov.cn"
CODE = "5101000031"
AS_OF = "2022-12-28T10:00"
JIUCUO = f'<script id="_jiucuo_" sitecode="{CODE}" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
FOOTER = (f"<p>主办单位：示例市人民政府办公室 网站标识码：{CODE} 蜀ICP备00000031号 川公网安备 51010402000031号</p>"
          '<a href="http://bszs.conac.cn/sitename?method=show&id=31"><img src="/red.png"></a>')
# Columns: (path, name, rows) — five empty, five last updated in October, one fresh.
STALE = [("/art/2022/10/8/art_1.html", "秋季工作部署会召开", "2022-10-08")]
FRESH = [("/art/2022/12/26/art_9.html", "冬季安全生产检查", "2022-12-26")]
COLUMNS = [
    ("tzgg", "通知公告", []), ("zcwj", "政策文件", []), ("rsxx", "人事信息", []), ("ghjh", "规划计划", []),
    ("tjsj", "统计数据", []),
    ("gzdt", "工作动态", STALE), ("bmdt", "部门动态", STALE), ("xqdt", "区县动态", STALE),
    ("tpxw", "图片新闻", STALE), ("xzdt", "乡镇动态", STALE),
    ("yw", "政务要闻", FRESH),
]
# The Vue/jQuery-free pattern of many new templates: an empty container, a fetch(), innerHTML. The
# data URL is assembled by the script, so only a browser finds it (a literal one is read without it).
FILL = """<ul class="list" id="list"></ul>
<script>
fetch('/api/{key}' + '.json').then(r => r.json()).then(data => {{
  const list = document.getElementById('list');
  list.innerHTML = data.rows.length
    ? data.rows.map(r => `<li><a href="${{r.url}}">${{r.title}}</a><span class="date">${{r.date}}</span></li>`).join('')
    : '<li class="empty">暂无信息</li>';
}});
</script>"""


def page(title: str, body: str) -> Reply:
    html = (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="header"><a href="/">首页</a></div><div class="main">{body}</div>'
            f'<div class="footer">{FOOTER}{JIUCUO}</div></body></html>')
    return Reply(body=html.encode("utf-8"))


def api(rows: list[tuple[str, str, str]]) -> Reply:
    data = {"rows": [{"url": url, "title": title, "date": day} for url, title, day in rows]}
    return Reply(body=json.dumps(data, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"})


def routes() -> dict[str, Reply]:
    nav = "".join(f'<li><a href="/{key}/">{name}</a></li>' for key, name, _ in COLUMNS)
    found: dict[str, Reply] = {"/": page("示例市人民政府", f'<ul class="nav">{nav}</ul>{FILL.format(key="home")}'),
                               "/api/home.json": api(FRESH + STALE)}
    for key, name, rows in COLUMNS:
        found[f"/{key}/"] = page(name, f"<h2>{name}</h2>{FILL.format(key=key)}")
        found[f"/api/{key}.json"] = api(rows)
    for url, title, _ in FRESH + STALE:
        found[url] = page(title, f"<h1>{title}</h1><p>正文。</p>")
    return found


def check(tmp_path: Path, site: Site, browser: str, *, screenshots: bool = False):
    (tmp_path / "config.toml").write_text(
        f'[crawl]\nretries = 0\nper_host_delay_s = 0.0\n[crawl.host_overrides]\n"{HOST}" = "127.0.0.1:{site.port}"\n'
        f'[render]\nbrowser = "{browser}"\nscreenshots = {str(screenshots).lower()}\n', encoding="utf-8")
    (tmp_path / "sites.csv").write_text(f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
                                        f"示例市人民政府,http://{HOST}/,成都,市级部门,{CODE}\n", encoding="utf-8")

    def run(*args: str):
        return CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"),
                                        *args])

    assert run("registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
    return run("check", "示例市人民政府", "--as-of", AS_OF, "--json")


@pytest.mark.browser
def test_with_chromium_script_filled_lists_are_judged(tmp_path: Path, chromium: Path) -> None:
    with Site(routes()) as site:
        result = check(tmp_path, site, str(chromium))
    data = json.loads(result.stdout)
    findings = {f["rule"]: f for f in data["findings"]}
    assert data["verdict"] == "不合格", data
    blank = findings["blank_columns"]["evidence"]
    assert {c["column"] for c in blank["blank_columns"]} == {"通知公告", "政策文件", "人事信息", "规划计划", "统计数据"}
    assert all(c["rendered"] for c in blank["blank_columns"])
    stale = findings["stale_columns"]["evidence"]
    assert {c["column"] for c in stale["stale_columns"]} == {"工作动态", "部门动态", "区县动态", "图片新闻", "乡镇动态"}
    assert all(c["newest_date"] == "2022-10-08" and c["rendered"] for c in stale["stale_columns"])
    assert "homepage_stale" not in findings  # the fresh home page, read after rendering
    assert "undetermined" not in findings and "fetch_failed" not in findings  # nothing unreadable


def test_without_a_browser_the_same_site_is_not_judged_never_vetoed(tmp_path: Path) -> None:
    with Site(routes()) as site:
        result = check(tmp_path, site, "off")
    data = json.loads(result.stdout)
    assert not [f for f in data["findings"] if f["severity"] == "veto"], data["findings"]
    assert data["verdict"] == "未能判断"
    assert any(f["rule"] == "undetermined" for f in data["findings"])


@pytest.mark.browser
def test_veto_findings_carry_a_screenshot_that_check_and_findings_show_name(tmp_path: Path, chromium: Path) -> None:
    with Site(routes()) as site:
        result = check(tmp_path, site, str(chromium), screenshots=True)
        text = CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"),
                                        "check", "示例市人民政府", "--as-of", AS_OF])
    vetoes = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "veto"]
    assert {f["rule"] for f in vetoes} == {"blank_columns", "stale_columns"}
    for finding in vetoes:
        shot = Path(finding["evidence"]["screenshot"])
        assert shot.parent.parent == tmp_path / "g-screenshots" and shot.read_bytes().startswith(b"\x89PNG")
        assert f"截图：{shot}" in text.stdout.replace("\n", "").replace("│", "").replace(" ", "") or shot.name in text.stdout
    listed = CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"),
                                      "findings", "list", "--rule", "blank_columns", "--json"])
    finding_id = json.loads(listed.stdout)[0]["id"]
    shown = CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"),
                                     "findings", "show", str(finding_id)])
    assert shown.exit_code == 0, shown.output
    assert "空白栏目数超过(含)5个" in shown.stdout and "截图：" in shown.stdout
    assert "g-screenshots" in shown.stdout and "页面经浏览器渲染后读取" in shown.stdout
