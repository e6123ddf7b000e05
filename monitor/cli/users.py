"""`govmon users`: console accounts (roles, regions, sites) and API tokens.

Passwords are read from a prompt or stdin, hashed with argon2id and never printed or logged.
"""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from monitor.cli.common import EXIT_USAGE, fail, print_json, state, stdout
from monitor.models import ROLE_LABELS, ROLES, User, iso
from monitor.registry import normalise_region
from monitor.web.auth import hash_password, new_token, token_hash

users_app = typer.Typer(help="Console users (admin, supervisor, region officer, site operator) and API tokens.",
                        no_args_is_help=True)
MIN_PASSWORD = 8


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(users_app, name="users")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        fail(f"the password must have at least {MIN_PASSWORD} characters", EXIT_USAGE)
    return password


@users_app.command("add")
def add_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="admin, supervisor, region (one 市(州)) or operator (some sites)."),
    region: str | None = typer.Option(None, "--region", help="The 市(州) of a region officer, e.g. 阿坝州."),
    site: list[str] = typer.Option([], "--site", help="A site of an operator: id, URL, 网站标识码 or name (repeat)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin (scripts)."),
) -> None:
    """Add a console user; the password is asked for (or read from stdin)."""
    app = state(ctx)
    if role not in ROLES:
        fail(f"unknown role {role!r}: use one of {', '.join(ROLES)}", EXIT_USAGE)
    if role == "region" and not region:
        fail("a region officer needs --region (their 市(州))", EXIT_USAGE)
    if role == "operator" and not site:
        fail("an operator needs at least one --site", EXIT_USAGE)
    store = app.open_store()
    try:
        if store.user_by_name(name) is not None:
            fail(f"user {name!r} exists already", EXIT_USAGE)
        site_ids: list[int] = []
        for target in site:
            website = store.find_website(target)
            if website is None:
                fail(f"no website matches {target!r} (give its id, URL, 网站标识码 or name)", EXIT_USAGE)
            if website.id is not None:
                site_ids.append(website.id)
        canonical = normalise_region(app.places, region) if role == "region" and region else ""
        if canonical and canonical not in {w.region for w in store.websites()} | {a.region for a in store.accounts()}:
            fail(f"no registered website or account is in region {region!r}", EXIT_USAGE)
        user = User(name=name, role=role, region=canonical, site_ids=tuple(sorted(set(site_ids))))
        store.add_user(user, hash_password(_password(password_stdin)), at=iso(app.now()))
    finally:
        store.close()
    stdout.print(f"added {name} ({ROLE_LABELS[role]}{' ' + canonical if canonical else ''})", highlight=False)


@users_app.command("list")
def list_command(ctx: typer.Context, json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every console user with role, region and sites."""
    app = state(ctx)
    store = app.open_store()
    try:
        users = store.users()
    finally:
        store.close()
    if json_output:
        print_json([{"name": u.name, "role": u.role, "region": u.region, "sites": list(u.site_ids)} for u in users])
        return
    table = Table("用户", "角色", "地区", "网站")
    for u in users:
        table.add_row(u.name, ROLE_LABELS[u.role], u.region, ", ".join(map(str, u.site_ids)))
    stdout.print(table)


@users_app.command("password")
def password_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin (scripts)."),
) -> None:
    """Set a new password; the user's open sessions end."""
    app = state(ctx)
    store = app.open_store()
    try:
        user = store.user_by_name(name)
        if user is None:
            fail(f"no user {name!r}", EXIT_USAGE)
        store.set_password_hash(user.id, hash_password(_password(password_stdin)))  # type: ignore[arg-type]
    finally:
        store.close()
    stdout.print(f"password of {name} changed", highlight=False)


@users_app.command("token")
def token_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    revoke: bool = typer.Option(False, "--revoke", help="Revoke every token of the user instead."),
) -> None:
    """Make an API token (printed once, as the last line) or revoke the user's tokens."""
    app = state(ctx)
    store = app.open_store()
    try:
        user = store.user_by_name(name)
        if user is None:
            fail(f"no user {name!r}", EXIT_USAGE)
        if revoke:
            count = store.revoke_tokens(user.id, at=iso(app.now()))  # type: ignore[arg-type]
            stdout.print(f"revoked {count} token(s) of {name}", highlight=False)
            return
        token = new_token()
        store.add_token(user.id, token_hash(token), at=iso(app.now()))  # type: ignore[arg-type]
    finally:
        store.close()
    sys.stdout.write(f"API token for {name} (send as 'Authorization: Bearer …'; shown only now):\n{token}\n")
