"""The connection: opening and migrating, WAL and busy handling, the one transaction primitive.

The daemon and the web console write to the same file from separate processes. WAL lets readers go on
while one writes; a writer that finds the file locked waits up to BUSY_TIMEOUT_S (SQLite's busy
handler) instead of failing at once. Every write runs in `transaction()`, which starts with
BEGIN IMMEDIATE: the write lock is taken before anything is read, so two writers queue instead of
deadlocking on a lock upgrade. A killed process loses at most the unit of work it was in.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from monitor.store import schema
from monitor.times import parse_iso, parse_optional

BUSY_TIMEOUT_S = 30


class StoreError(Exception):
    """The database cannot be used (newer schema, unreadable file)."""


class NotADatabase(StoreError):
    """The path is a folder, or a file that is not an SQLite database: the user gave the wrong path."""


class StoreBusy(StoreError):
    """Another writer held the database longer than the busy timeout."""


class StoreBase:
    """The connection and transactions; the area mixins add the queries."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None):
        self._db = db
        self.path = path
        self._lock = threading.RLock()  # one connection may be shared by threads: one unit of work at a time
        self._depth = 0
        self.busy_timeout_s: float = BUSY_TIMEOUT_S

    @classmethod
    def open(cls, path: Path | str, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Self:
        path = Path(path)
        memory = str(path) == ":memory:"
        if not memory and path.is_dir():
            raise NotADatabase(f"{path}: is a folder, not a database file")
        try:
            return cls._open(path, memory, busy_timeout_s)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "unable to open database file"
            raise NotADatabase(f"{path}: not a govmon database ({exc})") from exc

    @classmethod
    def _open(cls, path: Path, memory: bool, busy_timeout_s: float) -> Self:
        if not memory:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        db = sqlite_utils.Database(conn)
        store = cls(db, path)
        store.busy_timeout_s = busy_timeout_s
        if not memory:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        try:
            store.migrate()
        except StoreError:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self._db.conn.close()

    # -- schema -------------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        if not self._db.table("meta").exists():
            return 0
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        """Apply the migrations this database lacks; return the resulting version."""
        migrations = schema.MIGRATIONS
        version = self.schema_version
        if version > len(migrations):
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this govmon knows ({len(migrations)})"
            )
        for number, (_name, migration) in enumerate(migrations[version:], start=version + 1):
            with self.transaction():
                migration(self._db)
                self._db.table("meta").upsert({"key": "schema_version", "value": str(number)}, pk="key")
        return self.schema_version

    # -- transactions -------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work: all of it lands, or none of it. Nested calls join the outer unit."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            conn = self._db.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StoreBusy(f"{self.path}: another process kept the database locked "
                                    f"for more than {self.busy_timeout_s:g} s") from exc
                raise
            self._depth = 1
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._depth = 0

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (inside the caller's transaction); its new id."""
        row_id = self._db.table(table).insert(row).last_pk
        if row_id is None:
            raise StoreError(f"{self.path}: insert into {table} returned no id")
        return int(row_id)

    def integrity(self) -> str:
        """SQLite's own check of the file: "ok" when sound (a crash or a kill must never leave less)."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    # -- meta ---------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.table("meta").upsert({"key": key, "value": value}, pk="key")


# A stored timestamp (ISO 8601 with its offset) as a datetime: parsed in the store, once, for every reader.
moment = parse_iso
optional_moment = parse_optional
