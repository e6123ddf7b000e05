"""What is due, derived only from the registry and the store, so a restarted daemon neither re-runs
everything nor skips what was due. Pure: the caller passes the current moment."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
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


# Run outcomes that are no check at all: the subject is retried soon rather than a whole interval later.
FAILED_OUTCOMES = ("abandoned", "error", "deadline")
# subject id -> (failed runs in a row, start of the latest), from Store.failures_since_success
Failures = Mapping[int, tuple[int, datetime]]


def next_due(last_run: datetime | None, registered_at: datetime, interval: timedelta, key: str,
             spread: timedelta | None = None) -> datetime:
    """One interval after the last run; never run yet: a fixed offset into the first `spread` (the
    full-check window; default the interval), so each interval's checks fall within that window."""
    if last_run is not None:
        return last_run + interval
    return registered_at + min(spread or interval, interval) * stable_fraction(key)


def retry_due(failures: int, last_failure: datetime, first_retry: timedelta, interval: timedelta) -> datetime:
    """A failed or abandoned run is tried again after `first_retry`, doubling with each failure in a
    row, never later than one interval."""
    delay = min(first_retry * (2 ** max(failures - 1, 0)), interval) if failures < 32 else interval
    return last_failure + delay


def due_at(subject_id: int, registered_at: datetime, last_run: datetime | None, interval: timedelta, kind: str,
           failures: Failures, first_retry: timedelta, spread: timedelta | None = None) -> datetime:
    at = next_due(last_run, registered_at, interval, f"{kind}:{subject_id}", spread)
    if subject_id in failures:
        count, last_failure = failures[subject_id]
        at = min(at, retry_due(count, last_failure, first_retry, interval))
    return at


def due_items(subjects: Iterable[tuple[int, datetime, datetime | None]], now: datetime, interval: timedelta,
              kind: str, failures: Failures | None = None, first_retry: timedelta = timedelta(minutes=10),
              spread: timedelta | None = None) -> list[DueItem]:
    """Subjects (id, registered_at, last_run) due at `now`, most overdue first.

    However many runs were missed while the daemon was down, a subject appears once (coalesced).
    """
    due = []
    for subject_id, registered_at, last_run in subjects:
        at = due_at(subject_id, registered_at, last_run, interval, kind, failures or {}, first_retry, spread)
        if at <= now:
            due.append(DueItem(subject_id, at, last_run))
    return sorted(due, key=lambda item: (item.due_at, item.subject_id))


def upcoming(subjects: Iterable[tuple[int, datetime, datetime | None]], interval: timedelta,
             kind: str, failures: Failures | None = None, first_retry: timedelta = timedelta(minutes=10),
             spread: timedelta | None = None) -> dict[int, datetime]:
    """When each subject is next due (for `govmon status`)."""
    return {sid: due_at(sid, registered, last, interval, kind, failures or {}, first_retry, spread)
            for sid, registered, last in subjects}
