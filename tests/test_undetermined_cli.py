"""未能判断 as a user meets it: `govmon check` on a site whose home page shows no dated item."""

from __future__ import annotations

import json
from pathlib import Path

from fetch_servers import Reply, Site
from typer.testing import CliRunner

from monitor.cli import app

JIUCUO = '<script id="_jiucuo_" sitecode="5101000007" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'
FOOTER = ("<p>网站标识码：5101000007 蜀ICP备00000007号 川公网安备 51010402000007号</p>"
          '<a href="http://bszs.conac.cn/sitename?method=show&id=1"><img src="/red.png"></a>')


def page(body: str) -> Reply:
    html = f"<html><head><title>示例县人民政府</title></head><body>{body}{JIUCUO}{FOOTER}</body></html>"
    return Reply(body=html.encode("utf-8"))


DATED = page('<ul class="news"><li><a href="/a1.html">县政府召开常务会议</a><span>2022-11-01</span></li>'
             '<li><a href="/a2.html">全县安全生产工作会议</a><span>2022-10-20</span></li></ul>')
# The home page's list is filled by a script the crawl does not run: it shows no dated item at all.
SCRIPTED = page('<div id="news"></div><script src="/js/jquery.js"></script>'
                '<script>$.ajax({url: "/api/news.json", success: fill});</script>')


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"), *args])


def test_no_dated_item_anywhere_is_undetermined_and_keeps_the_earlier_veto_open(tmp_path: Path, wide_output):
    with Site({"/": DATED, "/a1.html": page("<h1>会议</h1>"), "/a2.html": page("<h1>会议</h1>")}) as site:
        (tmp_path / "config.toml").write_text("[crawl]\nallow_private_targets = true\nretries = 0\n", encoding="utf-8")
        (tmp_path / "sites.csv").write_text(f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
                                            f"示例县人民政府,{site.url('/')},成都,市级部门,5101000007\n", encoding="utf-8")
        assert run(tmp_path, "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0

        first = run(tmp_path, "check", "示例县人民政府", "--as-of", "2022-12-28T10:00", "--json")
        assert first.exit_code == 1, first.output
        assert json.loads(first.stdout)["verdict"] == "不合格"

        site.routes["/"] = SCRIPTED
        second = run(tmp_path, "check", "示例县人民政府", "--as-of", "2022-12-29T10:00", "--json")
        assert second.exit_code == 3, second.output
        data = json.loads(second.stdout)
        assert data["verdict"] == "未能判断" and data["undecided_rules"] == ["首页不更新"]
        unsure = [f for f in data["findings"] if f["rule"] == "undetermined"]
        assert [f["evidence"]["rule"] for f in unsure] == ["homepage_stale"]
        assert not [f for f in data["findings"] if f["rule"] == "homepage_stale"]

        table = run(tmp_path, "check", "示例县人民政府", "--as-of", "2022-12-29T11:00")
        assert "未能判断（首页不更新）" in table.stdout
        assert "无法判断「首页不更新」" in table.stdout and "未读到任何带日期的" in table.stdout

    listed = run(tmp_path, "findings", "list", "--json")
    rows = {(f["rule"], f["status"]) for f in json.loads(listed.stdout)}
    assert ("homepage_stale", "open") in rows  # could not be judged: the earlier veto is not resolved
    assert ("undetermined", "open") in rows
