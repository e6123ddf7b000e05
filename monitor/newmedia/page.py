"""Accounts mirrored on an ordinary web page that lists posts with dates (source `page:<url>`).

Some departments publish their WeChat articles in a 政务新媒体 column of their website; the
listing extractor of the website checks reads its dates, so the rule works on days there.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from monitor.fetch.result import Fetcher
from monitor.newmedia.posts import Post, SourceResult, clip, failed, fetch_failure


async def page_posts(url: str, fetcher: Fetcher, *, as_of: datetime) -> SourceResult:
    result = await fetcher.fetch(url)
    if not result.ok:
        return fetch_failure("page", result)
    from monitor.extract.listing import extract_listing  # late: another module, built in parallel

    items = extract_listing(result.text, result.final_url or url, reference=as_of.date())
    posts = [_post(item, url, as_of) for item in items if getattr(item, "date", None)]
    if not posts:
        return failed("page", url, "no dated items found on the page")
    return SourceResult("ok", posts, source_kind="page", url=url)


def _post(item: Any, page_url: str, as_of: datetime) -> Post:
    """A listing date is a day: it is placed at midnight of the supervisor's zone and marked date_only."""
    moment = datetime.combine(item.date, time(0, 0), as_of.tzinfo)
    return Post(clip(str(getattr(item, "title", ""))), str(getattr(item, "url", "") or page_url), moment,
                date_only=True)
