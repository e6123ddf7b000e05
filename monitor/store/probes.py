"""Availability probes: one row per probe of a site, grouped in rounds that may be discarded as a whole."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.availability import ProbeRow
from monitor.models import iso
from monitor.store.base import StoreBase, moment


class ProbeQueries(StoreBase):
    def record_probes(self, probes: Iterable[tuple[int, ProbeRow]]) -> None:
        """Store one round of (website id, probe) in one transaction."""
        rows = [
            {"website_id": website_id, "at": iso(p.at), "outcome": p.outcome, "status": p.status,
             "latency_ms": p.latency_ms, "final_url": p.final_url, "error": p.error, "round_id": p.round_id,
             "discarded": int(p.discarded), "discard_reason": p.discard_reason}
            for website_id, p in probes
        ]
        with self.transaction():
            self._db.table("probes").insert_all(rows)

    def probes_between(self, website_id: int, *, start: datetime, end: datetime) -> list[ProbeRow]:
        """Probes of one site with start < at <= end, oldest first (discarded ones included)."""
        # Stored times carry their offset; a day of margin in the text comparison, exact filter below.
        rows = self._db.query(
            "SELECT * FROM probes WHERE website_id = ? AND at >= ? AND at <= ? ORDER BY at, id",
            [website_id, iso(start - timedelta(days=1)), iso(end + timedelta(days=1))],
        )
        probes = [_probe_row(row) for row in rows]
        return [p for p in probes if start < p.at <= end]

    def probes_of_round(self, round_id: str) -> list[ProbeRow]:
        return [_probe_row(row) for row in self._db.query("SELECT * FROM probes WHERE round_id = ? ORDER BY id",
                                                         [round_id])]

    def latest_probe(self, website_id: int) -> ProbeRow | None:
        rows = list(self._db.query("SELECT * FROM probes WHERE website_id = ? ORDER BY at DESC, id DESC LIMIT 1",
                                   [website_id]))
        return _probe_row(rows[0]) if rows else None


def _probe_row(row: dict[str, Any]) -> ProbeRow:
    return ProbeRow(
        at=moment(row["at"]), outcome=row["outcome"] or "", status=row["status"],
        latency_ms=row["latency_ms"] or 0, error=row["error"] or "", final_url=row["final_url"] or "",
        round_id=row["round_id"] or "", discarded=bool(row["discarded"]), discard_reason=row["discard_reason"] or "",
    )
