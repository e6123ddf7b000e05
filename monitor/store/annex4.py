"""The 附件4 inputs: imports (provenance), 找错 messages, required reposts, annual rankings, and the
article titles the repost row is matched against."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from monitor.annex4.records import ImportRecord, JiucuoMessage, RankingEntry, RequiredRepost, SeenTitle
from monitor.models import iso
from monitor.store.base import StoreBase, moment, optional_moment


class Annex4Queries(StoreBase):
    # -- provenance ---------------------------------------------------------------------------------
    def record_import(self, kind: str, file: str, imported_at: datetime, rows: int) -> ImportRecord:
        """Note one import of a file (inside the importer's transaction)."""
        with self.transaction():
            row_id = self._insert("annex4_imports", {"kind": kind, "file": file, "imported_at": iso(imported_at),
                                                     "rows": rows})
        return ImportRecord(row_id, kind, file, imported_at, rows)

    def imports_by_id(self, ids: Iterable[int]) -> dict[int, ImportRecord]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self._db.query(f"SELECT * FROM annex4_imports WHERE id IN ({', '.join('?' * len(wanted))})", wanted)
        return {row["id"]: _import(row) for row in rows}

    def latest_import(self, kind: str) -> ImportRecord | None:
        rows = list(self._db.query("SELECT * FROM annex4_imports WHERE kind = ? ORDER BY id DESC LIMIT 1", [kind]))
        return _import(rows[0]) if rows else None

    # -- 找错 messages --------------------------------------------------------------------------------
    def jiucuo_messages_by_id(self, message_ids: Iterable[str]) -> dict[str, JiucuoMessage]:
        wanted = list(dict.fromkeys(message_ids))
        found: dict[str, JiucuoMessage] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._db.query(
                f"SELECT * FROM jiucuo_messages WHERE message_id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update((row["message_id"], _message(row)) for row in rows)
        return found

    def save_jiucuo_message(self, message: JiucuoMessage, import_id: int) -> None:
        """Insert or replace a message by its 留言编号 (inside the importer's transaction)."""
        with self.transaction():
            self._db.table("jiucuo_messages").upsert({
                "message_id": message.message_id, "website_id": message.website_id,
                "received_at": iso(message.received_at),
                "closed_at": iso(message.closed_at) if message.closed_at else None,
                "status": message.status, "import_id": import_id,
            }, pk="message_id")

    def jiucuo_messages_received_between(self, start: datetime, end: datetime) -> list[JiucuoMessage]:
        rows = self._db.query("SELECT * FROM jiucuo_messages WHERE received_at >= ? AND received_at < ?"
                              " ORDER BY received_at, message_id", [iso(start), iso(end)])
        return [_message(row) for row in rows]

    # -- required reposts ---------------------------------------------------------------------------
    def required_repost(self, title_key: str, deadline: date) -> RequiredRepost | None:
        rows = list(self._db.query("SELECT * FROM required_reposts WHERE title_key = ? AND deadline = ?",
                                   [title_key, deadline.isoformat()]))
        return _repost(rows[0]) if rows else None

    def save_required_repost(self, item: RequiredRepost, import_id: int) -> None:
        """Insert or update an item by its normalised title and deadline."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO required_reposts (title, title_key, deadline, period, url, import_id)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (title_key, deadline) DO UPDATE SET title = excluded.title,"
                " period = excluded.period, url = excluded.url, import_id = excluded.import_id",
                [item.title, item.title_key, item.deadline.isoformat(), item.period, item.url, import_id])

    def required_reposts_due_between(self, first_day: date, last_day: date) -> list[RequiredRepost]:
        rows = self._db.query("SELECT * FROM required_reposts WHERE deadline >= ? AND deadline <= ?"
                              " ORDER BY deadline, id", [first_day.isoformat(), last_day.isoformat()])
        return [_repost(row) for row in rows]

    def titles_seen_between(self, start: datetime, end: datetime) -> Iterator[SeenTitle]:
        """Articles first seen before `end` and still seen at or after `start`, site by site."""
        rows = self._db.query("SELECT website_id, url, title FROM items WHERE first_seen < ? AND last_seen >= ?"
                              " ORDER BY website_id", [iso(end), iso(start)])
        for row in rows:
            yield SeenTitle(row["website_id"], row["url"], row["title"] or "")

    # -- annual ranking -----------------------------------------------------------------------------
    def replace_ranking(self, year: int, entries: Iterable[RankingEntry], import_id: int) -> None:
        """The year's ranking becomes `entries` (a corrected file replaces the earlier one)."""
        with self.transaction():
            self._db.execute("DELETE FROM annual_rankings WHERE year = ?", [year])
            for entry in entries:
                self._db.table("annual_rankings").insert({
                    "year": year, "region": entry.region, "rank": entry.rank, "score": entry.score,
                    "import_id": import_id})

    def ranking(self, year: int) -> list[RankingEntry]:
        rows = self._db.query("SELECT * FROM annual_rankings WHERE year = ? ORDER BY region", [year])
        return [RankingEntry(row["year"], row["region"], row["rank"], row["score"], row["import_id"]) for row in rows]


def _import(row: dict[str, Any]) -> ImportRecord:
    return ImportRecord(row["id"], row["kind"], row["file"], moment(row["imported_at"]), row["rows"])


def _message(row: dict[str, Any]) -> JiucuoMessage:
    return JiucuoMessage(row["message_id"], row["website_id"], moment(row["received_at"]),
                         optional_moment(row["closed_at"]), row["status"] or "", row["import_id"] or 0)


def _repost(row: dict[str, Any]) -> RequiredRepost:
    return RequiredRepost(row["title"], row["title_key"], date.fromisoformat(row["deadline"]), row["period"] or "",
                          row["url"] or "", row["import_id"] or 0)
