"""Feeds: RSS 2.0 and Atom (feedparser), JSON Feed, and WeChat back-end article lists.

RSSHub and wewe-rss turn Weibo, WeChat, Douyin... accounts into feeds, so one feed adapter covers
every platform a bridge supports. An item whose time cannot be read makes the whole answer
"failed": it might be the newest post, and guessing would risk a wrong 不合格.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

import feedparser

from monitor.fetch.result import Fetcher
from monitor.newmedia.posts import Post, SourceResult, blocked, clip, failed, fetch_failure

_TAG = re.compile(r"<[^>]+>")


def strip_tags(text: str) -> str:
    return html.unescape(_TAG.sub("", text or ""))


async def feed_posts(url: str, fetcher: Fetcher) -> SourceResult:
    """The posts of the feed at `url`, whatever its format."""
    result = await fetcher.fetch(url)
    if not result.ok:
        return fetch_failure("feed", result)
    text = result.text or result.body.decode("utf-8", "replace")
    return parse_feed(text, url, body=result.body)


def parse_feed(text: str, url: str, *, body: bytes = b"") -> SourceResult:
    """Parse a fetched body: JSON (JSON Feed, WeChat list) or XML (RSS/Atom)."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return failed("feed", url, f"not valid JSON: {exc}")
        return _parse_json(data, url)
    return _parse_xml(body or text.encode("utf-8"), url)


def _parse_xml(body: bytes, url: str) -> SourceResult:
    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS/Atom channel found"
        return failed("feed", url, f"not an RSS/Atom feed: {reason}")
    posts = []
    for entry in parsed.entries:
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        if moment is None:
            raw = entry.get("published") or entry.get("updated") or ""
            return failed("feed", url, f"feed item without a readable date: {raw!r} ({clip(entry.get('title', ''))})")
        posts.append(Post(
            title=clip(strip_tags(entry.get("title", ""))), url=entry.get("link", ""),
            published_at=datetime(*moment[:6]).replace(tzinfo=UTC),
        ))
    return SourceResult("ok", posts, source_kind="feed", url=url)


def _parse_json(data: Any, url: str) -> SourceResult:
    if not isinstance(data, dict):
        return failed("feed", url, "JSON answer is not an object")
    if "jsonfeed.org" in str(data.get("version", "")):
        return _json_feed(data, url)
    if "base_resp" in data or "app_msg_list" in data:
        return _wechat_list(data, url)
    return failed("feed", url, "JSON answer is neither a JSON Feed nor a known article list")


def _json_feed(data: dict[str, Any], url: str) -> SourceResult:
    posts = []
    for item in data.get("items") or []:
        raw = item.get("date_published") or item.get("date_modified") or ""
        try:
            moment = datetime.fromisoformat(raw)
        except (TypeError, ValueError):
            return failed("feed", url, f"JSON Feed item without a readable date: {raw!r}")
        if moment.tzinfo is None:
            return failed("feed", url, f"JSON Feed date without a time zone: {raw!r}")
        title = item.get("title") or item.get("content_text") or strip_tags(item.get("content_html", ""))
        posts.append(Post(clip(title), item.get("url") or item.get("external_url") or "", moment))
    return SourceResult("ok", posts, source_kind="feed", url=url)


def _wechat_list(data: dict[str, Any], url: str) -> SourceResult:
    """WeChat MP back-end `appmsg?action=list_ex` answers, as proxied by bridges; 'freq control' = blocked."""
    base = data.get("base_resp") or {}
    if base.get("ret", 0) != 0:
        return blocked("wechat", url, f"WeChat back end refused: {base.get('err_msg') or 'error'} "
                                      f"(ret {base.get('ret')}); try again later or check by hand")
    posts = []
    for item in data.get("app_msg_list") or []:
        stamp = item.get("update_time") or item.get("create_time")
        if not isinstance(stamp, int):
            return failed("wechat", url, f"article without a time: {clip(strip_tags(item.get('title', '')))}")
        posts.append(Post(clip(strip_tags(item.get("title", ""))), item.get("link", ""),
                          datetime.fromtimestamp(stamp, UTC)))
    return SourceResult("ok", posts, source_kind="wechat", url=url)
