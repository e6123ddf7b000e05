"""What is due, derived only from the registry and the store, so a restarted daemon neither re-runs
everything nor skips what was due. Pure: the caller passes the current moment."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


def stable_fraction(key: str) -> float:
    """A fraction in [0, 1) fixed for a key: spreads first checks over the interval, same after restarts."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class DueItem:
    subject_id: int
    due_at: datetime
    last_run: datetime | None


def next_due(last_run: datetime | None, registered_at: datetime, interval: timedelta, key: str) -> datetime:
    """One interval after the last run; never run yet: a fixed offset into the first interval."""
    if last_run is not None:
        return last_run + interval
    return registered_at + interval * stable_fraction(key)


def due_items(subjects: Iterable[tuple[int, datetime, datetime | None]], now: datetime, interval: timedelta,
              kind: str) -> list[DueItem]:
    """Subjects (id, registered_at, last_run) due at `now`, most overdue first.

    However many runs were missed while the daemon was down, a subject appears once (coalesced).
    """
    due = []
    for subject_id, registered_at, last_run in subjects:
        at = next_due(last_run, registered_at, interval, f"{kind}:{subject_id}")
        if at <= now:
            due.append(DueItem(subject_id, at, last_run))
    return sorted(due, key=lambda item: (item.due_at, item.subject_id))


def upcoming(subjects: Iterable[tuple[int, datetime, datetime | None]], interval: timedelta,
             kind: str) -> dict[int, datetime]:
    """When each subject is next due (for `govmon status`)."""
    return {sid: next_due(last, registered, interval, f"{kind}:{sid}") for sid, registered, last in subjects}
