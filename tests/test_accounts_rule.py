"""The freshness rule `account_stale`: the 14-day boundary, 空壳, 僵尸账号, unknown versus stale."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.checks.accounts import AccountObservation, days_silent, evaluate_account, pick_observation
from monitor.models import Severity, SubjectKind
from monitor.rulebook import Rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2022, 12, 20, 10, 0, tzinfo=SHANGHAI)


def seen(latest: datetime | None, *, outcome: str = "ok", kind: str = "weibo", checked: datetime = AS_OF,
         error: str = "", date_only: bool = False) -> AccountObservation:
    return AccountObservation(
        account_id=7, checked_at=checked, outcome=outcome, source_kind=kind, latest_post_at=latest,
        latest_title="关于做好冬季供暖的通知" if latest else "", latest_url="https://m.weibo.cn/status/Mk1" if latest else "",
        post_count=3 if latest else 0, error=error, source="weibo:123", date_only=date_only,
    )


def test_post_exactly_14_days_before_is_updated(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    exactly = AS_OF - timedelta(days=14)
    verdict = evaluate_account(seen(exactly), rule, AS_OF)
    assert verdict.state == "updated" and verdict.findings == [] and verdict.days_silent == 14
    # Any time of that calendar day counts, even earlier than the check's time of day.
    first_second = datetime(2022, 12, 6, 0, 0, 0, tzinfo=SHANGHAI)
    assert evaluate_account(seen(first_second), rule, AS_OF).state == "updated"


def test_post_older_than_14_days_is_stale(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    last_second_before = datetime(2022, 12, 5, 23, 59, 59, tzinfo=SHANGHAI)
    verdict = evaluate_account(seen(last_second_before), rule, AS_OF)
    assert verdict.state == "stale" and verdict.days_silent == 15
    [finding] = verdict.findings
    assert finding.rule == "account_stale"
    assert finding.severity == Severity.VETO
    assert finding.wording == "监测时间点内2周未更新"
    assert finding.subject_kind == SubjectKind.ACCOUNT and finding.subject_id == 7
    assert finding.evidence["latest_post_at"] == "2022-12-05T23:59:59+08:00"
    assert finding.evidence["latest_post_title"] == "关于做好冬季供暖的通知"
    assert finding.evidence["latest_post_url"] == "https://m.weibo.cn/status/Mk1"
    assert finding.evidence["days_silent"] == 15
    assert finding.evidence["source"] == "weibo:123" and finding.evidence["source_kind"] == "weibo"
    assert "note" not in finding.evidence


def test_days_are_counted_in_the_supervisors_zone(rulebook: Rulebook) -> None:
    # 2022-12-05 16:30 UTC is 2022-12-06 00:30 in Shanghai: 14 days before the check day.
    from datetime import UTC

    assert days_silent(datetime(2022, 12, 5, 16, 30, tzinfo=UTC), AS_OF) == 14
    assert evaluate_account(seen(datetime(2022, 12, 5, 16, 30, tzinfo=UTC)), rulebook.rule("account_stale"),
                            AS_OF).state == "updated"


def test_post_after_the_check_counts_as_today(rulebook: Rulebook) -> None:
    verdict = evaluate_account(seen(AS_OF + timedelta(hours=3)), rulebook.rule("account_stale"), AS_OF)
    assert verdict.state == "updated" and verdict.days_silent == 0


def test_never_posted_is_stale_empty_shell(rulebook: Rulebook) -> None:
    verdict = evaluate_account(seen(None), rulebook.rule("account_stale"), AS_OF)
    assert verdict.state == "stale"
    [finding] = verdict.findings
    assert finding.evidence["note"] == "空壳"
    assert finding.evidence["latest_post_at"] is None and finding.evidence["days_silent"] is None


def test_zombie_boundary(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    at_limit = evaluate_account(seen(AS_OF - timedelta(days=90)), rule, AS_OF)
    assert at_limit.state == "stale" and "note" not in at_limit.findings[0].evidence
    beyond = evaluate_account(seen(AS_OF - timedelta(days=91)), rule, AS_OF)
    assert beyond.findings[0].evidence["note"] == "僵尸账号"


def test_date_only_evidence_shows_the_day(rulebook: Rulebook) -> None:
    day = datetime(2022, 11, 1, tzinfo=SHANGHAI)
    verdict = evaluate_account(seen(day, kind="page", date_only=True), rulebook.rule("account_stale"), AS_OF)
    assert verdict.findings[0].evidence["latest_post_at"] == "2022-11-01"


def test_failed_blocked_unsupported_are_unknown_without_finding(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    for outcome in ("failed", "blocked", "unsupported"):
        verdict = evaluate_account(seen(None, outcome=outcome, error="HTTP 418"), rule, AS_OF)
        assert verdict.state == "unknown" and verdict.findings == []
        assert outcome in verdict.reason and "418" in verdict.reason
    nothing = evaluate_account(None, rule, AS_OF)
    assert nothing.state == "unknown" and "manual observation" in nothing.reason


def test_manual_observation_in_window_replaces_a_blocked_source(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    blocked = seen(None, outcome="blocked", error="HTTP 418")
    manual = seen(AS_OF - timedelta(days=3), kind="manual", checked=AS_OF - timedelta(days=2))
    chosen = pick_observation(blocked, [manual], rule, AS_OF)
    assert chosen is manual
    assert evaluate_account(chosen, rule, AS_OF).state == "updated"


def test_manual_observation_outside_window_is_not_used(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    blocked = seen(None, outcome="blocked", error="HTTP 418")
    old_manual = seen(AS_OF - timedelta(days=20), kind="manual", checked=AS_OF - timedelta(days=15))
    assert pick_observation(blocked, [old_manual], rule, AS_OF) is blocked
    later_manual = seen(AS_OF - timedelta(days=1), kind="manual", checked=AS_OF + timedelta(days=1))
    assert pick_observation(None, [later_manual], rule, AS_OF) is None  # checked after as_of


def test_manual_observation_checked_on_window_edge_counts(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    manual = seen(AS_OF - timedelta(days=30), kind="manual", checked=AS_OF - timedelta(days=14))
    chosen = pick_observation(None, [manual], rule, AS_OF)
    assert chosen is manual
    assert evaluate_account(chosen, rule, AS_OF).state == "stale"  # the inspector saw an old post


def test_the_most_recent_post_of_any_usable_observation_wins(rulebook: Rulebook) -> None:
    rule = rulebook.rule("account_stale")
    lagging_feed = seen(AS_OF - timedelta(days=20), kind="feed")
    manual = seen(AS_OF - timedelta(days=2), kind="manual", checked=AS_OF - timedelta(days=1))
    assert pick_observation(lagging_feed, [manual], rule, AS_OF) is manual
    fresh_feed = seen(AS_OF - timedelta(days=1), kind="feed")
    assert pick_observation(fresh_feed, [manual], rule, AS_OF) is fresh_feed


def test_only_pinned_posts_is_stale_but_not_an_empty_shell(rulebook: Rulebook) -> None:
    from dataclasses import replace

    pinned_only = replace(seen(None), pinned_ignored=1, pinned_latest_at=AS_OF - timedelta(days=2))
    verdict = evaluate_account(pinned_only, rulebook.rule("account_stale"), AS_OF)
    assert verdict.state == "stale"
    assert verdict.findings[0].evidence["note"] == "仅有置顶内容"
    assert verdict.findings[0].evidence["pinned_post_at"] == "2022-12-18T10:00:00+08:00"


def test_older_pinned_post_is_not_in_the_evidence(rulebook: Rulebook) -> None:
    from dataclasses import replace

    observation = replace(seen(AS_OF - timedelta(days=30)), pinned_ignored=1,
                          pinned_latest_at=AS_OF - timedelta(days=400))
    verdict = evaluate_account(observation, rulebook.rule("account_stale"), AS_OF)
    assert "pinned_post_at" not in verdict.findings[0].evidence
