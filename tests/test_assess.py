"""The half-year scoring model: loading rules/assessment.toml, one site's arithmetic, tiers and ties,
and a bad model stopping `govmon assess` with one line naming the file and the key."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.assess.model import RANKS, AssessmentModel
from monitor.assess.scoring import (
    ASSESSED,
    FAILED,
    UNASSESSED,
    ManualScore,
    ScoreSheet,
    SiteInputs,
    score_site,
)
from monitor.assess.tiers import place
from monitor.checks.availability import AvailabilityTally
from monitor.cli import app
from monitor.models import Finding, Severity, Status, Website
from monitor.rulebook import Rulebook
from monitor.times import parse_iso

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model(rulebook: Rulebook) -> AssessmentModel:
    return rulebook.assessment


def _site(name: str, number: int = 1, kind: str = "县级门户") -> Website:
    return Website(name=name, url=f"https://www.s{number}.gov.cn/", region="阿坝", kind=kind, site_code="", id=number)


def _finding(rule: str, severity: Severity, number: int, **evidence: object) -> Finding:
    return Finding(rule=rule, severity=severity, wording=rule, evidence=dict(evidence), id=number,
                   first_seen=parse_iso("2022-10-01T10:00:00+08:00"), last_seen=parse_iso("2022-12-01T10:00:00+08:00"))


def _score(model: AssessmentModel, **inputs: object) -> ScoreSheet:
    defaults: dict[str, object] = {"website": _site("甲县人民政府"), "checks": 1, "last_check": "2022-12-28T10:00:00+08:00"}
    return score_site(SiteInputs(**{**defaults, **inputs}), model, model.groups[-1])  # type: ignore[arg-type]


def test_packaged_model_adds_up_and_groups_the_registry_kinds(model: AssessmentModel) -> None:
    assert sum(i.points for i in model.indicators) == model.deduction_full == 100
    assert (model.bonus_full, model.bonus_from, model.pass_line) == (30, 80, 60)
    assert [model.group_of_kind(k).id for k in ("市级门户", "省级部门", "县级门户")] == [  # type: ignore[union-attr]
        "city_portals", "departments", "counties"]
    assert model.group_of_kind("市级部门") is None


def test_deductions_are_capped_per_rule_and_per_indicator(model: AssessmentModel) -> None:
    sheet = _score(model, findings=[_finding("dead_links", Severity.DEDUCTION, 7, count=30, links=[{"url": "https://x/1"}])])
    [line] = sheet.lines
    assert (line.points, line.finding_id, line.rule, line.url) == (5, 7, "dead_links", "https://x/1")  # 30 × 0.5, cap 5
    many = [_finding("jiucuo_code_mismatch", Severity.DEDUCTION, n) for n in range(1, 5)]
    found = [*many, _finding("footer_identity", Severity.WARNING, 9), _finding("dead_links", Severity.DEDUCTION, 7, count=30)]
    sheet = _score(model, findings=found)
    function = next(i for i in sheet.indicators if i.name == "功能设计")
    assert sum(line.points for line in sheet.lines) == 14  # 4 × 2 + 1 + 5 taken ...
    assert (function.taken, sheet.deduction_part) == (10, 90)  # ... but the indicator has only 10


def test_a_veto_fails_whatever_the_points_and_undetermined_never_deducts(model: AssessmentModel) -> None:
    unsure = Finding(rule="undetermined", severity=Severity.WARNING, wording="未能判断", id=3,
                     evidence={"rule": "stale_columns", "rule_wording": "多个栏目不更新", "reason": "页面未能读取"})
    sheet = _score(model, findings=[_finding("blank_columns", Severity.VETO, 2), unsure],
                   stale_counts={"stale_columns": 3})
    assert sheet.status == FAILED and sheet.reasons == ("blank_columns",)
    assert [(line.kind, line.points) for line in sheet.lines] == [
        ("单项否决", 0), ("未能判断", 0), ("扣分", 3)]
    dismissed = replace(_finding("blank_columns", Severity.VETO, 2), status=Status.DISMISSED)
    suspect = _finding("forged_dates", Severity.WARNING, 4, level="疑似")
    assert _score(model, findings=[dismissed, suspect]).lines == ()
    confirmed = replace(suspect, status=Status.CONFIRMED)
    assert _score(model, findings=[confirmed]).status == FAILED


def test_no_look_in_the_half_year_is_no_score(model: AssessmentModel) -> None:
    assert _score(model, checks=0, last_check="").status == UNASSESSED
    looked = ManualScore("interpretation", 0, "", "2022-11-01", "评分.csv:2")
    assert _score(model, checks=0, manual=(looked,)).status == ASSESSED


def test_bonus_counts_only_above_80_and_below_60_fails(model: AssessmentModel) -> None:
    bonus = ManualScore("加分", 40, "", "2022-11-01", "评分.csv:2")
    taken = ManualScore("info", 19, "", "2022-11-01", "评分.csv:3")
    sheet = _score(model, manual=(bonus, taken))
    assert (sheet.deduction_part, sheet.bonus, sheet.total) == (81, 30, 111)
    sheet = _score(model, manual=(bonus, replace(taken, points=20)))
    assert (sheet.deduction_part, sheet.bonus, sheet.status) == (80, 0, ASSESSED)
    failing = (ManualScore("info", 40, "", "2022-11-01", "x:2"), ManualScore("services", 1, "", "2022-11-01", "x:3"))
    assert _score(model, manual=failing).status == FAILED


def test_departments_without_public_services_are_scored_out_of_75(model: AssessmentModel) -> None:
    taken = (ManualScore("info", 15, "", "2022-11-01", "x:2"), ManualScore("services", 25, "", "2022-11-01", "x:3"))
    sheet = _score(model, manual=taken, no_public_services=True)
    assert sheet.deduction_part == 80  # (75 - 15) × 4/3, the services deduction not counted


def test_availability_deducts_per_point_of_failed_probes(model: AssessmentModel) -> None:
    sheet = _score(model, availability=AvailabilityTally(total=400, failed=10))
    [line] = sheet.lines
    assert (line.points, line.rule, line.indicator) == (2.5, "availability", "功能设计")
    assert _score(model, availability=AvailabilityTally(total=10, failed=5)).lines == ()  # too few probes


def test_cutoffs_keep_equal_scores_together_and_ranks_never_split_ties(model: AssessmentModel) -> None:
    scores = [95, 90, 90, 85, 60.5]
    sheets = [_score(model, website=_site(f"{n}县人民政府", n), manual=(ManualScore("info", 100 - s, "", "d", "x:1"),))
              for n, s in enumerate(scores, start=1)]
    group = model.groups[-1]  # counties: 90 / 80 / 70
    result = place(group, sheets)
    assert [[s.total for s in tier] for _name, tier in result.tiers] == [[95, 90, 90], [85], [], [60.5]]
    by_rank = place(replace(group, method=RANKS, cutoffs=(), ranks=(2, 1, 1)), list(reversed(sheets)))
    assert [[s.total for s in tier] for _name, tier in by_rank.tiers] == [[95, 90, 90], [85], [60.5], []]
    assert [s.website.name for s in by_rank.tiers[0][1]] == ["1县人民政府", "2县人民政府", "3县人民政府"]


@pytest.mark.parametrize(("edit", "message"), [
    ('[deductions.no_such_rule]\nindicator = "info"\npoints = 1\n', "unknown rule 'deductions.no_such_rule'"),
    ('[deductions.dead_links]\nindicator = "info"\npoints = 1\nper = "page"\n', "'deductions.dead_links.per'"),
    ('[scale]\ndeduction_full = 100\nbonus_ful = 30\n', "unknown key 'scale.bonus_ful'"),
])
def test_a_bad_model_stops_assess_with_the_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        edit: str, message: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules, ignore=shutil.ignore_patterns("gazetteer", "spam", "wording", "illegal_domains"))
    text = (rules / "assessment.toml").read_text(encoding="utf-8")
    table = edit.split("]")[0] + "]"
    if table in text:  # replace the packaged table by the edited one
        start = text.index(table)
        end = text.find("\n[", start + 1)
        text = text[:start] + text[end + 1:]
    (rules / "assessment.toml").write_text(text + "\n" + edit, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[rules]\ndirectory = "{rules}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["--config", str(config), "--db", str(tmp_path / "g.db"), "assess", "--half", "2022H2"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert str(rules / "assessment.toml") in output.replace(" ", "") or "assessment.toml" in output
    assert message in output and "Traceback" not in output


def test_a_bad_half_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "g.db"), "assess", "--half", "2022H3"])
    assert result.exit_code == 2 and "YYYYH1 or YYYYH2" in result.output
