"""Crawler-trap detection: URLs that would let one site eat the whole page budget.

Calendars that link every next day, session ids that make every link new, query strings that grow
with each click and paths that repeat themselves produce endless distinct URLs with no new content.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlsplit

MAX_URL_LENGTH = 300
SESSION_KEYS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid", "cfid", "cftoken", "sessid"}
)
CALENDAR_KEYS = frozenset(
    {"year", "month", "day", "date", "ym", "ymd", "yearmonth", "cal", "calendar", "week", "time"}
)


def _query_pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _session_reason(url: str) -> str:
    """Session ids in the path (`;jsessionid=`) or the query make every visit a new URL."""
    path = urlsplit(url).path.lower()
    if any(f";{key}=" in path for key in SESSION_KEYS) or "(s(" in path:
        return "session id in path"
    if any(key.lower() in SESSION_KEYS for key, _ in _query_pairs(url)):
        return "session id in query"
    return ""


def _repeated_path_reason(url: str) -> str:
    """`/a/b/a/b/a/b/` or a segment three times: relative links resolved against themselves."""
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    if segments and Counter(segments).most_common(1)[0][1] >= 3:
        return "repeated path segments"
    for size in range(2, len(segments) // 2 + 1):
        for start in range(len(segments) - 2 * size + 1):
            if segments[start : start + size] == segments[start + size : start + 2 * size]:
                return "repeated path segments"
    return ""


def _query_shape_reason(url: str, parent: str) -> str:
    """Repeated query keys, or a query that extends the linking page's query on the same path."""
    pairs = _query_pairs(url)
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        return "repeated query keys"
    if not parent or urlsplit(parent).path != urlsplit(url).path:
        return ""
    parent_pairs = set(_query_pairs(parent))
    if parent_pairs and parent_pairs < set(pairs):
        return "query string growing across links"
    return ""


class TrapDetector:
    """Says why a URL is a trap ("" when it is not), remembering calendar values seen per page.

    A calendar parameter is allowed once per page (a listing filtered by year is a real page); the
    same page asked again with another year/month/date is the calendar walking on.
    """

    def __init__(self) -> None:
        self._calendar_seen: dict[
            tuple[str, str, tuple[tuple[str, str], ...]], tuple[tuple[str, str], ...]
        ] = {}

    def reason(self, url: str, parent: str = "") -> str:
        """Why `url` (linked from `parent`) must not be fetched, or "" to fetch it."""
        if len(url) > MAX_URL_LENGTH:
            return "very long URL"
        return (
            _session_reason(url)
            or _repeated_path_reason(url)
            or _query_shape_reason(url, parent)
            or self._calendar_reason(url)
        )

    def _calendar_reason(self, url: str) -> str:
        pairs = _query_pairs(url)
        calendar = tuple(sorted((k, v) for k, v in pairs if k.lower() in CALENDAR_KEYS))
        if not calendar:
            return ""
        parts = urlsplit(url)
        rest = tuple(sorted((k, v) for k, v in pairs if k.lower() not in CALENDAR_KEYS))
        key = (parts.netloc.lower(), parts.path, rest)
        first = self._calendar_seen.setdefault(key, calendar)
        return "" if first == calendar else "calendar parameters changing"
