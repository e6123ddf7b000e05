"""Due work derives from the store: restarts resume, missed runs coalesce, first checks spread out."""

from __future__ import annotations

from datetime import timedelta

from monitor.scheduling import due_items, next_due, stable_fraction
from tests.conftest import shanghai

DAY = timedelta(hours=24)
T0 = shanghai(2022, 12, 1, 0, 0)


def test_first_checks_are_spread_over_the_interval_and_stable():
    offsets = [next_due(None, T0, DAY, f"site:{i}") - T0 for i in range(200)]
    assert all(timedelta(0) <= off < DAY for off in offsets)
    hours = {off // timedelta(hours=1) for off in offsets}
    assert len(hours) >= 20  # not in lockstep
    assert stable_fraction("site:7") == stable_fraction("site:7")


def test_missed_runs_are_coalesced_into_one_due_item():
    subjects = [(1, T0, T0), (2, T0, T0 + timedelta(hours=20))]
    due = due_items(subjects, T0 + timedelta(days=3), DAY, "site")
    assert [item.subject_id for item in due] == [1, 2]  # each once, most overdue first


def test_nothing_due_before_the_interval_has_passed():
    assert due_items([(1, T0, T0)], T0 + timedelta(hours=23, minutes=59), DAY, "site") == []
    assert [i.subject_id for i in due_items([(1, T0, T0)], T0 + DAY, DAY, "site")] == [1]
