"""Console login, sessions, CSRF, throttling, API tokens, and passwords never kept or shown in clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_console import PASSWORD, add_users, build_province, cli, console_for, csrf_of, login

from monitor.models import Status


@pytest.fixture
def settings(tmp_path: Path):
    settings = build_province(tmp_path)
    add_users(settings)
    return settings


async def test_login_sets_a_signed_httponly_samesite_cookie_and_logout_ends_it(settings):
    console = console_for(settings)
    async with console.client() as client:
        assert (await client.get("/")).headers["location"] == "/login?next=/"
        response = await login(client, "admin")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "govmon_session=" in cookie
        assert PASSWORD.lower() not in cookie
        assert (await client.get("/")).status_code == 200
        token = await csrf_of(client, "/")
        response = await client.post("/logout", data={"csrf_token": token})
        assert response.headers["location"] == "/login"
        assert (await client.get("/")).status_code == 303


async def test_a_tampered_cookie_is_not_a_session(settings):
    console = console_for(settings)
    async with console.client() as client:
        await login(client, "aba")
        value = client.cookies["govmon_session"]
        client.cookies.set("govmon_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
        assert (await client.get("/")).status_code == 303


async def test_wrong_passwords_are_throttled(settings):
    console = console_for(settings)
    async with console.client() as client:
        for _ in range(settings.web.login_failures):
            assert (await login(client, "admin", "wrong password")).status_code == 401
        response = await login(client, "admin")
        assert response.status_code == 429 and "过多" in response.text
    async with console.client() as client:  # another user from the same address is throttled too
        assert (await login(client, "aba")).status_code == 429


async def test_a_form_without_its_csrf_token_is_refused(settings):
    console = console_for(settings)
    finding = console.store().findings()[0]
    async with console.client() as client:
        await login(client, "admin")
        response = await client.post(f"/findings/{finding.id}/confirm", data={"note": "ok"})
        assert response.status_code == 403 and "CSRF" in response.text
        response = await client.post(f"/findings/{finding.id}/confirm", data={"note": "ok", "csrf_token": "forged"})
        assert response.status_code == 403
        assert console.store().finding(finding.id).status == Status.OPEN
        token = await csrf_of(client, f"/findings/{finding.id}")
        response = await client.post(f"/findings/{finding.id}/confirm", data={"note": "ok", "csrf_token": token})
        assert response.status_code == 303
        assert console.store().finding(finding.id).status == Status.CONFIRMED
        # a browser login form from another origin without the token is refused too
        response = await client.post("/login", data={"username": "admin", "password": PASSWORD},
                                     headers={"Origin": "http://evil.example"})
        assert response.status_code == 403


async def test_scripts_log_in_with_the_two_form_fields(settings):
    console = console_for(settings)
    async with console.client() as client:
        response = await client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert response.status_code == 303
        assert len((await client.get("/api/sites")).json()) == 4


async def test_api_tokens_bearer_401_and_revocation(settings):
    console = console_for(settings)
    token = cli(settings, "users", "token", "aba").stdout.strip().splitlines()[-1]
    async with console.client() as client:
        assert (await client.get("/api/findings")).status_code == 401
        wrong = {"Authorization": "Bearer gm_wrong"}
        assert (await client.get("/api/findings", headers=wrong)).status_code == 401
        good = {"Authorization": f"Bearer {token}"}
        rows = (await client.get("/api/findings?rule=homepage_stale", headers=good)).json()
        assert {r["region"] for r in rows} == {"阿坝"} and len(rows) == 2
        response = await client.post(f"/api/findings/{rows[0]['id']}/dismiss", headers=good, json={"note": ""})
        assert response.status_code == 400 and "理由" in response.json()["error"]
        response = await client.post(f"/api/findings/{rows[0]['id']}/confirm", headers=good,
                                     json={"note": "已核实"})
        assert response.status_code == 200 and response.json()["status"] == "confirmed"
        assert response.json()["rectification"]["unit"] == rows[0]["subject"] + "办公室"
        cli(settings, "users", "token", "aba", "--revoke")
        assert (await client.get("/api/findings", headers=good)).status_code == 401


async def test_passwords_are_hashed_and_never_shown(settings, tmp_path):
    console = console_for(settings)
    store = console.store()
    user = store.user_by_name("admin")
    assert store.password_hash(user.id).startswith("$argon2id$")
    for path in tmp_path.glob("console.db*"):
        assert PASSWORD.encode() not in path.read_bytes()
    listed = cli(settings, "users", "list", "--json").stdout
    assert PASSWORD not in listed and "argon2" not in listed


async def test_a_new_password_ends_open_sessions(settings):
    console = console_for(settings)
    async with console.client() as client:
        await login(client, "aba")
        assert (await client.get("/")).status_code == 200
        cli(settings, "users", "password", "aba", "--password-stdin", stdin="another password 7\n")
        assert (await client.get("/")).status_code == 303


def test_users_add_refuses_bad_input(settings):
    from typer.testing import CliRunner

    from monitor.cli import app

    def run(*args: str, stdin: str = PASSWORD + "\n"):
        return CliRunner().invoke(app, ["--db", str(settings.database), "users", "add", *args], input=stdin)

    assert run("x", "--role", "boss", "--password-stdin").exit_code == 2
    assert run("x", "--role", "region", "--password-stdin").exit_code == 2
    assert run("x", "--role", "region", "--region", "火星", "--password-stdin").exit_code == 2
    assert run("x", "--role", "operator", "--site", "nowhere", "--password-stdin").exit_code == 2
    assert run("admin", "--role", "admin", "--password-stdin").exit_code == 2
    short = run("y", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2 and "short" not in short.output
