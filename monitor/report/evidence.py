"""The evidence appendix: each counted finding with what a site operator needs to find and fix it."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from monitor.evidence import describe_evidence
from monitor.models import Finding, Source, Status
from monitor.report.model import EvidenceItem
from monitor.times import to_minute

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
        first_seen=to_minute(finding.first_seen),
        last_seen=to_minute(finding.last_seen),
        details=evidence_lines(finding),
        finding_id=finding.id or 0,
        screenshot=_screenshot(finding),
    )


def _screenshot(finding: Finding) -> str:
    """The finding's screenshot file, if it still exists (a report is not broken by a deleted file)."""
    path = finding.evidence.get("screenshot") if isinstance(finding.evidence, dict) else None
    return str(path) if path and Path(str(path)).is_file() else ""



def evidence_lines(finding: Finding) -> tuple[str, ...]:
    """A finding's evidence as the Chinese lines of monitor/evidence.py (the CLI shows the same), with the
    reviewer's note as 复核意见; long lists are cut at MAX_EVIDENCE_LINES (the store keeps them all)."""
    return tuple(describe_evidence(finding, limit=MAX_EVIDENCE_LINES))
