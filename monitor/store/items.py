"""Article history: each article a site check saw (URL, title, displayed date, text hash, first seen).

What the forged-dates rule compares against: an article that now displays a date later than when
govmon first saw it, or whose title and text were seen before under an older date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from monitor.content.redating import PastItem, SeenItem
from monitor.models import iso
from monitor.store.base import StoreBase, moment

_CHUNK = 500  # SQLite host parameters per query


class ItemQueries(StoreBase):
    def item_history(self, website_id: int, urls: Iterable[str]) -> dict[str, PastItem]:
        """The first sighting of each of `urls` on the site (absent when never seen before)."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, PastItem] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._db.query(
                f"SELECT * FROM items WHERE website_id = ? AND url IN ({', '.join('?' * len(chunk))})",
                [website_id, *chunk],
            )
            found.update((row["url"], _past_item(row)) for row in rows)
        return found

    def items_with_text(self, website_id: int, hashes: Iterable[str]) -> dict[str, list[PastItem]]:
        """Earlier articles of the site with each of these title-and-text hashes."""
        wanted = [h for h in dict.fromkeys(hashes) if h]
        found: dict[str, list[PastItem]] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._db.query(
                f"SELECT * FROM items WHERE website_id = ? AND text_hash IN ({', '.join('?' * len(chunk))})"
                " ORDER BY first_seen",
                [website_id, *chunk],
            )
            for row in rows:
                found.setdefault(row["text_hash"], []).append(_past_item(row))
        return found

    def record_items(self, website_id: int, items: Iterable[SeenItem], *, seen_at: datetime) -> None:
        """Remember what this check saw; the first sighting (time and displayed date) is never overwritten."""
        with self.transaction():
            for item in items:
                self._db.execute(
                    "INSERT INTO items (website_id, url, title, shown_date, text_hash, first_seen, first_shown_date,"
                    " last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (website_id, url) DO UPDATE SET title = excluded.title,"
                    " shown_date = excluded.shown_date, last_seen = MAX(last_seen, excluded.last_seen),"
                    " text_hash = COALESCE(NULLIF(excluded.text_hash, ''), text_hash),"
                    " first_seen = MIN(first_seen, excluded.first_seen),"
                    " first_shown_date = CASE WHEN excluded.first_seen < first_seen THEN excluded.first_shown_date"
                    " ELSE first_shown_date END",
                    [website_id, item.url, item.title, _day(item.shown), item.text_hash, iso(seen_at),
                     _day(item.shown), iso(seen_at)],
                )


def _day(value: date) -> str:
    return value.isoformat()


def _past_item(row: dict[str, Any]) -> PastItem:
    return PastItem(
        url=row["url"], title=row["title"] or "", first_seen=moment(row["first_seen"]),
        first_shown=date.fromisoformat(row["first_shown_date"]) if row["first_shown_date"] else None,
        text_hash=row["text_hash"] or "",
    )
