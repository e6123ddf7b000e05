"""页面被挂马、内容被篡改 through the user's path: two `govmon check` runs of a site whose home page is
defaced between them; and the signatures that need no history, on real-shaped pages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli import app
from monitor.demo.certs import make_authority
from monitor.demo.sites import PACKED_SCRIPT
from monitor.extract.integrity import fingerprint_of, script_signs_of
from monitor.extract.text import parse
from tests.fetch_servers import Reply, Site

HOST = "www.shili.gov.cn"
NAV = '<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a></div>'
LIST = '<div class="list"><ul><li><a href="/tzgg/1.html">关于开展检查的通知</a><span>2022-12-26</span></li></ul></div>'
FOOTER = '<div class="footer">主办单位：示例县人民政府办公室 网站标识码：5132000002</div>'
# A defacement as seen in the wild: a casino title, a script from a new host, a hidden link, an escaped payload.
ESCAPED = "\\x3c\\x61\\x20\\x68\\x72\\x65\\x66" * 8
DEFACED_HEAD = '<script src="http://cdn.tongji-demo.test/t.js"></script>'
DEFACED_BODY = ('<div style="display:none"><a href="http://www.lucky-casino-demo.test/">娱乐</a></div>'
                f'<script>var s = "{ESCAPED}";</script>')


def _home(title: str, head: str = "", body: str = "") -> Reply:
    html = (f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>{NAV}{LIST}{body}'
            f"{FOOTER}</body></html>")
    return Reply(body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8",
                                                     "Strict-Transport-Security": "max-age=31536000"})


def _run(config: Path, *args: str) -> dict:
    answer = CliRunner().invoke(app, ["--config", str(config), *args, "--json"])
    assert answer.exit_code in (0, 1), answer.output
    return json.loads(answer.stdout)


def test_a_home_page_defaced_between_two_checks_is_found_with_before_and_after(tmp_path: Path) -> None:
    authority = make_authority(tmp_path)
    routes = {"/": _home("示例县人民政府"), "/tzgg/": _home("通知公告"), "/tzgg/1.html": _home("关于开展检查的通知")}
    with Site(routes, tls=authority.server_context(HOST)) as site, Site({}) as outside:
        (tmp_path / "config.toml").write_text(
            "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\nrespect_robots = false\n"
            f'extra_ca_files = ["{authority.ca_file}"]\n[crawl.host_overrides]\n"{HOST}" = "127.0.0.1:{site.port}"\n'
            f'"cdn.tongji-demo.test" = "127.0.0.1:{outside.port}"\n"www.lucky-casino-demo.test" = "127.0.0.1:{outside.port}"\n'
            f'[store]\ndatabase = "{tmp_path / "g.db"}"\n[render]\nbrowser = "off"\n', encoding="utf-8")
        (tmp_path / "sites.csv").write_text(
            f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n示例县人民政府,https://{HOST}/,绵阳,县级门户,5132000002\n",
            encoding="utf-8")
        config = tmp_path / "config.toml"
        assert CliRunner().invoke(app, ["--config", str(config), "registry", "import", str(tmp_path / "sites.csv")]
                                  ).exit_code == 0
        before = _run(config, "check", "示例县人民政府", "--as-of", "2022-12-20T10:00")
        routes["/"] = _home("示例县人民政府-澳门赌场 真人荷官 百家乐", DEFACED_HEAD, DEFACED_BODY)
        after = _run(config, "check", "示例县人民政府", "--as-of", "2022-12-28T10:00")
    assert [f for f in before["findings"] if f["rule"] == "tampered"] == []  # the first check: a clean page
    found = {f["evidence"]["sign"]: f for f in after["findings"] if f["rule"] == "tampered"}
    assert set(found) == {"首页标题含违法违规内容", "新增外部脚本来源", "新增隐藏链接", "脚本含超长 \\x/\\u 转义字符串"}
    title = found["首页标题含违法违规内容"]
    assert title["severity"] == "veto" and title["wording"] == "页面被挂马、内容被篡改"
    assert title["evidence"]["before"] == "示例县人民政府" and "澳门赌场" in title["evidence"]["after"]
    assert title["evidence"]["before_seen_at"].startswith("2022-12-20")
    script = found["新增外部脚本来源"]
    assert (script["severity"], script["evidence"]["after"], script["evidence"]["level"]) == (
        "warning", "cdn.tongji-demo.test", "疑似")
    assert found["新增隐藏链接"]["evidence"]["after"] == "http://www.lucky-casino-demo.test/"
    assert after["verdict"] == "不合格"


def test_obfuscation_signatures_need_no_history_and_ordinary_scripts_have_none() -> None:
    url = "https://www.a.gov.cn/"
    packed = parse(f"<html><head></head><body>{PACKED_SCRIPT}</body></html>")
    assert [s.kind for s in script_signs_of(packed, url, min_escapes=40)] == ["packer"]
    written = parse('<script>document.write(unescape("%3Ca%20href%3D%22http%3A//x.test/%22%3E"));</script>')
    assert [s.kind for s in script_signs_of(written, url, min_escapes=40)] == ["encoded-write"]
    ordinary = parse('<script>var t = "\\u4e2d\\u6587"; document.write("<a href=/x>x</a>"); '
                     "$(function(){ $('#a').jpage({perPage: 15}); });</script>")
    assert script_signs_of(ordinary, url, min_escapes=40) == []


def test_fingerprint_keeps_title_footer_and_outside_hosts_only() -> None:
    html = ('<html><head><title> 示例 </title><script src="/own.js"></script><script src="//hm.baidu.com/h.js">'
            '</script></head><body><iframe src="https://map.example.com/x"></iframe><iframe src="https://b.a.gov.cn/">'
            '</iframe><div id="footer">主办单位：示例\n 网站标识码：5101000001</div></body></html>')
    found = fingerprint_of(parse(html), "https://www.a.gov.cn/", " 示例 ", [])
    assert (found.title, found.footer) == ("示例", "主办单位：示例 网站标识码：5101000001")
    assert found.script_hosts == ("hm.baidu.com",) and found.iframe_hosts == ("map.example.com",)
