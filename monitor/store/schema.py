"""The schema as forward migrations: the schema version of a database is the number applied."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.table("websites").create(
        {
            "id": int, "url": str, "name": str, "region": str, "kind": str, "site_code": str,
            "sponsor": str, "note": str, "source_file": str, "imported_at": str, "retired_at": str,
        },
        pk="id", not_null={"url", "name", "region", "kind"},
    )
    db.table("websites").create_index(["url"], unique=True)
    db.table("accounts").create(
        {
            "id": int, "platform": str, "name": str, "region": str, "subject": str, "source": str,
            "source_file": str, "imported_at": str, "retired_at": str,
        },
        pk="id", not_null={"platform", "name", "region"},
    )
    db.table("accounts").create_index(["platform", "name"], unique=True)
    db.table("check_runs").create(
        {
            "id": int, "subject_kind": str, "subject_id": int, "kind": str, "as_of": str,
            "started_at": str, "finished_at": str, "outcome": str, "pages": int, "error": str,
            "summary": str,
        },
        pk="id",
    )
    db.table("check_runs").create_index(["subject_kind", "subject_id", "kind", "as_of"])
    db.table("pages").create(
        {
            "id": int, "run_id": int, "website_id": int, "url": str, "role": str, "status": int,
            "fetched_at": str, "content_type": str, "bytes": int, "error": str,
        },
        pk="id", foreign_keys=[("run_id", "check_runs", "id")],
    )
    db.table("pages").create_index(["website_id", "url"])
    db.table("probes").create(
        {
            "id": int, "website_id": int, "at": str, "outcome": str, "status": int, "latency_ms": int,
            "final_url": str, "error": str, "round_id": str, "discarded": int, "discard_reason": str,
        },
        pk="id", foreign_keys=[("website_id", "websites", "id")],
    )
    db.table("probes").create_index(["website_id", "at"])
    db.table("probes").create_index(["round_id"])
    db.table("findings").create(
        {
            "id": int, "subject_kind": str, "subject_id": int, "rule": str, "key": str, "severity": str,
            "wording": str, "evidence": str, "first_seen": str, "last_seen": str, "status": str,
            "resolved_at": str, "note": str, "reviewer": str, "source": str,
        },
        pk="id", not_null={"subject_kind", "subject_id", "rule", "severity", "status"},
    )
    db.table("findings").create_index(["subject_kind", "subject_id", "rule", "key"])
    db.table("findings").create_index(["status"])
    db.table("account_observations").create(
        {
            "id": int, "account_id": int, "checked_at": str, "outcome": str, "latest_post_at": str,
            "post_count": int, "source_kind": str, "error": str, "detail": str,
        },
        pk="id", foreign_keys=[("account_id", "accounts", "id")],
    )
    db.table("account_observations").create_index(["account_id", "checked_at"])
    db.table("account_samples").create(
        {"quarter": str, "account_id": int, "reason": str, "created_at": str},
        pk=("quarter", "account_id"),
    )


def _m002_items(db: sqlite_utils.Database) -> None:
    """Article history for the forged-dates rule: one row per article URL of a site."""
    db.table("items").create(
        {
            "id": int, "website_id": int, "url": str, "title": str, "shown_date": str, "text_hash": str,
            "first_seen": str, "first_shown_date": str, "last_seen": str,
        },
        pk="id", not_null={"website_id", "url", "first_seen"}, foreign_keys=[("website_id", "websites", "id")],
    )
    db.table("items").create_index(["website_id", "url"], unique=True)
    db.table("items").create_index(["website_id", "text_hash"])


def _m003_county(db: sqlite_utils.Database) -> None:
    """The county-level unit of a site or account (青羊区), beside its 市(州) in region."""
    db.table("websites").add_column("county", str)
    db.table("accounts").add_column("county", str)


# Forward migrations, applied in order; the schema version is the number applied. Never edit one
# that has shipped: append a new one.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial schema", _m001_initial),
    ("article history", _m002_items),
    ("county of websites and accounts", _m003_county),
]
