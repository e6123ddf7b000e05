"""One site's score sheet: pure arithmetic over the half-year's findings, measurements and inspectors'
scores, as the model in rules/assessment.toml says. No store, no clock: same inputs, same sheet.

Every point taken or given is a `Line` naming where it came from (finding id, rule, wording, URL, or
the measurement, or the inspector's sheet and line), so a tier can be traced back to evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from monitor.assess.model import PER_COUNT, AssessmentModel, Deduction, Group
from monitor.checks.availability import AvailabilityTally
from monitor.models import UNDETERMINED, Finding, Severity, Status, Website
from monitor.times import optional_iso

SUSPECTED = "疑似"  # evidence level of a finding that counts only once a reviewer confirms it
BONUS = "加分"
ASSESSED, FAILED, UNASSESSED = "参评", "不合格", "未评估"
VETO, DEDUCT, ADD, UNSURE = "单项否决", "扣分", "加分", "未能判断"


@dataclass(frozen=True)
class ManualScore:
    """An inspector's deduction (or bonus) for one site, from a scores sheet."""

    indicator: str  # an indicator id, or BONUS
    points: float  # >= 0: taken from the indicator, or added as bonus
    note: str
    seen_at: str
    where: str  # file:line


@dataclass(frozen=True)
class SiteInputs:
    """What the half-year holds about one site."""

    website: Website
    findings: list[Finding] = field(default_factory=list)  # open at some moment of the half-year
    checks: int = 0  # site checks that read the home page during the half-year
    last_check: str = ""  # as_of of the last of them
    stale_counts: dict[str, int] | None = None  # columns found stale at that last check, per rule
    availability: AvailabilityTally | None = None  # probes of the half-year
    manual: tuple[ManualScore, ...] = ()
    no_public_services: bool = False


@dataclass(frozen=True)
class Line:
    kind: str  # 单项否决 / 扣分 / 加分 / 未能判断
    indicator: str  # indicator name ('' for a veto or an undetermined rule)
    item: str  # the problem in official wording, or the measurement
    points: float  # taken (扣分) or given (加分), after the rule's own cap
    basis: str  # where it came from, in words
    rule: str = ""
    finding_id: int | None = None
    url: str = ""


@dataclass(frozen=True)
class IndicatorScore:
    name: str
    points: float
    taken: float  # deductions filed under it, after the indicator's cap
    counted: bool = True  # False: left out (a department without public services)

    @property
    def score(self) -> float:
        return round(self.points - self.taken, 2)


@dataclass(frozen=True)
class ScoreSheet:
    website: Website
    group: Group | None
    status: str  # 参评 / 不合格 / 未评估
    reasons: tuple[str, ...]  # why 不合格 or 未评估
    lines: tuple[Line, ...]
    indicators: tuple[IndicatorScore, ...]
    deduction_part: float  # out of scale.deduction_full (scaled back for no public services)
    bonus_claimed: float
    bonus: float  # what counts
    checks: int
    last_check: str
    no_public_services: bool = False

    @property
    def total(self) -> float:
        return round(self.deduction_part + self.bonus, 2)


def score_site(inputs: SiteInputs, model: AssessmentModel, group: Group | None) -> ScoreSheet:
    """The score sheet of one site for the half-year."""
    lines: list[Line] = []
    vetoes = [f for f in inputs.findings if counts_as_veto(f)]
    lines += [_finding_line(VETO, "", f, 0.0, inputs.website) for f in vetoes]
    lines += [_undetermined_line(f, inputs.website) for f in inputs.findings if _undetermined(f)]
    lines += _finding_deductions(inputs, model)
    lines += _measure_deductions(inputs, model)
    lines += _manual_lines(inputs.manual, model)
    indicators = _indicator_scores(lines, model, inputs.no_public_services)
    counted = [i for i in indicators if i.counted]
    base = sum(i.points for i in counted)
    raw = sum(i.points - i.taken for i in counted)
    deduction_part = round(raw * model.deduction_full / base if base else 0.0, 2)
    claimed = sum(line.points for line in lines if line.kind == ADD)
    bonus = round(min(claimed, model.bonus_full), 2) if deduction_part > model.bonus_from else 0.0
    looked = inputs.checks > 0 or bool(inputs.manual)
    reasons: list[str] = []
    if vetoes:
        reasons += list(dict.fromkeys(f.wording for f in vetoes))
    elif not looked:
        reasons.append("本半年无检查记录，也无人工评分")
    elif deduction_part < model.pass_line:
        reasons.append(f"扣分指标得分 {deduction_part:g} 低于 {model.pass_line:g} 分")
    status = FAILED if vetoes or (looked and deduction_part < model.pass_line) else ASSESSED if looked else UNASSESSED
    return ScoreSheet(
        website=inputs.website, group=group, status=status, reasons=tuple(reasons), lines=tuple(lines),
        indicators=indicators, deduction_part=deduction_part, bonus_claimed=round(claimed, 2), bonus=bonus,
        checks=inputs.checks, last_check=inputs.last_check, no_public_services=inputs.no_public_services,
    )


def counts_as_veto(finding: Finding) -> bool:
    """A veto finding no reviewer dismissed, or a 疑似 finding a reviewer confirmed (as the quarterly report)."""
    if finding.status == Status.DISMISSED:
        return False
    return finding.severity == Severity.VETO or (finding.status == Status.CONFIRMED and _suspected(finding))


def _suspected(finding: Finding) -> bool:
    return isinstance(finding.evidence, dict) and finding.evidence.get("level") == SUSPECTED


def _undetermined(finding: Finding) -> bool:
    return finding.rule == UNDETERMINED and finding.status != Status.DISMISSED


def _deductible(finding: Finding) -> bool:
    """Counts for a deduction: not dismissed, not 未能判断, not an unconfirmed 疑似, not a veto."""
    if finding.status == Status.DISMISSED or finding.rule == UNDETERMINED or counts_as_veto(finding):
        return False
    return not _suspected(finding) or finding.status == Status.CONFIRMED


def _finding_deductions(inputs: SiteInputs, model: AssessmentModel) -> list[Line]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in inputs.findings:
        if finding.rule in model.deductions and _deductible(finding):
            by_rule[finding.rule].append(finding)
    lines: list[Line] = []
    for rule in model.deductions:  # the model's order, so sheets read the same every time
        spec = model.deductions[rule]
        left = spec.cap
        name = model.indicator(spec.indicator).name
        for finding in sorted(by_rule[rule], key=lambda f: f.id or 0):
            units = _count(finding) if spec.per == PER_COUNT else 1
            points = spec.points * units
            if left is not None:
                points, left = min(points, left), max(left - points, 0.0)
            lines.append(_finding_line(DEDUCT, name, finding, round(points, 2), inputs.website, units, spec))
    return lines


def _count(finding: Finding) -> int:
    value = finding.evidence.get("count") if isinstance(finding.evidence, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _finding_line(kind: str, indicator: str, finding: Finding, points: float, website: Website,
                  units: int = 1, spec: Deduction | None = None) -> Line:
    how = ""
    if spec is not None:
        how = f"，{units} 处 × {spec.points:g} 分" if spec.per == PER_COUNT else f"，每项 {spec.points:g} 分"
        if spec.cap is not None:
            how += f"（本项最多 {spec.cap:g} 分）"
    source = "人工录入" if str(finding.source) == "manual" else "自动监测"
    seen = f"{(optional_iso(finding.first_seen) or '')[:10]} 至 {(optional_iso(finding.last_seen) or '')[:10]}"
    basis = f"问题 #{finding.id}（{finding.rule}，{source}，{seen}）{how}"
    return Line(kind, indicator, finding.wording, points, basis, finding.rule, finding.id,
                _evidence_url(finding.evidence, website.url))


def _undetermined_line(finding: Finding, website: Website) -> Line:
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    what = str(evidence.get("rule_wording") or evidence.get("rule") or "")
    reason = str(evidence.get("reason") or "")
    return Line(UNSURE, "", f"{what}：{reason}" if reason else what, 0.0,
                f"问题 #{finding.id}（{finding.rule}）：证据不足，不扣分也不算合格", finding.rule, finding.id,
                _evidence_url(evidence, website.url))


def _evidence_url(evidence: Any, fallback: str) -> str:
    """The page a finding points at: its own URL, else its first listed link or page, else the home page."""
    if not isinstance(evidence, dict):
        return fallback
    for key in ("url", "page_url", "home_page"):
        if isinstance(evidence.get(key), str) and evidence[key]:
            return str(evidence[key])
    for key in ("links", "columns", "pages", "matches"):
        entries = evidence.get(key)
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            for inner in ("url", "href", "page_url"):
                if isinstance(entries[0].get(inner), str) and entries[0][inner]:
                    return str(entries[0][inner])
    return fallback


def _measure_deductions(inputs: SiteInputs, model: AssessmentModel) -> list[Line]:
    lines: list[Line] = []
    spec = model.measures.get("availability")
    tally = inputs.availability
    if spec is not None and tally is not None and tally.total >= max(spec.min_probes, 1) and tally.failed:
        percent = tally.share * 100
        points = _capped(spec.points * percent, spec)
        lines.append(Line(DEDUCT, model.indicator(spec.indicator).name, "首页可用性",
                          points, f"本半年探测 {tally.total} 次，失败 {tally.failed} 次（{percent:.2f}%），"
                          f"每个百分点 {spec.points:g} 分" + _cap_text(spec), "availability", None, inputs.website.url))
    for name, label in (("stale_columns", "动态要闻、通知公告、政策文件类栏目未及时更新"),
                        ("stale_columns_long", "应更新栏目长期未更新")):
        spec = model.measures.get(name)
        count = (inputs.stale_counts or {}).get(name, 0)
        if spec is None or count <= 0 or any(f.rule == name and counts_as_veto(f) for f in inputs.findings):
            continue  # at the veto line the veto decides
        lines.append(Line(DEDUCT, model.indicator(spec.indicator).name, label, _capped(spec.points * count, spec),
                          f"本半年最后一次检查（{inputs.last_check[:10]}）发现 {count} 个，每个 {spec.points:g} 分"
                          + _cap_text(spec), name, None, inputs.website.url))
    return lines


def _capped(points: float, spec: Deduction) -> float:
    return round(min(points, spec.cap) if spec.cap is not None else points, 2)


def _cap_text(spec: Deduction) -> str:
    return f"（本项最多 {spec.cap:g} 分）" if spec.cap is not None else ""


def _manual_lines(scores: tuple[ManualScore, ...], model: AssessmentModel) -> list[Line]:
    lines = []
    for score in scores:
        if score.indicator == BONUS:
            lines.append(Line(ADD, BONUS, score.note or "加分项", score.points, f"人工评分 {score.where}（{score.seen_at}）"))
        else:
            name = model.indicator(score.indicator).name
            lines.append(Line(DEDUCT, name, score.note or name, score.points, f"人工评分 {score.where}（{score.seen_at}）"))
    return lines


def _indicator_scores(lines: list[Line], model: AssessmentModel, no_services: bool) -> tuple[IndicatorScore, ...]:
    taken: dict[str, float] = defaultdict(float)
    for line in lines:
        if line.kind == DEDUCT:
            taken[line.indicator] += line.points
    return tuple(
        IndicatorScore(i.name, i.points, round(min(taken[i.name], i.cap), 2),
                       counted=not (no_services and i.id == model.services_indicator))
        for i in model.indicators
    )
