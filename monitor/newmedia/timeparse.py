"""Post times as platforms print them: absolute with a zone, or relative to the moment of the request.

m.weibo.cn answers '昨天 12:25' or '3小时前' for recent posts. A Weibo mid encodes the exact second and
is used first; a relative time is resolved against the moment the platform answered (its Date
header), in the supervisor's zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# 'Tue Sep 10 12:25:12 +0800 2019' (Weibo, Twitter style)
_ABSOLUTE = re.compile(
    r"^(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-]\d{4})\s+(\d{4})$"
)
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|小时|天)前$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:-|月)(\d{1,2})日?(?:\s+(\d{1,2}):(\d{2}))?$")
_FULL_DATE = re.compile(r"^(\d{4})(?:-|/|年)(\d{1,2})(?:-|/|月)(\d{1,2})日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_DAY_OFFSETS = {"今天": 0, "昨天": 1, "前天": 2}
# Weibo ids carry their creation second in the bits above 22 (see the MANIFEST note of the payload).
_MID_EPOCH_OFFSET = 515483463


def parse_absolute(text: str) -> datetime | None:
    """'Tue Sep 10 12:25:12 +0800 2019' with its own zone, else None."""
    match = _ABSOLUTE.match(text.strip())
    if not match or match.group(1).lower() not in _MONTHS:
        return None
    month = _MONTHS[match.group(1).lower()]
    day, hour, minute, second = (int(match.group(i)) for i in (2, 3, 4, 5))
    zone = datetime.strptime(match.group(6), "%z").tzinfo
    return datetime(int(match.group(7)), month, day, hour, minute, second, tzinfo=zone)


def parse_relative(text: str, as_of: datetime) -> tuple[datetime, bool] | None:
    """A relative or partial time resolved against `as_of`; the flag says it had no seconds/day precision."""
    text = text.strip()
    if text in ("刚刚", "刚才"):
        return as_of, False
    if match := _AGO.match(text):
        return as_of - timedelta(**{_AGO_UNITS[match.group(2)]: int(match.group(1))}), match.group(2) == "天"
    if match := _DAY_WORD.match(text):
        named_day = as_of.date() - timedelta(days=_DAY_OFFSETS[match.group(1)])
        return _at(named_day, int(match.group(2)), int(match.group(3)), as_of), False
    if match := _MONTH_DAY.match(text):
        return _month_day(match, as_of)
    if match := _FULL_DATE.match(text):
        day = _valid_day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if day is None:
            return None
        if match.group(4) is None:
            return _at(day, 0, 0, as_of), True
        return _at(day, int(match.group(4)), int(match.group(5)), as_of, int(match.group(6) or 0)), False
    return None


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(match: re.Match[str], as_of: datetime) -> tuple[datetime, bool] | None:
    """'MM-DD' is in the year of the check, or the latest year before it where that day exists and is past."""
    month, day_of_month = int(match.group(1)), int(match.group(2))
    candidates = (_valid_day(as_of.year - back, month, day_of_month) for back in range(5))
    day = next((d for d in candidates if d is not None and d <= as_of.date()), None)
    if day is None:
        return None
    if match.group(3) is None:
        return _at(day, 0, 0, as_of), True
    return _at(day, int(match.group(3)), int(match.group(4)), as_of), False


def _at(day: date, hour: int, minute: int, as_of: datetime, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), as_of.tzinfo)


def weibo_mid_time(mid: str | int | None) -> datetime | None:
    """The creation moment encoded in a Weibo mid, or None when the mid is not a plausible one."""
    try:
        number = int(str(mid))
    except (TypeError, ValueError):
        return None
    seconds = (number >> 22) + _MID_EPOCH_OFFSET
    moment = datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
    # Weibo launched in 2009; anything earlier is not a timestamped mid.
    return moment if moment and moment.year >= 2009 else None


def platform_time(text: str, answered_at: datetime | None, *, zone: tzinfo, mid: str | int | None = None,
                  not_after: datetime | None = None) -> tuple[datetime, bool] | None:
    """The moment of a post, in `zone`: a printed absolute time as is; else the Weibo mid's exact second
    (when plausible: not after `not_after`, or the answer, by more than a day); else a relative time
    ('昨天 12:25') resolved against `answered_at`, the moment the platform wrote it (its Date header).
    Never against the moment of the check: an answer read weeks later would otherwise move '昨天' by
    weeks. None when nothing dates the post.
    """
    absolute = parse_absolute(text)
    if absolute is not None:
        return absolute.astimezone(zone), False
    exact = weibo_mid_time(mid)
    bound = not_after or answered_at
    if exact is not None and (bound is None or exact <= bound + timedelta(days=1)):
        return exact.astimezone(zone), False
    if answered_at is None:
        return None
    return parse_relative(text, answered_at.astimezone(zone))


_DOTTED = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})(.*)$")


def parse_full_date(text: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    """A written date with its year ('2022-11-20 10:31', '2022/11/20', '2022年11月20日', '2022.11.20',
    ISO 8601), naive ones read in `zone`; the flag says only the day was given."""
    text = text.strip().replace("T", " ", 1)
    if match := _DOTTED.match(text):
        text = f"{match.group(1)}-{match.group(2)}-{match.group(3)}{match.group(4)}"
    if _FULL_DATE.match(text):
        return parse_relative(text, datetime(2000, 1, 1, tzinfo=zone))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)), False
