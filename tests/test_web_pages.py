"""The console's pages with data from real checks: overview numbers, site page, exports, reports."""

from __future__ import annotations

import csv
import html
import io

from openpyxl import load_workbook
from web_console import Clock, console_for, csrf_of, login
from web_loop import FIXED, NOT_FIXED, later


async def test_overview_counts_what_was_checked_this_quarter(checked_settings):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    async with console.client() as client:
        await login(client, "zhang")
        page = html.unescape((await client.get("/")).text)
        assert "2026年第一季度 总览" in page
        assert '<b>2</b><span>本季度检查的政府网站</span>' in page
        assert "<b>0.0%</b><span>网站合格率（上季度 —）</span>" in page  # nothing was checked last quarter
        assert '未规范添加"我为政府网站找错"入口</td><td class="num">2</td>' in page
        assert page.count("<circle") == 1  # one quarter with a website pass rate in the trend; the others have none
        region = (await client.get("/regions/阿坝")).text
        assert FIXED in region and NOT_FIXED in region and region.count(">不合格<") == 4  # each: latest verdict and this quarter


async def test_site_page_shows_findings_probes_and_verdict_history(checked_settings):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    site = console.store().find_website(FIXED)
    async with console.client() as client:
        await login(client, "aba-ops")
        page = (await client.get(f"/sites/{site.id}")).text
        assert "未规范添加" in page and "首页未添加" in page  # the finding with its evidence in Chinese
        assert "近7天可用性探测" in page and "<svg" in page
        assert "2026-03-20 10:00" in page and "不合格" in page  # the check of govmon check --all


async def test_exports_hold_the_filtered_rows_of_the_users_scope(checked_settings):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    async with console.client() as client:
        await login(client, "aba-ops")
        response = await client.get("/findings/export.csv?rule=missing_jiucuo")
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["编号", "网站或账号", "所属地方或部门"]
        assert sorted(r[1] for r in rows[1:]) == sorted([FIXED, NOT_FIXED])
        book = load_workbook(io.BytesIO((await client.get("/findings/export.xlsx?rule=missing_jiucuo")).content))
        assert book.active.max_row == 3
        assert (await client.get("/findings/export.pdf")).status_code == 404


async def test_report_page_writes_and_serves_a_quarters_files(checked_settings):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    async with console.client() as client:
        await login(client, "zhang")
        token = await csrf_of(client, "/reports")
        response = await client.post("/reports", data={"csrf_token": token, "quarter": "2026Q1"})
        assert response.status_code == 303
        page = (await client.get("/reports")).text
        names = [line.split('">')[1].split("<")[0] for line in page.split("<li>")[1:]]
        assert any(name.endswith(".xlsx") for name in names) and any(name.endswith(".docx") for name in names)
        xlsx = next(name for name in names if name.endswith(".xlsx"))
        download = await client.get(f"/reports/2026Q1/{xlsx}")
        assert download.status_code == 200 and download.content[:2] == b"PK"
        assert (await client.get("/reports/2026Q1/..%2F..%2Fconsole.db")).status_code == 404
        bad = await client.post("/reports", data={"csrf_token": token, "quarter": "2026Q9"})
        assert bad.status_code == 400
