"""The console's tables: users and API tokens, assignments of findings to units, and the audit trail.

The console writes beside the daemon, so every write here is one short
transaction (the store's busy timeout covers the moments the daemon holds the write lock).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from monitor.models import Assignment, AuditEntry, Rectification, SubjectKind, User
from monitor.store.base import StoreBase


class ConsoleQueries(StoreBase):
    """Named queries of the console."""

    # -- users ------------------------------------------------------------------------------------
    def add_user(self, user: User, password_hash: str, *, at: str) -> User:
        with self.transaction():
            user_id = self._db.table("users").insert(
                {"name": user.name, "role": user.role, "region": user.region, "password_hash": password_hash,
                 "created_at": at, "session_epoch": 0}
            ).last_pk
            self._db.table("user_sites").insert_all({"user_id": user_id, "website_id": site} for site in user.site_ids)
        return self.user(user_id)  # type: ignore[arg-type,return-value]

    def user(self, user_id: int) -> User | None:
        rows = list(self._db.query("SELECT * FROM users WHERE id = ?", [user_id]))
        return self._user(rows[0]) if rows else None

    def user_by_name(self, name: str) -> User | None:
        rows = list(self._db.query("SELECT * FROM users WHERE name = ?", [name]))
        return self._user(rows[0]) if rows else None

    def users(self) -> list[User]:
        return [self._user(row) for row in self._db.query("SELECT * FROM users ORDER BY id")]

    def password_hash(self, user_id: int) -> str:
        row = self._db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()
        return row[0] if row else ""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """A new password also ends every session of the user (their epoch moves)."""
        with self.transaction():
            self._db.execute(
                "UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?",
                [password_hash, user_id],
            )

    def _user(self, row: dict[str, Any]) -> User:
        sites = tuple(r[0] for r in self._db.execute(
            "SELECT website_id FROM user_sites WHERE user_id = ? ORDER BY website_id", [row["id"]]))
        return User(id=row["id"], name=row["name"], role=row["role"], region=row["region"] or "", site_ids=sites,
                    session_epoch=row["session_epoch"] or 0, disabled_at=row["disabled_at"])

    # -- API tokens -------------------------------------------------------------------------------
    def add_token(self, user_id: int, token_hash: str, *, at: str) -> None:
        with self.transaction():
            self._db.table("api_tokens").insert({"user_id": user_id, "token_hash": token_hash, "created_at": at})

    def user_for_token(self, token_hash: str) -> User | None:
        row = self._db.execute(
            "SELECT user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", [token_hash]
        ).fetchone()
        return self.user(row[0]) if row else None

    def revoke_tokens(self, user_id: int, *, at: str) -> int:
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [at, user_id]
            )
        return cursor.rowcount

    # -- assignments ------------------------------------------------------------------------------
    def save_assignment(self, assignment: Assignment) -> None:
        with self.transaction():
            self._db.table("assignments").upsert(_assignment_row(assignment), pk="finding_id")

    def assignment(self, finding_id: int) -> Assignment | None:
        rows = list(self._db.query("SELECT * FROM assignments WHERE finding_id = ?", [finding_id]))
        return _assignment(rows[0]) if rows else None

    def assignments(self, finding_ids: Iterable[int | None] | None = None) -> dict[int, Assignment]:
        """Assignments by finding id (all of them, or those of the given findings)."""
        if finding_ids is None:
            rows: Iterator[dict[str, Any]] = self._db.query("SELECT * FROM assignments")
        else:
            wanted = set(finding_ids)
            rows = (row for row in self._db.query("SELECT * FROM assignments") if row["finding_id"] in wanted)
        return {row["finding_id"]: _assignment(row) for row in rows}

    def resolve_finding(self, finding_id: int, *, at: str) -> None:
        """A supervisor verified a rectification no check can judge: the finding is no longer open."""
        with self.transaction():
            self._db.execute("UPDATE findings SET status = 'resolved', resolved_at = ? WHERE id = ?", [at, finding_id])

    # -- audit trail ------------------------------------------------------------------------------
    def record_audit(self, entry: AuditEntry) -> None:
        with self.transaction():
            self._db.table("audit").insert(
                {"finding_id": entry.finding_id, "at": entry.at, "actor": entry.actor, "action": entry.action,
                 "detail": entry.detail, "remote": entry.remote}
            )

    def audit_trail(self, finding_id: int) -> list[AuditEntry]:
        rows = self._db.query("SELECT * FROM audit WHERE finding_id = ? ORDER BY id", [finding_id])
        return [AuditEntry(finding_id=r["finding_id"], at=r["at"], actor=r["actor"], action=r["action"],
                           detail=r["detail"] or "", remote=r["remote"] or "") for r in rows]

    # -- alerts -----------------------------------------------------------------------------------
    def alert_sent(self, unit: str, kind: str, day: str) -> bool:
        return self._db.execute(
            "SELECT 1 FROM alerts_sent WHERE unit = ? AND kind = ? AND day = ?", [unit, kind, day]
        ).fetchone() is not None

    def mark_alert_sent(self, unit: str, kind: str, day: str, *, at: str) -> None:
        with self.transaction():
            self._db.table("alerts_sent").upsert({"unit": unit, "kind": kind, "day": day, "sent_at": at},
                                          pk=("unit", "kind", "day"))

    def subjects_checked_between(self, subject_kind: SubjectKind, start: str, end: str) -> set[int]:
        """Websites (or accounts) with a check judged as of a moment in [start, end): a quarter's
        pass rate counts only what was looked at in it. Accounts also count with an observation."""
        ids = {row[0] for row in self._db.execute(
            "SELECT DISTINCT subject_id FROM check_runs WHERE subject_kind = ? AND as_of >= ? AND as_of < ?"
            " AND outcome NOT IN ('running', 'abandoned', 'error')", [str(subject_kind), start, end])}
        if subject_kind == SubjectKind.ACCOUNT:
            ids |= {row[0] for row in self._db.execute(
                "SELECT DISTINCT account_id FROM account_observations WHERE checked_at >= ? AND checked_at < ?",
                [start, end])}
        return ids

    # -- console read models ----------------------------------------------------------------------
    def site_runs(self, website_id: int, limit: int = 30) -> list[dict[str, Any]]:
        """The site's last full checks, newest first (its verdict history)."""
        return list(self._db.query(
            "SELECT id, as_of, started_at, finished_at, outcome, pages, error, summary FROM check_runs"
            " WHERE subject_kind = 'website' AND subject_id = ? AND kind = 'site' AND outcome != 'running'"
            " ORDER BY started_at DESC, id DESC LIMIT ?", [website_id, limit]))


def _assignment_row(a: Assignment) -> dict[str, Any]:
    return {
        "finding_id": a.finding_id, "unit": a.unit, "deadline": a.deadline, "assigned_at": a.assigned_at,
        "assigned_by": a.assigned_by, "state": str(a.state), "rectified_at": a.rectified_at,
        "rectified_by": a.rectified_by, "rectified_note": a.rectified_note, "rechecked_at": a.rechecked_at,
        "recheck_result": a.recheck_result,
    }


def _assignment(row: dict[str, Any]) -> Assignment:
    return Assignment(
        finding_id=row["finding_id"], unit=row["unit"], deadline=row["deadline"], assigned_at=row["assigned_at"],
        assigned_by=row["assigned_by"] or "", state=Rectification(row["state"]), rectified_at=row["rectified_at"],
        rectified_by=row["rectified_by"] or "", rectified_note=row["rectified_note"] or "",
        rechecked_at=row["rechecked_at"], recheck_result=row["recheck_result"] or "",
    )
