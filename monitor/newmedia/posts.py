"""What every adapter returns: the latest posts of one account, with their times.

One shape for feeds, Weibo, Bilibili, listing pages and manual observations, so the rule never
needs to know where the posts came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from monitor.fetch.result import FetchResult

SourceOutcome = Literal["ok", "failed", "blocked", "unsupported"]


@dataclass(frozen=True)
class Post:
    """One post. `published_at` is aware; `date_only` marks a time that was only given as a day."""

    title: str
    url: str
    published_at: datetime
    pinned: bool = False
    date_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "url": self.url, "published_at": self.published_at.isoformat(),
            "pinned": self.pinned, "date_only": self.date_only,
        }


@dataclass
class SourceResult:
    """The answer of one adapter. Only "ok" says anything about freshness; the rest mean "unknown"."""

    outcome: SourceOutcome
    posts: list[Post] = field(default_factory=list)
    error: str = ""
    source_kind: str = ""  # feed, weibo, bilibili, wechat, page, manual, none
    url: str = ""  # what was fetched, for evidence

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def failed(kind: str, url: str, error: str) -> SourceResult:
    return SourceResult("failed", error=error, source_kind=kind, url=url)


def blocked(kind: str, url: str, error: str) -> SourceResult:
    return SourceResult("blocked", error=error, source_kind=kind, url=url)


def clip(text: str, limit: int = 80) -> str:
    """Titles in evidence stay one readable line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Statuses with which platforms refuse robots: Weibo answers 418, others 403 or 429 (Weibo 432).
REFUSAL_STATUSES = frozenset({401, 403, 412, 418, 429, 432})


def fetch_failure(kind: str, result: FetchResult) -> SourceResult:
    """A failed fetch, told apart: refused by the platform (blocked) or merely broken (failed)."""
    url, status, outcome, error = result.url, result.status, str(result.outcome), result.error
    if status in REFUSAL_STATUSES:
        return blocked(kind, url, f"the platform refused the request (HTTP {status}): anti-crawling block or "
                                  "login required; check this account by hand")
    if outcome == "refused":
        return blocked(kind, url, f"not fetched by policy: {error or 'refused'}")
    detail = f"HTTP {status}" if status else outcome
    return failed(kind, url, f"fetch failed ({detail}){': ' + error if error else ''}")
