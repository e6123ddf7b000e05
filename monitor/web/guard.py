"""The one gate every console route goes through: who is asking, may they, and is the form theirs.

`guarded(capability)` wraps a handler: it authenticates the request (a session cookie for pages, a
session cookie or `Authorization: Bearer` token for the API), checks the role's capability, refuses
a state-changing request that came with a session but without its CSRF token, and turns "not
visible" into 404. The route-walking test asserts that every route but login and static files is
wrapped.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from monitor.models import User
from monitor.review import Actor, ReviewError
from monitor.store import Store
from monitor.web.auth import token_hash
from monitor.web.scope import NotVisible, Scope

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Context:
    """What a handler gets: the request, the user, their scope, and the console's shared parts."""

    request: Request
    user: User
    scope: Scope
    console: Any  # monitor.web.app.Console (not imported: it imports the handlers)
    via_token: bool = False

    @property
    def store(self) -> Store:
        store: Store = self.console.store
        return store

    def now(self) -> datetime:
        return self.console.now()

    def actor(self) -> Actor:
        # Behind nginx, uvicorn's proxy-headers support has already put the real client here.
        client = self.request.client
        return Actor(self.user.name, client.host if client else "")

    async def form(self) -> FormData:
        return await self.request.form()

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return self.console.render(self.request, template, status_code=status_code, user=self.user,
                                   scope=self.scope, **values)


Handler = Callable[[Context], Awaitable[Response]]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def session_user(request: Request, console: Any) -> User | None:
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    user = console.store.user(user_id)
    if user is None or user.disabled_at or request.session.get("epoch") != user.session_epoch:
        return None
    return user


def bearer_user(request: Request, console: Any) -> tuple[bool, User | None]:
    """(a Bearer header was sent, its user if the token is valid and not revoked)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return False, None
    user = console.store.user_for_token(token_hash(token.strip())) if token.strip() else None
    return True, (user if user is not None and not user.disabled_at else None)


def guarded(capability: str = "read", *, api: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            console = request.app.state.console
            sent_bearer, user = bearer_user(request, console) if api else (False, None)
            via_token = user is not None
            if user is None and not sent_bearer:
                user = session_user(request, console)
            if user is None:
                if api:
                    return JSONResponse({"error": "unauthorized"}, status_code=401,
                                        headers={"WWW-Authenticate": "Bearer"})
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            scope = Scope(console.store, user)
            if not scope.can(capability):
                return _refuse(api, 403, "没有权限")
            if request.method not in SAFE_METHODS and not via_token:
                sent = request.headers.get(CSRF_HEADER)
                if sent is None and not api:
                    sent = (await request.form()).get(CSRF_FIELD)  # type: ignore[assignment]
                if not csrf_ok(request, sent):
                    return _refuse(api, 403, "表单已失效（缺少 CSRF 令牌），请刷新页面后重试")
            ctx = Context(request, user, scope, console, via_token)
            try:
                return await handler(ctx)
            except NotVisible:
                return _refuse(api, 404, "未找到")
            except ReviewError as exc:
                return _refuse(api, 400, str(exc))

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.capability = capability  # type: ignore[attr-defined]
        return endpoint

    return wrap


def _refuse(api: bool, status: int, message: str) -> Response:
    if api:
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)
