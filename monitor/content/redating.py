"""Re-dated articles (伪造发稿日期, 旧稿新发): the displayed date against the article's own URL and history.

Three signs, each conservative:

- the date in the article's URL path (/201705/, /art/2016/11/22/, t20190918_) is far older than the
  displayed date, for an item dated recently (a recent date is what makes a column look updated);
- govmon saw the article before the date it now displays (it existed before its "publication");
- the same title and text were seen before on the site under an older date (needs the article text).

Pure: item history comes in from the store, `as_of` from the caller.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from monitor.evidence import ForgedDatesEvidence

# Dates in article URLs, as CMSs write them: TRS t20190918_123, Hanweb /art/2016/11/22/, /202305/, /2023/0516/.
_URL_DATES = (
    re.compile(r"/t(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})_\d+"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-_]?(?P<m>\d{2})[-_]?(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{2})(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-_]?(?P<m>\d{2})/"),
)


@dataclass(frozen=True, slots=True)
class SeenItem:
    """An article as this check saw it: where, what, the displayed date and (when read) a hash of its text."""

    url: str
    title: str
    shown: date
    text_hash: str = ""


@dataclass(frozen=True, slots=True)
class PastItem:
    """An article as govmon first saw it on an earlier check."""

    url: str
    title: str
    first_seen: datetime
    first_shown: date | None
    text_hash: str = ""


# Parts of a page that change when an article is re-dated or visited, not when its content changes.
_VOLATILE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"  # dates
    r"|\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?"  # times
    r"|(?:浏览|访问|点击|阅读)(?:次数|量)?\s*[:：]?\s*\d+"  # visit counters
)


def text_hash(title: str, text: str) -> str:
    """A hash of an article's title and text, whitespace folded and dates, times and visit counters left
    out: the same article re-dated (its page now saying 发布日期 of today) hashes alike."""
    folded = " ".join(_VOLATILE.sub(" ", f"{title}\n{text}").split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


def url_date(url: str) -> date | None:
    """The latest day the URL path allows (a month-only path gives the month's last day), or None."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if not match:
            continue
        year, month = int(match["y"]), int(match["m"])
        if not 1 <= month <= 12:
            continue
        groups = match.groupdict()
        day = int(groups["d"]) if groups.get("d") else calendar.monthrange(year, month)[1]
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def redated(items: list[SeenItem], by_url: dict[str, PastItem], by_hash: dict[str, list[PastItem]], *,
            today: date, tolerance_days: int, url_gap_days: int, recent_days: int) -> list[ForgedDatesEvidence]:
    """Evidence of the items whose displayed date looks forged, each with both dates."""
    found: list[ForgedDatesEvidence] = []
    for item in items:
        entry = _judge(item, by_url.get(item.url), by_hash.get(item.text_hash, []) if item.text_hash else [],
                       today, tolerance_days, url_gap_days, recent_days)
        if entry:
            found.append(entry)
    return found


def _judge(item: SeenItem, past: PastItem | None, same_text: list[PastItem], today: date, tolerance_days: int,
           url_gap_days: int, recent_days: int) -> ForgedDatesEvidence | None:
    base: ForgedDatesEvidence = {"url": item.url, "title": item.title, "shown_date": item.shown.isoformat()}
    if past is not None and (item.shown - past.first_seen.date()).days > tolerance_days:
        return {**base, "sign": "first_seen", "first_seen": past.first_seen.date().isoformat(),
                "first_shown_date": past.first_shown.isoformat() if past.first_shown else None,
                "gap_days": (item.shown - past.first_seen.date()).days}
    older = [p for p in same_text if p.url != item.url and p.first_shown is not None
             and (item.shown - p.first_shown).days > tolerance_days]
    if older:
        first = min(older, key=lambda p: p.first_shown or item.shown)
        return {**base, "sign": "same_text", "earlier_url": first.url,
                "earlier_date": first.first_shown.isoformat() if first.first_shown else None,
                "gap_days": (item.shown - first.first_shown).days if first.first_shown else None}
    in_url = url_date(item.url)
    if in_url is not None and (today - item.shown).days <= recent_days and (item.shown - in_url).days > url_gap_days:
        return {**base, "sign": "url_date", "url_date": in_url.isoformat(), "gap_days": (item.shown - in_url).days}
    return None
