"""The store: forward migrations, the findings lifecycle (upsert, resolve, review) and registry look-ups."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import monitor.store.schema as schema_module
from monitor.models import Finding, Severity, Source, Status, SubjectKind
from monitor.store import MIGRATIONS, FindingFilter, Store, StoreBusy, StoreError
from monitor.times import parse_iso

T1, T2, T3 = "2026-03-01T10:00:00+08:00", "2026-03-02T10:00:00+08:00", "2026-03-03T10:00:00+08:00"
LATEST = len(MIGRATIONS)


@pytest.fixture()
def store(tmp_path: Path):
    store = Store.open(tmp_path / "govmon.db")
    yield store
    store.close()


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# -- migrations ----------------------------------------------------------------------------------------
def test_fresh_database_reaches_latest_version(tmp_path):
    path = tmp_path / "sub" / "fresh.db"
    store = Store.open(path)
    assert store.schema_version == LATEST
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    assert {"meta", "websites", "accounts", "findings", "probes", "check_runs"} <= tables(path)
    again = Store.open(path)  # reopening applies nothing and keeps the data
    assert again.schema_version == LATEST and again.migrate() == LATEST
    again.close()


@pytest.mark.parametrize("meta_rows", [[], [("schema_version", "0")]])
def test_version_zero_database_with_meta_table_migrates(tmp_path, meta_rows):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta_rows)
    store = Store.open(path)
    assert store.schema_version == LATEST
    assert store.websites() == [] and store.findings() == []
    store.close()


def test_database_from_a_newer_govmon_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(LATEST + 1)])
    with pytest.raises(StoreError, match=rf"newer.db.*{LATEST + 1}"):
        Store.open(path)
    assert tables(path) == {"meta"}  # nothing was touched


def test_a_new_migration_is_applied_to_an_existing_database(tmp_path, monkeypatch):
    path = tmp_path / "grow.db"
    Store.open(path).close()

    def add_column(db):
        db["websites"].add_column("contact", str)

    monkeypatch.setattr(schema_module, "MIGRATIONS", [*MIGRATIONS, ("contact column", add_column)])
    store = Store.open(path)
    assert store.schema_version == LATEST + 1 and "contact" in store._db["websites"].columns_dict
    store.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "fail.db"
    Store.open(path).close()

    def broken(db):
        db["extra"].create({"id": int}, pk="id")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema_module, "MIGRATIONS", [*MIGRATIONS, ("broken", broken)])
    with pytest.raises(RuntimeError):
        Store.open(path)
    monkeypatch.undo()
    store = Store.open(path)
    assert store.schema_version == LATEST and not store._db["extra"].exists()
    store.close()


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(ValueError), store.transaction():
        store.insert_registry_row("websites", {"url": "http://a.gov.cn/", "name": "a", "region": "成都", "kind": "市级门户"})
        raise ValueError("stop")
    assert store.websites() == []


# -- findings ------------------------------------------------------------------------------------------
def stale(key: str = "", evidence: dict | None = None) -> Finding:
    return Finding("homepage_stale", Severity.VETO, "首页不更新", evidence or {}, key=key)


def dead(key: str = "") -> Finding:
    return Finding("dead_links", Severity.DEDUCTION, "存在错链、断链", {}, key=key)


CHECKED = ["homepage_stale", "dead_links"]


def record(store: Store, findings: list[Finding], seen_at: str, checked: list[str] = CHECKED) -> list[Finding]:
    return store.record_findings(SubjectKind.WEBSITE, 1, findings, checked_rules=checked, seen_at=seen_at)


def test_record_findings_upserts_by_rule_and_key(store):
    first = record(store, [stale(evidence={"days": 15}), dead("a"), dead("b")], T1)
    assert [f.status for f in first] == [Status.OPEN] * 3 and len({f.id for f in first}) == 3
    again = record(store, [stale(evidence={"days": 16}), dead("a"), dead("b")], T2)
    assert [f.id for f in again] == [f.id for f in first]
    assert again[0].first_seen == parse_iso(T1) and again[0].last_seen == parse_iso(T2) and again[0].evidence == {"days": 16}
    assert len(store.findings()) == 3


def test_record_findings_resolves_what_is_no_longer_seen(store):
    stale_f, dead_a, dead_b = record(store, [stale(), dead("a"), dead("b")], T1)
    record(store, [dead("a")], T2)
    assert store.finding(stale_f.id).status == Status.RESOLVED and store.finding(stale_f.id).resolved_at == parse_iso(T2)
    assert store.finding(dead_b.id).status == Status.RESOLVED
    assert store.finding(dead_a.id).status == Status.OPEN and store.finding(dead_a.id).last_seen == parse_iso(T2)


def test_rules_not_checked_this_time_are_left_alone(store):
    stale_f, dead_f = record(store, [stale(), dead()], T1)
    record(store, [], T2, checked=["dead_links"])
    assert store.finding(stale_f.id).status == Status.OPEN
    assert store.finding(dead_f.id).status == Status.RESOLVED


def test_a_resolved_finding_seen_again_opens_a_new_one(store):
    (old,) = record(store, [stale()], T1)
    record(store, [], T2)
    (new,) = record(store, [stale()], T3)
    assert new.id != old.id and new.first_seen == parse_iso(T3) and new.status == Status.OPEN
    assert store.finding(old.id).status == Status.RESOLVED


def test_dismissed_stays_dismissed(store):
    (found,) = record(store, [stale()], T1)
    store.review_finding(found.id, Status.DISMISSED, "首页为静态导航页", reviewer="王")
    (seen_again,) = record(store, [stale()], T2)
    assert seen_again.id == found.id and seen_again.status == Status.DISMISSED
    assert seen_again.note == "首页为静态导航页" and seen_again.last_seen == parse_iso(T2)
    record(store, [], T3)  # not seen any more: still dismissed, never resolved
    assert store.finding(found.id).status == Status.DISMISSED and store.finding(found.id).resolved_at is None


def test_confirmed_keeps_status_and_note_until_resolved(store):
    (found,) = record(store, [stale()], T1)
    store.review_finding(found.id, Status.CONFIRMED, "核实")
    (seen,) = record(store, [stale()], T2)
    assert (seen.status, seen.note) == (Status.CONFIRMED, "核实")
    record(store, [], T3)
    assert store.finding(found.id).status == Status.RESOLVED


def test_manual_findings_are_never_resolved_by_a_check(store):
    manual = store.add_manual_finding(
        Finding("serious_wording", Severity.VETO, "严重表述错误", {"url": "http://a.gov.cn/1", "snippet": "x"},
                subject_kind=SubjectKind.WEBSITE, subject_id=1, note="读稿发现"),
        seen_at=T1, reviewer="李",
    )
    assert (manual.status, manual.source, manual.first_seen) == (Status.CONFIRMED, Source.MANUAL, parse_iso(T1))
    record(store, [], T2, checked=["serious_wording", *CHECKED])
    assert store.finding(manual.id).status == Status.CONFIRMED
    (auto,) = record(store, [Finding("serious_wording", Severity.VETO, "严重表述错误")], T3,
                     checked=["serious_wording"])
    assert auto.id != manual.id and auto.source == Source.AUTO


def test_findings_are_kept_per_subject(store):
    record(store, [stale()], T1)
    store.record_findings(SubjectKind.ACCOUNT, 1, [Finding("account_stale", Severity.VETO, "监测时间点内2周未更新")],
                          checked_rules=["account_stale"], seen_at=T1)
    record(store, [], T2)  # resolving the website's finding leaves the account's alone
    assert [f.status for f in store.findings(FindingFilter(subject_kind=SubjectKind.ACCOUNT))] == [Status.OPEN]
    assert [f.rule for f in store.findings(FindingFilter(status=Status.RESOLVED))] == ["homepage_stale"]


def test_review_rejects_unknown_ids_and_statuses(store):
    (found,) = record(store, [stale()], T1)
    with pytest.raises(KeyError):
        store.review_finding(999, Status.CONFIRMED, "x")
    with pytest.raises(ValueError):
        store.review_finding(found.id, Status.RESOLVED, "x")


def test_findings_active_between(store):
    (found,) = record(store, [stale()], T1)
    record(store, [], T3)
    assert [f.id for f in store.findings_active_between(T2, "2026-03-04")] == [found.id]
    assert store.findings_active_between("2026-03-04", "2026-03-05") == []
    assert store.findings_active_between("2026-02-01", "2026-02-02") == []


# -- registry look-ups ---------------------------------------------------------------------------------
def test_find_website_by_url_code_name_and_id(store):
    site_id = store.insert_registry_row("websites", {"url": "https://www.sc.gov.cn/", "name": "四川省人民政府",
                                           "region": "四川省人民政府", "kind": "省政府门户",
                                           "site_code": "5100000001"})
    for target in ("https://www.sc.gov.cn", "https://www.sc.gov.cn/", "5100000001", "四川省人民政府", str(site_id)):
        assert store.find_website(target).id == site_id, target
    assert store.find_website("https://other.gov.cn/") is None


def test_find_account_prefers_active_and_takes_platform(store):
    store.insert_registry_row("accounts", {"platform": "新浪微博", "name": "四川发布", "region": "x", "subject": "政府",
                                 "retired_at": T1})
    active = store.insert_registry_row("accounts", {"platform": "微信订阅号", "name": "四川发布", "region": "x",
                                          "subject": "政府"})
    assert store.find_account("四川发布").id == active
    assert store.find_account("四川发布", "新浪微博").platform == "新浪微博"
    assert store.find_account("四川发布", "抖音短视频") is None
    assert [a.platform for a in store.accounts()] == ["微信订阅号"]
    assert len(store.accounts(include_retired=True)) == 2


# -- one writer at a time ------------------------------------------------------------------------------
def test_a_second_writer_waits_then_reports_busy_instead_of_corrupting(tmp_path):
    """The daemon and the web console are two writers on one file: the one that finds it locked
    waits the busy timeout, then fails with StoreBusy; the first writer's work is unaffected."""
    path = tmp_path / "shared.db"
    first = Store.open(path)
    second = Store.open(path, busy_timeout_s=0.05)
    try:
        with first.transaction():
            first.set_meta("writer", "first")
            with pytest.raises(StoreBusy, match="locked"):
                second.set_meta("writer", "second")
        assert second.get_meta("writer") == "first"
        second.set_meta("writer", "second")  # free again: the write goes through
        assert first.get_meta("writer") == "second"
    finally:
        first.close()
        second.close()


def test_nested_transactions_join_the_outer_unit(store):
    with pytest.raises(ValueError), store.transaction():
        store.set_meta("a", "1")
        with store.transaction():
            store.set_meta("b", "2")
        raise ValueError("stop")
    assert store.get_meta("a") is None and store.get_meta("b") is None


def test_no_sql_outside_the_store():
    """The store owns the database: no other module reaches the connection or writes SQL."""
    root = Path(__file__).resolve().parents[1] / "monitor"
    pattern = re.compile(r"\._db\b|\bstore\.db\b|sqlite3|sqlite_utils|\b(SELECT|INSERT INTO|DELETE FROM)\b")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py") if "store" not in path.relative_to(root).parts[:1]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_tests_reach_the_store_through_its_methods():
    """Tests seed and read data as govmon does (registry files, the CLI, the store's named methods), never
    through its connection; only this file, the store's own test, looks at the database file itself."""
    here = Path(__file__).resolve()
    offenders = [
        f"{path.name}:{number}"
        for path in here.parent.rglob("*.py") if path != here
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "._db" in line
    ]
    assert offenders == []
