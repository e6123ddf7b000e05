"""rules/annex4.toml: the limits, vocabularies and cut-offs of the 附件4 rows, checked on load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from monitor.config import read_toml
from monitor.models import WEBSITE_KINDS

FILE_NAME = "annex4.toml"
_KEYS: dict[str, set[str]] = {
    "jiucuo": {"answer_working_days", "closed_statuses", "open_statuses", "excluded_statuses", "extra_holidays",
               "extra_workdays"},
    "reposts": {"site_kinds", "good_share", "min_title_chars"},
    "ranking": {"top"},
}


class Annex4RulesError(ValueError):
    """rules/annex4.toml is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class JiucuoRules:
    answer_working_days: int
    closed_statuses: tuple[str, ...]
    open_statuses: tuple[str, ...]
    excluded_statuses: tuple[str, ...]
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def status_kind(self, status: str) -> str | None:
        """closed, open, excluded, or None for a value the lists do not know (spaces ignored)."""
        wanted = "".join(status.split())
        for kind, values in (("closed", self.closed_statuses), ("open", self.open_statuses),
                             ("excluded", self.excluded_statuses)):
            if wanted in values:
                return kind
        return None

    @property
    def known_statuses(self) -> tuple[str, ...]:
        return (*self.closed_statuses, *self.open_statuses, *self.excluded_statuses)


@dataclass(frozen=True)
class RepostRules:
    site_kinds: tuple[str, ...]
    good_share: float
    min_title_chars: int


@dataclass(frozen=True)
class Annex4Rules:
    jiucuo: JiucuoRules
    reposts: RepostRules
    ranking_top: int


def load_annex4_rules(directory: Path) -> Annex4Rules:
    """Read and check `directory`/annex4.toml."""
    path = Path(directory) / FILE_NAME
    data = read_toml(path, Annex4RulesError)
    for section, table in data.items():
        if section not in _KEYS or not isinstance(table, dict):
            raise Annex4RulesError(f"{path}: unknown section '{section}'")
        unknown = set(table) - _KEYS[section]
        if unknown:
            raise Annex4RulesError(f"{path}: unknown key '{section}.{sorted(unknown)[0]}'")
    read = _Reader(path, data)
    jiucuo = JiucuoRules(
        answer_working_days=read.whole("jiucuo", "answer_working_days", 1),
        closed_statuses=read.words("jiucuo", "closed_statuses"),
        open_statuses=read.words("jiucuo", "open_statuses"),
        excluded_statuses=read.words("jiucuo", "excluded_statuses", allow_empty=True),
        extra_holidays=read.days("jiucuo", "extra_holidays"),
        extra_workdays=read.days("jiucuo", "extra_workdays"),
    )
    kinds = read.words("reposts", "site_kinds")
    wrong = [k for k in kinds if k not in WEBSITE_KINDS]
    if wrong:
        raise Annex4RulesError(f"{path}: 'reposts.site_kinds' has {wrong[0]!r}; use {'、'.join(WEBSITE_KINDS)}")
    share = read.value("reposts", "good_share")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise Annex4RulesError(f"{path}: 'reposts.good_share' must be a share above 0 and at most 1, got {share!r}")
    reposts = RepostRules(kinds, float(share), read.whole("reposts", "min_title_chars", 2))
    return Annex4Rules(jiucuo, reposts, read.whole("ranking", "top", 1))


@dataclass(frozen=True)
class _Reader:
    path: Path
    data: dict[str, Any]

    def value(self, section: str, key: str) -> Any:
        try:
            return self.data[section][key]
        except KeyError:
            raise Annex4RulesError(f"{self.path}: '{section}.{key}' is missing") from None

    def whole(self, section: str, key: str, least: int) -> int:
        value = self.value(section, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise Annex4RulesError(f"{self.path}: '{section}.{key}' must be a whole number of at least {least}, "
                                   f"got {value!r}")
        return value

    def words(self, section: str, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
        value = self.value(section, key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) \
                or (not value and not allow_empty):
            raise Annex4RulesError(f"{self.path}: '{section}.{key}' must be a list of non-empty strings")
        return tuple("".join(v.split()) for v in value)

    def days(self, section: str, key: str) -> frozenset[date]:
        found = set()
        for text in self.words(section, key, allow_empty=True):
            try:
                found.add(date.fromisoformat(text))
            except ValueError:
                raise Annex4RulesError(f"{self.path}: '{section}.{key}' has {text!r}, not a YYYY-MM-DD day") from None
        return frozenset(found)
