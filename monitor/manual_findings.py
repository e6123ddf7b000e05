"""Findings a reviewer enters: one at a time (`govmon findings add`) or from a sheet (`findings import`).

A reviewer's finding is dated when the problem was seen, not when it was typed in: problems found in
December and entered in January belong to the fourth quarter. The sheet has the columns 网站名称
(or 账号名称 with 类型), 问题 (a rule id or its official wording), 证据网址, 摘录, 发现时间 and 备注;
each bad row is reported with its file and line and stored nowhere, as in the registry import.
Importing the same sheet twice adds nothing: each row's finding key is derived from its content.

These functions are the service the CLI and the web console share; they raise `EntryError` with a
message for the user instead of exiting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.models import Account, Finding, Source, SubjectKind, Website, iso
from monitor.newmedia.manual import cell_moment
from monitor.registry import normalise_platform
from monitor.rulebook import Rulebook
from monitor.sheets import RowError, SheetError, rows_under_header
from monitor.store import Store

COLUMNS = ("网站名称", "账号名称", "类型", "问题", "证据网址", "摘录", "发现时间", "备注")
# Other spellings seen in reviewers' sheets, mapped to the columns above.
_HEADER_ALIASES = {
    "网站": "网站名称", "网址": "网站名称", "网站网址": "网站名称", "账号": "账号名称", "新媒体名称": "账号名称",
    "平台": "类型", "平台类型": "类型", "问题类型": "问题", "存在的突出问题": "问题", "规则": "问题",
    "证据": "证据网址", "问题网址": "证据网址", "页面网址": "证据网址", "链接": "证据网址",
    "问题摘录": "摘录", "原文": "摘录", "内容": "摘录", "发现日期": "发现时间", "检查时间": "发现时间",
    "说明": "备注",
}


class EntryError(ValueError):
    """A reviewer's entry that cannot be stored; the message says what to fix."""


@dataclass
class FindingsImport:
    stored: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"stored": self.stored, "unchanged": self.unchanged, "errors": [str(e) for e in self.errors]}


# -- one finding --------------------------------------------------------------------------------------
def problem_rule(rulebook: Rulebook, text: str) -> tuple[str, str]:
    """(rule id, wording) for a rule id or an official wording ('严重表述错误', '存在网站暗链');
    spaces are ignored, as notices print '监测时间点内 2 周未更新'."""
    wanted = "".join(text.split())
    if wanted in rulebook.rule_ids:
        return wanted, rulebook.rule(wanted).wording
    for rule_id in rulebook.rule_ids:
        spec = rulebook.rule(rule_id)
        for wording in (spec.wording, spec.thresholds.get("hidden_wording")):
            if isinstance(wording, str) and "".join(wording.split()) == wanted:
                return rule_id, wording
    raise EntryError(f"问题 {text!r} is neither a rule id nor the wording of a rule in rules/rules.toml")


def reviewer_finding(rulebook: Rulebook, kind: SubjectKind, subject: Website | Account, problem: str, *,
                     evidence_url: str, snippet: str, note: str = "", key: str = "") -> Finding:
    """The finding of one entry, checked: the rule exists and fits the subject, the URL is http(s)."""
    rule, wording = problem_rule(rulebook, problem)
    if rule.startswith("account_") != (kind == SubjectKind.ACCOUNT):
        what = "an account" if kind == SubjectKind.ACCOUNT else "a website"
        raise EntryError(f"rule {rule!r} does not apply to {what}")
    parts = urlsplit(evidence_url.strip())
    if evidence_url.strip() and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise EntryError(f"证据网址 must be an http(s) URL, got {evidence_url!r}")
    spec = rulebook.rule(rule)
    evidence = {"url": evidence_url.strip(), "snippet": snippet}
    return Finding(rule=rule, severity=spec.severity, wording=wording, subject_kind=kind, subject_id=subject.id,
                   evidence=evidence, note=note, source=Source.MANUAL, key=key)


def add_reviewer_finding(store: Store, rulebook: Rulebook, kind: SubjectKind, subject: Website | Account,
                         problem: str, *, seen_at: datetime, now: datetime, evidence_url: str, snippet: str,
                         note: str = "", reviewer: str = "") -> Finding:
    """Store one reviewer's finding dated `seen_at` (confirmed at once; never resolved by a check)."""
    if seen_at > now:
        raise EntryError(f"发现时间 {iso(seen_at)} is in the future")
    finding = reviewer_finding(rulebook, kind, subject, problem, evidence_url=evidence_url, snippet=snippet,
                               note=note)
    return store.add_manual_finding(finding, seen_at=iso(seen_at), reviewer=reviewer)


# -- a sheet of findings ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Row:
    finding: Finding
    seen_at: datetime


def import_findings(store: Store, rulebook: Rulebook, paths: list[Path], *, zone: tzinfo, now: datetime,
                    reviewer: str = "", strict: bool = False) -> FindingsImport:
    """Read every sheet, report bad rows, store the good ones (none at all if `strict` and any is bad)."""
    report = FindingsImport()
    good: list[_Row] = []
    for path in paths:
        try:
            rows = list(read_sheet(path))
        except SheetError as exc:
            report.errors.append(RowError(str(path), 1, str(exc).removeprefix(f"{path}: ")))
            continue
        for line, values in rows:
            try:
                good.append(_row(store, rulebook, values, zone, now))
            except EntryError as exc:
                report.errors.append(RowError(str(path), line, str(exc)))
    if strict and report.errors:
        return report
    with store.transaction():
        for row in good:
            finding = row.finding
            if store.has_finding(finding.subject_kind, finding.subject_id or 0, finding.rule, finding.key):
                report.unchanged += 1
            else:
                store.add_manual_finding(finding, seen_at=iso(row.seen_at), reviewer=reviewer)
                report.stored += 1
    return report


def read_sheet(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for each non-empty row under the header row."""
    return rows_under_header(path, _header, f"no header row naming 网站名称 or 账号名称 (columns: {', '.join(COLUMNS)})")


def _header(cells: list[Any]) -> list[str] | None:
    """The header is the first row naming 网站名称 or 账号名称 (sheets often start with a title)."""
    names = [_HEADER_ALIASES.get(_text(c), _text(c)) for c in cells]
    if "网站名称" not in names and "账号名称" not in names:
        return None
    missing = [c for c in ("问题", "发现时间") if c not in names]
    if missing:
        raise SheetError(f"header lacks column(s) {', '.join(missing)}")
    return names


def _row(store: Store, rulebook: Rulebook, values: dict[str, Any], zone: tzinfo, now: datetime) -> _Row:
    kind, subject = _subject(store, rulebook, values)
    problem = _text(values.get("问题"))
    if not problem:
        raise EntryError("问题 is empty")
    seen = cell_moment(values.get("发现时间"), zone)
    if seen is None:
        raise EntryError(f"发现时间 is not a date: {_text(values.get('发现时间'))!r}" if _text(values.get("发现时间"))
                         else "发现时间 is empty (the day the problem was seen)")
    if seen[0] > now:
        raise EntryError(f"发现时间 {iso(seen[0])} is in the future")
    url, snippet, note = (_text(values.get(c)) for c in ("证据网址", "摘录", "备注"))
    if not url and not snippet:
        raise EntryError("give 证据网址 or 摘录: a finding needs evidence")
    key = _content_key(kind, subject, problem, url, snippet, iso(seen[0]))
    finding = reviewer_finding(rulebook, kind, subject, problem, evidence_url=url, snippet=snippet, note=note, key=key)
    return _Row(finding, seen[0])


def _subject(store: Store, rulebook: Rulebook, values: dict[str, Any]) -> tuple[SubjectKind, Website | Account]:
    site, account = _text(values.get("网站名称")), _text(values.get("账号名称"))
    if site and account:
        raise EntryError("give 网站名称 or 账号名称, not both")
    if site:
        website = store.find_website(site)
        if website is None:
            raise EntryError(f"website {site!r} is not in the registry")
        return SubjectKind.WEBSITE, website
    if not account:
        raise EntryError("网站名称 and 账号名称 are both empty")
    platform = _text(values.get("类型"))
    try:
        platform = normalise_platform(rulebook, platform) if platform else ""
    except ValueError as exc:
        raise EntryError(str(exc)) from None
    found = store.find_account(account, platform or None)
    if found is None:
        raise EntryError(f"account {account!r}{f' ({platform})' if platform else ''} is not in the registry")
    return SubjectKind.ACCOUNT, found


def _content_key(kind: SubjectKind, subject: Website | Account, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join([str(kind), str(subject.id), *parts]).encode()).hexdigest()[:16]
    return f"import:{digest}"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
