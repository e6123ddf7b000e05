"""Dead-link checks (错链、断链、死链): a bounded sample of same-site links, home page links first.

Only links not already fetched as pages are checked (a column page that failed is a column fetch
failure, reported once). Each check is one fetch from the crawl's page budget.
"""

from __future__ import annotations

import asyncio

from monitor.crawl.session import CrawlSession
from monitor.fetch.result import FetchResult, Outcome
from monitor.observations import DeadLink

MAX_DEAD_LINK_CHECKS = 30
CHECK_CONCURRENCY = 4
_DEAD_OUTCOMES = frozenset({Outcome.DNS, Outcome.CONNECT, Outcome.TIMEOUT, Outcome.TLS})


def dead_outcome(result: FetchResult) -> str:
    """ "http_404", "timeout", ... for a broken link; "" when the link works (or was refused by policy)."""
    if result.status is not None and result.status >= 400:
        return f"http_{result.status}"
    if result.outcome in _DEAD_OUTCOMES:
        return str(result.outcome)
    return ""


def pick_candidates(candidates: dict[str, list[str]], session: CrawlSession, limit: int) -> list[str]:
    """The first `limit` candidate URLs (in the order found) not fetched yet and not traps."""
    picked: list[str] = []
    for url, pages in candidates.items():
        if len(picked) >= limit:
            break
        parent = pages[0] if pages else ""
        if not session.seen(url) and not session.trap_reason(url, parent):
            picked.append(url)
    return picked


async def check_dead_links(
    candidates: dict[str, list[str]], session: CrawlSession, limit: int = MAX_DEAD_LINK_CHECKS
) -> list[DeadLink]:
    """Fetch up to `limit` candidates; return those that failed, with the pages linking them."""
    semaphore = asyncio.Semaphore(CHECK_CONCURRENCY)

    async def check(url: str) -> DeadLink | None:
        async with semaphore:
            result = await session.fetch(url, tail=True)
        outcome = dead_outcome(result) if result is not None else ""
        return DeadLink(url, outcome, result.status, tuple(candidates[url])) if outcome and result else None

    found = await asyncio.gather(*(check(url) for url in pick_candidates(candidates, session, limit)))
    return [dead for dead in found if dead is not None]
