"""Check runs, the pages a run looked at, and the run history the daemon schedules from."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.models import SubjectKind, iso
from monitor.store.base import StoreBase, moment

_LONG_AGO = "1970-01-01T00:00:00+00:00"
_SUBJECT_TABLES = {SubjectKind.WEBSITE: "websites", SubjectKind.ACCOUNT: "accounts"}
# Run outcomes `govmon status` lists as errors.
FAILED_OUTCOMES = ("error", "abandoned", "deadline", "homepage_failed")


@dataclass(frozen=True)
class PageVisit:
    """One page a site check fetched (home page or column page), with its outcome."""

    url: str
    role: str
    fetched_at: datetime
    status: int | None = None
    error: str = ""


@dataclass(frozen=True)
class SiteChecks:
    """A website's site checks over a period: how many, and the last one's moment and summary."""

    count: int
    last_as_of: str
    last_summary: dict[str, Any]


@dataclass(frozen=True)
class RunSpan:
    """When a run actually ran (not the moment it judged as of), and what it did."""

    subject_id: int
    started_at: datetime
    finished_at: datetime
    pages: int
    outcome: str

    @property
    def duration_s(self) -> float:
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


class RunQueries(StoreBase):
    def start_run(self, subject_kind: SubjectKind, subject_id: int, kind: str, *, as_of: str, started_at: str) -> int:
        with self.transaction():
            return self._insert("check_runs", {
                "subject_kind": str(subject_kind), "subject_id": subject_id, "kind": kind, "as_of": as_of,
                "started_at": started_at, "outcome": "running",
            })

    def finish_run(self, run_id: int, *, finished_at: str, outcome: str, pages: int = 0, error: str = "",
                   summary: dict[str, Any] | None = None) -> None:
        with self.transaction():
            self._db.table("check_runs").update(
                run_id,
                {"finished_at": finished_at, "outcome": outcome, "pages": pages, "error": error,
                 "summary": json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str)},
            )

    def last_run(self, subject_kind: SubjectKind, subject_id: int, kind: str) -> dict[str, Any] | None:
        rows = list(self._db.query(
            "SELECT * FROM check_runs WHERE subject_kind = ? AND subject_id = ? AND kind = ?"
            " AND outcome != 'running' ORDER BY started_at DESC, id DESC LIMIT 1",
            [str(subject_kind), subject_id, kind],
        ))
        return rows[0] if rows else None

    def runs(self, *, kind: str | None = None) -> list[dict[str, Any]]:
        """Every recorded run (of one kind, if given) in the order they started: an audit of what ran."""
        where, params = ("WHERE kind = ?", [kind]) if kind is not None else ("", [])
        return list(self._db.query(f"SELECT * FROM check_runs {where} ORDER BY id", params))

    def last_run_times(self, subject_kind: SubjectKind, kind: str) -> dict[int, str]:
        """Start of the last finished run of each subject (what the daemon's due times derive from)."""
        rows = self._db.query(
            "SELECT subject_id, MAX(started_at) AS last FROM check_runs WHERE subject_kind = ? AND kind = ?"
            " AND outcome != 'running' GROUP BY subject_id",
            [str(subject_kind), kind],
        )
        return {row["subject_id"]: row["last"] for row in rows}

    def last_run_spans(self, subject_kind: SubjectKind, kind: str) -> dict[int, RunSpan]:
        """Per subject, its latest finished run: when it actually started and finished, pages, outcome.
        What planning the window and `govmon status` measure check times by."""
        rows = self._db.query(
            "SELECT r.subject_id, r.started_at, r.finished_at, r.pages, r.outcome FROM check_runs r"
            " JOIN (SELECT subject_id, MAX(started_at) AS last FROM check_runs WHERE subject_kind = ? AND kind = ?"
            " AND outcome != 'running' GROUP BY subject_id) l ON l.subject_id = r.subject_id AND l.last = r.started_at"
            " WHERE r.subject_kind = ? AND r.kind = ? AND r.outcome != 'running' AND r.finished_at IS NOT NULL"
            " ORDER BY r.id",
            [str(subject_kind), kind, str(subject_kind), kind],
        )
        return {row["subject_id"]: RunSpan(row["subject_id"], moment(row["started_at"]), moment(row["finished_at"]),
                                           row["pages"] or 0, row["outcome"]) for row in rows}

    def schedule_history(self, subject_kind: SubjectKind, run_kind: str) -> list[tuple[int, datetime, datetime | None]]:
        """(id, registered at, start of the last finished run or None) of each active subject: all the
        daemon needs to tell what is due. A row with no import time counts as registered long ago."""
        table = _SUBJECT_TABLES[subject_kind]
        last_runs = self.last_run_times(subject_kind, run_kind)
        rows = self._db.query(f"SELECT id, imported_at FROM {table} WHERE retired_at IS NULL ORDER BY id")
        return [
            (row["id"], moment(row["imported_at"] or _LONG_AGO),
             moment(last_runs[row["id"]]) if row["id"] in last_runs else None)
            for row in rows
        ]

    def recent_run_errors(self, since: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Runs since `since` that failed or were abandoned, newest first, with the website's name."""
        marks = ", ".join("?" for _ in FAILED_OUTCOMES)
        return list(self._db.query(
            "SELECT r.started_at, r.kind, r.outcome, r.error, w.name FROM check_runs r LEFT JOIN websites w"
            f" ON r.subject_kind = 'website' AND w.id = r.subject_id WHERE r.outcome IN ({marks})"
            " AND r.started_at >= ? ORDER BY r.started_at DESC LIMIT ?", [*FAILED_OUTCOMES, since, limit],
        ))

    def failures_since_success(self, subject_kind: SubjectKind, kind: str,
                               failed: tuple[str, ...]) -> dict[int, tuple[int, datetime]]:
        """Per subject whose latest finished run failed (an outcome in `failed`): how many runs in a row
        failed, and when the latest of them started. The daemon retries these soon, with backoff."""
        marks = ", ".join("?" for _ in failed)
        rows = self._db.query(
            f"SELECT r.subject_id, COUNT(*) AS n, MAX(r.started_at) AS last FROM check_runs r"
            f" WHERE r.subject_kind = ? AND r.kind = ? AND r.outcome IN ({marks}) AND r.started_at > COALESCE("
            f"(SELECT MAX(o.started_at) FROM check_runs o WHERE o.subject_kind = r.subject_kind"
            f" AND o.subject_id = r.subject_id AND o.kind = r.kind AND o.outcome NOT IN ('running', {marks})), '')"
            f" GROUP BY r.subject_id",
            [str(subject_kind), kind, *failed, *failed],
        )
        return {row["subject_id"]: (row["n"], moment(row["last"])) for row in rows}

    def running_runs(self, subject_kind: SubjectKind, kind: str) -> dict[int, datetime]:
        """Subject id -> start of its run still marked running (in flight, or left by a dead process)."""
        rows = self._db.query(
            "SELECT subject_id, MIN(started_at) AS since FROM check_runs WHERE subject_kind = ? AND kind = ?"
            " AND outcome = 'running' GROUP BY subject_id", [str(subject_kind), kind])
        return {row["subject_id"]: moment(row["since"]) for row in rows}

    def abandon_unfinished_runs(self, at: str) -> int:
        """Runs left 'running' by a killed process: mark them abandoned so they are simply due again."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE check_runs SET outcome = 'abandoned', finished_at = ? WHERE outcome = 'running'", [at]
            )
        return cursor.rowcount

    def site_checks_between(self, start: datetime, end: datetime) -> dict[int, SiteChecks]:
        """Per website: its site checks judged as of a moment in [start, end) that read the home page
        (outcome ok), with the moment and summary of the last of them."""
        rows = self._db.query(
            "SELECT subject_id, as_of, summary FROM check_runs WHERE subject_kind = ? AND kind = 'site'"
            " AND outcome = 'ok' AND as_of >= ? AND as_of < ? ORDER BY as_of, id",
            [str(SubjectKind.WEBSITE), iso(start - timedelta(days=1)), iso(end + timedelta(days=1))],
        )
        found: dict[int, SiteChecks] = {}
        for row in rows:  # stored times carry their offset: a day of margin above, the exact filter here
            if start <= moment(row["as_of"]) < end:
                previous = found.get(row["subject_id"])
                found[row["subject_id"]] = SiteChecks((previous.count if previous else 0) + 1, row["as_of"],
                                                      json.loads(row["summary"] or "{}"))
        return found

    # -- pages --------------------------------------------------------------------------------------
    def record_pages(self, run_id: int, website_id: int, pages: Iterable[PageVisit]) -> None:
        """Keep the pages a check looked at, with their outcome."""
        rows = [
            {"run_id": run_id, "website_id": website_id, "url": p.url, "role": p.role, "status": p.status,
             "fetched_at": iso(p.fetched_at), "error": p.error}
            for p in pages
        ]
        with self.transaction():
            self._db.table("pages").insert_all(rows)

    def pages_of_run(self, run_id: int) -> list[dict[str, Any]]:
        return list(self._db.query("SELECT * FROM pages WHERE run_id = ? ORDER BY id", [run_id]))

    def prune_pages(self, before: str) -> int:
        """Delete page rows fetched before `before`: they only explain old runs, and grow by the day."""
        with self.transaction():
            cursor = self._db.execute("DELETE FROM pages WHERE fetched_at < ?", [before])
        return cursor.rowcount
