"""Manual observations from CSV/XLSX sheets: good rows stored as source_kind "manual", bad rows reported."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.newmedia.manual import import_observations
from monitor.newmedia.observations import manual_observations
from monitor.rulebook import Rulebook
from monitor.store import Store
from monitor.times import iso

SHANGHAI = ZoneInfo("Asia/Shanghai")

SHEET = """某某省政务新媒体人工检查记录表（2022年第四季度）,,,,
账号名称,类型,所属地方或部门,最近发布时间,检查时间
成都发布,微信公众号,成都,2022-12-15 09:30,2022-12-18 10:00
阿坝发布,微信,阿坝,无,2022-12-18
,,,,
不存在的账号,微信订阅号,成都,2022-12-01,2022-12-18
成都发布,微信订阅号,成都,上周,2022-12-18
阿坝发布,微信订阅号,阿坝,,2022-12-18
阿坝发布,微信订阅号,阿坝,2022-12-20,2022-12-18
,微信订阅号,成都,2022-12-01,2022-12-18
成都发布,微信订阅号,成都,2022-12-01,明天
"""


def fill(store: Store) -> dict[str, int]:
    ids = {}
    for name, region, subject in (("成都发布", "成都", "政府"), ("阿坝发布", "阿坝", "市州部门")):
        ids[name] = store.insert_registry_row("accounts",
            {"platform": "微信订阅号", "name": name, "region": region, "subject": subject, "source": ""})
    return ids


def test_csv_good_and_bad_rows(tmp_path: Path, store: Store, rulebook: Rulebook) -> None:
    ids = fill(store)
    path = tmp_path / "人工检查.csv"
    path.write_text(SHEET, encoding="utf-8-sig")
    report = import_observations(store, rulebook, [path], zone=SHANGHAI)
    assert report.stored == 2
    assert [(e.line, e.reason.split(" ")[0]) for e in report.errors] == [
        (6, "account"), (7, "最近发布时间"), (8, "最近发布时间"), (9, "最近发布时间"), (10, "账号名称"), (11, "检查时间"),
    ]
    assert all(e.file == str(path) for e in report.errors)
    assert "not in the registry" in report.errors[0].reason
    assert "write 无" in report.errors[2].reason
    assert "after 检查时间" in report.errors[3].reason
    assert str(report.errors[0]).startswith(f"{path}:6: ")
    [chengdu] = manual_observations(store, ids["成都发布"])
    assert chengdu.source_kind == "manual" and chengdu.outcome == "ok"
    assert chengdu.latest_post_at == datetime(2022, 12, 15, 9, 30, tzinfo=SHANGHAI)
    assert chengdu.checked_at == datetime(2022, 12, 18, 10, 0, tzinfo=SHANGHAI)
    assert chengdu.source == "manual 人工检查.csv:3"
    [aba] = manual_observations(store, ids["阿坝发布"])
    assert aba.latest_post_at is None and aba.post_count == 0  # 无: never posted
    again = import_observations(store, rulebook, [path], zone=SHANGHAI)
    assert (again.stored, again.unchanged) == (0, 2)


def test_strict_stores_nothing_when_a_row_is_bad(tmp_path: Path, store: Store, rulebook: Rulebook) -> None:
    ids = fill(store)
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    report = import_observations(store, rulebook, [path], zone=SHANGHAI, strict=True)
    assert report.stored == 0 and len(report.errors) == 6
    assert all(store.account_observations(i) == [] for i in ids.values())


def test_gbk_csv_as_excel_saves_it(tmp_path: Path, store: Store, rulebook: Rulebook) -> None:
    fill(store)
    path = tmp_path / "gbk.csv"
    path.write_bytes("账号名称,类型,所属地方或部门,最近发布时间,检查时间\n成都发布,微信订阅号,成都,2022/12/10,2022/12/18\n"
                     .encode("gbk"))
    report = import_observations(store, rulebook, [path], zone=SHANGHAI)
    assert report.stored == 1 and report.errors == []


def test_xlsx_with_date_cells(tmp_path: Path, store: Store, rulebook: Rulebook) -> None:
    from openpyxl import Workbook

    ids = fill(store)
    book = Workbook()
    sheet = book.active
    sheet.append(["账号名称", "类型", "所属地方或部门", "最近发布时间", "检查时间"])
    sheet.append(["成都发布", "微信订阅号", "成都", datetime(2022, 12, 1, 8, 0), datetime(2022, 12, 18, 9, 0)])
    sheet.append(["阿坝发布", "抖音", "阿坝", datetime(2022, 12, 1), datetime(2022, 12, 18)])
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    report = import_observations(store, rulebook, [path], zone=SHANGHAI)
    assert report.stored == 1
    [error] = report.errors
    assert (error.line, error.file) == (3, str(path)) and "抖音短视频" in error.reason  # alias resolved, no such account
    [obs] = manual_observations(store, ids["成都发布"])
    assert obs.latest_post_at == datetime(2022, 12, 1, 8, 0, tzinfo=SHANGHAI)


def test_file_level_errors(tmp_path: Path, store: Store, rulebook: Rulebook) -> None:
    no_header = tmp_path / "a.csv"
    no_header.write_text("名称x,y\n1,2\n", encoding="utf-8")
    missing = tmp_path / "b.csv"
    missing.write_text("账号名称,类型\n成都发布,微信\n", encoding="utf-8")
    wrong = tmp_path / "c.xls"
    wrong.write_bytes(b"\xd0\xcf\x11\xe0")
    report = import_observations(store, rulebook, [no_header, missing, wrong], zone=SHANGHAI)
    reasons = [str(e) for e in report.errors]
    assert reasons[0].startswith(f"{no_header}:1: no header row")
    assert "最近发布时间" in reasons[1] and "检查时间" in reasons[1]
    assert "old .xls workbooks are not supported" in reasons[2]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cli.db"
    store = Store.open(db)
    fill(store)
    store.close()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--db", str(db), *args])


def test_cli_import_observations(cli, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET, encoding="utf-8")
    result = cli("accounts", "import-observations", str(path), "--json")
    assert result.exit_code == 1  # bad rows
    data = json.loads(result.stdout)
    assert data["stored"] == 2 and len(data["errors"]) == 6
    assert data["errors"][0].startswith(f"{path}:6:")
    text = cli("accounts", "import-observations", str(path))
    assert "重复 2 条" in text.stdout and f"{path}:7:" in text.output
    missing = cli("accounts", "import-observations", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2


def test_a_stale_observation_is_a_finding_dated_when_observed(tmp_path: Path, store: Store,
                                                             rulebook: Rulebook) -> None:
    """Imported in January, an inspector's December look still dates the account_stale finding in December."""
    ids = fill(store)
    first = tmp_path / "十二月.csv"
    first.write_text("账号名称,类型,所属地方或部门,最近发布时间,检查时间\n"
                     "成都发布,微信订阅号,成都,2022-11-01,2022-12-20 10:00\n"
                     "阿坝发布,微信订阅号,阿坝,2022-12-19,2022-12-20 10:00\n", encoding="utf-8")
    report = import_observations(store, rulebook, [first], zone=SHANGHAI)
    assert (report.stored, report.stale) == (2, 1)
    [finding] = store.findings()
    assert (finding.subject_id, finding.rule, finding.status) == (ids["成都发布"], "account_stale", "open")
    assert iso(finding.first_seen) == "2022-12-20T10:00:00+08:00" and finding.evidence["days_silent"] == 49
    # A later look that saw a fresh post resolves it then; an older sheet imported afterwards judges nothing.
    later = tmp_path / "一月.csv"
    later.write_text("账号名称,类型,所属地方或部门,最近发布时间,检查时间\n"
                     "成都发布,微信订阅号,成都,2023-01-05,2023-01-06\n", encoding="utf-8")
    older = tmp_path / "十一月.csv"
    older.write_text("账号名称,类型,所属地方或部门,最近发布时间,检查时间\n"
                     "成都发布,微信订阅号,成都,2022-09-01,2022-11-20\n", encoding="utf-8")
    import_observations(store, rulebook, [later], zone=SHANGHAI)
    assert import_observations(store, rulebook, [older], zone=SHANGHAI).stale == 0
    [finding] = store.findings()
    assert (finding.status, iso(finding.resolved_at)) == ("resolved", "2023-01-06T00:00:00+08:00")
