"""Bad files, flags and settings as users get them wrong: one clear line naming the file and key, the
documented exit code (README "Exit codes"), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.cli.common import parse_moment
from monitor.config import load_settings

REPO = Path(__file__).resolve().parent.parent


def govmon(*args: str):
    return CliRunner().invoke(app, list(args))


def one_error_line(result) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(("encoding", "text"), [("utf-16", "[crawl]\nretries = 1\n"),
                                                ("gbk", '[regions]\norder = ["成都"]\n')])
def test_a_config_file_not_in_utf8_is_one_line_exit_2(tmp_path, encoding, text) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(text.encode(encoding))
    result = govmon("--config", str(config), "status")
    assert result.exit_code == 2
    assert f"{config}: not UTF-8 text" in one_error_line(result)


def test_config_or_db_pointing_at_a_folder(tmp_path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = govmon("--config", str(folder), "status")
    assert result.exit_code == 2 and "is a folder" in one_error_line(result)
    result = govmon("--db", str(folder), "status")
    assert result.exit_code == 2 and "is a folder" in one_error_line(result)


def test_db_that_is_not_sqlite(tmp_path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("this is a text file, not a database\n" * 100, encoding="utf-8")
    result = govmon("--db", str(bad), "status")
    assert result.exit_code == 2 and "not a govmon database" in one_error_line(result)


def test_report_into_a_place_that_cannot_be_written(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = govmon("--db", str(tmp_path / "g.db"), "report", "--quarter", "2022Q4", "--out", str(blocker / "sub"))
    assert result.exit_code == 2 and "cannot be written" in one_error_line(result)


def test_a_log_file_that_cannot_be_created(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[log]\nfile = "{blocker / "logs" / "govmon.log"}"\n', encoding="utf-8")
    result = govmon("--config", str(config), "--db", str(tmp_path / "g.db"), "run", "--tick", "3600")
    assert result.exit_code == 2 and "log file cannot be created" in one_error_line(result)


@pytest.mark.parametrize(("text", "message"), [
    ("[regions]\norder = [1, 2]\n", "'regions.order' must be a list of names"),
    ("[crawl]\nconnect_timeout_s = 0\n", "'crawl.connect_timeout_s' must be greater than 0, got 0"),
    ("[crawl]\nmax_redirects = -1\n", "'crawl.max_redirects' must be at least 0 and at most 30, got -1"),
    ("[crawl]\nmax_response_bytes = -1\n", "'crawl.max_response_bytes' must be at least 1024, got -1"),
    ("[crawl.host_overrides]\n\"www.a.gov.cn\" = 5\n", "'crawl.host_overrides.www.a.gov.cn' must be a string"),
    ("[crawl]\nfetch_deadline_s = -5.0\n", "'crawl.fetch_deadline_s' must be greater than 0"),
    ("[schedule]\nreport_hour = 24\n", "'schedule.report_hour' must be at least 0 and at most 23"),
    ("[probe]\njitter_s = -1.0\n", "'probe.jitter_s' must be at least 0"),  # not listed: >= 0 by default
])
def test_out_of_range_settings_are_refused_naming_key_file_and_range(tmp_path, text, message) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    result = govmon("--config", str(config), "status")
    assert result.exit_code == 2
    line = one_error_line(result)
    assert str(config) in line and message in line


def test_every_packaged_default_is_within_its_range(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    packaged = REPO / "config.toml"
    copy = tmp_path / "mine.toml"
    copy.write_text(packaged.read_text(encoding="utf-8"), encoding="utf-8")
    load_settings(copy)  # every default passed through the user-file checks


@pytest.mark.parametrize("name", ["empty.csv", "headerless.csv", "binary.csv"])
def test_a_file_that_is_not_a_registry_is_a_bad_file_exit_2(tmp_path, name) -> None:
    path = tmp_path / name
    content = {"empty.csv": b"", "headerless.csv": "甲,乙\n1,2\n".encode(), "binary.csv": bytes(range(256)) * 8}
    path.write_bytes(content[name])
    result = govmon("--db", str(tmp_path / "g.db"), "registry", "import", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_a_compact_date_means_the_end_of_the_day_like_the_dashed_one(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert parse_moment("20221228", settings) == parse_moment("2022-12-28", settings)
    assert parse_moment("2022-12-28", settings).hour == 23


def test_an_unforeseen_file_error_under_the_entry_point_is_one_line_exit_3(monkeypatch, capsys) -> None:
    """The last net under every command: an OSError no command foresaw is still one line, exit 3."""
    import monitor.cli

    def broken() -> None:
        raise PermissionError(13, "Permission denied", "/var/lib/govmon/govmon.db")

    monkeypatch.setattr(monitor.cli, "app", broken)
    with pytest.raises(SystemExit) as exit_info:
        monitor.cli.main()
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert "/var/lib/govmon/govmon.db: Permission denied" in err and "Traceback" not in err
