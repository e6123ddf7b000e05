"""Reading the attachments the site's pages link (PDF, DOCX, XLSX, XLS) for personal data.

Each attachment is one fetch of the crawl (streamed, size-capped, counted in the page budget); its
text is read off the event loop, looked through for personal data and dropped. What could not be
read is kept with its reason, so the rule can say which attachments it could not judge.
"""

from __future__ import annotations

import asyncio

from monitor.content.attachments import UNREAD_FORMATS, UNSUPPORTED, attachment_kind, read_attachment
from monitor.content.exposure import exposure
from monitor.content.privacy import NameVocabulary
from monitor.crawl.session import CrawlSession, describe_failure
from monitor.observations import PrivacyExposure, SiteObservation, UnreadAttachment

READ_CONCURRENCY = 2


def _scan(kind: str, body: bytes, truncated: bool, url: str, title: str, found_on: str,
          names: NameVocabulary, max_chars: int) -> tuple[PrivacyExposure | None, str]:
    """(exposure or None, reason it could not be read or "") of one downloaded attachment."""
    read = read_attachment(kind, body, truncated=truncated, max_chars=max_chars)
    if not read.readable:
        return None, read.reason
    return exposure(url, kind.upper(), title, read.text, names, found_on=found_on), ""


async def read_attachments(links: dict[str, tuple[str, str]], session: CrawlSession, obs: SiteObservation,
                           names: NameVocabulary, *, limit: int, max_chars: int) -> None:
    """Fetch and read up to `limit` of `links` (URL -> (linking page, link text)) into `obs`."""
    semaphore = asyncio.Semaphore(READ_CONCURRENCY)
    loop = asyncio.get_running_loop()

    async def one(url: str, found_on: str, title: str) -> None:
        kind = attachment_kind(url)
        if kind in UNREAD_FORMATS:  # not fetched at all: nothing here reads them
            obs.unread_attachments.append(UnreadAttachment(url, found_on, kind.upper(), f"{kind.upper()} {UNSUPPORTED}"))
            return
        async with semaphore:
            result = await session.fetch(url, found_on)
        if result is None:
            return  # already fetched, a trap or over budget: the session notes it
        if not result.ok:
            obs.unread_attachments.append(UnreadAttachment(url, found_on, kind.upper(), describe_failure(result)))
            return
        found, reason = await loop.run_in_executor(
            None, _scan, kind, result.body, result.truncated, result.final_url or url, title, found_on, names,
            max_chars,
        )
        obs.attachments_read += 1
        if reason:
            obs.unread_attachments.append(UnreadAttachment(url, found_on, kind.upper(), reason))
        elif found is not None:
            obs.privacy.append(found)

    picked = list(links.items())[:limit]
    await asyncio.gather(*(one(url, found_on, title) for url, (found_on, title) in picked))
