"""Websites and accounts: look-ups for every command, and the rows the registry import writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monitor.models import Account, Website
from monitor.store.base import StoreBase, optional_moment

REGISTRY_TABLES = ("websites", "accounts")


class RegistryQueries(StoreBase):
    def websites(self, *, include_retired: bool = False, kind: str | None = None,
                 region: str | None = None) -> list[Website]:
        return [_website(row) for row in self._registry_rows("websites", include_retired, kind=kind, region=region)]

    def website(self, website_id: int) -> Website | None:
        rows = list(self._db.query("SELECT * FROM websites WHERE id = ?", [website_id]))
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
            rows = list(self._db.query(sql, params))
            if rows:
                return _website(rows[0])
        return None

    def accounts(self, *, include_retired: bool = False, region: str | None = None,
                 platform: str | None = None) -> list[Account]:
        rows = self._registry_rows("accounts", include_retired, region=region, platform=platform)
        return [_account(row) for row in rows]

    def account(self, account_id: int) -> Account | None:
        rows = list(self._db.query("SELECT * FROM accounts WHERE id = ?", [account_id]))
        return _account(rows[0]) if rows else None

    def find_account(self, target: str, platform: str | None = None) -> Account | None:
        """An account by id or name (and platform, when names repeat across platforms)."""
        target = target.strip()
        where = "name = ?"
        params: list[str | int] = [target]
        if target.isdigit():  # a CAST on every row would make each look-up a full scan
            where, params = "(name = ? OR id = ?)", [target, int(target)]
        if platform:
            where += " AND platform = ?"
            params.append(platform)
        rows = list(self._db.query(f"SELECT * FROM accounts WHERE {where} ORDER BY retired_at IS NOT NULL, id", params))
        return _account(rows[0]) if rows else None

    # -- registry import ----------------------------------------------------------------------------
    def registry_rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of a registry table, retired ones included, as stored (the import compares them)."""
        return list(self._db.query(f"SELECT * FROM {_registry_table(table)} ORDER BY id"))

    def insert_registry_row(self, table: str, values: dict[str, Any]) -> int:
        """Add a website or account row; its id."""
        with self.transaction():
            return self._insert(_registry_table(table), values)

    def update_registry_row(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        with self.transaction():
            self._db.table(_registry_table(table)).update(row_id, values)

    def _registry_rows(self, table: str, include_retired: bool, **equal: str | None) -> Iterator[dict[str, Any]]:
        """Rows of a registry table, in registry order, with the given columns equal to the given values."""
        where = ["1=1"] if include_retired else ["retired_at IS NULL"]
        where += [f"{column} = ?" for column, value in equal.items() if value]
        params = [value for value in equal.values() if value]
        return self._db.query(f"SELECT * FROM {_registry_table(table)} WHERE {' AND '.join(where)} ORDER BY id",
                              params)


def _registry_table(table: str) -> str:
    if table not in REGISTRY_TABLES:
        raise ValueError(f"not a registry table: {table!r}")
    return table


def _website(row: dict[str, Any]) -> Website:
    return Website(
        id=row["id"], name=row["name"], url=row["url"], region=row["region"], kind=row["kind"],
        site_code=row["site_code"] or "", sponsor=row["sponsor"] or "", note=row["note"] or "",
        retired_at=optional_moment(row["retired_at"]), county=row.get("county") or "",
    )


def _account(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"], name=row["name"], platform=row["platform"], region=row["region"],
        subject=row["subject"] or "", source=row["source"] or "", retired_at=optional_moment(row["retired_at"]),
        county=row.get("county") or "",
    )
