"""The evidence appendix: each counted finding with what a site operator needs to find and fix it."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from monitor.models import Finding, Source, Status
from monitor.report.model import EvidenceItem

_STATUS_LABELS = {Status.OPEN: "待复核", Status.CONFIRMED: "已确认", Status.RESOLVED: "已消除"}
_SOURCE_LABELS = {Source.AUTO: "自动监测", Source.MANUAL: "人工录入"}
MAX_EVIDENCE_LINES = 60  # a finding listing hundreds of links stays readable; the store keeps them all


class Entry(NamedTuple):
    subject: str  # 网站 / 政务新媒体
    unit: str
    name: str
    address: str
    finding: Finding


def evidence_items(entries: list[Entry]) -> tuple[EvidenceItem, ...]:
    """Number the entries in the order given."""
    return tuple(_item(number, entry) for number, entry in enumerate(entries, start=1))


def _item(number: int, entry: Entry) -> EvidenceItem:
    finding = entry.finding
    return EvidenceItem(
        number=number,
        subject=entry.subject,
        unit=entry.unit,
        name=entry.name,
        address=entry.address,
        wording=finding.wording,
        rule=finding.rule,
        source=_SOURCE_LABELS.get(finding.source, str(finding.source)),
        status=_STATUS_LABELS.get(finding.status, str(finding.status)),
        first_seen=_moment(finding.first_seen),
        last_seen=_moment(finding.last_seen),
        details=evidence_lines(finding.evidence, note=finding.note),
        finding_id=finding.id or 0,
    )


def _moment(value: str | None) -> str:
    """2022-12-10T10:00:00+08:00 -> 2022-12-10 10:00 (stored in the configured zone)."""
    return value[:16].replace("T", " ") if value else ""


def evidence_lines(evidence: dict[str, Any], *, note: str = "") -> tuple[str, ...]:
    """A finding's evidence JSON as "key：value" lines (lists one line per item), keys sorted."""
    lines: list[str] = []
    for key in sorted(evidence):
        value = evidence[key]
        items = value if isinstance(value, list | tuple) else [value]
        lines += [f"{key}：{_scalar(item)}" for item in items]
    if note:
        lines.append(f"复核意见：{note}")
    if len(lines) > MAX_EVIDENCE_LINES:
        lines = [*lines[:MAX_EVIDENCE_LINES], f"……（共{len(lines)}条，其余见数据库）"]
    return tuple(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return "" if value is None else str(value)
