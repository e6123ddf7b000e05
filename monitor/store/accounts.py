"""New-media accounts: the observation history (every look, automatic or manual) and quarter samples."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.accounts import AccountObservation
from monitor.models import iso
from monitor.store.base import StoreBase, moment, optional_moment
from monitor.times import in_zone


@dataclass(frozen=True)
class SampleRow:
    """One account drawn into a quarter's sample, and why (full coverage or sampled)."""

    quarter: str
    account_id: int
    reason: str
    created_at: str


class AccountQueries(StoreBase):
    # -- observations -------------------------------------------------------------------------------
    def save_account_observation(self, observation: AccountObservation, detail: dict[str, Any]) -> int:
        """One row per look at an account; `detail` keeps the evidence (latest title, url, posts)."""
        with self.transaction():
            return self._insert("account_observations", {
                "account_id": observation.account_id, "checked_at": iso(observation.checked_at),
                "outcome": observation.outcome,
                "latest_post_at": iso(observation.latest_post_at) if observation.latest_post_at else None,
                "post_count": observation.post_count, "source_kind": observation.source_kind,
                "error": observation.error, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
            })

    def account_observations(self, account_id: int, *, source_kind: str | None = None,
                             limit: int = 20) -> list[AccountObservation]:
        """An account's latest observations (of one source kind, if given), newest check first."""
        sql = "SELECT * FROM account_observations WHERE account_id = ?"
        params: list[Any] = [account_id]
        if source_kind is not None:
            sql += " AND source_kind = ?"
            params.append(source_kind)
        rows = self._db.query(sql + " ORDER BY checked_at DESC, id DESC LIMIT ?", [*params, limit])
        return [_observation(row) for row in rows]

    def has_account_observation(self, observation: AccountObservation) -> bool:
        """True when the same look (account, source kind, check time, latest post) is already stored."""
        latest = iso(observation.latest_post_at) if observation.latest_post_at else None
        rows = self._db.query(
            "SELECT 1 FROM account_observations WHERE account_id = ? AND source_kind = ? AND checked_at = ?"
            " AND latest_post_at IS ? LIMIT 1",
            [observation.account_id, observation.source_kind, iso(observation.checked_at), latest])
        return any(True for _ in rows)

    def accounts_judged_between(self, start: datetime, end: datetime) -> set[int]:
        """Accounts with a verdict in [start, end): an observation, automatic or an inspector's, that
        read the account (outcome ok). A failed or blocked look is no verdict.

        Times are stored with their own offsets, so the SQL bounds are widened by a day and each
        candidate is compared as a moment.
        """
        rows = self._db.query(
            "SELECT account_id, checked_at FROM account_observations WHERE outcome = 'ok'"
            " AND checked_at >= ? AND checked_at < ?",
            [(start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()],
        )
        return {row["account_id"] for row in rows if start <= _aware(moment(row["checked_at"]), start) < end}

    def account_read_failures_between(self, start: datetime, end: datetime) -> dict[int, str]:
        """Accounts whose source could not be read in [start, end): the latest failure of each
        (outcome and error), for the list of planned accounts left without a verdict."""
        rows = self._db.query(
            "SELECT account_id, checked_at, outcome, error FROM account_observations WHERE outcome != 'ok'"
            " AND checked_at >= ? AND checked_at < ? ORDER BY checked_at, id",
            [(start - timedelta(days=1)).isoformat(), (end + timedelta(days=1)).isoformat()],
        )
        failures: dict[int, str] = {}
        for row in rows:
            if start <= _aware(moment(row["checked_at"]), start) < end:
                failures[row["account_id"]] = f"{row['outcome']}: {row['error']}" if row["error"] else row["outcome"]
        return failures

    # -- quarter samples ----------------------------------------------------------------------------
    def replace_account_sample(self, quarter: str, entries: Iterable[tuple[int, str]], *, created_at: str) -> None:
        """Store `quarter`'s sample as (account id, reason) pairs, replacing any earlier draw."""
        with self.transaction():
            self._db.execute("DELETE FROM account_samples WHERE quarter = ?", [quarter])
            self._db.table("account_samples").insert_all(
                {"quarter": quarter, "account_id": account_id, "reason": reason, "created_at": created_at}
                for account_id, reason in entries
            )

    def account_sample(self, quarter: str) -> list[SampleRow]:
        """The stored sample of `quarter`, in account id order (empty when none was drawn)."""
        rows = self._db.query("SELECT * FROM account_samples WHERE quarter = ? ORDER BY account_id", [quarter])
        return [SampleRow(row["quarter"], row["account_id"], row["reason"], row["created_at"]) for row in rows]


def _aware(value: datetime, like: datetime) -> datetime:
    """A stored time without offset is read in the zone of `like`."""
    return in_zone(value, like.tzinfo)


def _observation(row: dict[str, Any]) -> AccountObservation:
    detail = json.loads(row["detail"] or "{}")
    return AccountObservation(
        id=row["id"], account_id=row["account_id"], checked_at=moment(row["checked_at"]),
        outcome=row["outcome"], source_kind=row["source_kind"] or "",
        latest_post_at=optional_moment(row["latest_post_at"]),
        latest_title=detail.get("title", ""), latest_url=detail.get("url", ""), post_count=row["post_count"],
        pinned_ignored=detail.get("pinned_ignored", 0), date_only=bool(detail.get("date_only")),
        pinned_latest_at=optional_moment(detail.get("pinned_latest_at")),
        error=row["error"] or "", source=detail.get("source", ""),
    )
