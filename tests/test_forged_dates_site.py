"""forged_dates through the user's path: two checks of a site whose articles are re-dated between them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli import app
from tests.fetch_servers import Reply, Site

FOOTER = ('<div class="footer">网站标识码：5132000002 蜀ICP备12345678号 川公网安备 51320002000002号'
          '<script id="_jiucuo_" sitecode="5132000002" src="/jiucuo.js"></script></div>')
HONEST = "/tzgg/202212/t20221222_3.html"
REDATED_AFTER_SEEN = "/tzgg/202210/t20221028_1.html"
OLD_URL_NEW_DATE = "/tzgg/202010/t20201012_2.html"
REPOSTED = "/tzgg/202212/t20221227_9.html"  # the 2022-10-20 notice again, under a new address and date


def page(body: str) -> Reply:
    html = ('<html><head><meta charset="utf-8"><title>示例镇人民政府</title></head><body>'
            '<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a></div>'
            f"{body}{FOOTER}</body></html>")
    return Reply(body=html.encode("utf-8"))


def listing(items: list[tuple[str, str, str]]) -> Reply:
    rows = "".join(f'<li><a href="{url}">{title}</a><span>{day}</span></li>' for url, title, day in items)
    return page(f'<div class="list"><ul>{rows}</ul></div>')


def routes(items: list[tuple[str, str, str]]) -> dict[str, Reply]:
    served = {"/": listing(items), "/tzgg/": listing(items), "/jiucuo.js": Reply(body=b"")}
    served.update({url: page(f"<h1>{title}</h1><p>发布日期：{day}</p><p>各村（社区）：现将有关事项通知如下，请认真落实。</p>")
                   for url, title, day in items})
    return served


def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), *args])


def test_re_dated_articles_are_found_with_both_dates_and_honest_ones_are_not(tmp_path: Path):
    first = [(REDATED_AFTER_SEEN, "关于开展秋季森林防火检查的通知", "2022-10-28"),
             ("/tzgg/202210/t20221020_0.html", "关于开展消防安全检查的通知", "2022-10-20")]
    second = [(REPOSTED, "关于开展消防安全检查的通知", "2022-12-27"),
              (HONEST, "关于做好元旦春节期间安全生产工作的通知", "2022-12-22"),
              (REDATED_AFTER_SEEN, "关于开展秋季森林防火检查的通知", "2022-12-26"),
              (OLD_URL_NEW_DATE, "示例镇2020年度财政预算公开", "2022-12-20")]
    site_routes = routes(first)
    with Site(site_routes) as site:  # type: ignore[arg-type]
        (tmp_path / "config.toml").write_text(
            "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n"
            f"[store]\ndatabase = \"{tmp_path / 'g.db'}\"\n", encoding="utf-8")
        (tmp_path / "sites.csv").write_text(
            f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n示例镇人民政府,{site.url('/')},绵阳,市级部门,5132000002\n",
            encoding="utf-8")
        config = tmp_path / "config.toml"
        assert run(config, "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
        before = run(config, "check", "示例镇人民政府", "--as-of", "2022-11-01T10:00", "--json")
        site_routes.clear()
        site_routes.update(routes(second))
        after = run(config, "check", "示例镇人民政府", "--as-of", "2022-12-28T10:00", "--json")
        text = run(config, "check", "示例镇人民政府", "--as-of", "2022-12-28T10:00")
        before_review = run(config, "report", "--quarter", "2022Q4", "--out", str(tmp_path / "r1"), "--formats", "md")
        listed = json.loads(run(config, "findings", "list", "--rule", "forged_dates", "--json").stdout)
        reposted = next(f for f in listed if f["evidence"]["url"].endswith(REPOSTED))
        assert run(config, "findings", "confirm", str(reposted["id"]), "--note", "已核实为旧稿新发").exit_code == 0
        after_review = run(config, "report", "--quarter", "2022Q4", "--out", str(tmp_path / "r2"), "--formats", "md")
    assert before.exit_code in (0, 1), before.output
    assert [f for f in json.loads(before.stdout)["findings"] if f["rule"] == "forged_dates"] == []
    forged = {f["evidence"]["url"].replace(site.url(""), ""): f for f in json.loads(after.stdout)["findings"]
              if f["rule"] == "forged_dates"}
    assert set(forged) == {REDATED_AFTER_SEEN, OLD_URL_NEW_DATE, REPOSTED}
    again = forged[REPOSTED]["evidence"]
    assert (again["sign"], again["shown_date"], again["earlier_date"]) == ("same_text", "2022-12-27", "2022-10-20")
    assert again["earlier_url"].endswith("/tzgg/202210/t20221020_0.html")
    seen = forged[REDATED_AFTER_SEEN]["evidence"]
    assert (seen["sign"], seen["shown_date"], seen["first_seen"], seen["first_shown_date"]) == (
        "first_seen", "2022-12-26", "2022-11-01", "2022-10-28")
    old = forged[OLD_URL_NEW_DATE]["evidence"]
    assert (old["sign"], old["shown_date"], old["url_date"]) == ("url_date", "2022-12-20", "2020-10-12")
    assert all(f["severity"] == "warning" and f["wording"] == "伪造发稿日期" for f in forged.values())
    shown = "".join(text.stdout.replace("│", "").split())
    assert "网址中的日期为2020-10-12" in shown and "本系统已于2022-11-01见到该文章" in shown

    def report_text(folder: str) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (tmp_path / folder).rglob("*.md"))

    assert before_review.exit_code in (0, 1) and after_review.exit_code in (0, 1)
    assert "伪造发稿日期" not in report_text("r1")  # 疑似: counted only once a reviewer confirms it
    assert "伪造发稿日期" in report_text("r2") and "已核实为旧稿新发" in report_text("r2")
