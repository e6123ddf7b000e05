"""`govmon status` shows the full-check window, the share of sites checked in it, and the slowest sites."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from fetch_servers import Reply, Site
from typer.testing import CliRunner

from monitor.cli import app
from monitor.slots import SiteSlots

HEADER = "网站名称,网址,所属地方或部门,网站类型,网站标识码\n"
PAGE = Reply(body="<html><head><title>县政府</title></head><body><p>政务公开</p></body></html>".encode())


def govmon(folder: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(folder / "config.toml"), "--db", str(folder / "g.db"), *args])


def test_status_shows_the_window_its_share_and_the_slowest_sites(tmp_path: Path) -> None:
    with Site({"/": PAGE}) as served:
        (tmp_path / "config.toml").write_text(
            "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n"
            "memory_budget_mb = 16.0\nsite_memory_mb = 16.0\n[schedule]\nfull_check_within_h = 0.5\n",
            encoding="utf-8")
        rows = [f"在线县{i}人民政府,{served.url('/')}?site={i},成都,县级门户,51010001{i:02d}" for i in range(2)]
        rows += [f"未查县{i}人民政府,http://county{i}.example.gov.cn/,成都,县级门户,51010002{i:02d}" for i in range(20)]
        (tmp_path / "sites.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
        assert govmon(tmp_path, "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
        for i in range(2):
            assert govmon(tmp_path, "check", f"在线县{i}人民政府").exit_code in (0, 1, 3)
    result = govmon(tmp_path, "status", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    window = report["window"]
    assert (window["within_h"], window["sites"], window["checked"], window["measured_sites"]) == (0.5, 22, 2, 2)
    assert abs(window["share"] - 2 / 22) < 1e-3
    # 20 sites never checked count 2 minutes each: 40 minutes of work for a 30-minute window, one at a time
    assert (window["needed_at_once"], window["at_once"], window["meets"]) == (2, 1, False)
    assert "memory_budget_mb" in window["problems"][0]
    slowest = report["slowest"]
    assert [s["name"] for s in slowest] and {s["name"] for s in slowest} <= {"在线县0人民政府", "在线县1人民政府"}
    assert all(s["pages"] >= 1 and s["duration_s"] >= 0 and s["finished_at"] >= s["started_at"] for s in slowest)
    text = govmon(tmp_path, "status").stdout
    assert "全量检查窗口" in text and "2/22" in text and "窗口无法满足" in text and "最慢的网站" in text


def test_site_slots_hold_at_most_their_size_and_grow_when_resized() -> None:
    slots = SiteSlots(2)
    peak = 0

    async def one() -> None:
        nonlocal peak
        async with slots.hold():
            peak = max(peak, slots.busy)
            await asyncio.sleep(0)
            await asyncio.sleep(0)

    async def run() -> int:
        nonlocal peak
        await asyncio.gather(*(one() for _ in range(6)))
        first, peak = peak, 0
        slots.resize(4)
        await asyncio.gather(*(one() for _ in range(6)))
        return first

    assert (asyncio.run(run()), peak, slots.busy) == (2, 4, 0)
