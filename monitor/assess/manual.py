"""Inspectors' scores for what no machine judges (解读回应 quality, 加分 items): a sheet read at
assessment time, one row per deduction or bonus.

Columns: 网站名称 (or 网址 / 网站标识码), 指标 (an indicator of rules/assessment.toml by name or id, or
加分), 分值 (points taken from the indicator, or added; 0 records that the site was looked at and nothing
was taken), 说明, 检查时间 (the day the inspector looked; rows outside the half-year are left out).
Bad rows are reported as file:line: reason and nothing is scored, as in the other imports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.assess.half import Half
from monitor.assess.model import AssessmentModel
from monitor.assess.scoring import BONUS, ManualScore
from monitor.models import iso
from monitor.newmedia.manual import cell_moment
from monitor.sheets import RowError, SheetError, rows_under_header
from monitor.store import Store

COLUMNS = ("网站名称", "指标", "分值", "说明", "检查时间")
_ALIASES = {"网址": "网站名称", "网站": "网站名称", "网站标识码": "网站名称", "评估指标": "指标", "扣分": "分值",
            "分数": "分值", "备注": "说明", "检查日期": "检查时间", "评分时间": "检查时间"}


@dataclass
class ManualScores:
    by_site: dict[int, list[ManualScore]] = field(default_factory=lambda: defaultdict(list))
    outside: int = 0  # rows dated outside the half-year
    errors: list[RowError] = field(default_factory=list)


def read_scores(paths: list[Path], store: Store, model: AssessmentModel, half: Half) -> ManualScores:
    """Every row of every sheet, checked against the registry and the model."""
    scores = ManualScores()
    for path in paths:
        try:
            rows = list(rows_under_header(path, _header, f"no header row naming 网站名称 and 指标 (columns: {', '.join(COLUMNS)})"))
        except SheetError as exc:
            scores.errors.append(RowError(str(path), 1, str(exc).removeprefix(f"{path}: ")))
            continue
        for line, values in rows:
            try:
                row = _row(values, store, model, half, f"{path.name}:{line}")
            except ValueError as exc:
                scores.errors.append(RowError(str(path), line, str(exc)))
                continue
            if row is None:
                scores.outside += 1
            else:
                scores.by_site[row[0]].append(row[1])
    return scores


def _header(cells: list[Any]) -> list[str] | None:
    names = [_ALIASES.get(_text(c), _text(c)) for c in cells]
    if "网站名称" not in names or "指标" not in names:
        return None
    missing = [c for c in ("分值", "检查时间") if c not in names]
    if missing:
        raise SheetError(f"header lacks column(s) {', '.join(missing)}")
    return names


def _row(values: dict[str, Any], store: Store, model: AssessmentModel, half: Half,
         where: str) -> tuple[int, ManualScore] | None:
    site = _text(values.get("网站名称"))
    if not site:
        raise ValueError("网站名称 is empty")
    website = store.find_website(site)
    if website is None or website.id is None:
        raise ValueError(f"website {site!r} is not in the registry")
    wanted = _text(values.get("指标"))
    indicator = model.indicator_named(wanted)
    if indicator is None and "".join(wanted.split()) != BONUS:
        names = "、".join(i.name for i in model.indicators)
        raise ValueError(f"指标 {wanted!r} is not an indicator of {model.path.name} ({names}) nor {BONUS}")
    text = _text(values.get("分值"))
    try:
        points = float(text)
    except ValueError:
        raise ValueError(f"分值 is not a number: {text!r}") from None
    if points < 0 or points != points:
        raise ValueError(f"分值 must be 0 or more (points taken or added), got {text!r}")
    seen = cell_moment(values.get("检查时间"), half.start.tzinfo or half.end.tzinfo)  # type: ignore[arg-type]
    if seen is None:
        raise ValueError(f"检查时间 is not a date: {_text(values.get('检查时间'))!r}")
    if not half.start <= seen[0] < half.end:
        return None
    key = indicator.id if indicator is not None else BONUS
    return website.id, ManualScore(key, points, _text(values.get("说明")), iso(seen[0])[:10], where)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
