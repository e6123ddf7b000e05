"""Home-page fingerprints: what each site check saw of the home page (title, footer, external script and
frame hosts, hidden links), so the tampering rule can compare with the page as it was before.

The baseline of a check is the newest fingerprint of a check judged as of an earlier moment that found
no tampering: a defaced page never becomes the page it is compared with.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from monitor.models import iso
from monitor.observations import HomeFingerprint
from monitor.store.base import StoreBase, moment


class FingerprintQueries(StoreBase):
    def home_baseline(self, website_id: int, before: datetime) -> tuple[datetime, HomeFingerprint] | None:
        """The newest untampered home-page fingerprint of the site seen before `before`, with when."""
        row = self._db.execute(
            "SELECT seen_at, data FROM fingerprints WHERE website_id = ? AND seen_at < ? AND tampered = 0"
            " ORDER BY seen_at DESC LIMIT 1", [website_id, iso(before)],
        ).fetchone()
        if row is None:
            return None
        return moment(row[0]), _fingerprint(json.loads(row[1]))

    def record_fingerprint(self, website_id: int, fingerprint: HomeFingerprint, *, seen_at: datetime,
                           tampered: bool) -> None:
        """Keep this check's fingerprint (one per site and moment: a re-check of the moment replaces it)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO fingerprints (website_id, seen_at, data, tampered) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (website_id, seen_at) DO UPDATE SET data = excluded.data, tampered = excluded.tampered",
                [website_id, iso(seen_at), json.dumps(asdict(fingerprint), ensure_ascii=False), int(tampered)],
            )


def _fingerprint(data: dict[str, Any]) -> HomeFingerprint:
    return HomeFingerprint(
        title=str(data.get("title", "")), footer=str(data.get("footer", "")),
        script_hosts=tuple(data.get("script_hosts", ())), iframe_hosts=tuple(data.get("iframe_hosts", ())),
        hidden_links=tuple(data.get("hidden_links", ())),
    )
