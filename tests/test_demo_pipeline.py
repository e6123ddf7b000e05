"""End to end on the fixture province: import, check, report — and `govmon demo` as a user runs it.

The checks must find exactly the defects the province was built with (ExpectedDefects), no more:
the just-under site and the healthy portal must pass.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fixture_province import running_province, settings_for  # noqa: F401 (fixture)
from typer.testing import CliRunner

from monitor.cli import app
from monitor.config import load_settings
from monitor.demo import DEMO_AS_OF, RunningProvince
from monitor.demo.pipeline import PipelineResult, run_demo_pipeline
from monitor.models import SubjectKind
from monitor.store import FindingFilter, Store


@pytest.fixture(scope="module")
def checked(running_province: RunningProvince, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
            ) -> tuple[PipelineResult, Path]:
    settings = settings_for(running_province, tmp_path_factory.mktemp("pipeline"))
    return run_demo_pipeline(running_province, settings, DEMO_AS_OF, say=lambda _: None), settings.database


def test_every_step_ran_and_the_registry_imported_cleanly(checked) -> None:
    result, _ = checked
    assert result.imported.errors == []
    assert result.imported.websites.added == 7 and result.imported.accounts.added == 5


def test_websites_show_exactly_their_known_defects(checked, running_province) -> None:  # noqa: F811
    result, _ = checked
    assert {o.name for o in result.websites} == set(running_province.province.expected.websites)
    assert {o.name: o.mismatches for o in result.websites if o.mismatches} == {}
    verdicts = {o.name: o.verdict for o in result.websites}
    assert verdicts["四川省应急管理厅（示例）"] == "合格" and verdicts["理县人民政府（示例）"] == "不合格"


def test_accounts_show_exactly_their_known_defects(checked, running_province) -> None:  # noqa: F811
    result, _ = checked
    assert {o.name for o in result.accounts} == set(running_province.province.expected.accounts)
    assert {o.name: o.mismatches for o in result.accounts if o.mismatches} == {}
    assert {o.name: o.verdict for o in result.accounts}["四川应急（示例）"] == "待人工核查"


def test_findings_name_the_columns_the_province_made_stale_or_blank(checked, running_province) -> None:  # noqa: F811
    _, database = checked
    store = Store.open(database)
    try:
        for website in store.websites():
            expect = running_province.province.expected.websites[website.name]
            for rule, names, key in (("stale_columns", expect.stale_columns, "stale_columns"),
                                     ("blank_columns", expect.blank_columns, "blank_columns")):
                found = store.findings(FindingFilter(subject_kind=SubjectKind.WEBSITE, subject_id=website.id, rule=rule))
                if rule in expect.found:
                    assert {c["column"] for c in found[0].evidence[key]} == set(names)
                else:
                    assert found == []
    finally:
        store.close()


def test_report_files_are_written(checked) -> None:
    result, _ = checked
    suffixes = {p.suffix for p in result.report_files}
    assert {".xlsx", ".docx", ".md", ".csv"} <= suffixes
    assert all(p.stat().st_size > 0 for p in result.report_files)


def test_govmon_assess_scores_the_checked_province(checked, running_province, tmp_path: Path,  # noqa: F811
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The half-year assessment on the demo: a site with a veto is 不合格, a passing site takes a tier, and
    every line of a score sheet names a finding of that site stored with that rule."""
    _, database = checked
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["--db", str(database), "assess", "--half", "2022H2", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = running_province.province.expected.websites
    statuses = {s["name"]: s["status"] for s in data["sheets"]}
    assert statuses == {name: "参评" if expected[name].passes else "不合格" for name in statuses}
    assert "四川省应急管理厅（示例）" in data["groups"]["departments"]["tiers"]["第一等次"]
    assert "四川省人民政府（示例）" not in statuses  # the province portal takes no group of 附件3
    store = Store.open(database)
    try:
        for sheet in data["sheets"]:
            website = store.find_website(sheet["url"])
            for line in sheet["lines"]:
                if line["finding_id"] is not None:
                    finding = store.finding(line["finding_id"])
                    assert finding is not None and finding.subject_id == website.id and finding.rule == line["rule"]
    finally:
        store.close()
    assert sorted(Path(p).suffix for p in data["files"]) == [".docx", ".md", ".xlsx"]
    text = (tmp_path / "govmon_2022H2_assessment.md").read_text(encoding="utf-8")
    assert "### 下半年政府网站评估情况" in text and "“四川省应急管理厅（示例）”网" in text


def _refused(address: str) -> bool:
    """Whether nothing listens at a host override's first address ("127.0.0.1:PORT,[::1]:PORT")."""
    host, port = address.split(",")[0].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def test_govmon_demo_checks_the_province_and_stops_its_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               wide_output: None) -> None:
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    out = tmp_path / "demo-out"
    answer = CliRunner().invoke(app, ["demo", "--out", str(out)])
    assert answer.exit_code == 0, answer.output
    assert answer.output.count("│ 相符") == 7 + 5 and "differ" not in answer.output  # every subject as expected
    assert (out / "govmon-demo.db").is_file() and list((out / "reports").iterdir())
    settings = load_settings(out / "config.toml", cwd_default=False)
    assert settings.database == out / "govmon-demo.db" and settings.crawl.allow_private_targets
    urls = [line.split(",")[1] for line in (out / "websites.csv").read_text(encoding="utf-8").splitlines()[1:]]
    overrides = settings.crawl.host_overrides
    assert len(urls) == 7 and all(_refused(overrides[urlsplit(url).hostname or ""]) for url in urls)


def _default_sigint() -> None:
    """The demo must see Ctrl-C as a user's terminal sends it, whatever the test runner's own SIGINT handling."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_govmon_demo_keeps_serving_until_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GOVMON_CONFIG"}
    command = [sys.executable, "-m", "monitor", "demo", "--out", str(tmp_path), "--keep-serving", "--no-check"]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_default_sigint
    )
    try:
        lines = []
        while not any("press Ctrl-C" in line for line in lines):
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        url = (tmp_path / "websites.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[1]
        address = load_settings(tmp_path / "config.toml", cwd_default=False).crawl.host_overrides[urlsplit(url).hostname]
        local = f"https://{address.split(',')[0]}/"  # the site's name is answered on 127.0.0.1:PORT
        assert httpx.get(local, verify=False).status_code == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _refused(local.split("//")[1].rstrip("/"))
    assert not (tmp_path / "govmon-demo.db").exists()  # --no-check: nothing imported


def test_calendar_trap_does_not_eat_the_page_budget(checked) -> None:
    _, database = checked
    store = Store.open(database)
    try:
        portal = store.find_website("四川省人民政府（示例）")
        run = store.last_run(SubjectKind.WEBSITE, portal.id, "site")
    finally:
        store.close()
    assert run["outcome"] == "ok" and 0 < run["pages"] < 60  # 8 columns, a few articles, no endless months


@pytest.mark.browser
def test_veto_findings_have_screenshots_shown_in_the_docx(checked, chromium: Path) -> None:
    """With Chromium installed, every website veto finding of the demo has its page photographed,
    beside the database, and the Word report carries the pictures."""
    from docx import Document

    result, database = checked
    store = Store.open(database)
    try:
        vetoes = [f for f in store.findings(FindingFilter(subject_kind=SubjectKind.WEBSITE))
                  if f.severity == "veto" and f.rule != "unreachable"]
    finally:
        store.close()
    assert vetoes
    for finding in vetoes:
        shot = Path(finding.evidence["screenshot"])
        assert shot.parent.parent == database.parent / f"{database.stem}-screenshots", shot
        assert shot.read_bytes().startswith(b"\x89PNG")
    docx = next(p for p in result.report_files if p.suffix == ".docx")
    pictures = [shape for shape in Document(str(docx)).inline_shapes]
    assert len(pictures) == len({f.evidence["screenshot"] for f in vetoes})
