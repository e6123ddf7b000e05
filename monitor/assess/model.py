"""The scoring model of the half-year assessment, read from `rules/assessment.toml` and checked once.

A supervisor edits the points, deductions, groups and cut-offs there; a typo (an unknown key, rule id,
indicator or group, a number out of range) stops govmon with one line naming the file and the key
instead of scoring sites on a model nobody wrote.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.config import read_toml
from monitor.rulebook import RulesError

PER_FINDING, PER_COUNT = "finding", "count"
CUTOFFS, RANKS = "cutoffs", "ranks"
MEASURES = ("availability", "stale_columns", "stale_columns_long")

_TOP_KEYS = {"scale", "indicators", "deductions", "measures", "no_public_services", "groups", "tables"}
_SCALE_KEYS = {"deduction_full", "bonus_full", "bonus_from", "pass_line", "services_indicator"}
_INDICATOR_KEYS = {"name", "points", "cap"}
_DEDUCTION_KEYS = {"indicator", "points", "per", "cap"}
_MEASURE_KEYS = {"indicator", "points", "cap", "min_probes"}
_GROUP_KEYS = {"label", "kinds", "tiers", "method", "cutoffs", "ranks"}
_TABLE_KEYS = {"title", "groups"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # 信息发布, 解读回应 …
    points: float
    cap: float  # the most its deductions can take (its points unless set lower)


@dataclass(frozen=True)
class Deduction:
    """Points taken for findings of one rule, or for one measurement."""

    source: str  # a rule id, or a measure name
    indicator: str
    points: float
    per: str = PER_FINDING  # finding | count (rules); per unit measured (measures)
    cap: float | None = None
    min_probes: int = 0  # availability only


@dataclass(frozen=True)
class Group:
    id: str
    label: str  # 市（州）政府门户网站
    kinds: tuple[str, ...]  # registry 网站类型 it takes
    tiers: tuple[str, ...]
    method: str  # cutoffs | ranks
    cutoffs: tuple[float, ...] = ()
    ranks: tuple[int, ...] = ()


@dataclass(frozen=True)
class AnnexTable:
    title: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentModel:
    path: Path
    deduction_full: float
    bonus_full: float
    bonus_from: float
    pass_line: float
    services_indicator: str
    indicators: tuple[Indicator, ...]
    deductions: dict[str, Deduction]  # rule id -> deduction
    measures: dict[str, Deduction]  # measure name -> deduction
    no_public_services: tuple[str, ...]  # site names or URLs
    groups: tuple[Group, ...]
    tables: tuple[AnnexTable, ...]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def indicator_named(self, name: str) -> Indicator | None:
        """An indicator by its id or its Chinese name (as inspectors write it in a sheet)."""
        wanted = "".join(name.split())
        return next((i for i in self.indicators if wanted in (i.id, i.name)), None)

    def group_of_kind(self, kind: str) -> Group | None:
        return next((g for g in self.groups if kind in g.kinds), None)


def load_model(path: Path, rule_ids: Collection[str]) -> AssessmentModel:
    """Read and check `path`; deductions may only name rules of rules/rules.toml (`rule_ids`)."""
    data = read_toml(path, RulesError)
    _no_unknown(path, "", data, _TOP_KEYS)
    scale = _table(path, "scale", data.get("scale"))
    _no_unknown(path, "scale.", scale, _SCALE_KEYS)
    indicators = _indicators(path, _table(path, "indicators", data.get("indicators")))
    known = {i.id for i in indicators}
    full = _number(path, "scale.deduction_full", scale.get("deduction_full", 100), minimum=1)
    total = sum(i.points for i in indicators)
    if abs(total - full) > 1e-9:
        raise RulesError(f"{path}: 'indicators' points add up to {total:g}, not scale.deduction_full = {full:g}")
    services = str(scale.get("services_indicator", ""))
    if services and services not in known:
        raise RulesError(f"{path}: 'scale.services_indicator' names no indicator: {services!r}")
    deductions = {
        rule: _deduction(path, f"deductions.{rule}", rule, table, known, _DEDUCTION_KEYS - {"min_probes"})
        for rule, table in _table(path, "deductions", data.get("deductions", {})).items()
    }
    unknown_rules = sorted(set(deductions) - set(rule_ids))
    if unknown_rules:
        raise RulesError(f"{path}: unknown rule 'deductions.{unknown_rules[0]}' (not in rules.toml)")
    measures = {}
    for name, table in _table(path, "measures", data.get("measures", {})).items():
        if name not in MEASURES:
            raise RulesError(f"{path}: unknown measure 'measures.{name}' (known: {', '.join(MEASURES)})")
        measures[name] = _deduction(path, f"measures.{name}", name, table, known, _MEASURE_KEYS)
    no_services = _table(path, "no_public_services", data.get("no_public_services", {}))
    _no_unknown(path, "no_public_services.", no_services, {"sites"})
    groups = _groups(path, _table(path, "groups", data.get("groups")))
    return AssessmentModel(
        path=path,
        deduction_full=full,
        bonus_full=_number(path, "scale.bonus_full", scale.get("bonus_full", 0)),
        bonus_from=_number(path, "scale.bonus_from", scale.get("bonus_from", 0)),
        pass_line=_number(path, "scale.pass_line", scale.get("pass_line", 0)),
        services_indicator=services,
        indicators=indicators,
        deductions=deductions,
        measures=measures,
        no_public_services=_strings(path, "no_public_services.sites", no_services.get("sites", [])),
        groups=groups,
        tables=_tables(path, data.get("tables"), {g.id for g in groups}),
    )


def _indicators(path: Path, data: dict[str, Any]) -> tuple[Indicator, ...]:
    if not data:
        raise RulesError(f"{path}: 'indicators' is empty: give at least one indicator")
    found = []
    for indicator_id, raw in data.items():
        key = f"indicators.{indicator_id}"
        table = _table(path, key, raw)
        _no_unknown(path, f"{key}.", table, _INDICATOR_KEYS)
        points = _number(path, f"{key}.points", table.get("points"), minimum=0)
        cap = _number(path, f"{key}.cap", table.get("cap", points))
        found.append(Indicator(indicator_id, _text(path, f"{key}.name", table.get("name")), points, min(cap, points)))
    return tuple(found)


def _deduction(path: Path, key: str, source: str, raw: Any, indicators: set[str], allowed: set[str]) -> Deduction:
    table = _table(path, key, raw)
    _no_unknown(path, f"{key}.", table, allowed)
    indicator = table.get("indicator")
    if indicator not in indicators:
        raise RulesError(f"{path}: '{key}.indicator' must name an indicator ({', '.join(sorted(indicators))}), "
                         f"got {indicator!r}")
    per = table.get("per", PER_FINDING)
    if "per" in allowed and per not in (PER_FINDING, PER_COUNT):
        raise RulesError(f"{path}: '{key}.per' must be \"finding\" or \"count\", got {per!r}")
    cap = table.get("cap")
    return Deduction(
        source=source, indicator=str(indicator), points=_number(path, f"{key}.points", table.get("points")),
        per=str(per), cap=None if cap is None else _number(path, f"{key}.cap", cap),
        min_probes=int(_number(path, f"{key}.min_probes", table.get("min_probes", 0))),
    )


def _groups(path: Path, data: dict[str, Any]) -> tuple[Group, ...]:
    groups: list[Group] = []
    seen_kinds: dict[str, str] = {}
    for group_id, raw in data.items():
        key = f"groups.{group_id}"
        table = _table(path, key, raw)
        _no_unknown(path, f"{key}.", table, _GROUP_KEYS)
        kinds = _strings(path, f"{key}.kinds", table.get("kinds"))
        for kind in kinds:
            if kind in seen_kinds:
                raise RulesError(f"{path}: '{key}.kinds' repeats {kind!r} of groups.{seen_kinds[kind]}")
            seen_kinds[kind] = group_id
        tiers = _strings(path, f"{key}.tiers", table.get("tiers"))
        if not tiers:
            raise RulesError(f"{path}: '{key}.tiers' is empty")
        method = table.get("method", CUTOFFS)
        if method not in (CUTOFFS, RANKS):
            raise RulesError(f"{path}: '{key}.method' must be \"cutoffs\" or \"ranks\", got {method!r}")
        limits = table.get(method)
        if not isinstance(limits, list) or len(limits) != len(tiers) - 1:
            raise RulesError(f"{path}: '{key}.{method}' must list {len(tiers) - 1} number(s), one per tier but the last")
        numbers = tuple(_number(path, f"{key}.{method}", value) for value in limits)
        if method == CUTOFFS and list(numbers) != sorted(numbers, reverse=True):
            raise RulesError(f"{path}: '{key}.cutoffs' must go down, from the first tier to the last")
        if method == RANKS and any(n != int(n) for n in numbers):
            raise RulesError(f"{path}: '{key}.ranks' must be whole numbers of sites")
        groups.append(Group(
            id=group_id, label=_text(path, f"{key}.label", table.get("label")), kinds=kinds, tiers=tiers,
            method=method, cutoffs=numbers if method == CUTOFFS else (),
            ranks=tuple(int(n) for n in numbers) if method == RANKS else (),
        ))
    if not groups:
        raise RulesError(f"{path}: 'groups' is empty: give at least one group")
    return tuple(groups)


def _tables(path: Path, raw: Any, groups: set[str]) -> tuple[AnnexTable, ...]:
    if not isinstance(raw, list) or not raw:
        raise RulesError(f"{path}: 'tables' must be a list of [[tables]] entries")
    tables = []
    for index, entry in enumerate(raw, start=1):
        key = f"tables[{index}]"
        table = _table(path, key, entry)
        _no_unknown(path, f"{key}.", table, _TABLE_KEYS)
        names = _strings(path, f"{key}.groups", table.get("groups"))
        unknown = [name for name in names if name not in groups]
        if unknown or not names:
            raise RulesError(f"{path}: '{key}.groups' names no group: {unknown[0] if unknown else '(empty)'!r}")
        tables.append(AnnexTable(_text(path, f"{key}.title", table.get("title")), names))
    return tuple(tables)


# -- checked values ------------------------------------------------------------------------------------
def _table(path: Path, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{path}: '{key}' must be a table")
    return value


def _no_unknown(path: Path, prefix: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise RulesError(f"{path}: unknown key '{prefix}{unknown[0]}'")


def _number(path: Path, key: str, value: Any, *, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise RulesError(f"{path}: '{key}' must be a number >= {minimum:g}, got {value!r}")
    return float(value)


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{path}: '{key}' must be a non-empty string")
    return value


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{path}: '{key}' must be a list of strings")
    return tuple(value)
