"""The console application: shared parts, login and logout, and the route table.

`create_app` takes the settings, the rulebook, the clock and (for tests) a re-check function, so the
console reads no wall clock of its own and can be driven with an injected time.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.config import Settings
from monitor.evidence import describe_evidence
from monitor.models import (
    RECTIFICATION_LABELS,
    ROLE_LABELS,
    SEVERITY_LABELS,
    Account,
    Website,
)
from monitor.review import Rechecker
from monitor.rulebook import Rulebook
from monitor.store import Store
from monitor.times import optional_iso
from monitor.web import api, pages, review_pages
from monitor.web.auth import LoginThrottle, verify_password
from monitor.web.guard import CSRF_FIELD, csrf_ok, csrf_token, session_user

HERE = Path(__file__).resolve().parent
STATUS_LABELS = {"open": "待复核", "resolved": "已消除", "confirmed": "已确认", "dismissed": "已驳回"}
SECRET_META_KEY = "web_secret_key"


@dataclass
class Console:
    """What every handler shares: one store connection, settings, rules, the clock, the templates."""

    store: Store
    settings: Settings
    rulebook: Rulebook
    now: Callable[[], datetime]
    recheck: Rechecker
    throttle: LoginThrottle
    templates: Environment

    def render(self, request: Request, template: str, *, status_code: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            request=request, csrf=csrf_token(request), csrf_field=CSRF_FIELD, **values)
        return HTMLResponse(html, status_code=status_code)


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["evidence"] = lambda finding: describe_evidence(finding)
    env.filters["percent"] = lambda share: "—" if share is None else f"{share * 100:.1f}%"
    env.filters["iso"] = lambda moment: optional_iso(moment) or ""  # a stored timestamp as it is stored
    env.globals.update(
        SEVERITY_LABELS={str(k): v for k, v in SEVERITY_LABELS.items()}, STATUS_LABELS=STATUS_LABELS,
        RECTIFICATION_LABELS={str(k): v for k, v in RECTIFICATION_LABELS.items()}, ROLE_LABELS=ROLE_LABELS,
    )
    return env


def default_rechecker(store: Store, settings: Settings, rulebook: Rulebook) -> Rechecker:
    """Re-check through the same services as `govmon check` and `govmon check-account`."""

    async def recheck(subject: Website | Account, at: datetime) -> None:
        from monitor.render import renderer_for
        from monitor.service import check_website, http_fetcher

        async with http_fetcher(settings) as fetcher:
            if isinstance(subject, Website):
                async with renderer_for(settings, fetcher) as renderer:  # script-filled pages, veto screenshots
                    await check_website(store, rulebook, settings, subject, at, fetcher=fetcher, renderer=renderer)
            else:
                from monitor.newmedia.service import check_account

                await check_account(store, rulebook, settings, subject, at, fetcher=fetcher)

    return recheck


def session_secret(store: Store, settings: Settings) -> str:
    """The configured key, else one made on first start and kept in the database."""
    if settings.web.secret_key:
        return settings.web.secret_key
    secret = store.get_meta(SECRET_META_KEY)
    if not secret:
        secret = secrets.token_urlsafe(48)
        store.set_meta(SECRET_META_KEY, secret)
    return secret


def create_app(settings: Settings, rulebook: Rulebook, *, now: Callable[[], datetime],
               recheck: Rechecker | None = None, monotonic: Callable[[], float] = time.monotonic) -> Starlette:
    store = Store.open(settings.database)
    console = Console(
        store=store, settings=settings, rulebook=rulebook, now=now,
        recheck=recheck or default_rechecker(store, settings, rulebook),
        throttle=LoginThrottle(settings.web.login_failures, settings.web.login_window_s, monotonic),
        templates=_templates(),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    middleware = [Middleware(
        SessionMiddleware, secret_key=session_secret(store, settings), session_cookie="govmon_session",
        max_age=settings.web.session_hours * 3600, same_site="lax", https_only=settings.web.secure_cookies,
    )]
    app = Starlette(routes=routes(), middleware=middleware, lifespan=lifespan)
    app.state.console = console
    return app


# -- login and logout (the only routes outside the guard) -----------------------------------------------
async def login_page(request: Request) -> Response:
    console: Console = request.app.state.console
    if session_user(request, console) is not None:
        return RedirectResponse(_next(request), status_code=303)
    return console.render(request, "login.html", next=_next(request), error="")


async def login(request: Request) -> Response:
    """Form login. Browsers send the page's CSRF token; a script without a browser Origin may post only
    the two fields (login CSRF needs a victim's browser, which always sends Origin on a form POST)."""
    console: Console = request.app.state.console
    form = await request.form()
    if (request.headers.get("origin") or form.get(CSRF_FIELD)) and not csrf_ok(request, form.get(CSRF_FIELD)):  # type: ignore[arg-type]
        return console.render(request, "login.html", status_code=403, next=_next(request),
                              error="表单已失效，请重新登录")
    name = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    address = request.client.host if request.client else ""
    if console.throttle.blocked(name, address):
        return console.render(request, "login.html", status_code=429, next=_next(request),
                              error="登录失败次数过多，请稍后再试")
    user = console.store.user_by_name(name) if name else None
    if user is None or user.id is None or user.disabled_at or not verify_password(console.store.password_hash(user.id), password):
        console.throttle.failed(name, address)
        return console.render(request, "login.html", status_code=401, next=_next(request), error="用户名或密码错误")
    console.throttle.succeeded(name)
    request.session.clear()
    request.session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": secrets.token_urlsafe(24)})
    return RedirectResponse(_next(request, str(form.get("next", ""))), status_code=303)


async def logout(request: Request) -> Response:
    console: Console = request.app.state.console
    form = await request.form()
    if session_user(request, console) is not None and not csrf_ok(request, form.get(CSRF_FIELD)):  # type: ignore[arg-type]
        return HTMLResponse("表单已失效（缺少 CSRF 令牌）", status_code=403)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _next(request: Request, candidate: str = "") -> str:
    """Where to go after login: a local path only (never another site)."""
    target = candidate or request.query_params.get("next", "") or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


PUBLIC_ROUTES = {"/login", "/logout", "/static"}


def routes() -> list[Route | Mount]:
    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        *pages.ROUTES,
        *review_pages.ROUTES,
        *api.ROUTES,
    ]
