"""The SQLite store: schema, forward migrations, and the queries every part of govmon shares.

WAL mode lets the daemon write while the CLI and Datasette read. Each unit of work is one
transaction, so a killed process loses at most the check it was doing and never corrupts the file.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from monitor.models import Account, Finding, Severity, Source, Status, SubjectKind, Website

Migration = Callable[[sqlite_utils.Database], None]
_LONG_AGO = "1970-01-01T00:00:00+00:00"


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["websites"].create(
        {
            "id": int, "url": str, "name": str, "region": str, "kind": str, "site_code": str,
            "sponsor": str, "note": str, "source_file": str, "imported_at": str, "retired_at": str,
        },
        pk="id", not_null={"url", "name", "region", "kind"},
    )
    db["websites"].create_index(["url"], unique=True)
    db["accounts"].create(
        {
            "id": int, "platform": str, "name": str, "region": str, "subject": str, "source": str,
            "source_file": str, "imported_at": str, "retired_at": str,
        },
        pk="id", not_null={"platform", "name", "region"},
    )
    db["accounts"].create_index(["platform", "name"], unique=True)
    db["check_runs"].create(
        {
            "id": int, "subject_kind": str, "subject_id": int, "kind": str, "as_of": str,
            "started_at": str, "finished_at": str, "outcome": str, "pages": int, "error": str,
            "summary": str,
        },
        pk="id",
    )
    db["check_runs"].create_index(["subject_kind", "subject_id", "kind", "as_of"])
    db["pages"].create(
        {
            "id": int, "run_id": int, "website_id": int, "url": str, "role": str, "status": int,
            "fetched_at": str, "content_type": str, "bytes": int, "error": str,
        },
        pk="id", foreign_keys=[("run_id", "check_runs", "id")],
    )
    db["pages"].create_index(["website_id", "url"])
    db["probes"].create(
        {
            "id": int, "website_id": int, "at": str, "outcome": str, "status": int, "latency_ms": int,
            "final_url": str, "error": str, "round_id": str, "discarded": int, "discard_reason": str,
        },
        pk="id", foreign_keys=[("website_id", "websites", "id")],
    )
    db["probes"].create_index(["website_id", "at"])
    db["probes"].create_index(["round_id"])
    db["findings"].create(
        {
            "id": int, "subject_kind": str, "subject_id": int, "rule": str, "key": str, "severity": str,
            "wording": str, "evidence": str, "first_seen": str, "last_seen": str, "status": str,
            "resolved_at": str, "note": str, "reviewer": str, "source": str,
        },
        pk="id", not_null={"subject_kind", "subject_id", "rule", "severity", "status"},
    )
    db["findings"].create_index(["subject_kind", "subject_id", "rule", "key"])
    db["findings"].create_index(["status"])
    db["account_observations"].create(
        {
            "id": int, "account_id": int, "checked_at": str, "outcome": str, "latest_post_at": str,
            "post_count": int, "source_kind": str, "error": str, "detail": str,
        },
        pk="id", foreign_keys=[("account_id", "accounts", "id")],
    )
    db["account_observations"].create_index(["account_id", "checked_at"])
    db["account_samples"].create(
        {"quarter": str, "account_id": int, "reason": str, "created_at": str},
        pk=("quarter", "account_id"),
    )


# Forward migrations, applied in order; the schema version is the number applied. Never edit one
# that has shipped: append a new one.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial schema", _m001_initial),
]


class StoreError(Exception):
    """The database cannot be used (newer schema, unreadable file)."""


@dataclass(frozen=True)
class FindingFilter:
    subject_kind: SubjectKind | None = None
    subject_id: int | None = None
    rule: str | None = None
    status: Status | None = None
    severity: Severity | None = None


class Store:
    """One SQLite database. Open it with `Store.open(path)`; it migrates itself forward."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | str) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        if str(path) != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        store = cls(db, path)
        try:
            store.migrate()
        except StoreError:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.db.conn.close()

    # -- schema -------------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        if not self.db["meta"].exists():
            return 0
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply the migrations this database lacks; return the resulting version."""
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this govmon knows ({len(MIGRATIONS)})"
            )
        for number, (_name, migration) in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                migration(self.db)
                self.db["meta"].upsert({"key": "schema_version", "value": str(number)}, pk="key")
        return self.schema_version

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: all of it lands, or none of it."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- registry -----------------------------------------------------------------------------------
    def websites(self, *, include_retired: bool = False, kind: str | None = None,
                 region: str | None = None) -> list[Website]:
        return [_website(row) for row in self._registry_rows("websites", include_retired, kind=kind, region=region)]

    def website(self, website_id: int) -> Website | None:
        rows = list(self.db.query("SELECT * FROM websites WHERE id = ?", [website_id]))
        return _website(rows[0]) if rows else None

    def find_website(self, target: str) -> Website | None:
        """A website by id, URL (with or without trailing slash), site code or exact name."""
        target = target.strip()
        candidates = [target, target.rstrip("/"), target.rstrip("/") + "/"]
        for sql, params in (
            ("SELECT * FROM websites WHERE url IN (?, ?, ?) ORDER BY retired_at IS NOT NULL", candidates),
            ("SELECT * FROM websites WHERE site_code = ? ORDER BY retired_at IS NOT NULL", [target]),
            ("SELECT * FROM websites WHERE name = ? ORDER BY retired_at IS NOT NULL", [target]),
            ("SELECT * FROM websites WHERE CAST(id AS TEXT) = ?", [target]),
        ):
            rows = list(self.db.query(sql, params))
            if rows:
                return _website(rows[0])
        return None

    def accounts(self, *, include_retired: bool = False, region: str | None = None,
                 platform: str | None = None) -> list[Account]:
        rows = self._registry_rows("accounts", include_retired, region=region, platform=platform)
        return [_account(row) for row in rows]

    def _registry_rows(self, table: str, include_retired: bool, **equal: str | None) -> Iterator[dict[str, Any]]:
        """Rows of a registry table, in registry order, with the given columns equal to the given values."""
        where = ["1=1"] if include_retired else ["retired_at IS NULL"]
        where += [f"{column} = ?" for column, value in equal.items() if value]
        params = [value for value in equal.values() if value]
        return self.db.query(f"SELECT * FROM {table} WHERE {' AND '.join(where)} ORDER BY id", params)

    def account(self, account_id: int) -> Account | None:
        rows = list(self.db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
        return _account(rows[0]) if rows else None

    def find_account(self, target: str, platform: str | None = None) -> Account | None:
        """An account by id or name (and platform, when names repeat across platforms)."""
        sql = "SELECT * FROM accounts WHERE (name = ? OR CAST(id AS TEXT) = ?)"
        params: list[Any] = [target.strip(), target.strip()]
        if platform:
            sql += " AND platform = ?"
            params.append(platform)
        rows = list(self.db.query(sql + " ORDER BY retired_at IS NOT NULL, id", params))
        return _account(rows[0]) if rows else None

    # -- findings -----------------------------------------------------------------------------------
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
                for row in self.db.query(
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
                    self.db["findings"].update(row["id"], values)
                    finding_id = row["id"]
                else:
                    finding_id = self.db["findings"].insert(
                        {
                            **values, "subject_kind": str(subject_kind), "subject_id": subject_id,
                            "rule": finding.rule, "key": finding.key, "first_seen": seen_at,
                            "status": str(Status.OPEN), "note": "", "source": str(Source.AUTO),
                        }
                    ).last_pk
                stored.append(self.finding(finding_id))  # type: ignore[arg-type]
            checked = set(checked_rules)
            for ident, row in existing.items():
                if ident not in seen and row["rule"] in checked and row["status"] in (Status.OPEN, Status.CONFIRMED):
                    self.db["findings"].update(row["id"], {"status": str(Status.RESOLVED), "resolved_at": seen_at})
        return stored

    def add_manual_finding(self, finding: Finding, *, seen_at: str, reviewer: str = "") -> Finding:
        """A finding entered by a reviewer (e.g. a 严重表述错误 found by reading a page): confirmed at once."""
        with self.transaction():
            finding_id = self.db["findings"].insert(
                {
                    "subject_kind": str(finding.subject_kind), "subject_id": finding.subject_id,
                    "rule": finding.rule, "key": finding.key or f"manual:{seen_at}:{uuid.uuid4().hex[:8]}",
                    "severity": str(finding.severity),
                    "wording": finding.wording,
                    "evidence": json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True, default=str),
                    "first_seen": seen_at, "last_seen": seen_at, "status": str(Status.CONFIRMED),
                    "note": finding.note, "reviewer": reviewer, "source": str(Source.MANUAL),
                }
            ).last_pk
        return self.finding(finding_id)  # type: ignore[return-value]

    def review_finding(self, finding_id: int, status: Status, note: str, *, reviewer: str = "") -> Finding:
        if status not in (Status.CONFIRMED, Status.DISMISSED, Status.OPEN):
            raise ValueError(f"a reviewer cannot set status {status}")
        if self.finding(finding_id) is None:
            raise KeyError(finding_id)
        with self.transaction():
            self.db["findings"].update(finding_id, {"status": str(status), "note": note, "reviewer": reviewer})
        return self.finding(finding_id)  # type: ignore[return-value]

    def finding(self, finding_id: int) -> Finding | None:
        rows = list(self.db.query("SELECT * FROM findings WHERE id = ?", [finding_id]))
        return _finding(rows[0]) if rows else None

    def findings(self, flt: FindingFilter = FindingFilter()) -> list[Finding]:
        where, params = ["1=1"], []
        for column, value in (
            ("subject_kind", flt.subject_kind), ("subject_id", flt.subject_id), ("rule", flt.rule),
            ("status", flt.status), ("severity", flt.severity),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(str(value) if not isinstance(value, int) else value)
        rows = self.db.query(f"SELECT * FROM findings WHERE {' AND '.join(where)} ORDER BY id", params)
        return [_finding(row) for row in rows]

    def findings_active_between(self, start: str, end: str) -> list[Finding]:
        """Findings open at any moment of [start, end): seen in it, or open before it and not resolved by then."""
        rows = self.db.query(
            "SELECT * FROM findings WHERE first_seen < ? AND (last_seen >= ? OR resolved_at IS NULL"
            " OR resolved_at >= ?) ORDER BY id",
            [end, start, start],
        )
        return [_finding(row) for row in rows]

    # -- check runs ---------------------------------------------------------------------------------
    def start_run(self, subject_kind: SubjectKind, subject_id: int, kind: str, *, as_of: str, started_at: str) -> int:
        with self.transaction():
            return self.db["check_runs"].insert(
                {"subject_kind": str(subject_kind), "subject_id": subject_id, "kind": kind, "as_of": as_of,
                 "started_at": started_at, "outcome": "running"}
            ).last_pk  # type: ignore[return-value]

    def finish_run(self, run_id: int, *, finished_at: str, outcome: str, pages: int = 0, error: str = "",
                   summary: dict[str, Any] | None = None) -> None:
        with self.transaction():
            self.db["check_runs"].update(
                run_id,
                {"finished_at": finished_at, "outcome": outcome, "pages": pages, "error": error,
                 "summary": json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str)},
            )

    def last_run(self, subject_kind: SubjectKind, subject_id: int, kind: str) -> dict[str, Any] | None:
        rows = list(self.db.query(
            "SELECT * FROM check_runs WHERE subject_kind = ? AND subject_id = ? AND kind = ?"
            " AND outcome != 'running' ORDER BY started_at DESC, id DESC LIMIT 1",
            [str(subject_kind), subject_id, kind],
        ))
        return rows[0] if rows else None


    def last_run_times(self, subject_kind: SubjectKind, kind: str) -> dict[int, str]:
        """Start of the last finished run of each subject (what the daemon's due times derive from)."""
        rows = self.db.query(
            "SELECT subject_id, MAX(started_at) AS last FROM check_runs WHERE subject_kind = ? AND kind = ?"
            " AND outcome != 'running' GROUP BY subject_id",
            [str(subject_kind), kind],
        )
        return {row["subject_id"]: row["last"] for row in rows}

    def schedule_history(self, subject_kind: SubjectKind, run_kind: str) -> list[tuple[int, datetime, datetime | None]]:
        """(id, registered at, start of the last finished run or None) of each active subject: all the
        daemon needs to tell what is due. A row with no import time counts as registered long ago."""
        table = {SubjectKind.WEBSITE: "websites", SubjectKind.ACCOUNT: "accounts"}[subject_kind]
        last_runs = self.last_run_times(subject_kind, run_kind)
        rows = self.db.query(f"SELECT id, imported_at FROM {table} WHERE retired_at IS NULL ORDER BY id")
        return [
            (row["id"], datetime.fromisoformat(row["imported_at"] or _LONG_AGO),
             datetime.fromisoformat(last_runs[row["id"]]) if row["id"] in last_runs else None)
            for row in rows
        ]

    def abandon_unfinished_runs(self, at: str) -> int:
        """Runs left 'running' by a killed process: mark them abandoned so they are simply due again."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE check_runs SET outcome = 'abandoned', finished_at = ? WHERE outcome = 'running'", [at]
            )
        return cursor.rowcount

    def prune_pages(self, before: str) -> int:
        """Delete page rows fetched before `before`: they only explain old runs, and grow by the day."""
        with self.transaction():
            cursor = self.db.execute("DELETE FROM pages WHERE fetched_at < ?", [before])
        return cursor.rowcount

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["meta"].upsert({"key": key, "value": value}, pk="key")


def _website(row: dict[str, Any]) -> Website:
    return Website(
        id=row["id"], name=row["name"], url=row["url"], region=row["region"], kind=row["kind"],
        site_code=row["site_code"] or "", sponsor=row["sponsor"] or "", note=row["note"] or "",
        retired_at=row["retired_at"],
    )


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"], name=row["name"], platform=row["platform"], region=row["region"],
        subject=row["subject"] or "", source=row["source"] or "", retired_at=row["retired_at"],
    )


def _finding(row: dict[str, Any]) -> Finding:
    return Finding(
        id=row["id"], rule=row["rule"], key=row["key"] or "", severity=Severity(row["severity"]),
        wording=row["wording"] or "", evidence=json.loads(row["evidence"] or "{}"),
        subject_kind=SubjectKind(row["subject_kind"]), subject_id=row["subject_id"],
        first_seen=row["first_seen"], last_seen=row["last_seen"], status=Status(row["status"]),
        resolved_at=row["resolved_at"], note=row["note"] or "", source=Source(row["source"] or "auto"),
    )
