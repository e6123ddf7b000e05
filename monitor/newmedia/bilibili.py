"""Bilibili accounts through the public space dynamics API (`x/polymer/web-dynamic/v1/feed/space`).

Every item carries `pub_ts` (unix seconds), so no relative time needs resolving; a pinned item is
tagged 置顶 in `module_tag`. A non-zero `code` (-352 risk control, -412 intercepted, -101 not
logged in) means Bilibili withheld the data: blocked, never stale.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from monitor.fetch.result import Fetcher
from monitor.newmedia.posts import Post, SourceResult, blocked, clip, failed, fetch_failure

BILIBILI_API_BASE = "https://api.bilibili.com"
_REFUSAL_CODES = {-101, -352, -403, -412, -509, -799}


def bilibili_api_url(mid: str, base: str = BILIBILI_API_BASE) -> str:
    return f"{base.rstrip('/')}/x/polymer/web-dynamic/v1/feed/space?host_mid={mid}"


async def bilibili_posts(mid: str, fetcher: Fetcher, *, base: str = BILIBILI_API_BASE) -> SourceResult:
    result = await fetcher.fetch(bilibili_api_url(mid, base))
    if not result.ok:
        return fetch_failure("bilibili", result)
    try:
        data = json.loads(result.text or result.body.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        return failed("bilibili", result.url, "api.bilibili.com answer is not JSON")
    return parse_bilibili(data, result.url)


def parse_bilibili(data: Any, url: str) -> SourceResult:
    if not isinstance(data, dict):
        return failed("bilibili", url, "api.bilibili.com answer is not a JSON object")
    code = data.get("code")
    if code != 0:
        message = f"api.bilibili.com answered code {code}: {data.get('message') or 'error'}"
        return (blocked if code in _REFUSAL_CODES else failed)("bilibili", url, message)
    posts = []
    for item in (data.get("data") or {}).get("items") or []:
        post = _post(item)
        if post is None:
            return failed("bilibili", url, f"dynamic {item.get('id_str')} has no pub_ts")
        posts.append(post)
    return SourceResult("ok", posts, source_kind="bilibili", url=url)


def _post(item: dict[str, Any]) -> Post | None:
    modules = item.get("modules") or {}
    stamp = (modules.get("module_author") or {}).get("pub_ts")
    if not isinstance(stamp, int | str) or not str(stamp).isdigit():
        return None
    tag = (modules.get("module_tag") or {}).get("text", "")
    return Post(clip(_title(modules.get("module_dynamic") or {})), f"https://t.bilibili.com/{item.get('id_str', '')}",
                datetime.fromtimestamp(int(stamp), UTC), pinned="置顶" in str(tag))


def _title(dynamic: dict[str, Any]) -> str:
    """The video title, the opus title, or the text of the post, whichever there is."""
    major = dynamic.get("major") or {}
    for key in ("archive", "opus", "article"):
        if isinstance(major.get(key), dict) and major[key].get("title"):
            return str(major[key]["title"])
    opus = major.get("opus") or {}
    summary = (opus.get("summary") or {}).get("text") if isinstance(opus, dict) else None
    return summary or str((dynamic.get("desc") or {}).get("text", ""))
