"""Link targets judged as a user sees them, through `govmon registry import` and `govmon check`.

A fixture of four hosts on one local virtual-host server: two registered county sites, an unregistered
page carrying a 网站标识码, a blog whose only gambling words are the anchor texts of its outbound links,
and a sportsbook landing page written in traditional characters. Only the sportsbook makes its linker
链接非法网站.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.evidence import describe_evidence
from monitor.models import Finding, Severity

AS_OF = "2022-12-28T10:00"
LINKER = "www.linker.gov.cn"
NEIGHBOUR = "www.neighbour-county.cn"  # registered, not under gov.cn
CODED = "www.xx-county.net"  # not registered, its page carries a 网站标识码
BLOG = "www.travel-notes.com"  # harmless text, gambling anchors to other hosts
SPAM = "www.ky-sports888.com"  # a sportsbook landing page
SPAM_LINKER = "www.other.gov.cn"


def _page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


NEWS = "".join(f'<li><a href="/xw/{n}.html">县政府召开第{n}次常务会议</a><span>2022-12-2{n}</span></li>' for n in range(5))
FOOTER = "<div>主办单位：某县人民政府办公室 网站标识码：5132220001 蜀ICP备12000000号</div>"

PAGES: dict[str, bytes] = {
    LINKER: _page("某县人民政府", f"<ul>{NEWS}</ul>"
                  f'<a href="http://{NEIGHBOUR}/">邻县人民政府</a>'
                  f'<a href="http://{CODED}/">某某乡人民政府</a>'
                  f'<a href="http://{BLOG}/">旅游攻略</a>{FOOTER}'),
    # a registered neighbour whose own page was injected with a gambling link: its problem, not the linker's
    NEIGHBOUR: _page("邻县人民政府", f'<ul>{NEWS}</ul><a href="http://{SPAM}/">澳门新葡京 真人百家乐 注册送彩金</a>'
                     f"{FOOTER}"),
    CODED: _page("某某乡人民政府", '<p>乡政府工作动态</p><div style="display:none">'
                 f'<a href="http://{SPAM}/">开云体育官网入口 百家乐</a></div>'
                 "<div>主办：某某乡人民政府 网站标识码：5132220099</div>"),
    BLOG: _page("四川旅游攻略", f'<p>九寨沟、黄龙和四姑娘山的行程与住宿。</p><a href="http://{SPAM}/">世界杯投注 体育官网入口 返水</a>'),
    SPAM_LINKER: _page("另一县人民政府", f'<ul>{NEWS}</ul><a href="http://{SPAM}/">体育频道</a>'
                       "<div>主办单位：另一县人民政府 网站标识码：5132220002</div>"),
    SPAM: _page("開雲體育(中國)官方網站-KAIYUN 登錄入口",
                "<p>註冊送８８元 真 人 娛 樂 世界盃投注 首存優惠</p><p>欢迎来到体育平台</p>"),
}


class _VirtualHosts(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        host = (self.headers.get("Host") or "").split(":")[0]
        body = PAGES.get(host) if self.path in ("/", "/index.html") else None
        if host in PAGES and self.path.startswith("/xw/"):
            body = _page("新闻", "<p>县政府召开常务会议。</p>")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VirtualHosts)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def config(server_port: int, tmp_path: Path) -> Path:
    overrides = "\n".join(f'"{host}" = "127.0.0.1:{server_port}"' for host in PAGES)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\ndatabase = "{tmp_path / "g.db"}"\n'
        "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n"
        f"[crawl.host_overrides]\n{overrides}\n",
        encoding="utf-8",
    )
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
        f"某县人民政府,http://{LINKER}/,阿坝州,县级门户,5132220001\n"
        f"邻县人民政府,http://{NEIGHBOUR}/,阿坝州,县级门户,5132220003\n"
        f"另一县人民政府,http://{SPAM_LINKER}/,阿坝州,县级门户,5132220002\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--config", str(path), "registry", "import", str(registry)])
    assert result.exit_code == 0, result.output
    return path


def _check(config: Path, name: str) -> dict:
    result = CliRunner().invoke(app, ["--config", str(config), "check", name, "--as-of", AS_OF, "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _illegal(site: dict) -> list[dict]:
    return [f for f in site["findings"] if f["rule"] == "illegal_links"]


def test_links_to_government_and_harmless_targets_are_not_illegal(config: Path) -> None:
    site = _check(config, "某县人民政府")
    assert _illegal(site) == [], site["findings"]


def test_a_registered_site_is_judged_on_its_own_page(config: Path) -> None:
    site = _check(config, "邻县人民政府")
    [finding] = _illegal(site)
    assert finding["evidence"]["links"][0]["href"] == f"http://{SPAM}/"
    assert site["verdict"] == "不合格"


def test_a_link_to_a_sportsbook_page_in_traditional_characters_is_a_veto(config: Path) -> None:
    site = _check(config, "另一县人民政府")
    [finding] = _illegal(site)
    assert finding["severity"] == "veto" and site["verdict"] == "不合格"
    link = finding["evidence"]["links"][0]
    assert link["href"] == f"http://{SPAM}/"
    assert link["text"] == "体育频道"  # the anchor is harmless: the target's own page decided
    assert {"开云体育", "体育官网入口", "注册送彩金", "真人娱乐"} <= set(link["keywords"])
    assert link["decisive"] == "标题: 开云体育"  # its title names a sportsbook brand


def test_the_evidence_lines_say_why_a_target_is_illegal(config: Path) -> None:
    [finding] = _illegal(_check(config, "另一县人民政府"))
    lines = describe_evidence(Finding(finding["rule"], Severity(finding["severity"]), finding["wording"],
                                      finding["evidence"]))
    assert any("判定依据 标题: 开云体育" in line and SPAM in line for line in lines), lines
