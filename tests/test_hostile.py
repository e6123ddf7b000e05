"""Hostile and broken servers as a real deployment meets them: every case ends in bounded time with a
recorded reason, and nothing partial is judged as if it were the whole page.

Deadlines and caps are configured small so the whole module runs in seconds; the server drips in
tens of milliseconds where a real one would take seconds.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from hostile_server import HostileServer, Page, drip, drip_headers, endless, gzip_bomb, html_page, silence

from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import Outcome

DEADLINE_S = 0.8


@pytest.fixture
def crawl(settings: Settings) -> CrawlSettings:
    return replace(settings.crawl, allow_private_targets=True, per_host_delay_s=0.0, retries=2,
                   retry_backoff_s=0.01, respect_robots=False, connect_timeout_s=0.5, read_timeout_s=0.5,
                   fetch_deadline_s=DEADLINE_S, max_response_bytes=1_000_000)


async def timed_fetch(crawl: CrawlSettings, url: str) -> tuple[float, object]:
    async with HttpFetcher(crawl) as fetcher:
        started = time.monotonic()
        result = await fetcher.fetch(url)
        return time.monotonic() - started, result


async def test_a_dripping_body_ends_at_the_fetch_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": drip}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert "0.8 s" in result.error  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3  # a read timeout reset by every byte would never end


async def test_headers_that_never_finish_end_at_the_fetch_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": drip_headers}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_stalled_headers_time_out_within_the_deadline(crawl: CrawlSettings) -> None:
    with HostileServer({"/": silence}) as server:
        took, result = await timed_fetch(crawl, server.url())
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_a_tls_port_that_never_answers_the_handshake_times_out(crawl: CrawlSettings) -> None:
    with HostileServer({}) as server:
        took, result = await timed_fetch(crawl, server.url(scheme="https"))
    assert result.outcome is Outcome.TIMEOUT  # type: ignore[attr-defined]
    assert took < DEADLINE_S * 3


async def test_an_endless_body_is_cut_at_the_size_cap_and_marked_truncated(crawl: CrawlSettings) -> None:
    with HostileServer({"/": endless}) as server:
        took, result = await timed_fetch(replace(crawl, fetch_deadline_s=10.0), server.url())
    assert result.outcome is Outcome.TOO_LARGE  # type: ignore[attr-defined]
    assert result.truncated and len(result.body) == 1_000_000  # type: ignore[attr-defined]
    assert took < 5


async def test_a_gzip_bomb_is_cut_at_the_size_cap_without_inflating_it_whole(crawl: CrawlSettings) -> None:
    import tracemalloc

    bomb = gzip_bomb(200)
    with HostileServer({"/": bomb}) as server:
        tracemalloc.start()
        try:
            took, result = await timed_fetch(replace(crawl, fetch_deadline_s=10.0), server.url())
            grown_mb = tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()
    assert result.outcome is Outcome.TOO_LARGE and result.truncated  # type: ignore[attr-defined]
    assert len(result.body) == 1_000_000  # type: ignore[attr-defined]
    assert grown_mb < 10, f"peak memory grew by {grown_mb:.0f} MB for a 1 MB cap"
    assert took < 5


async def test_a_refused_connection_is_not_retried(crawl: CrawlSettings) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    took, result = await timed_fetch(replace(crawl, retry_backoff_s=2.0), f"http://127.0.0.1:{port}/")
    assert result.outcome is Outcome.CONNECT  # type: ignore[attr-defined]
    assert took < 1.0  # two retries would have waited 2 + 4 s


async def test_a_huge_robots_txt_is_read_only_up_to_its_cap(crawl: CrawlSettings) -> None:
    robots = b"User-agent: *\nDisallow: /private/\n" + b"# padding\n" * 300_000
    routes = {"/robots.txt": Page(robots, content_type="text/plain"), "/": Page(b"<html>ok</html>"),
              "/private/x": Page(b"<html>secret</html>")}
    with HostileServer(routes) as server:  # type: ignore[arg-type]
        async with HttpFetcher(replace(crawl, respect_robots=True, max_robots_bytes=100_000)) as fetcher:
            home = await fetcher.fetch(server.url("/"))
            private = await fetcher.fetch(server.url("/private/x"))
    assert home.outcome is Outcome.OK
    assert private.outcome is Outcome.REFUSED  # the rules at its top still apply
    assert server.hits["/private/x"] == 0


async def test_a_huge_crawl_delay_is_cut_to_the_configured_cap(crawl: CrawlSettings) -> None:
    from fetch_servers import FakeTime

    fake = FakeTime()
    routes = {"/robots.txt": Page(b"User-agent: *\nCrawl-delay: 86400\n", content_type="text/plain"),
              "/a": Page(b"<html>a</html>"), "/b": Page(b"<html>b</html>")}
    with HostileServer(routes) as server:  # type: ignore[arg-type]
        settings = replace(crawl, respect_robots=True, max_crawl_delay_s=3.0)
        async with HttpFetcher(settings, sleep=fake.sleep, clock=fake.clock) as fetcher:
            await fetcher.fetch(server.url("/a"))
            await fetcher.fetch(server.url("/b"))
    assert fake.sleeps == [3.0]



# -- whole site checks, as a user runs them -----------------------------------------------------------
TODAY = "2024-06-10"
HOME_ITEMS = "".join(f"<li><a href='/n{i}.html'>政务动态第{i}条</a><span>2024-06-0{i}</span></li>" for i in range(1, 6))
FOOTER = ("<div class='footer'>网站标识码：5101000009 蜀ICP备05003323号 川公网安备 51010402000507号"
          "<a href='http://bszs.conac.cn/sitename?method=show&id=1'>党政机关</a></div>")
JIUCUO = ('<script id="_jiucuo_" sitecode="5101000009" '
          'src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>')


def home_page(extra: str = "") -> Page:
    nav = "".join(f"<a href='/c{i}/'>{name}</a>" for i, name in enumerate(("通知公告", "政务动态", "政策文件",
                                                                         "部门动态", "工作动态"), start=1))
    return html_page(f"<div class='nav'>{nav}</div><ul class='list'>{HOME_ITEMS}</ul>{extra}{JIUCUO}{FOOTER}",
                     title="示例县人民政府")


def check_site(tmp_path, routes: dict, **crawl: object) -> tuple[int, dict, float]:
    """Register the hostile server as a site and run `govmon check NAME --json` on it."""
    from typer.testing import CliRunner

    from monitor.cli import app

    values: dict[str, object] = {"allow_private_targets": "true", "retries": 0, "per_host_delay_s": 0.0,
                                 "connect_timeout_s": 0.5, "read_timeout_s": 0.5, "fetch_deadline_s": 2.0,
                                 "max_response_bytes": 200_000, **crawl}
    lines = ["[crawl]", *(f"{key} = {value}" for key, value in values.items()), "[render]", 'browser = "off"']
    (tmp_path / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with HostileServer(routes) as server:
        (tmp_path / "sites.csv").write_text("网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
                                            f"示例县发展和改革局,{server.url('/')},成都,市级部门,5101000009\n",
                                            encoding="utf-8")
        base = ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db")]
        assert CliRunner().invoke(app, [*base, "registry", "import", str(tmp_path / "sites.csv")]).exit_code == 0
        started = time.monotonic()
        result = CliRunner().invoke(app, [*base, "check", "示例县发展和改革局", "--as-of", TODAY, "--json"])
        took = time.monotonic() - started
    return result.exit_code, json.loads(result.stdout), took


def vetoes(data: dict) -> list[str]:
    return [f["rule"] for f in data["findings"] if f["severity"] == "veto"]


@pytest.mark.parametrize(("case", "route", "reason"), [
    ("oversized page", home_page("<img src='data:image/png;base64," + "A" * 400_000 + "'>"), "截断"),
    ("endless body", endless, "截断"),
    ("gzip bomb", gzip_bomb(50), "截断"),
    ("binary garbage", Page(bytes(range(256)) * 400), "无法解码"),
])
def test_a_home_page_not_read_whole_makes_the_site_unchecked(tmp_path, case, route, reason) -> None:
    robots = Page(b"", status=404)
    code, data, took = check_site(tmp_path, {"/": route, "/robots.txt": robots})
    assert code == 3, data
    assert data["verdict"] == "未能检查"
    assert vetoes(data) == []  # never 不合格 from the first part of a page
    [finding] = data["findings"]
    assert finding["wording"] == "首页未能完整读取"
    assert reason in finding["evidence"]["error"]
    assert took < 10


def test_a_dripping_home_page_ends_the_check_in_bounded_time(tmp_path) -> None:
    code, data, took = check_site(tmp_path, {"/": drip, "/robots.txt": Page(b"", status=404)})
    assert code == 3 and data["verdict"] == "未能检查"
    assert data["findings"][0]["wording"] == "首页无法打开"
    assert "timeout" in data["findings"][0]["evidence"]["error"]
    assert took < 10


def test_a_site_over_its_total_deadline_is_unchecked_with_the_reason(tmp_path) -> None:
    slow_columns = {f"/c{i}/": drip for i in range(1, 6)}
    routes = {"/": home_page(), "/robots.txt": Page(b"", status=404), **slow_columns}
    code, data, took = check_site(tmp_path, routes, site_deadline_s=1.0, fetch_deadline_s=30.0)
    assert code == 3 and data["verdict"] == "未能检查"
    [finding] = data["findings"]
    assert finding["wording"] == "检查超过总时限未完成"
    assert "deadline of 1 s" in finding["evidence"]["error"]
    assert took < 6


def test_column_pages_not_read_whole_are_never_blank(tmp_path) -> None:
    """Five list columns cut at the size cap or not text: formerly five 空列表 columns, a 空白栏目 veto."""
    garbage = Page(bytes(range(256)) * 400)
    routes = {"/": home_page(), "/robots.txt": Page(b"", status=404), "/c1/": endless, "/c2/": endless,
              "/c3/": garbage, "/c4/": garbage, "/c5/": gzip_bomb(20)}
    code, data, took = check_site(tmp_path, routes)
    assert "blank_columns" not in vetoes(data) and "missing_jiucuo" not in vetoes(data), data
    unread = [f for f in data["findings"] if f["rule"] == "fetch_failed"]
    assert unread, data
    errors = json.dumps(unread, ensure_ascii=False)
    assert "截断" in errors and "无法解码" in errors
    [blank] = [f for f in data["findings"] if f["rule"] == "undetermined" and f["evidence"]["rule"] == "blank_columns"]
    assert "其中" in blank["evidence"]["reason"] and "截断" in blank["evidence"]["reason"], blank
    assert took < 15


DEEP = Page(b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000 + b"</body></html>")
FLOOD = Page(b"<html><body>" + b"".join(b"<a href='/p%d.html'>%d</a>" % (i, i) for i in range(120_000)) + b"</body></html>")


@pytest.mark.parametrize(("page", "reason"), [(DEEP, "嵌套过深"), (FLOOD, "链接数超过上限")])
def test_pages_that_would_cost_minutes_to_parse_are_marked_not_parsed(crawl, page, reason) -> None:
    with HostileServer({"/": page}) as server:  # type: ignore[dict-item]
        async def go():
            async with HttpFetcher(replace(crawl, max_response_bytes=5_000_000, fetch_deadline_s=10.0)) as fetcher:
                return await fetcher.fetch(server.url())
        import asyncio

        started = time.process_time()
        result = asyncio.run(go())
        cpu = time.process_time() - started
    assert result.outcome is Outcome.OK and reason in result.incomplete
    assert cpu < 5  # counted, not parsed: parsing the nested page alone takes minutes


@pytest.mark.parametrize(("page", "reason"), [(DEEP, "嵌套过深"), (FLOOD, "链接数超过上限")])
def test_a_home_page_too_costly_to_parse_makes_the_site_unchecked(tmp_path, page, reason) -> None:
    code, data, took = check_site(tmp_path, {"/": page, "/robots.txt": Page(b"", status=404)},
                                  max_response_bytes=5_000_000, fetch_deadline_s=10.0)
    assert code == 3 and data["verdict"] == "未能检查" and vetoes(data) == []
    assert reason in data["findings"][0]["evidence"]["error"]
    assert took < 15


def test_check_account_on_a_dripping_feed_ends_in_bounded_time_as_unknown(tmp_path) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app

    (tmp_path / "config.toml").write_text("[crawl]\nallow_private_targets = true\nretries = 0\n"
                                          "read_timeout_s = 0.5\nfetch_deadline_s = 1.0\n[render]\n"
                                          'browser = "off"\n', encoding="utf-8")
    with HostileServer({"/feed.xml": drip}) as server:
        started = time.monotonic()
        result = CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "--db", str(tmp_path / "g.db"),
                                          "check-account", server.url("/feed.xml"), "--json"])
        took = time.monotonic() - started
    assert result.exit_code == 3, result.output  # the source could not be read: unknown, never stale
    assert json.loads(result.stdout)["state"] == "unknown"
    assert took < 8


def column_page(i: int, extra: str = "") -> Page:
    items = "".join(f"<li><a href='/n{i}{j}.html'>第{i}栏目第{j}条信息</a><span>2024-06-0{j}</span></li>"
                    for j in range(1, 6))
    return html_page(f"<ul class='list'>{items}</ul>{extra}{JIUCUO}{FOOTER}", title=f"栏目{i}")


def test_a_column_page_cut_at_the_size_cap_leaves_its_links_and_entry_undetermined(tmp_path) -> None:
    """Four whole column pages and one cut at the size cap: the links and the 找错 entry of the cut one
    were never seen, so those rules say 未能判断 with the reason, and the site is not 合格."""
    oversized = column_page(5, "<img src='data:image/png;base64," + "A" * 400_000 + "'>")
    routes = {"/": home_page(), "/robots.txt": Page(b"", status=404),
              **{f"/c{i}/": column_page(i) for i in range(1, 5)}, "/c5/": oversized}
    code, data, _ = check_site(tmp_path, routes)
    assert vetoes(data) == [] and data["verdict"] == "未能判断", data
    unsure = {f["evidence"]["rule"]: f["evidence"] for f in data["findings"] if f["rule"] == "undetermined"}
    for rule, what in (("illegal_links", "链接"), ("missing_jiucuo", "找错入口"), ("serious_wording", "文字表述"),
                       ("privacy_leak", "个人信息")):
        reason = unsure[rule]["reason"]
        assert "1 个栏目页面未能完整读取" in reason and "截断" in reason and what in reason, unsure
        assert [c["url"].rsplit("/", 2)[-2] for c in unsure[rule]["columns"]] == ["c5"]
    [failed] = [f for f in data["findings"] if f["rule"] == "fetch_failed"]
    assert [c["column"] for c in failed["evidence"]["columns"]] == ["工作动态"]
