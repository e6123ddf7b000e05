"""Politeness per server, not per name, and hung servers asked once: through the fetcher and `govmon check --all`.

Several host names are mapped to one loopback server (as many county sites share one 集约化 platform);
the server records how many requests it handled at once and how many it was sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

from fetch_servers import FakeTime, Reply, Site
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import CrawlSettings, Settings
from monitor.fetch.client import HttpFetcher
from monitor.fetch.result import Outcome
from monitor.fetch.safety import TargetPolicy
from monitor.fetch.servers import ServerMap, platform_of
from monitor.slots import ServerSlots

HEADER = "网站名称,网址,所属地方或部门,网站类型,网站标识码\n"


def page(body: str) -> Reply:
    return Reply(body=f"<html><head><title>县政府</title></head><body>{body}</body></html>".encode(), stall_s=0.05)


def county_site() -> dict[str, Reply | object]:
    columns = "".join(f'<a href="/col{i}/">栏目{i}</a>' for i in range(4))
    items = "".join(f'<li><a href="/art{i}.html">通知{i}</a><span>2022-12-0{i + 1}</span></li>' for i in range(5))
    routes: dict[str, Reply | object] = {"/": page(f"<ul>{columns}</ul><ul>{items}</ul>")}
    routes.update({f"/col{i}/": page(f"<ul>{items}</ul>") for i in range(4)})
    routes.update({f"/art{i}.html": page(f"<p>正文{i}</p>") for i in range(5)})
    return routes


def crawl_settings(settings: Settings, **changes: object) -> CrawlSettings:
    values: dict[str, object] = {"allow_private_targets": False, "per_host_delay_s": 0.0, "retries": 2,
                                 "respect_robots": False, "global_concurrency": 64, **changes}
    return replace(settings.crawl, **values)  # type: ignore[arg-type]


async def test_host_names_on_one_server_share_its_concurrency(settings: Settings) -> None:
    with Site({"/": Reply(stall_s=0.1)}) as site:
        hosts = {f"county{i}.example.gov.cn": f"127.0.0.1:{site.port}" for i in range(6)}
        async with HttpFetcher(crawl_settings(settings, host_overrides=hosts)) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(f"http://{host}/") for host in hosts))
    assert all(r.outcome is Outcome.OK for r in results)
    assert site.max_waiting == 2  # per_host_concurrency, not 2 per name


async def test_the_delay_is_kept_per_server_across_its_names(settings: Settings) -> None:
    fake = FakeTime()
    with Site({"/": Reply()}) as site:
        hosts = {f"county{i}.example.gov.cn": f"127.0.0.1:{site.port}" for i in range(3)}
        crawl = crawl_settings(settings, host_overrides=hosts, per_host_delay_s=0.5, per_host_concurrency=1)
        async with HttpFetcher(crawl, sleep=fake.sleep, clock=fake.clock) as fetcher:
            for host in hosts:
                await fetcher.fetch(f"http://{host}/")
    assert fake.sleeps == [0.5, 0.5]  # one server: each name waits the server's turn


async def test_a_platform_group_shares_politeness_across_servers(settings: Settings) -> None:
    fake = FakeTime()
    with Site({"/": Reply()}) as one, Site({"/": Reply()}) as other:
        hosts = {"a.zwfw.example.gov.cn": f"127.0.0.1:{one.port}", "b.zwfw.example.gov.cn": f"127.0.0.1:{other.port}"}
        crawl = crawl_settings(settings, host_overrides=hosts, per_host_delay_s=0.5,
                               platform_groups={"政务云": ["*.zwfw.example.gov.cn"]})
        async with HttpFetcher(crawl, sleep=fake.sleep, clock=fake.clock) as fetcher:
            await fetcher.fetch("http://a.zwfw.example.gov.cn/")
            await fetcher.fetch("http://b.zwfw.example.gov.cn/")
    assert fake.sleeps == [0.5]  # two addresses, one platform: one turn after the other


def test_server_groups_come_from_platform_patterns_then_addresses() -> None:
    policy = TargetPolicy(overrides={"x.gov.cn": "10.0.0.1:8080", "y.gov.cn": "10.0.0.1:8080"})
    servers = ServerMap(policy, {"集约化平台": ["*.sczwfw.gov.cn"]})
    assert platform_of("WWW.Sczwfw.gov.cn", servers.groups) == "集约化平台"
    assert platform_of("sczwfw.gov.cn", servers.groups) == "集约化平台"
    assert platform_of("sczwfw.gov.cn.evil.com", servers.groups) is None
    assert servers.group_of("a.sczwfw.gov.cn", "1.2.3.4") == "platform:集约化平台"
    assert servers.group_of("other.gov.cn", "1.2.3.4") == "1.2.3.4"
    address_x = asyncio.run(servers.address_of("x.gov.cn", 80, 1.0))
    assert address_x == asyncio.run(servers.address_of("y.gov.cn", 80, 1.0)) == "10.0.0.1:8080"


def _registry(folder: Path, config: str, rows: list[tuple[str, str]]) -> Path:
    (folder / "config.toml").write_text(config, encoding="utf-8")
    lines = [f"{name},{url},成都,县级门户,51010000{i:02d}" for i, (name, url) in enumerate(rows)]
    (folder / "sites.csv").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    result = _govmon(folder, "registry", "import", str(folder / "sites.csv"))
    assert result.exit_code == 0, result.output
    return folder / "config.toml"


def _govmon(folder: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(folder / "config.toml"), "--db", str(folder / "g.db"), *args])


def _overrides(hosts: dict[str, int]) -> str:
    return "[crawl.host_overrides]\n" + "".join(f'"{host}" = "127.0.0.1:{port}"\n' for host, port in hosts.items())


def test_check_all_never_sends_one_platform_more_than_its_limit(tmp_path: Path) -> None:
    with Site(county_site()) as platform:
        hosts = {f"county{i}.example.gov.cn": platform.port for i in range(6)}
        _registry(tmp_path, "[crawl]\nper_host_delay_s = 0.0\nretries = 0\n" + _overrides(hosts),
                  [(f"县{i}人民政府", f"http://{host}/") for i, host in enumerate(hosts)])
        result = _govmon(tmp_path, "check", "--all", "--as-of", "2022-12-10T10:00", "--json")
    assert result.exit_code in (0, 1, 3), result.output
    sites = json.loads(result.stdout)
    assert len(sites) == 6 and all(s["pages_fetched"] > 5 for s in sites)
    assert platform.max_waiting == 2  # six sites on one server: never more than its per-server limit


def test_a_hung_site_costs_one_try_and_other_sites_do_not_ask_it_again(tmp_path: Path) -> None:
    healthy = county_site()
    healthy["/"] = page('<ul><li><a href="http://stuck.example.com/p.html">友情链接</a></li></ul>')
    with Site(healthy) as linking, Site({}) as hung:
        hung.routes = {path: Reply(stall_s=30) for path in ("/", "/robots.txt", "/p.html")}
        hosts = {"hung.example.gov.cn": hung.port, "stuck.example.com": hung.port,
                 "linking.example.gov.cn": linking.port}
        config = ("[crawl]\nper_host_delay_s = 0.0\nper_host_concurrency = 1\nconnect_timeout_s = 0.3\n"
                  "read_timeout_s = 0.3\nretries = 2\nretry_backoff_s = 0.01\n" + _overrides(hosts))
        _registry(tmp_path, config, [("挂起县人民政府", "http://hung.example.gov.cn/"),
                                     ("链接县人民政府", "http://linking.example.gov.cn/")])
        result = _govmon(tmp_path, "check", "--all", "--as-of", "2022-12-10T10:00", "--json")
        attempts = sum(hung.hits.values())
    sites = {s["name"]: s for s in json.loads(result.stdout)}
    assert sites["挂起县人民政府"]["verdict"] == "未能检查"
    assert sites["链接县人民政府"]["pages_fetched"] > 1
    # robots.txt once; not its retries, not the home page after it, not the other site's link check
    assert attempts == 1, dict(hung.hits)


def test_a_server_gets_a_few_sites_at_once_and_others_are_not_kept_waiting(settings: Settings) -> None:
    crawl = replace(settings.crawl, host_overrides={"a.gov.cn": "10.0.0.1:80", "b.gov.cn": "10.0.0.1:80"})
    slots = ServerSlots(crawl)
    assert slots.of("http://a.gov.cn/") is slots.of("https://b.gov.cn/x")  # one server, one share
    assert slots.of("http://a.gov.cn/") is not slots.of("http://c.gov.cn/")
    assert slots.of("http://a.gov.cn/").size == 2 * crawl.per_host_concurrency
