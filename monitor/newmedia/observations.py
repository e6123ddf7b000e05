"""From an adapter's posts to an `AccountObservation`, and the `account_observations` table.

Pinned posts are dropped here, before the rule sees anything: a post pinned months ago says nothing
about whether the account is kept up to date, whether it is older or newer than the rest.
"""

from __future__ import annotations

import json
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
    with store.transaction():
        return store.db["account_observations"].insert({
            "account_id": observation.account_id, "checked_at": iso(observation.checked_at),
            "outcome": observation.outcome,
            "latest_post_at": iso(observation.latest_post_at) if observation.latest_post_at else None,
            "post_count": observation.post_count, "source_kind": observation.source_kind,
            "error": observation.error, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
        }).last_pk  # type: ignore[return-value]


def manual_observations(store: Store, account_id: int, *, limit: int = 20) -> list[AccountObservation]:
    """The latest manual observations of an account, newest check first."""
    rows = store.db.query(
        "SELECT * FROM account_observations WHERE account_id = ? AND source_kind = ? ORDER BY checked_at DESC, id DESC"
        " LIMIT ?", [account_id, MANUAL, limit])
    return [observation_from_row(row) for row in rows]


def latest_observation(store: Store, account_id: int) -> AccountObservation | None:
    rows = list(store.db.query(
        "SELECT * FROM account_observations WHERE account_id = ? ORDER BY checked_at DESC, id DESC LIMIT 1",
        [account_id]))
    return observation_from_row(rows[0]) if rows else None


def observation_from_row(row: dict[str, Any]) -> AccountObservation:
    detail = json.loads(row["detail"] or "{}")
    return AccountObservation(
        id=row["id"], account_id=row["account_id"], checked_at=datetime.fromisoformat(row["checked_at"]),
        outcome=row["outcome"], source_kind=row["source_kind"] or "",
        latest_post_at=datetime.fromisoformat(row["latest_post_at"]) if row["latest_post_at"] else None,
        latest_title=detail.get("title", ""), latest_url=detail.get("url", ""), post_count=row["post_count"],
        pinned_ignored=detail.get("pinned_ignored", 0), date_only=bool(detail.get("date_only")),
        pinned_latest_at=datetime.fromisoformat(detail["pinned_latest_at"]) if detail.get("pinned_latest_at") else None,
        error=row["error"] or "", source=detail.get("source", ""),
    )
