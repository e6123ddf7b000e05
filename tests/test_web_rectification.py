"""The review and rectification loop through the console: confirm, assign, mark rectified, re-check.

The sites are real local servers; the re-check is the real website check. The fixed site's finding
closes, the unfixed one's reopens, and every step is in the finding's audit trail."""

from __future__ import annotations

import io

from docx import Document
from web_console import Clock, cli, console_for, csrf_of, login
from web_loop import FIXED, NOT_FIXED, cli_check, later

from monitor.models import Rectification, Status


def _finding_of(store, site_name: str):
    site = store.find_website(site_name)
    (finding,) = [f for f in store.findings() if f.subject_id == site.id and f.rule == "missing_jiucuo"]
    return finding


async def test_confirm_rectify_recheck_closes_the_fixed_and_reopens_the_unfixed(checked_settings, counties):
    clock = Clock(later(checked_settings, 21))
    console = console_for(checked_settings, clock)
    store = console.store()
    fixed, unfixed = _finding_of(store, FIXED), _finding_of(store, NOT_FIXED)
    async with console.client() as supervisor:
        await login(supervisor, "zhang")
        for finding in (fixed, unfixed):
            token = await csrf_of(supervisor, f"/findings/{finding.id}")
            response = await supervisor.post(f"/findings/{finding.id}/confirm",
                                             data={"csrf_token": token, "note": "核实无误"})
            assert response.status_code == 303
        assignment = store.assignment(fixed.id)
        assert assignment.unit == f"{FIXED}办公室" and assignment.state == Rectification.ASSIGNED
        assert assignment.deadline == "2026-03-28"  # rules/rectification.toml: missing_jiucuo = 7 days
        notice = await supervisor.get("/rectification/notice.docx", params={"unit": f"{FIXED}办公室"})
        text = "\n".join(cell.text for table in Document(io.BytesIO(notice.content)).tables
                         for row in table.rows for cell in row.cells)
        assert FIXED in text and "找错" in text and "2026-03-28" in text
    counties[FIXED].fixed = True
    clock.moment = later(checked_settings, 22)
    async with console.client() as operator:
        await login(operator, "aba-ops")
        for finding in (fixed, unfixed):
            page = await operator.get(f"/findings/{finding.id}")
            assert "已整改，申请复查" in page.text and "确认并交办整改" not in page.text
            token = await csrf_of(operator, f"/findings/{finding.id}")
            response = await operator.post(f"/findings/{finding.id}/rectified",
                                           data={"csrf_token": token, "note": "已在页脚添加找错入口"})
            assert response.status_code == 303
    closed, reopened = store.assignment(fixed.id), store.assignment(unfixed.id)
    assert closed.state == Rectification.CLOSED and "未再发现" in closed.recheck_result
    assert store.finding(fixed.id).status == Status.RESOLVED
    assert reopened.state == Rectification.REOPENED and "仍发现" in reopened.recheck_result
    assert store.finding(unfixed.id).status == Status.CONFIRMED
    trail = [(e.actor, e.action) for e in store.audit_trail(fixed.id)]
    assert trail == [("zhang", "确认"), ("zhang", "交办整改"), ("aba-ops", "报告已整改"), ("govmon", "复查")]
    assert all(e.remote for e in store.audit_trail(fixed.id) if e.actor != "govmon")
    # overdue: after the deadline the reopened finding is highlighted in the list and the ledger
    clock.moment = later(checked_settings, 30)
    async with console.client() as supervisor:
        await login(supervisor, "zhang")
        overdue = (await supervisor.get("/api/findings?overdue=1")).json()
        assert [f["id"] for f in overdue] == [unfixed.id]
        assert 'class="overdue"' in (await supervisor.get("/rectification")).text


async def test_the_api_runs_the_same_loop_with_a_token(checked_settings, counties):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    store = console.store()
    unfixed = _finding_of(store, NOT_FIXED)
    supervisor = {"Authorization": "Bearer " + cli(checked_settings, "users", "token", "zhang").stdout.split()[-1]}
    operator = {"Authorization": "Bearer " + cli(checked_settings, "users", "token", "aba-ops").stdout.split()[-1]}
    async with console.client() as client:
        rows = (await client.get("/api/findings?rule=missing_jiucuo&status=open", headers=supervisor)).json()
        assert {r["subject"] for r in rows} == {FIXED, NOT_FIXED}
        assert (await client.post(f"/api/findings/{unfixed.id}/confirm", headers=operator, json={})).status_code == 403
        confirmed = await client.post(f"/api/findings/{unfixed.id}/confirm", headers=supervisor, json={"note": "属实"})
        assert confirmed.json()["rectification"]["state"] == "assigned"
        missing_note = await client.post(f"/api/findings/{unfixed.id}/rectified", headers=operator, json={})
        assert missing_note.status_code == 400
        result = await client.post(f"/api/findings/{unfixed.id}/rectified", headers=operator, json={"note": "已整改"})
        assert result.status_code == 200
        assert result.json()["rectification"]["state"] == "reopened"


async def test_dismiss_needs_a_reason_and_a_manual_finding_waits_for_a_supervisor(checked_settings, counties):
    console = console_for(checked_settings, Clock(later(checked_settings, 21)))
    store = console.store()
    finding = _finding_of(store, FIXED)
    site = store.find_website(NOT_FIXED)
    async with console.client() as client:
        await login(client, "zhang")
        token = await csrf_of(client, "/")
        refused = await client.post(f"/findings/{finding.id}/dismiss", data={"csrf_token": token, "reason": " "})
        assert refused.status_code == 400 and "理由" in refused.text
        await client.post(f"/findings/{finding.id}/dismiss", data={"csrf_token": token, "reason": "入口在专题页"})
        assert store.finding(finding.id).status == Status.DISMISSED
        added = await client.post("/findings/new", data={
            "csrf_token": token, "site": str(site.id), "rule": "serious_wording",
            "evidence_url": site.url + "xwdt/1.html", "snippet": "错误表述", "note": "人工阅读发现"})
        manual_id = int(added.headers["location"].rsplit("/", 1)[1])
        assert store.assignment(manual_id).state == Rectification.ASSIGNED
        await client.post(f"/findings/{manual_id}/rectified", data={"csrf_token": token, "note": "已删除"})
        assert store.assignment(manual_id).state == Rectification.RECTIFIED  # no check judges a reviewer's finding
        await client.post(f"/findings/{manual_id}/verify",
                          data={"csrf_token": token, "decision": "accept", "note": "已核实删除"})
        assert store.assignment(manual_id).state == Rectification.CLOSED
        assert store.finding(manual_id).status == Status.RESOLVED


def test_cli_review_leaves_the_same_trail_and_assignment(checked_settings):
    from monitor.store import Store

    store = Store.open(checked_settings.database)
    finding = _finding_of(store, FIXED)
    cli(checked_settings, "findings", "confirm", str(finding.id), "--note", "属实", "--reviewer", "zhang")
    other = _finding_of(store, NOT_FIXED)
    cli(checked_settings, "findings", "dismiss", str(other.id), "--note", "入口在专题页")
    assert [(e.actor, e.action, e.remote) for e in store.audit_trail(finding.id)] == [
        ("zhang", "确认", "命令行"), ("zhang", "交办整改", "命令行")]
    assert store.assignment(finding.id).unit == f"{FIXED}办公室"
    assert [(e.action, e.detail) for e in store.audit_trail(other.id)] == [("驳回", "入口在专题页")]
    store.close()


async def test_a_finding_fixed_before_the_unit_says_so_is_closed_work_not_overdue(checked_settings, counties):
    import asyncio

    clock = Clock(later(checked_settings, 21))
    console = console_for(checked_settings, clock)
    fixed = _finding_of(console.store(), FIXED)
    async with console.client() as client:
        await login(client, "zhang")
        token = await csrf_of(client, "/")
        await client.post(f"/findings/{fixed.id}/confirm", data={"csrf_token": token})
        counties[FIXED].fixed = True
        await asyncio.to_thread(cli_check, checked_settings, "2026-03-22T10:00")  # as the daemon's daily check
        clock.moment = later(checked_settings, 30)
        assert (await client.get("/api/findings?overdue=1")).json() == []
        (row,) = [r for r in (await client.get("/api/findings")).json() if r["id"] == fixed.id]
        assert row["status"] == "resolved" and row["rectification"]["state"] == "closed"
        assert "已整改，申请复查" not in (await client.get(f"/findings/{fixed.id}")).text
