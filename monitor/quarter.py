"""Quarters as the notices count them: "2022Q4" is [2022-10-01, 2023-01-01) in the supervisor's zone.

The report's checkpoint is the quarter's end, so everything is judged against a half-open interval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
_NUMERALS = "一二三四"


class QuarterError(ValueError):
    """The quarter the user typed is not of the form 2022Q4."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware: the checkpoint

    @property
    def label(self) -> str:
        """The key used in file names and in `account_samples.quarter`."""
        return f"{self.year}Q{self.number}"

    @property
    def name(self) -> str:
        """第四季度 — how the notice names the quarter inside its year."""
        return f"第{_NUMERALS[self.number - 1]}季度"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.name}"


def quarter_of(year: int, number: int, tz: tzinfo) -> Quarter:
    """The quarter `number` (1-4) of `year`, bounds at local midnight in `tz`."""
    if not 1 <= number <= 4:
        raise QuarterError(f"quarter number must be 1-4, got {number}")
    start = datetime(year, 3 * number - 2, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz) if number == 4 else datetime(year, 3 * number + 1, 1, tzinfo=tz)
    return Quarter(year, number, start, end)


def parse_quarter(text: str, tz: tzinfo) -> Quarter:
    """'2022Q4' (also '2022-Q4', '2022q4') -> Quarter; anything else raises QuarterError."""
    match = _PATTERN.match(text or "")
    if not match:
        raise QuarterError(f"not a quarter: {text!r} (use YYYYQn, e.g. 2022Q4)")
    return quarter_of(int(match.group(1)), int(match.group(2)), tz)


def quarter_containing(moment: datetime) -> Quarter:
    """The quarter `moment` falls in, bounds in the zone of `moment`."""
    return quarter_of(moment.year, (moment.month - 1) // 3 + 1, moment.tzinfo)  # type: ignore[arg-type]


def last_complete_quarter(moment: datetime) -> Quarter:
    """The latest quarter that has ended by `moment` (the default of `govmon report`)."""
    if moment.tzinfo is None:
        raise ValueError("last_complete_quarter needs an aware datetime (the supervisor's time zone)")
    current = (moment.month - 1) // 3 + 1
    year, number = (moment.year - 1, 4) if current == 1 else (moment.year, current - 1)
    return quarter_of(year, number, moment.tzinfo)
