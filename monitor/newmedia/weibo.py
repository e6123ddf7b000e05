"""Weibo accounts through the public m.weibo.cn container API (the mobile site's own JSON).

`getIndex?containerid=107603<uid>` lists an account's latest posts. Pinned posts (置顶) stay on top
for months and say nothing about freshness, so they are returned marked `pinned`. Recent posts carry
relative times ('昨天 12:25'); the post id (mid) encodes the exact second and is used first, and a
relative time is read against the answer's Date header — never against the moment of the check.
Weibo refuses robots with 418/403, a login redirect or `"ok": 0`: all are "blocked", never stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from monitor.fetch.result import Fetcher, FetchResult
from monitor.newmedia.feeds import strip_tags
from monitor.newmedia.posts import Post, SourceResult, blocked, clip, failed, fetch_failure
from monitor.newmedia.timeparse import platform_time

WEIBO_API_BASE = "https://m.weibo.cn"
_LOGIN_MARKS = ("passport.weibo", "login.sina", "/signin", "/login")
# What the mobile site's own script sends with this call; without them the API often answers 403/432.
WEIBO_HEADERS = {
    "Accept": "application/json, text/plain, */*",
    "MWeibo-Pwa": "1",
    "X-Requested-With": "XMLHttpRequest",
}


def weibo_api_url(uid: str, base: str = WEIBO_API_BASE) -> str:
    return f"{base.rstrip('/')}/api/container/getIndex?containerid=107603{uid}"


async def weibo_posts(uid: str, fetcher: Fetcher, *, as_of: datetime, base: str = WEIBO_API_BASE) -> SourceResult:
    """The latest posts of Weibo user `uid`, times resolved against `as_of`."""
    url = weibo_api_url(uid, base)
    headers = {**WEIBO_HEADERS, "Referer": f"{base.rstrip('/')}/u/{uid}"}
    result = await fetcher.fetch(url, headers=headers)  # type: ignore[call-arg]
    if not result.ok:
        return fetch_failure("weibo", result)
    data = _json_or_block(result)
    if isinstance(data, SourceResult):
        return data
    return parse_weibo(data, result.url, as_of=as_of, answered_at=answered_at(result))


def answered_at(result: FetchResult) -> datetime | None:
    """The moment the platform answered, from its Date header (None when absent or unreadable)."""
    try:
        moment = parsedate_to_datetime(result.headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _json_or_block(result: FetchResult) -> dict[str, Any] | SourceResult:
    """The JSON body, or the reason there is none (a login page is a block, not a failure)."""
    where = (result.final_url or result.url).lower()
    if any(mark in where for mark in _LOGIN_MARKS):
        return blocked("weibo", result.url, f"m.weibo.cn asks to log in (redirected to {result.final_url})")
    try:
        data = json.loads(result.text or result.body.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        if "登录" in result.text or "login" in result.text.lower():
            return blocked("weibo", result.url, "m.weibo.cn answered with a login page instead of posts")
        return failed("weibo", result.url, "m.weibo.cn answer is not JSON")
    if not isinstance(data, dict):
        return failed("weibo", result.url, "m.weibo.cn answer is not a JSON object")
    return data


def parse_weibo(data: dict[str, Any], url: str, *, as_of: datetime, answered_at: datetime | None = None) -> SourceResult:
    """Posts of a getIndex answer, in the zone of `as_of`; relative times are read against `answered_at`.

    `"ok": 0` means Weibo withheld the data (throttle, login, privacy).
    """
    if data.get("ok") != 1:
        message = data.get("msg") or data.get("message") or "no data"
        return blocked("weibo", url, f"m.weibo.cn answered ok={data.get('ok')!r}: {message}; check by hand")
    posts = []
    for mblog in _mblogs((data.get("data") or {}).get("cards") or []):
        post = _post(mblog, as_of, answered_at)
        if isinstance(post, str):
            return failed("weibo", url, post)
        if post is not None:
            posts.append(post)
    return SourceResult("ok", posts, source_kind="weibo", url=url)


def _mblogs(cards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Posts are cards of type 9, sometimes nested in a card_group (type 11)."""
    for card in cards:
        if isinstance(card.get("mblog"), dict):
            yield card["mblog"]
        yield from _mblogs(card.get("card_group") or [])


def is_pinned(mblog: dict[str, Any]) -> bool:
    title = mblog.get("title") or {}
    return mblog.get("isTop") in (1, "1", True) or "置顶" in str(title.get("text", "") if isinstance(title, dict) else title)


def _post(mblog: dict[str, Any], as_of: datetime, answered: datetime | None) -> Post | str | None:
    """A Post; None for a pinned post whose time is unreadable (it does not count); a message otherwise."""
    pinned = is_pinned(mblog)
    raw = str(mblog.get("created_at", ""))
    moment = platform_time(raw, answered, zone=as_of.tzinfo or UTC, mid=mblog.get("mid") or mblog.get("id"),
                           not_after=answered or as_of)
    if moment is None:
        why = "" if answered else " (a relative time, and the answer has no Date header to read it against)"
        return None if pinned else f"unreadable post time {raw!r}{why}"
    ident = mblog.get("bid") or mblog.get("mid") or mblog.get("id")
    title = mblog.get("raw_text") or strip_tags(str(mblog.get("text", "")))
    return Post(clip(title), f"https://m.weibo.cn/status/{ident}", moment[0], pinned=pinned, date_only=moment[1])
