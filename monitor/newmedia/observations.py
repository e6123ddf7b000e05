"""From an adapter's posts to an `AccountObservation`, and the `account_observations` table.

Pinned posts are dropped here, before the rule sees anything: a post pinned months ago says nothing
about whether the account is kept up to date, whether it is older or newer than the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.checks.accounts import AccountObservation
from monitor.models import Account, iso
from monitor.newmedia.posts import SourceResult
from monitor.store import Store

MANUAL = "manual"
_KEPT_POSTS = 10  # posts kept in the row's detail, newest first, as evidence


def observation_from_result(result: SourceResult, account: Account, as_of: datetime) -> AccountObservation:
    """Summarise what an adapter answered: the latest non-pinned post, counts, and any error."""
    regular = [p for p in result.posts if not p.pinned]
    latest = max(regular, key=lambda p: p.published_at, default=None)
    pinned = max((p.published_at for p in result.posts if p.pinned), default=None)
    return AccountObservation(
        account_id=account.id, checked_at=as_of, outcome=result.outcome, source_kind=result.source_kind,
        latest_post_at=latest.published_at.astimezone(as_of.tzinfo) if latest else None,
        latest_title=latest.title if latest else "", latest_url=latest.url if latest else "",
        post_count=len(regular) if result.ok else None, pinned_ignored=len(result.posts) - len(regular),
        pinned_latest_at=pinned.astimezone(as_of.tzinfo) if pinned else None,
        date_only=latest.date_only if latest else False, error=result.error, source=account.source,
    )


def save_observation(store: Store, observation: AccountObservation, result: SourceResult | None = None,
                     extra: dict[str, Any] | None = None) -> int:
    """One row per look at an account, automatic or manual: the history reports and reviewers read."""
    posts = sorted(result.posts, key=lambda p: p.published_at, reverse=True)[:_KEPT_POSTS] if result else []
    detail = {
        "title": observation.latest_title, "url": observation.latest_url, "source": observation.source,
        "pinned_ignored": observation.pinned_ignored, "date_only": observation.date_only,
        "pinned_latest_at": iso(observation.pinned_latest_at) if observation.pinned_latest_at else None,
        "fetched_url": result.url if result else "", "posts": [p.as_dict() for p in posts], **(extra or {}),
    }
    return store.save_account_observation(observation, detail)


def manual_observations(store: Store, account_id: int, *, limit: int = 20) -> list[AccountObservation]:
    """The latest manual observations of an account, newest check first."""
    return store.account_observations(account_id, source_kind=MANUAL, limit=limit)


def latest_observation(store: Store, account_id: int) -> AccountObservation | None:
    latest = store.account_observations(account_id, limit=1)
    return latest[0] if latest else None
