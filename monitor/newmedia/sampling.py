"""The quarterly sample of accounts: all of 政府 and 省直部门, a reproducible share of the rest.

The seed notice checked every account of a government or a provincial department and a sample of
the others (2718 of 5360, 检查率 50.71%). The sample is seeded with `sample_seed` and the quarter, so
anyone can redraw it and get the same accounts; it is stored in `account_samples`, and asking
again for a quarter returns the stored sample, never a fresh draw (unless `redraw`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor import quarter
from monitor.config import Settings
from monitor.models import Account, iso
from monitor.store import SampleRow, Store

FULL = "full"
SAMPLED = "sampled"


def parse_quarter(text: str) -> str:
    """The sample's key of a quarter the user typed: '2022Q4' (also '2022q4', '2022-Q4'); anything else
    is a QuarterError (a ValueError) naming the expected form."""
    return quarter.parse_quarter(text, UTC).label


def quarter_of(moment: datetime) -> str:
    """The sample's key of the quarter `moment` falls in."""
    return quarter.quarter_containing(moment).label


@dataclass(frozen=True)
class SampleEntry:
    account: Account
    reason: str  # full, sampled


@dataclass(frozen=True)
class SampleTotals:
    quarter: str
    checked: int  # accounts in the sample
    total: int  # accounts in the registry
    full: int
    sampled: int
    created_at: str
    reused: bool  # True when the stored sample was returned

    @property
    def rate_percent(self) -> float:
        """检查率, in percent with two decimals (50.71 for 2718 of 5360)."""
        return round(100.0 * self.checked / self.total, 2) if self.total else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter, "checked": self.checked, "total": self.total,
            "check_rate": f"{self.rate_percent:.2f}%", "full_coverage": self.full, "sampled": self.sampled,
            "created_at": self.created_at, "reused": self.reused,
        }


def draw_sample(accounts: list[Account], quarter: str, rate: float, seed: str) -> list[SampleEntry]:
    """Pure and reproducible: the same accounts, quarter, rate and seed give the same sample."""
    full = [a for a in accounts if a.is_full_coverage]
    others = sorted((a for a in accounts if not a.is_full_coverage), key=lambda a: (a.id or 0, a.platform, a.name))
    count = min(len(others), math.floor(len(others) * rate + 0.5))
    chosen = random.Random(f"{seed}:{quarter}").sample(others, count)
    entries = [SampleEntry(a, FULL) for a in full] + [SampleEntry(a, SAMPLED) for a in chosen]
    return sorted(entries, key=lambda e: e.account.id or 0)


def ensure_sample(store: Store, settings: Settings, quarter: str, *, now: datetime, redraw: bool = False) -> SampleTotals:
    """The stored sample of `quarter`, drawn from the active accounts and stored on first use."""
    quarter = parse_quarter(quarter)
    if not redraw and _stored_rows(store, quarter):
        return sample_totals(store, quarter, reused=True)
    entries = draw_sample(store.accounts(), quarter, settings.accounts.sample_rate, settings.accounts.sample_seed)
    store.replace_account_sample(quarter, [(e.account.id, e.reason) for e in entries if e.account.id is not None],
                                 created_at=iso(now))
    return sample_totals(store, quarter, reused=False)


def sample_totals(store: Store, quarter: str, *, reused: bool = True) -> SampleTotals:
    """Totals of a stored sample. The total counts today's active accounts plus any sampled one retired since."""
    rows = _stored_rows(store, quarter)
    active = {a.id for a in store.accounts()}
    sampled_ids = {row.account_id for row in rows}
    return SampleTotals(
        quarter=quarter, checked=len(rows), total=len(active | sampled_ids),
        full=sum(row.reason == FULL for row in rows), sampled=sum(row.reason == SAMPLED for row in rows),
        created_at=min((row.created_at for row in rows), default=""), reused=reused,
    )


def sampled_accounts(store: Store, quarter: str) -> list[Account]:
    """The accounts of a stored sample, in id order (retired ones included: they were sampled)."""
    accounts = (store.account(row.account_id) for row in _stored_rows(store, quarter))
    return [a for a in accounts if a is not None]


def sample_reasons(store: Store, quarter: str) -> dict[int, str]:
    return {row.account_id: row.reason for row in _stored_rows(store, quarter)}


def _stored_rows(store: Store, quarter: str) -> list[SampleRow]:
    return store.account_sample(quarter)
