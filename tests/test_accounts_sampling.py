"""Quarterly sampling: full coverage of 政府/省直部门, a reproducible seeded share of the rest, stored."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import Settings
from monitor.models import Account
from monitor.newmedia.sampling import (
    draw_sample,
    ensure_sample,
    parse_quarter,
    quarter_of,
    sample_totals,
    sampled_accounts,
)
from monitor.store import Store
from tests.conftest import add_rows

NOW = datetime(2022, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SUBJECTS = ["政府"] * 6 + ["省直部门"] * 4 + ["市州部门"] * 25 + ["县级部门"] * 15


def fill(store: Store) -> None:
    """50 accounts: 10 full-coverage, 40 to sample from."""
    add_rows(store, "accounts", (
        {"platform": "新浪微博", "name": f"账号{i:02d}", "region": "成都", "subject": subject,
         "source": f"weibo:{1000000 + i}", "imported_at": "2022-10-01T00:00:00+08:00"}
        for i, subject in enumerate(SUBJECTS)
    ))


def with_accounts(settings: Settings, **changes: object) -> Settings:
    return replace(settings, accounts=replace(settings.accounts, **changes))


def test_draw_is_reproducible_and_covers_full_subjects() -> None:
    accounts = [Account(f"a{i}", "新浪微博", "成都", s, id=i + 1) for i, s in enumerate(SUBJECTS)]
    first = draw_sample(accounts, "2022Q4", 0.5, "govmon")
    again = draw_sample(list(reversed(accounts)), "2022Q4", 0.5, "govmon")  # order of input does not matter
    assert [(e.account.id, e.reason) for e in first] == [(e.account.id, e.reason) for e in again]
    assert {e.account.id for e in first if e.reason == "full"} == set(range(1, 11))
    assert sum(e.reason == "sampled" for e in first) == 20
    other_quarter = draw_sample(accounts, "2023Q1", 0.5, "govmon")
    assert {e.account.id for e in other_quarter} != {e.account.id for e in first}
    other_seed = draw_sample(accounts, "2022Q4", 0.5, "another seed")
    assert {e.account.id for e in other_seed} != {e.account.id for e in first}


def test_rate_rounds_half_up_and_bounds() -> None:
    accounts = [Account(f"a{i}", "微博", "成都", "县级部门", id=i) for i in range(1, 8)]
    assert len(draw_sample(accounts, "2022Q4", 0.5, "s")) == 4  # 3.5 -> 4
    assert draw_sample(accounts, "2022Q4", 0.0, "s") == []
    assert len(draw_sample(accounts, "2022Q4", 1.0, "s")) == 7


def test_stored_sample_is_returned_not_redrawn(store: Store, settings: Settings) -> None:
    fill(store)
    first = ensure_sample(store, settings, "2022Q4", now=NOW)
    assert not first.reused
    assert (first.checked, first.total, first.full, first.sampled) == (30, 50, 10, 20)
    assert first.summary()["check_rate"] == "60.00%"
    ids = [a.id for a in sampled_accounts(store, "2022Q4")]
    # A new seed in the configuration does not change a sample already drawn for the quarter...
    reseeded = with_accounts(settings, sample_seed="changed")
    again = ensure_sample(store, reseeded, "2022Q4", now=NOW)
    assert again.reused and [a.id for a in sampled_accounts(store, "2022Q4")] == ids
    # ...unless asked to redraw.
    redrawn = ensure_sample(store, reseeded, "2022Q4", now=NOW, redraw=True)
    assert not redrawn.reused and redrawn.checked == 30
    assert [a.id for a in sampled_accounts(store, "2022Q4")] != ids
    rows = store.account_sample("2022Q4")
    assert {r.reason for r in rows} == {"full", "sampled"} and len(rows) == 30


def test_same_seed_same_sample_in_another_database(tmp_path: Path, settings: Settings) -> None:
    samples = []
    for name in ("one.db", "two.db"):
        store = Store.open(tmp_path / name)
        fill(store)
        ensure_sample(store, settings, "2022Q4", now=NOW)
        samples.append([a.id for a in sampled_accounts(store, "2022Q4")])
        store.close()
    assert samples[0] == samples[1]


def test_totals_count_retired_sampled_accounts(store: Store, settings: Settings) -> None:
    fill(store)
    ensure_sample(store, settings, "2022Q4", now=NOW)
    one = sampled_accounts(store, "2022Q4")[0]
    store.update_registry_row("accounts", one.id, {"retired_at": "2022-12-10T00:00:00+08:00"})
    totals = sample_totals(store, "2022Q4")
    assert (totals.checked, totals.total) == (30, 50)


def test_seed_notice_rate_has_two_decimals() -> None:
    from monitor.newmedia.sampling import SampleTotals

    totals = SampleTotals("2022Q4", 2718, 5360, 0, 0, "", False)
    assert totals.rate_percent == 50.71 and totals.summary()["check_rate"] == "50.71%"


def test_quarters() -> None:
    assert parse_quarter("2022q4") == "2022Q4"
    assert quarter_of(NOW) == "2022Q4" and quarter_of(datetime(2023, 4, 1)) == "2023Q2"
    with pytest.raises(ValueError, match="YYYYQn"):
        parse_quarter("2022-12")


def test_cli_sample_prints_totals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cli.db"
    store = Store.open(db)
    fill(store)
    store.close()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(db), "accounts", "sample", "--quarter", "2022Q4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["checked"], data["total"], data["check_rate"]) == (30, 50, "60.00%")
    assert (data["full_coverage"], data["sampled"], data["reused"]) == (10, 20, False)
    text = runner.invoke(app, ["--db", str(db), "accounts", "sample", "--quarter", "2022Q4"])
    assert text.exit_code == 0
    assert "检查 30 / 共 50" in text.stdout and "检查率 60.00%" in text.stdout and "已存样本" in text.stdout
    listed = runner.invoke(app, ["--db", str(db), "accounts", "list", "--quarter", "2022Q4", "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 30
    bad = runner.invoke(app, ["--db", str(db), "accounts", "sample", "--quarter", "Q4"])
    assert bad.exit_code == 2
