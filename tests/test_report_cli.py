"""`govmon report` end to end through the command line (typer's CliRunner, a real SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.models import Finding, Severity, SubjectKind
from monitor.store import Store


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with one 成都 site that has a veto finding in 2022Q4; cwd is an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    path = tmp_path / "govmon.db"
    store = Store.open(path)
    site = store.insert_registry_row("websites", {"url": "https://www.chengdu.gov.cn/", "name": "成都市人民政府", "region": "成都",
                                        "kind": "市级门户", "site_code": "5101000001"})
    store.insert_registry_row("accounts", {"name": "成都发布", "platform": "新浪微博", "region": "成都", "subject": "政府"})
    store.record_findings(SubjectKind.WEBSITE, site, [Finding("homepage_stale", Severity.VETO, "首页不更新")],
                          checked_rules=["homepage_stale"], seen_at="2022-11-02T10:00:00+08:00")
    store.close()
    return path


def test_json_summary_and_files(database: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(database), "report", "--quarter", "2022Q4",
                                      "--formats", "md,csv", "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["quarter"] == "2022Q4"
    assert (data["summary"]["websites_checked"], data["summary"]["websites_with_problems"]) == (1, 1)
    assert data["summary"]["website_pass_rate"] == "0.00%"
    assert [Path(p).name for p in data["files"]][:2] == ["govmon_2022Q4.md", "govmon_2022Q4_summary.csv"]
    assert all(Path(p).is_file() for p in data["files"]) and len(data["files"]) == 12


def test_human_output_lists_files_in_the_configured_folder(database: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(database), "report", "-q", "2022Q4", "-f", "xlsx,docx"])
    assert result.exit_code == 0, result.output
    written = [tmp_path / "reports" / "govmon_2022Q4.xlsx", tmp_path / "reports" / "govmon_2022Q4.docx"]
    assert all(p.is_file() for p in written)
    assert [line.strip() for line in result.stdout.splitlines() if line.strip()] == [str(p) for p in written]


@pytest.mark.parametrize("args", [["--quarter", "2022Q9"], ["--quarter", "2022Q4", "--formats", "pdf"]])
def test_bad_arguments_exit_2(database: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["--db", str(database), "report", *args])
    assert result.exit_code == 2


@pytest.mark.parametrize("command", [["report", "--quarter", "2022Q4"], ["assess", "--half", "2022H2"]])
def test_a_database_with_nothing_registered_is_named_before_an_empty_result(database: Path, tmp_path: Path,
                                                                            command: list[str]) -> None:
    mistyped = tmp_path / "govmon-demo.db"  # a --db that names no database yet: an empty one is made there
    result = CliRunner().invoke(app, ["--db", str(mistyped), *command, "--formats", "md", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert f"{mistyped}: no websites or accounts are registered there" in result.stderr
    registered = CliRunner().invoke(app, ["--db", str(database), *command, "--formats", "md", "--out",
                                          str(tmp_path / "p")])
    assert registered.exit_code == 0 and "registered there" not in registered.stderr
