"""One question for every account: "what are your latest posts, and when were they published?"

The registry's `source` column says where to ask:
  weibo:<uid> (or a weibo.com / m.weibo.cn profile or getIndex URL)   m.weibo.cn container API
  bilibili:<mid> (or a space.bilibili.com URL)             Bilibili space dynamics API
  page:<url>                                               a web page listing posts with dates
  http(s)://... or feed:<url>                              RSS/Atom/JSON Feed (RSSHub, wewe-rss...)
Anything else (WeChat without a bridge, Douyin, an empty source) is "unsupported": it needs a manual
observation. An adapter that breaks yields "failed", never an exception: one broken platform must
not stop the check of the others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from monitor.config import Settings
from monitor.fetch.result import Fetcher
from monitor.models import Account
from monitor.newmedia.bilibili import BILIBILI_API_BASE, bilibili_posts
from monitor.newmedia.feeds import feed_posts
from monitor.newmedia.page import page_posts
from monitor.newmedia.posts import SourceResult
from monitor.newmedia.weibo import WEIBO_API_BASE, weibo_posts

log = logging.getLogger(__name__)

_WEIBO_PROFILE = re.compile(r"^https?://(?:www\.|m\.)?weibo\.(?:com|cn)/(?:u/|profile/)?(\d{5,})/?(?:[?#].*)?$")
_WEIBO_API = re.compile(r"^https?://m\.weibo\.cn/api/container/getIndex\?(?:.*&)?containerid=107603(\d{5,})(?:&.*)?$")
_BILIBILI_SPACE = re.compile(r"^https?://space\.bilibili\.com/(\d+)/?(?:[?#].*)?$")


@dataclass(frozen=True)
class SourceOptions:
    """API base URLs; tests and mirrors point them elsewhere."""

    weibo_base: str = WEIBO_API_BASE
    bilibili_base: str = BILIBILI_API_BASE


DEFAULT_OPTIONS = SourceOptions()


def source_options(settings: Settings) -> SourceOptions:
    """The platform API bases configured in `[accounts]`."""
    return SourceOptions(weibo_base=settings.accounts.weibo_api_base,
                         bilibili_base=settings.accounts.bilibili_api_base)


@dataclass(frozen=True)
class SourceRef:
    kind: str  # weibo, bilibili, page, feed, none
    value: str  # uid, mid or URL


def parse_source(source: str) -> SourceRef:
    """Read the registry's source column; profile URLs of known platforms use their API."""
    source = source.strip()
    scheme, _, rest = source.partition(":")
    if scheme in ("weibo", "bilibili") and rest.strip().isdigit():
        return SourceRef(scheme, rest.strip())
    if scheme in ("page", "feed") and rest.strip().startswith(("http://", "https://")):
        return SourceRef(scheme, rest.strip())
    if match := _WEIBO_PROFILE.match(source) or _WEIBO_API.match(source):
        return SourceRef("weibo", match.group(1))
    if match := _BILIBILI_SPACE.match(source):
        return SourceRef("bilibili", match.group(1))
    if source.startswith(("http://", "https://")):
        return SourceRef("feed", source)
    return SourceRef("none", source)


async def latest_posts(account: Account, fetcher: Fetcher, *, as_of: datetime,
                       options: SourceOptions = DEFAULT_OPTIONS) -> SourceResult:
    """The latest posts of `account` as of `as_of`, or why they could not be read."""
    ref = parse_source(account.source)
    try:
        return await _dispatch(ref, fetcher, as_of, options, account)
    except Exception as exc:  # a parser bug on one odd answer must not stop the run
        log.exception("adapter %s failed for account %s", ref.kind, account.name)
        return SourceResult("failed", error=f"{type(exc).__name__}: {exc}", source_kind=ref.kind)


async def _dispatch(ref: SourceRef, fetcher: Fetcher, as_of: datetime, options: SourceOptions,
                    account: Account) -> SourceResult:
    if ref.kind == "weibo":
        return await weibo_posts(ref.value, fetcher, as_of=as_of, base=options.weibo_base)
    if ref.kind == "bilibili":
        return await bilibili_posts(ref.value, fetcher, base=options.bilibili_base)
    if ref.kind == "page":
        return await page_posts(ref.value, fetcher, as_of=as_of)
    if ref.kind == "feed":
        return await feed_posts(ref.value, fetcher)
    what = f"no adapter reads source {account.source!r}" if account.source else "no source to read automatically"
    return SourceResult("unsupported", source_kind="none", error=(
        f"{account.platform or 'account'}: {what}; check by hand and import the observation "
        "(govmon accounts import-observations)"))
