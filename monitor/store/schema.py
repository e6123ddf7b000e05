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


def _m004_console(db: sqlite_utils.Database) -> None:
    """The web console: users and their sites, API tokens, assignments to units, audit trail, alert log."""
    db.table("users").create(
        {"id": int, "name": str, "role": str, "region": str, "password_hash": str, "created_at": str,
         "session_epoch": int, "disabled_at": str},
        pk="id", not_null={"name", "role", "password_hash"},
    )
    db.table("users").create_index(["name"], unique=True)
    db.table("user_sites").create({"user_id": int, "website_id": int}, pk=("user_id", "website_id"),
                            foreign_keys=[("user_id", "users", "id"), ("website_id", "websites", "id")])
    db.table("api_tokens").create(
        {"id": int, "user_id": int, "token_hash": str, "created_at": str, "revoked_at": str},
        pk="id", foreign_keys=[("user_id", "users", "id")],
    )
    db.table("api_tokens").create_index(["token_hash"], unique=True)
    db.table("assignments").create(
        {"finding_id": int, "unit": str, "deadline": str, "assigned_at": str, "assigned_by": str, "state": str,
         "rectified_at": str, "rectified_by": str, "rectified_note": str, "rechecked_at": str,
         "recheck_result": str},
        pk="finding_id", foreign_keys=[("finding_id", "findings", "id")],
    )
    db.table("assignments").create_index(["unit"])
    db.table("audit").create(
        {"id": int, "finding_id": int, "at": str, "actor": str, "action": str, "detail": str, "remote": str},
        pk="id",
    )
    db.table("audit").create_index(["finding_id"])
    db.table("alerts_sent").create({"unit": str, "kind": str, "day": str, "sent_at": str}, pk=("unit", "kind", "day"))


def _m005_annex4(db: sqlite_utils.Database) -> None:
    """附件4 inputs: each import (file, time, rows), 找错 messages, required reposts, annual rankings."""
    db.table("annex4_imports").create(
        {"id": int, "kind": str, "file": str, "imported_at": str, "rows": int},
        pk="id", not_null={"kind", "file", "imported_at"},
    )
    db.table("jiucuo_messages").create(
        {"message_id": str, "website_id": int, "received_at": str, "closed_at": str, "status": str,
         "import_id": int},
        pk="message_id", not_null={"website_id", "received_at"},
        foreign_keys=[("website_id", "websites", "id"), ("import_id", "annex4_imports", "id")],
    )
    db.table("jiucuo_messages").create_index(["received_at"])
    db.table("required_reposts").create(
        {"id": int, "title": str, "title_key": str, "deadline": str, "period": str, "url": str, "import_id": int},
        pk="id", not_null={"title", "title_key", "deadline"},
        foreign_keys=[("import_id", "annex4_imports", "id")],
    )
    db.table("required_reposts").create_index(["title_key", "deadline"], unique=True)
    db.table("annual_rankings").create(
        {"year": int, "region": str, "rank": int, "score": float, "import_id": int},
        pk=("year", "region"), foreign_keys=[("import_id", "annex4_imports", "id")],
    )
    db.table("items").create_index(["last_seen"])


def _m006_fingerprints(db: sqlite_utils.Database) -> None:
    """Home-page fingerprints per site and check moment, for the tampering rule."""
    db.table("fingerprints").create(
        {"website_id": int, "seen_at": str, "data": str, "tampered": int},
        pk=("website_id", "seen_at"), foreign_keys=[("website_id", "websites", "id")],
    )


# Forward migrations, applied in order; the schema version is the number applied. Never edit one
# that has shipped: append a new one.
MIGRATIONS: list[tuple[str, Migration]] = [
    ("initial schema", _m001_initial),
    ("article history", _m002_items),
    ("county of websites and accounts", _m003_county),
    ("console users, tokens, assignments, audit", _m004_console),
    ("annex 4 imports: 找错 messages, required reposts, annual rankings", _m005_annex4),
    ("home-page fingerprints", _m006_fingerprints),
]
