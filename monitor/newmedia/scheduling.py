"""What the daemon checks among accounts: the current quarter's sample, each once per interval.

Due times derive from the `check_runs` rows `check_account` writes (kind "account"), so a restarted
daemon neither re-checks every account nor forgets one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from monitor.config import Settings
from monitor.fetch.result import Fetcher
from monitor.models import Account, SubjectKind
from monitor.newmedia.sampling import ensure_sample, quarter_of, sampled_accounts
from monitor.newmedia.service import RUN_KIND, AccountCheck, check_accounts
from monitor.rulebook import Rulebook
from monitor.scheduling import due_items
from monitor.store import Store


def due_accounts(store: Store, settings: Settings, now: datetime, interval: timedelta) -> list[Account]:
    """Active accounts of `now`'s quarter sample (drawn on first use) whose next check is due, most overdue first."""
    quarter = quarter_of(now)
    ensure_sample(store, settings, quarter, now=now)
    accounts = {a.id: a for a in sampled_accounts(store, quarter) if not a.retired_at}
    subjects = [entry for entry in store.schedule_history(SubjectKind.ACCOUNT, RUN_KIND) if entry[0] in accounts]
    return [accounts[item.subject_id] for item in due_items(subjects, now, interval, "account")]


async def run_account_checks(store: Store, rulebook: Rulebook, settings: Settings, accounts: list[Account],
                             as_of: datetime, *, fetcher: Fetcher,
                             clock: Callable[[], datetime] | None = None) -> list[AccountCheck]:
    """Check the due accounts (paced per platform); the daemon counts their states."""
    return await check_accounts(store, rulebook, settings, accounts, as_of, fetcher=fetcher, clock=clock)
