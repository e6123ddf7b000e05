"""The pure parts of 附件4: working-day limits, title matching, message outcomes, ranking places, periods,
and rules/annex4.toml checked on load."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from monitor.annex4 import jiucuo
from monitor.annex4.ranking import leading, placed
from monitor.annex4.records import JiucuoMessage, RankingEntry
from monitor.annex4.reposts import period_end
from monitor.annex4.titles import TitleMatcher, title_key
from monitor.annex4.workdays import WorkCalendar
from monitor.rulebook import Rulebook, RulesError
from tests.conftest import REPO, SHANGHAI, shanghai


def test_the_limit_skips_holidays_and_counts_tiaoxiu_weekends() -> None:
    calendar = WorkCalendar()
    # 国庆 2022: 10-01..10-07 off, Saturday 10-08 and Sunday 10-09 worked: the third working day is 10-10.
    assert calendar.deadline(shanghai(2022, 9, 30, 16), 3, SHANGHAI) == shanghai(2022, 10, 11, 0)
    assert calendar.deadline(shanghai(2022, 12, 16, 9), 3, SHANGHAI) == shanghai(2022, 12, 22, 0)  # Fri -> Wed
    assert not calendar.guessed_years


def test_a_year_without_calendar_data_counts_weekdays_and_listed_days_and_says_so() -> None:
    calendar = WorkCalendar(extra_holidays=frozenset({date(2031, 1, 2)}))
    assert calendar.deadline(shanghai(2031, 1, 1), 2, SHANGHAI) == shanghai(2031, 1, 7, 0)  # Thu off, Fri, Mon
    assert calendar.guessed_years == {2031}


def test_outcomes_of_messages(rulebook: Rulebook) -> None:
    rules, calendar = rulebook.annex4.jiucuo, WorkCalendar()

    def outcome(closed: object, status: str, known_day: int = 30) -> str:
        message = JiucuoMessage("1", 1, shanghai(2022, 12, 5), closed, status)  # type: ignore[arg-type]
        return jiucuo.outcome(message, rules, calendar, known_at=shanghai(2022, 12, known_day), zone=SHANGHAI)

    assert outcome(shanghai(2022, 12, 8, 23, 59), "已办结") == jiucuo.ON_TIME
    assert outcome(shanghai(2022, 12, 9, 0, 1), "已办结") == jiucuo.LATE
    assert outcome(None, "办理中", known_day=7) == jiucuo.PENDING
    assert outcome(None, "办理中", known_day=9) == jiucuo.OVERDUE
    assert outcome(None, "无效留言") == jiucuo.EXCLUDED
    assert rules.status_kind("已 办结") == "closed" and rules.status_kind("不知道") is None


def test_titles_match_across_punctuation_prefixes_and_cut_list_titles() -> None:
    required = "国务院办公厅关于印发《“十四五”数字经济发展规划》的通知"
    matcher = TitleMatcher([title_key(required)], min_chars=8)
    assert matcher.carried("转载：国务院办公厅关于印发“十四五”数字经济发展规划的通知（全文）") == {title_key(required)}
    assert matcher.carried("国务院办公厅关于印发《“十四五”数字经济...") == {title_key(required)}
    assert matcher.carried("国务院办公厅…") == set()  # too little left to tell
    assert matcher.carried("国务院办公厅关于印发“十四五”市场监管规划的通知") == set()
    assert title_key("ＡＢＣ　１２３") == "abc123"


def test_places_by_rank_or_by_score_with_ties() -> None:
    by_rank = [RankingEntry(2022, name, rank, None) for name, rank in (("a", 2), ("b", 1), ("c", 3))]
    assert [e.region for e in leading(by_rank, 2)] == ["b", "a"]
    by_score = [RankingEntry(2022, name, None, score) for name, score in (("a", 90), ("b", 95), ("c", 90), ("d", 80))]
    assert [(p, e.region) for p, e in placed(by_score)] == [(1, "b"), (2, "a"), (2, "c"), (4, "d")]
    assert [e.region for e in leading(by_score, 2)] == ["b", "a", "c"]  # a tie at the cut-off is included


@pytest.mark.parametrize(("period", "day"), [
    ("2022Q4", date(2022, 12, 31)), ("2022年第一季度", date(2022, 3, 31)), ("2022年11月", date(2022, 11, 30)),
    ("2024-02", date(2024, 2, 29)), ("2022-11-15", date(2022, 11, 15)),
])
def test_period_ends(period: str, day: date) -> None:
    assert period_end(period, SHANGHAI) == day


def test_a_wrong_key_in_annex4_toml_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    for name in ("rules.toml", "annex4.toml"):
        shutil.copy(REPO / "rules" / name, tmp_path / "rules" / name)
    path = tmp_path / "rules" / "annex4.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("top = 8", "top = 8\ncutoff = 3"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"annex4\.toml: unknown key 'ranking\.cutoff'"):
        _ = Rulebook(tmp_path / "rules").annex4
    path.write_text(path.read_text(encoding="utf-8").replace("cutoff = 3", "").replace("good_share = 0.9",
                                                                                      "good_share = 9"), encoding="utf-8")
    with pytest.raises(RulesError, match="reposts.good_share"):
        _ = Rulebook(tmp_path / "rules").annex4
