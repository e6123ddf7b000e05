"""Post times as platforms print them, resolved against the moment of the check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.newmedia.timeparse import (
    parse_absolute,
    parse_full_date,
    parse_relative,
    platform_time,
    weibo_mid_time,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2019, 9, 11, 15, 30, tzinfo=SHANGHAI)


def test_absolute_weibo_time_keeps_its_zone() -> None:
    moment = parse_absolute("Tue Sep 10 12:25:12 +0800 2019")
    assert moment == datetime(2019, 9, 10, 12, 25, 12, tzinfo=timezone(timedelta(hours=8)))
    assert parse_absolute("Tue Sep 10 04:25:12 +0000 2019") == moment
    assert parse_absolute("昨天 12:25") is None


@pytest.mark.parametrize(("text", "expected", "day_only"), [
    ("刚刚", datetime(2019, 9, 11, 15, 30), False),
    ("5分钟前", datetime(2019, 9, 11, 15, 25), False),
    ("3小时前", datetime(2019, 9, 11, 12, 30), False),
    ("今天 08:05", datetime(2019, 9, 11, 8, 5), False),
    ("昨天 12:25", datetime(2019, 9, 10, 12, 25), False),
    ("前天 23:59", datetime(2019, 9, 9, 23, 59), False),
    ("2天前", datetime(2019, 9, 9, 15, 30), True),
    ("09-01", datetime(2019, 9, 1), True),
    ("04月26日", datetime(2019, 4, 26), True),
    ("2018-03-02", datetime(2018, 3, 2), True),
])
def test_relative_forms_resolve_against_as_of(text: str, expected: datetime, day_only: bool) -> None:
    assert parse_relative(text, AS_OF) == (expected.replace(tzinfo=SHANGHAI), day_only)


def test_month_day_after_the_check_day_is_last_year() -> None:
    # A post shown as '12-30' on 11 September 2019 cannot be from December 2019.
    assert parse_relative("12-30", AS_OF) == (datetime(2018, 12, 30, tzinfo=SHANGHAI), True)
    assert parse_relative("02-29", AS_OF)[0].date().isoformat() == "2016-02-29"


def test_unreadable_forms_are_none() -> None:
    for text in ("", "上周", "13-45", "2019-02-30", "sometime"):
        assert parse_relative(text, AS_OF) is None


def test_mid_encodes_the_exact_second() -> None:
    # From the MANIFEST note of the real getIndex payload: '昨天 12:25' = 2019-09-10 12:25:12 CST.
    assert weibo_mid_time("4414949763467195") == datetime(2019, 9, 10, 4, 25, 12, tzinfo=UTC)
    assert weibo_mid_time("not-a-mid") is None
    assert weibo_mid_time(12345) is None  # far before Weibo existed


def test_the_mid_comes_first() -> None:
    moment, day_only = platform_time("昨天 12:25", AS_OF, zone=SHANGHAI, mid="4414949763467195")
    assert moment == datetime(2019, 9, 10, 12, 25, 12, tzinfo=SHANGHAI)
    assert not day_only
    # Read weeks later, the mid still gives the post's own second, whatever the answer says.
    later = datetime(2019, 10, 2, 10, 0, tzinfo=SHANGHAI)
    assert platform_time("昨天 12:25", later, zone=SHANGHAI, mid="4414949763467195")[0] == moment  # type: ignore[index]


def test_relative_times_read_against_the_answer_not_the_check() -> None:
    answered = datetime(2019, 9, 11, 6, 0, tzinfo=UTC)  # the answer's Date header, in GMT
    assert platform_time("昨天 12:25", answered, zone=SHANGHAI) == (datetime(2019, 9, 10, 12, 25, tzinfo=SHANGHAI), False)
    assert platform_time("昨天 12:25", None, zone=SHANGHAI) is None  # nothing to read it against


def test_a_mid_after_the_answer_is_not_a_time() -> None:
    answered = datetime(2012, 1, 1, tzinfo=SHANGHAI)
    assert platform_time("5分钟前", answered, zone=SHANGHAI, mid="4414949763467195") == (
        answered - timedelta(minutes=5), False)


def test_absolute_time_ignores_the_mid() -> None:
    moment, _ = platform_time("Tue Sep 10 12:25:12 +0800 2019", AS_OF, zone=SHANGHAI, mid="1")
    assert moment == datetime(2019, 9, 10, 12, 25, 12, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("text", "expected", "day_only"), [
    ("2022-11-20 10:31", datetime(2022, 11, 20, 10, 31), False),
    ("2022/11/20", datetime(2022, 11, 20), True),
    ("2022年11月20日", datetime(2022, 11, 20), True),
    ("2022.11.20", datetime(2022, 11, 20), True),
    ("2022-11-20T10:31:05", datetime(2022, 11, 20, 10, 31, 5), False),
])
def test_written_dates_of_manual_sheets(text: str, expected: datetime, day_only: bool) -> None:
    assert parse_full_date(text, SHANGHAI) == (expected.replace(tzinfo=SHANGHAI), day_only)


def test_written_dates_need_a_year() -> None:
    assert parse_full_date("11-20", SHANGHAI) is None
    assert parse_full_date("昨天", SHANGHAI) is None
