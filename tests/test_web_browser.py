"""The console in a real headless Chromium (Debian's package, driven by Playwright): a supervisor logs
in, filters the findings, confirms two; the operator marks them rectified; the console re-checks each
site at once and closes the finding of the site that was fixed, and reopens the one that was not.

Skipped only where no Chromium is installed and the CI variable is unset (`.ci/run` installs it)."""

from __future__ import annotations

import os

import pytest
from web_console import PASSWORD, Clock, console_for
from web_live import LiveConsole
from web_loop import FIXED, NOT_FIXED, later

from monitor.render.browser import find_browser, launch

BROWSER = find_browser("auto")
pytestmark = pytest.mark.skipif(BROWSER is None and not os.environ.get("CI"),
                                reason="no Chromium installed (apt-get install chromium)")


@pytest.fixture
def scene(checked_settings):
    settings = checked_settings
    clock = Clock(later(settings, 21))
    console = console_for(settings, clock)
    live = LiveConsole(console.app)
    yield live, clock, console, settings
    live.close()


async def _login(page, base: str, name: str) -> None:
    await page.goto(f"{base}/login")
    await page.fill("input[name=username]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/")


async def test_review_and_rectification_in_chromium(scene, counties):
    from playwright.async_api import expect

    live, clock, console, settings = scene
    base = live.url
    assert BROWSER is not None, "CI is set but no Chromium is installed"
    async with launch(BROWSER, isolated=False) as browser:
        page = await browser.context.new_page()
        await _login(page, base, "zhang")
        await expect(page.locator("h1")).to_contain_text("总览")

        await page.goto(f"{base}/findings")
        await page.select_option("select[name=rule]", "missing_jiucuo")  # htmx swaps the table in
        await page.wait_for_url("**rule=missing_jiucuo**")
        rows = page.locator("#results tr[data-finding]")
        await expect(rows).to_have_count(2)
        await page.select_option("select[name=status]", "open")
        await page.wait_for_url("**status=open**")
        await expect(rows).to_have_count(2)

        for site in (FIXED, NOT_FIXED):
            await page.goto(f"{base}/findings?rule=missing_jiucuo")
            await page.locator("#results tr", has_text=site).locator("a", has_text="#").click()
            await page.fill("form[action$=confirm] input[name=note]", "核实无误")
            await page.click("text=确认并交办整改")
            await expect(page.locator("#status")).to_have_text("已确认")
            await expect(page.locator("#rectification-state")).to_have_text("整改中")
        await page.click("text=退出")
        await page.wait_for_url(f"{base}/login")

        counties[FIXED].fixed = True
        clock.moment = later(settings, 22)
        await _login(page, base, "aba-ops")
        for site, state, status in ((FIXED, "已整改", "已消除"), (NOT_FIXED, "复查未通过", "已确认")):
            await page.goto(f"{base}/findings?rule=missing_jiucuo")
            await page.locator("#results tr", has_text=site).locator("a", has_text="#").click()
            await page.fill("form[action$=rectified] input[name=note]", "已在页脚添加找错入口")
            await page.click("text=已整改，申请复查")
            await expect(page.locator("#rectification-state")).to_have_text(state, timeout=30_000)
            await expect(page.locator("#status")).to_have_text(status)
            await expect(page.locator("#trail")).to_contain_text("复查")
        await expect(page.locator("#recheck")).to_contain_text("仍发现")
