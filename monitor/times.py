"""Timestamps: stored as ISO 8601 text with their offset, to the second; parsed once, where the store
reads them; shown to people to the minute. One place for each, so every module agrees."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

_ISO_MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 with their offset, to the second."""
    return moment.isoformat(timespec="seconds")


def optional_iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def parse_iso(text: str) -> datetime:
    """A stored timestamp as a datetime (naive when it was stored without an offset)."""
    return datetime.fromisoformat(text)


def parse_optional(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """A time without offset is read in `zone`; one with an offset stays as it is."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def to_minute(value: object) -> str:
    """2022-12-10T10:00:00+08:00 (text or datetime) -> 2022-12-10 10:00; a date or other text stays as it is."""
    if value is None:
        return ""
    text = iso(value) if isinstance(value, datetime) else str(value)
    return text[:16].replace("T", " ") if _ISO_MINUTE.match(text) else text
