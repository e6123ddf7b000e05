"""Manual observations: sheets exported from platform back-offices or filled in by inspectors.

WeChat and most video platforms cannot be read automatically, so the freshness of those accounts
comes from a sheet with the columns 账号名称, 类型, 所属地方或部门, 最近发布时间, 检查时间 (CSV or
XLSX). Each good row becomes an `account_observations` row with source_kind "manual"; each bad row
is reported with its file and line and stored nowhere. Importing the same sheet twice adds nothing.

Each new observation is also a verdict dated when the inspector looked: judged by the freshness rule
as of its 检查时间, it opens (or resolves) the account's `account_stale` finding at that moment, so a
quarter's report counts it, whenever the sheet was imported. An observation older than the
account's latest one is stored as history but judges nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from monitor.checks.accounts import AccountObservation, evaluate_account
from monitor.models import Account, SubjectKind, iso
from monitor.newmedia.observations import MANUAL, latest_observation, save_observation
from monitor.newmedia.timeparse import parse_full_date
from monitor.rulebook import Rulebook, RuleSpec
from monitor.sheets import RowError, SheetError, rows_under_header
from monitor.store import Store

COLUMNS = ("账号名称", "类型", "所属地方或部门", "最近发布时间", "检查时间")
# Other spellings seen in exported sheets, mapped to the columns above.
_HEADER_ALIASES = {
    "账号": "账号名称", "名称": "账号名称", "平台": "类型", "平台类型": "类型", "账号类型": "类型",
    "所属地方": "所属地方或部门", "所属部门": "所属地方或部门", "地区": "所属地方或部门",
    "最近更新时间": "最近发布时间", "最新发布时间": "最近发布时间", "监测时间": "检查时间",
}
# 最近发布时间 values that say the account never posted (空壳).
NEVER_POSTED = frozenset({"无", "未发布", "从未发布", "从未更新", "空壳", "无内容", "none"})
_REQUIRED = ("账号名称", "最近发布时间", "检查时间")
STALE_RULE = "account_stale"


@dataclass
class ObservationImport:
    stored: int = 0
    unchanged: int = 0
    stale: int = 0  # new observations that found the account 不合格 (account_stale recorded)
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"stored": self.stored, "unchanged": self.unchanged, "stale": self.stale,
                "errors": [str(e) for e in self.errors]}


@dataclass(frozen=True)
class _Row:
    """A good row, ready to store."""

    observation: AccountObservation
    extra: dict[str, Any]


def import_observations(store: Store, rulebook: Rulebook, paths: list[Path], *, zone: tzinfo,
                        strict: bool = False) -> ObservationImport:
    """Read every sheet, report bad rows, and store the good ones (none at all if `strict` and any is bad)."""
    report = ObservationImport()
    good: list[_Row] = []
    for path in paths:
        try:
            rows = list(read_sheet(path))
        except SheetError as exc:
            report.errors.append(RowError(str(path), 1, str(exc).removeprefix(f"{path}: ")))
            continue
        for line, values in rows:
            row = _row(store, rulebook, values, zone, str(path), line)
            if isinstance(row, RowError):
                report.errors.append(row)
            else:
                good.append(row)
    if strict and report.errors:
        return report
    rule = rulebook.rule(STALE_RULE)
    with store.transaction():
        for row in sorted(good, key=lambda r: r.observation.checked_at):
            if _already_stored(store, row.observation):
                report.unchanged += 1
                continue
            saved = save_observation(store, row.observation, extra=row.extra)
            report.stored += 1
            if _judge(store, rule, replace(row.observation, id=saved)):
                report.stale += 1
    return report


def _judge(store: Store, rule: RuleSpec, observation: AccountObservation) -> bool:
    """Record the verdict of the account's newest observation as of its check time; True when stale."""
    assert observation.account_id is not None
    newest = latest_observation(store, observation.account_id)
    if newest is None or newest.id != observation.id:
        return False
    verdict = evaluate_account(observation, rule, observation.checked_at)
    store.record_findings(SubjectKind.ACCOUNT, observation.account_id, verdict.findings,
                          checked_rules=[STALE_RULE], seen_at=iso(observation.checked_at))
    return verdict.state == "stale"


# -- reading sheets -----------------------------------------------------------------------------------
def read_sheet(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell text}) for each non-empty row under the header row."""
    return rows_under_header(path, _header, f"no header row with {', '.join(COLUMNS)}")


def _header(cells: list[Any]) -> list[str] | None:
    """The header row is the first one naming 账号名称 (sheets often start with a title row)."""
    names = [_HEADER_ALIASES.get(_text(c), _text(c)) for c in cells]
    if "账号名称" not in names:
        return None
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise SheetError(f"header lacks column(s) {', '.join(missing)}")
    return names


# -- one row ------------------------------------------------------------------------------------------
def _row(store: Store, rulebook: Rulebook, values: dict[str, Any], zone: tzinfo, file: str,
         line: int) -> _Row | RowError:
    def error(reason: str) -> RowError:
        return RowError(file, line, reason)

    name, platform = _text(values.get("账号名称")), _platform(rulebook, _text(values.get("类型")))
    if not name:
        return error("账号名称 is empty")
    account = store.find_account(name, platform or None)
    if account is None:
        return error(f"account {name!r}{f' ({platform})' if platform else ''} is not in the registry")
    checked = cell_moment(values.get("检查时间"), zone)
    if checked is None:
        return error(f"检查时间 is not a date: {_text(values.get('检查时间'))!r}")
    latest = _latest(values.get("最近发布时间"), zone)
    if isinstance(latest, str):
        return error(latest)
    if latest is not None and latest[0].date() > checked[0].date():
        return error("最近发布时间 is after 检查时间")
    return _Row(_observation(account, checked[0], latest, f"{Path(file).name}:{line}"),
                {"file": file, "line": line, "region_or_department": _text(values.get("所属地方或部门"))})


def _observation(account: Account, checked: datetime, latest: tuple[datetime, bool] | None,
                 where: str) -> AccountObservation:
    return AccountObservation(
        account_id=account.id, checked_at=checked, outcome="ok", source_kind=MANUAL,
        latest_post_at=latest[0] if latest else None, post_count=0 if latest is None else None,
        date_only=latest[1] if latest else False, source=f"manual {where}",
    )


def _latest(value: Any, zone: tzinfo) -> tuple[datetime, bool] | None | str:
    """The latest post moment, None for 'never posted', or the reason the cell is wrong."""
    text = _text(value)
    if not text:
        return "最近发布时间 is empty (write 无 for an account that never posted)"
    if text.lower() in NEVER_POSTED:
        return None
    return cell_moment(value, zone) or f"最近发布时间 is not a date: {text!r}"


def cell_moment(value: Any, zone: tzinfo) -> tuple[datetime, bool] | None:
    """A cell as an aware moment: XLSX dates come as datetime/date objects, CSV ones as text."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), False
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), zone), True
    return parse_full_date(_text(value), zone) if _text(value) else None


def _platform(rulebook: Rulebook, text: str) -> str:
    names, aliases = rulebook.platforms
    return aliases.get(text, text) if text and text not in names else text


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _already_stored(store: Store, observation: AccountObservation) -> bool:
    return store.has_account_observation(observation)
