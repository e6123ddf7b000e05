"""Half-years as the assessment counts them: "2022H2" is [2022-07-01, 2023-01-01) in the supervisor's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Hh]\s*([12])\s*$")


class HalfError(ValueError):
    """The half-year the user typed is not of the form 2022H2."""


@dataclass(frozen=True)
class Half:
    year: int
    number: int  # 1 or 2
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware

    @property
    def label(self) -> str:
        """The key used in file names: 2022H2."""
        return f"{self.year}H{self.number}"

    @property
    def name(self) -> str:
        """上半年 / 下半年, as the notice names the half inside its year."""
        return "上半年" if self.number == 1 else "下半年"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.name}"


def parse_half(text: str, tz: tzinfo) -> Half:
    """'2022H2' (also '2022-H2', '2022h2') -> Half; anything else raises HalfError."""
    match = _PATTERN.match(text or "")
    if not match:
        raise HalfError(f"not a half-year: {text!r} (use YYYYH1 or YYYYH2, e.g. 2022H2)")
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, 1 if number == 1 else 7, 1, tzinfo=tz)
    end = datetime(year, 7, 1, tzinfo=tz) if number == 1 else datetime(year + 1, 1, 1, tzinfo=tz)
    return Half(year, number, start, end)
