"""Every console route is behind the guard, and a region officer or operator cannot reach another
region's site, account, finding or report through any page or API call (the test walks the route table)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Mount, Route
from web_console import add_users, build_province, console_for, csrf_of, login

from monitor.models import SubjectKind
from monitor.web.app import PUBLIC_ROUTES


@pytest.fixture
def console(tmp_path: Path):
    settings = build_province(tmp_path)
    add_users(settings)
    return console_for(settings)


def _routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route but login, logout and static files."""
    found = []
    for route in app.routes:
        if isinstance(route, Mount) or route.path in PUBLIC_ROUTES:
            continue
        assert isinstance(route, Route)
        found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


def _ids(store, region: str) -> dict[str, str]:
    """Path parameters that name things of `region`."""
    site = next(w for w in store.websites() if w.region == region)
    account = next(a for a in store.accounts() if a.region == region)
    finding = next(f for f in store.findings() if f.subject_kind == SubjectKind.WEBSITE and f.subject_id == site.id)
    return {"site_id": str(site.id), "account_id": str(account.id), "finding_id": str(finding.id),
            "region": region, "format": "csv", "quarter": "2026Q1", "name": "x.docx"}


def _fill(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: ids[m.group(1)], template)


def test_every_route_is_guarded(console):
    routes = _routes(console.app)
    assert len(routes) >= 20
    for route in console.app.routes:
        if isinstance(route, Route) and route.path not in PUBLIC_ROUTES:
            assert hasattr(route.endpoint, "capability"), f"{route.path} is not behind the guard"


async def test_anonymous_requests_go_to_login_or_get_401(console):
    ids = _ids(console.store(), "阿坝")
    async with console.client() as client:
        for method, template in _routes(console.app):
            response = await client.request(method, _fill(template, ids))
            if template.startswith("/api/"):
                assert response.status_code == 401, (method, template)
            else:
                assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, template)


async def test_region_officer_cannot_read_or_change_another_region(console):
    store = console.store()
    theirs, other = _ids(store, "阿坝"), _ids(store, "雅安")
    other_names = [w.name for w in store.websites(region="雅安")] + ["雅安发布"]
    async with console.client() as client:
        assert (await login(client, "aba")).status_code == 303
        token = await csrf_of(client, "/")
        for method, template in _routes(console.app):
            if re.search(r"{(site_id|account_id|finding_id|region|quarter)", template):
                data = {"csrf_token": token, "note": "x", "reason": "x"}
                response = await client.request(method, _fill(template, other), data=data if method == "POST" else None,
                                                 headers={"X-CSRF-Token": token})
                assert response.status_code in (403, 404), (method, template, response.status_code)
            if method == "GET":
                response = await client.get(_fill(template, theirs))
                for name in other_names:
                    assert name not in response.text, (template, name)
        # what they may see, they do see
        assert "理县人民政府" in (await client.get("/findings")).text
        assert (await client.get(f"/sites/{theirs['site_id']}")).status_code == 200
        # filters cannot widen the scope
        assert (await client.get("/api/findings?region=雅安")).json() == []
        assert (await client.get(f"/findings?site={other['site_id']}")).text.count("data-finding=") == 0
        # nothing of theirs changed
    for finding in store.findings():
        assert str(finding.status) == "open"


async def test_operator_sees_only_their_sites(console):
    store = console.store()
    lixian = store.find_website("理县人民政府")
    prefecture = store.find_website("阿坝州人民政府")
    async with console.client() as client:
        await login(client, "lixian")
        sites = (await client.get("/api/sites")).json()
        assert [s["name"] for s in sites] == ["理县人民政府"]
        findings = (await client.get("/api/findings")).json()
        assert {f["subject"] for f in findings} == {"理县人民政府"}
        assert (await client.get(f"/sites/{prefecture.id}")).status_code == 404
        assert (await client.get(f"/sites/{lixian.id}")).status_code == 200
        region_page = (await client.get("/regions/阿坝")).text  # their site's region, with their site only
        assert "理县人民政府" in region_page and "阿坝州人民政府" not in region_page
        assert (await client.get("/regions/雅安")).status_code == 404
        assert (await client.get("/reports")).status_code == 403
        assert (await client.get("/accounts")).text.count("/accounts/") == 0
        own = findings[0]["id"]
        token = await csrf_of(client, "/")
        response = await client.post(f"/findings/{own}/confirm", data={"csrf_token": token})
        assert response.status_code == 403  # operators fix; reviewers confirm
