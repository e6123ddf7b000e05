"""Screenshots of the web console for the README, taken with the system's Chromium.

Runs the demo province (`govmon demo`), adds a supervisor, confirms the demo's veto findings through
the JSON API (so the rectification ledger has entries), serves the console as of the day after the
demo's check, and saves PNGs of the main pages in docs/console/.

    .venv/bin/python docs/console_screenshots.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import uvicorn

from monitor.config import load_settings
from monitor.render.browser import find_browser, launch
from monitor.rulebook import Rulebook
from monitor.web.app import create_app

OUT = Path(__file__).resolve().parent / "console"
PASSWORD = "demo password 1"
NOW = datetime(2022, 12, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # two days after the demo's check
LATER = datetime(2023, 1, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # some deadlines have passed
clock = [NOW]


def govmon(config: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), *args], input=stdin,
                            capture_output=True, text=True, check=False)
    return result.stdout


async def shoot(base: str) -> None:
    browser_path = find_browser("auto")
    if browser_path is None:
        raise SystemExit("no Chromium installed (apt-get install chromium)")
    OUT.mkdir(exist_ok=True)
    async with launch(browser_path, isolated=False) as browser:
        page = await browser.context.new_page()
        await page.goto(base + "/login")
        await page.screenshot(path=str(OUT / "login.png"))
        await page.fill("input[name=username]", "zhang")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(base + "/")
        for name, path in (("overview", "/"), ("site", "/sites/7"), ("region", "/regions/雅安")):
            await page.goto(base + path)
            await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.goto(base + "/")
        await page.screenshot(path=str(OUT / "overview-phone.png"))
        await page.set_viewport_size({"width": 1280, "height": 900})
        clock[0] = LATER  # the findings list and the ledger a week later: overdue work is highlighted
        for name, path in (("findings", "/findings?severity=veto"), ("ledger", "/rectification")):
            await page.goto(base + path)
            await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        first = page.locator("#results tr[data-finding] a").first
        await page.goto(base + "/findings?severity=veto&status=confirmed")
        await first.click()
        await page.screenshot(path=str(OUT / "finding.png"), full_page=True)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="govmon-shots-"))
    subprocess.run([sys.executable, "-m", "monitor", "demo", "--out", str(folder)], check=True,
                   capture_output=True)
    config = folder / "config.toml"
    govmon(config, "users", "add", "zhang", "--role", "supervisor", "--password-stdin", stdin=PASSWORD + "\n")
    token = govmon(config, "users", "token", "zhang").split()[-1]
    settings = load_settings(config)
    app = create_app(settings, Rulebook(settings.rules_dir), now=lambda: clock[0])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    headers = {"Authorization": f"Bearer {token}"}
    vetoes = httpx.get(base + "/api/findings?severity=veto&status=open", headers=headers).json()
    for finding in vetoes[: max(1, len(vetoes) - 2)]:
        httpx.post(f"{base}/api/findings/{finding['id']}/confirm", headers=headers, json={"note": "经核实属实"})
    asyncio.run(shoot(base))
    server.should_exit = True
    thread.join(10)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
