"""Working days as Chinese offices count them: weekends off, public holidays off, 调休 Saturdays and
Sundays on — from the State Council's yearly holiday notices as the chinese-calendar package carries them.

Years the package has no data for fall back to Monday–Friday plus the days listed in rules/annex4.toml,
and the caller is told which years those were so the report can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

import chinese_calendar


@dataclass
class WorkCalendar:
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    guessed_years: set[int] = field(default_factory=set)  # years judged by weekday alone

    def is_workday(self, day: date) -> bool:
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year beyond the package's data
            self.guessed_years.add(day.year)
            return day.weekday() < 5

    def deadline(self, received: datetime, working_days: int, zone: tzinfo) -> datetime:
        """The end of the `working_days`-th working day after the day of `received` (that day not counted)."""
        day = received.astimezone(zone).date()
        counted = 0
        while counted < working_days:
            day += timedelta(days=1)
            counted += self.is_workday(day)
        return datetime.combine(day + timedelta(days=1), time(0, 0), zone)  # exclusive: the next midnight
