"""Dates as government pages write them, year inference for bare month-days, page-level dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.extract.dates import date_only, page_generated_date, parse_date, pubdate

REALWORLD = Path(__file__).parent / "data" / "realworld"


def read(relative: str) -> str:
    return (REALWORLD / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "2022-12-28",
        "2022/12/28",
        "2022年12月28日",
        "2022.12.28",
        "2022-12-28 10:08",
        "2022-12-28 10∶08",  # U+2236 RATIO instead of a colon, as a real page writes it
        "发布时间：2022-12-28 10:08:00",
        "[2022-12-28]",
        "（2022年12月28日）",
        "２０２２－１２－２８",  # full-width digits
        "2022 年 12 月 28 日",
        "2022-12-28-23:59:59",  # gov.cn firstpublishedtime meta
    ],
)
def test_full_date_forms(text: str) -> None:
    assert parse_date(text) == date(2022, 12, 28)


def test_single_digit_month_and_day() -> None:
    assert parse_date("2022年1月5日") == date(2022, 1, 5)
    assert parse_date("2022-1-5") == date(2022, 1, 5)


@pytest.mark.parametrize("text", ["12-28", "[12-28]", "12月28日", "(12-28)", "12/28"])
def test_month_day_takes_year_from_reference(text: str) -> None:
    assert parse_date(text, reference=date(2023, 1, 10)) == date(2022, 12, 28)
    assert parse_date(text, reference=date(2022, 12, 30)) == date(2022, 12, 28)


def test_month_day_without_reference_is_unknown() -> None:
    assert parse_date("12-28") is None
    assert parse_date("12月28日") is None


def test_year_inference_across_new_year() -> None:
    reference = date(2023, 1, 3)
    assert parse_date("12-30", reference=reference) == date(2022, 12, 30)
    assert parse_date("01-03", reference=reference) == date(2023, 1, 3)
    assert parse_date("01-04", reference=reference) == date(2023, 1, 4)  # reference + 1 day: time zones
    assert parse_date("01-05", reference=reference) == date(2022, 1, 5)
    assert parse_date("01-01", reference=date(2022, 12, 31)) == date(2023, 1, 1)


def test_february_29_goes_back_to_a_leap_year() -> None:
    assert parse_date("02-29", reference=date(2023, 3, 1)) == date(2020, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "1989-12-31",
        "1900-01-01",
        "2022-13-01",
        "2022-02-30",
        "2022-00-10",
        "0000-00-00",
        "",
        "暂无信息",
        "2.8.0",
    ],
)
def test_absurd_or_invalid_dates_are_none(text: str) -> None:
    assert parse_date(text, reference=date(2023, 1, 3)) is None


def test_month_day_invalid_is_none() -> None:
    assert parse_date("13-45", reference=date(2023, 1, 3)) is None
    assert parse_date("02-30", reference=date(2023, 1, 3)) is None


def test_numbers_that_are_not_dates() -> None:
    reference = date(2023, 1, 3)
    assert parse_date("电话：0477-2258659", reference=reference) is None
    assert parse_date("000014348/2020-35428", reference=reference) is None


def test_full_date_wins_over_month_day_in_free_text() -> None:
    text = "10月9日至10日，市委书记深入调研 2023-10-11"
    assert parse_date(text, reference=date(2023, 10, 11)) == date(2023, 10, 11)


def test_date_only_accepts_labels_brackets_and_times() -> None:
    reference = date(2023, 10, 11)
    assert date_only("10-11", reference=reference) == date(2023, 10, 11)
    assert date_only("（2022-12-28）") == date(2022, 12, 28)
    assert date_only("发布日期：2022-12-28 10:08") == date(2022, 12, 28)
    assert date_only("[12-28]", reference=date(2023, 1, 3)) == date(2022, 12, 28)


def test_date_only_refuses_dates_inside_sentences() -> None:
    reference = date(2023, 10, 11)
    assert date_only("10月9日至10日，市委书记严允围绕课题调研", reference=reference) is None
    assert date_only("今天是2023年10月11日 星期三", reference=reference) is None
    assert date_only("000014348/2020-35428", reference=reference) is None
    assert date_only("10-11", reference=None) is None


# -- article pages (realworld copies; expected dates from MANIFEST_extract.tsv) ----------------------
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("gov_pages/shanxi_gov_article_gne.html", date(2019, 9, 18)),
        ("gov_pages/handan_xxgk_article_saved.jsp", date(2020, 8, 2)),  # PubDate "2020年08月02日"
        ("gov_pages/yichun_tjgb2022_article_saved.html", date(2023, 5, 16)),
        ("counterfeit_gov/mhxqwer_xhyshanghai.gov.cn_index.html", date(2023, 8, 19)),  # '10∶08'
    ],
)
def test_pubdate_of_real_article_pages(page: str, expected: date) -> None:
    assert pubdate(read(page)) == expected


def test_pubdate_of_a_listing_page_is_none() -> None:
    assert pubdate(read("gov_pages/ordos_engebei_xxgknb_list_nhp.html")) is None


def test_pubdate_from_publishdate_meta() -> None:
    html = '<html><head><meta name="publishdate" content="2021-06-10"></head><body>x</body></html>'
    assert pubdate(html) == date(2021, 6, 10)


def test_pubdate_from_label_near_the_top() -> None:
    html = (
        "<html><body><h1>关于开展检查的通知</h1><div class='info'>发布时间：<span>2012-06-24</span>"
        "来源：办公室</div><p>正文 2011-01-01</p><script>var d='2030-01-01'</script></body></html>"
    )
    assert pubdate(html) == date(2012, 6, 24)


def test_pubdate_from_pubtime_element() -> None:
    html = '<html><body><p class="tc"><span id="pubTime">2021年06月10日 17:35</span></p></body></html>'
    assert pubdate(html) == date(2021, 6, 10)


def test_pubdate_absent() -> None:
    assert pubdate("<html><body><p>没有日期</p></body></html>") is None


def test_page_generated_date() -> None:
    assert page_generated_date(read("gov_pages/yichun_home_2023-10-11_raw.html")) == date(2023, 10, 11)
    assert page_generated_date("<html><head><meta name='others' content='其他'></head></html>") is None
    assert page_generated_date("") is None


@pytest.mark.parametrize(
    "text",
    ["2022-12-28T10:08:00+08:00", "2022-12-28 10:08:00.0", "2022年12月28日 10时08分", "2022-12-28 10∶08"],
)
def test_date_only_with_times(text: str) -> None:
    assert date_only(text) == date(2022, 12, 28)
