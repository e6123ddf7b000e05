"""The findings lifecycle: a check's findings upserted and the ones it no longer sees resolved,
manual findings, reviews, and the filters reports and the console read them by."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from monitor.models import Finding, Severity, Source, Status, SubjectKind
from monitor.store.base import StoreBase, optional_moment


@dataclass(frozen=True)
class FindingFilter:
    subject_kind: SubjectKind | None = None
    subject_id: int | None = None
    rule: str | None = None
    status: Status | None = None
    severity: Severity | None = None


class FindingQueries(StoreBase):
    def record_findings(self, subject_kind: SubjectKind, subject_id: int, findings: Iterable[Finding],
                        *, checked_rules: Iterable[str], seen_at: str) -> list[Finding]:
        """Upsert what one check found, and resolve what it no longer finds.

        A finding seen again keeps its id, first_seen, status and reviewer note; last_seen moves.
        An automatic finding of a rule in `checked_rules` that was not seen this time becomes
        resolved as of `seen_at`. Manual findings are never resolved by a check.
        """
        stored: list[Finding] = []
        with self.transaction():
            existing = {
                (row["rule"], row["key"]): row
                for row in self._db.query(
                    "SELECT * FROM findings WHERE subject_kind = ? AND subject_id = ? AND source = ?"
                    " AND status != ? ORDER BY id",
                    [str(subject_kind), subject_id, str(Source.AUTO), str(Status.RESOLVED)],
                )
            }
            seen: set[tuple[str, str]] = set()
            for finding in findings:
                ident = (finding.rule, finding.key)
                seen.add(ident)
                row = existing.get(ident)
                values = {
                    "severity": str(finding.severity), "wording": finding.wording,
                    "evidence": json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True, default=str),
                    "last_seen": seen_at,
                }
                if row:
                    self._db.table("findings").update(row["id"], values)
                    finding_id = row["id"]
                else:
                    finding_id = self._insert("findings", {
                        **values, "subject_kind": str(subject_kind), "subject_id": subject_id,
                        "rule": finding.rule, "key": finding.key, "first_seen": seen_at,
                        "status": str(Status.OPEN), "note": "", "source": str(Source.AUTO),
                    })
                stored.append(self._stored_finding(finding_id))
            checked = set(checked_rules)
            for ident, row in existing.items():
                if ident not in seen and row["rule"] in checked and row["status"] in (Status.OPEN, Status.CONFIRMED):
                    self._db.table("findings").update(row["id"], {"status": str(Status.RESOLVED), "resolved_at": seen_at})
        return stored

    def add_manual_finding(self, finding: Finding, *, seen_at: str, reviewer: str = "") -> Finding:
        """A finding entered by a reviewer (e.g. a 严重表述错误 found by reading a page): confirmed at once."""
        with self.transaction():
            finding_id = self._insert(
                "findings", {
                    "subject_kind": str(finding.subject_kind), "subject_id": finding.subject_id,
                    "rule": finding.rule, "key": finding.key or f"manual:{seen_at}:{uuid.uuid4().hex[:8]}",
                    "severity": str(finding.severity),
                    "wording": finding.wording,
                    "evidence": json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True, default=str),
                    "first_seen": seen_at, "last_seen": seen_at, "status": str(Status.CONFIRMED),
                    "note": finding.note, "reviewer": reviewer, "source": str(Source.MANUAL),
                }
            )
        return self._stored_finding(finding_id)

    def review_finding(self, finding_id: int, status: Status, note: str, *, reviewer: str = "") -> Finding:
        if status not in (Status.CONFIRMED, Status.DISMISSED, Status.OPEN):
            raise ValueError(f"a reviewer cannot set status {status}")
        if self.finding(finding_id) is None:
            raise KeyError(finding_id)
        with self.transaction():
            self._db.table("findings").update(finding_id, {"status": str(status), "note": note, "reviewer": reviewer})
        return self._stored_finding(finding_id)

    def finding(self, finding_id: int) -> Finding | None:
        rows = list(self._db.query("SELECT * FROM findings WHERE id = ?", [finding_id]))
        return _finding(rows[0]) if rows else None

    def _stored_finding(self, finding_id: int) -> Finding:
        found = self.finding(finding_id)
        if found is None:
            raise KeyError(finding_id)
        return found

    def findings(self, flt: FindingFilter = FindingFilter()) -> list[Finding]:
        where: list[str] = ["1=1"]
        params: list[Any] = []
        for column, value in (
            ("subject_kind", flt.subject_kind), ("subject_id", flt.subject_id), ("rule", flt.rule),
            ("status", flt.status), ("severity", flt.severity),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(str(value) if not isinstance(value, int) else value)
        rows = self._db.query(f"SELECT * FROM findings WHERE {' AND '.join(where)} ORDER BY id", params)
        return [_finding(row) for row in rows]

    def has_finding(self, subject_kind: SubjectKind, subject_id: int, rule: str, key: str) -> bool:
        """Whether a finding with this identity exists, whatever its status (imports stay idempotent)."""
        row = self._db.execute(
            "SELECT 1 FROM findings WHERE subject_kind = ? AND subject_id = ? AND rule = ? AND key = ? LIMIT 1",
            [str(subject_kind), subject_id, rule, key]).fetchone()
        return row is not None

    def findings_active_between(self, start: str, end: str) -> list[Finding]:
        """Findings open at any moment of [start, end): seen in it, or open before it and not resolved by then.

        A reviewer's finding is a look at one moment that no check ever resolves: it belongs to the
        period it was seen in, not to every later one.
        """
        rows = self._db.query(
            "SELECT * FROM findings WHERE first_seen < ? AND (last_seen >= ? OR (source != ? AND"
            " (resolved_at IS NULL OR resolved_at >= ?))) ORDER BY id",
            [end, start, str(Source.MANUAL), start],
        )
        return [_finding(row) for row in rows]


def _finding(row: dict[str, Any]) -> Finding:
    return Finding(
        id=row["id"], rule=row["rule"], key=row["key"] or "", severity=Severity(row["severity"]),
        wording=row["wording"] or "", evidence=json.loads(row["evidence"] or "{}"),
        subject_kind=SubjectKind(row["subject_kind"]), subject_id=row["subject_id"],
        first_seen=optional_moment(row["first_seen"]), last_seen=optional_moment(row["last_seen"]),
        status=Status(row["status"]), resolved_at=optional_moment(row["resolved_at"]), note=row["note"] or "", source=Source(row["source"] or "auto"),
    )
