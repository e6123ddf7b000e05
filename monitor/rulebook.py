"""Rule data from the `rules/` folder: thresholds, severities, wording and vocabularies.

Read once, checked once: an unknown rule id, an unknown key or a bad value is reported naming the
file and the key, so a supervisor editing `rules/` gets a clear message instead of a wrong verdict.
`Rulebook.rule(rule_id)` is the one place that answers "what applies here".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.annex4.settings import Annex4Rules, Annex4RulesError, load_annex4_rules
from monitor.config import read_toml
from monitor.content.privacy import NameVocabulary
from monitor.content.wording import Lexicon, WordingError
from monitor.extract.guides import ServiceVocabulary
from monitor.extract.messages import MessageVocabulary
from monitor.extract.spam import LexiconError, SpamLexicon, load_lexicon
from monitor.gazetteer import Gazetteer, GazetteerError, ProvincePlaces
from monitor.models import Severity

if TYPE_CHECKING:
    from monitor.assess.model import AssessmentModel

# Thresholds each rule accepts besides `severity` and `wording`. A key not listed is a typo.
RULE_KEYS: dict[str, set[str]] = {
    "unreachable": {"window_days", "veto_share", "warning_share", "min_probes_per_day", "outage_share", "outage_min_sites"},
    "homepage_stale": {"stale_days", "warning_days"},
    "stale_columns": {"veto_count"},
    "stale_columns_long": {"veto_count"},
    "blank_columns": {"veto_count"},
    "illegal_links": {"hidden_wording", "keyword_score"},
    "serious_wording": set(),
    "tampered": {"spam_score", "min_escapes"},
    "forged_dates": {"tolerance_days", "url_gap_days", "recent_days"},
    "privacy_leak": {"max_attachments", "attachment_chars"},
    "no_interaction": {"unanswered_days", "window_days", "idle_days", "idle_veto", "max_boards"},
    "services_unusable": {"guide_wording", "missing_elements", "max_guides", "max_entries"},
    "missing_jiucuo": {"inner_share"},
    "jiucuo_code_mismatch": set(),
    "dead_links": set(),
    "footer_identity": set(),
    "fetch_failed": {"homepage_wording", "partial_homepage_wording", "deadline_wording"},
    "undetermined": set(),
    "account_stale": {"stale_days", "zombie_days"},
    "account_no_interaction": set(),
    "account_security": set(),
    "certificate_invalid": {"expiry_warning_days", "expiring_wording"},
    "https_missing": {"redirect_wording", "hsts_wording"},
    "no_ipv6": set(),
    "domain_rule": set(),
    "metadata_tags": set(),
}


class RulesError(Exception):
    """The rule data in `rules/` is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity
    wording: str
    thresholds: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.thresholds[key]


@dataclass(frozen=True)
class ColumnCategory:
    name: str  # news, notice, policy, should_update, static, interaction, service, special
    label: str
    stale_days: int
    keywords: tuple[str, ...]
    first_level_only: bool = False


class Rulebook:
    """All rule data of one `rules/` folder."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise RulesError(f"{self.directory}: rules folder not found")
        self._rules = self._load_rules()

    # -- rules.toml ---------------------------------------------------------------------------------
    def _load_rules(self) -> dict[str, RuleSpec]:
        path = self.directory / "rules.toml"
        data = read_toml(path, RulesError)
        specs: dict[str, RuleSpec] = {}
        for rule_id, table in data.items():
            if rule_id not in RULE_KEYS:
                raise RulesError(f"{path}: unknown rule '{rule_id}'")
            if not isinstance(table, dict):
                raise RulesError(f"{path}: '{rule_id}' must be a table")
            specs[rule_id] = _rule_spec(path, rule_id, table)
        missing = set(RULE_KEYS) - set(specs)
        if missing:
            raise RulesError(f"{path}: rules missing: {', '.join(sorted(missing))}")
        return specs

    def rule(self, rule_id: str) -> RuleSpec:
        return self._rules[rule_id]

    @property
    def rule_ids(self) -> list[str]:
        return list(self._rules)

    @cached_property
    def assessment(self) -> AssessmentModel:
        """The half-year scoring model of rules/assessment.toml, checked against the rules above."""
        from monitor.assess.model import load_model  # imported late: that module reads RulesError from here

        return load_model(self.directory / "assessment.toml", self.rule_ids)

    # -- vocabularies -------------------------------------------------------------------------------
    @cached_property
    def column_categories(self) -> list[ColumnCategory]:
        path = self.directory / "columns.toml"
        data = read_toml(path, RulesError)
        categories = []
        for name, table in data.get("categories", {}).items():
            unknown = set(table) - {"label", "stale_days", "keywords", "first_level_only"}
            if unknown:
                raise RulesError(f"{path}: unknown key 'categories.{name}.{sorted(unknown)[0]}'")
            try:
                categories.append(
                    ColumnCategory(
                        name=name,
                        label=str(table["label"]),
                        stale_days=int(table["stale_days"]),
                        keywords=tuple(str(k) for k in table["keywords"]),
                        first_level_only=bool(table.get("first_level_only", False)),
                    )
                )
            except KeyError as exc:
                raise RulesError(f"{path}: 'categories.{name}' lacks '{exc.args[0]}'") from exc
        return categories

    @cached_property
    def region_aliases(self) -> dict[str, str]:
        """Every spelling (canonical included) mapped to the canonical region name."""
        path = self.directory / "regions.toml"
        data = read_toml(path, RulesError)
        mapping: dict[str, str] = {}
        for canonical, aliases in data.get("aliases", {}).items():
            mapping[canonical] = canonical
            for alias in aliases:
                mapping[str(alias)] = canonical
        return mapping

    @cached_property
    def gazetteer(self) -> Gazetteer:
        """China's administrative divisions (rules/gazetteer/divisions.csv)."""
        try:
            return Gazetteer.load(self.directory / "gazetteer" / "divisions.csv")
        except GazetteerError as exc:
            raise RulesError(str(exc)) from exc

    def places(self, province: str, order: tuple[str, ...] = ()) -> ProvincePlaces:
        """The 市(州) of `province` in `order`, else in the order rules/regions.toml [order] gives the
        province, else in code order; with the extra spellings of rules/regions.toml [aliases]."""
        try:
            division = self.gazetteer.province(province)
            data = read_toml(self.directory / "regions.toml", RulesError)
            official = order or tuple(data.get("order", {}).get(division.name, ()))
            return self.gazetteer.places(division.code, order=official, extra_aliases=self.region_aliases)
        except GazetteerError as exc:
            raise RulesError(f"{self.directory / 'regions.toml'}: {exc}") from exc

    @cached_property
    def platforms(self) -> tuple[tuple[str, ...], dict[str, str]]:
        """(official platform names, alias -> official name)."""
        path = self.directory / "platforms.toml"
        data = read_toml(path, RulesError)
        return tuple(data.get("names", ())), {str(k): str(v) for k, v in data.get("aliases", {}).items()}

    @cached_property
    def rectification_days(self) -> dict[str, int]:
        """Days a unit is given to fix a finding of each rule; key "" holds the default."""
        path = self.directory / "rectification.toml"
        data = read_toml(path, RulesError)
        unknown = set(data) - {"default_days", "days"}
        if unknown:
            raise RulesError(f"{path}: unknown key '{sorted(unknown)[0]}'")
        days: dict[str, int] = {"": _positive_days(path, "default_days", data.get("default_days", 15))}
        for rule_id, value in data.get("days", {}).items():
            if rule_id not in RULE_KEYS and rule_id != "undetermined":
                raise RulesError(f"{path}: unknown rule 'days.{rule_id}'")
            days[rule_id] = _positive_days(path, f"days.{rule_id}", value)
        return days

    def deadline_days(self, rule_id: str) -> int:
        return self.rectification_days.get(rule_id, self.rectification_days[""])

    @cached_property
    def annex4(self) -> Annex4Rules:
        """How the 附件4 rows are computed (rules/annex4.toml): 找错 limit and statuses, repost and ranking cut-offs."""
        try:
            return load_annex4_rules(self.directory)
        except Annex4RulesError as exc:
            raise RulesError(str(exc)) from exc

    @cached_property
    def blank_markers(self) -> tuple[str, ...]:
        return tuple(_read_lines(self.directory / "blank_markers.txt"))

    @cached_property
    def wording(self) -> Lexicon:
        """The 错敏 wording lexicon of rules/wording/ (categories, severities, sources, allowlist)."""
        try:
            return Lexicon.load(self.directory / "wording", lambda path: read_toml(path, RulesError))
        except (WordingError, KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, WordingError):
                raise RulesError(str(exc)) from exc
            raise RulesError(f"{self.directory / 'wording'}: malformed entry: {exc!r}") from exc

    @cached_property
    def privacy_names(self) -> NameVocabulary:
        """How the privacy rule tells a person's name and a public contact apart (rules/privacy.toml)."""
        path = self.directory / "privacy.toml"
        data = read_toml(path, RulesError)
        known = {"surnames", "compound_surnames", "not_name_endings", "not_names", "contact_labels", "contact_honorifics"}
        unknown = set(data) - known
        if unknown:
            raise RulesError(f"{path}: unknown key '{sorted(unknown)[0]}'")
        try:
            return NameVocabulary(
                surnames="".join(str(data["surnames"]).split()),
                compound_surnames=tuple(str(v) for v in data["compound_surnames"]),
                not_name_endings="".join(str(data["not_name_endings"]).split()),
                not_names=frozenset(str(v) for v in data["not_names"]),
                contact_labels=tuple(str(v) for v in data["contact_labels"]),
                contact_honorifics=tuple(str(v) for v in data.get("contact_honorifics", [])),
            )
        except KeyError as exc:
            raise RulesError(f"{path}: '{exc.args[0]}' is missing") from exc

    @cached_property
    def interaction_words(self) -> MessageVocabulary:
        """What a consultation channel is called and how its message list is labelled (rules/interaction.toml)."""
        path = self.directory / "interaction.toml"
        data = read_toml(path, RulesError)
        _known_keys(path, data, {"channel_words", "not_channel_words", "required_kinds", "labels", "states"})
        labels = _word_table(path, data, "labels", ("title", "asked", "replied", "status"))
        states = _word_table(path, data, "states", ("pending", "replied", "empty"))
        return MessageVocabulary(
            channel_words=_words(path, data, "channel_words"), not_channel_words=_words(path, data, "not_channel_words"),
            required_kinds=_words(path, data, "required_kinds"), labels=labels, pending=states["pending"],
            replied=states["replied"], empty=states["empty"],
        )

    @cached_property
    def service_words(self) -> ServiceVocabulary:
        """What a service entry and a 办事指南 are called, and the elements a guide must show (rules/services.toml)."""
        path = self.directory / "services.toml"
        data = read_toml(path, RulesError)
        _known_keys(path, data, {"entry_words", "guide_words", "required_kinds", "empty_values", "elements"})
        elements = data.get("elements")
        if not isinstance(elements, dict) or not elements:
            raise RulesError(f"{path}: 'elements' must be a table of element = [labels]")
        return ServiceVocabulary(
            entry_words=_words(path, data, "entry_words"), guide_words=_words(path, data, "guide_words"),
            required_kinds=_words(path, data, "required_kinds"), empty_values=_words(path, data, "empty_values"),
            elements={str(name): _words(path, elements, str(name), f"elements.{name}") for name in elements},
        )

    @cached_property
    def spam_lexicon(self) -> SpamLexicon:
        """Brands, phrases, patterns and enforcement words of `rules/spam/` for scoring link targets."""
        try:
            return load_lexicon(self.directory / "spam")
        except LexiconError as exc:
            raise RulesError(str(exc)) from exc

    @property
    def illegal_keywords(self) -> dict[str, int]:
        """Term → weight of the spam lexicon (terms normalised: simplified, lower-case, no separators)."""
        return self.spam_lexicon.weights

    @cached_property
    def illegal_domains(self) -> frozenset[str]:
        folder = self.directory / "illegal_domains"
        domains: set[str] = set()
        for path in sorted(folder.glob("*.txt")) if folder.is_dir() else ():
            if path.name.upper().startswith("LICENSE"):
                continue
            domains.update(line.lower() for line in _read_lines(path))
        return frozenset(domains)

    @cached_property
    def domain_exceptions(self) -> frozenset[str]:
        """Hosts (and their sub-domains) the domain rule leaves alone (rules/domain_exceptions.txt)."""
        path = self.directory / "domain_exceptions.txt"
        return frozenset(line.lower() for line in _read_lines(path)) if path.is_file() else frozenset()

    @cached_property
    def benign_domains(self) -> frozenset[str]:
        return frozenset(line.lower() for line in _read_lines(self.directory / "benign_domains.txt"))


def _rule_spec(path: Path, rule_id: str, table: dict[str, Any]) -> RuleSpec:
    unknown = set(table) - {"severity", "wording"} - RULE_KEYS[rule_id]
    if unknown:
        raise RulesError(f"{path}: unknown key '{rule_id}.{sorted(unknown)[0]}'")
    try:
        severity = Severity(table.get("severity", ""))
    except ValueError as exc:
        raise RulesError(
            f"{path}: '{rule_id}.severity' must be veto, deduction or warning, got {table.get('severity')!r}"
        ) from exc
    wording = table.get("wording")
    if not isinstance(wording, str) or not wording:
        raise RulesError(f"{path}: '{rule_id}.wording' must be a non-empty string")
    thresholds = {k: v for k, v in table.items() if k not in ("severity", "wording")}
    for key, value in thresholds.items():
        if key.endswith("_wording"):
            if not isinstance(value, str) or not value:
                raise RulesError(f"{path}: '{rule_id}.{key}' must be a non-empty string")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise RulesError(f"{path}: '{rule_id}.{key}' must be a number >= 0, got {value!r}")
    return RuleSpec(rule_id, severity, wording, thresholds)


def _known_keys(path: Path, data: dict[str, Any], known: set[str]) -> None:
    unknown = set(data) - known
    if unknown:
        raise RulesError(f"{path}: unknown key '{sorted(unknown)[0]}'")


def _words(path: Path, data: dict[str, Any], key: str, shown: str = "") -> tuple[str, ...]:
    """A list of non-empty strings under `key`."""
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{path}: '{shown or key}' must be a list of words")
    return tuple(v.strip() for v in value)


def _word_table(path: Path, data: dict[str, Any], key: str, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise RulesError(f"{path}: '{key}' must be a table")
    _known_keys(path, {f"{key}.{k}": v for k, v in table.items()}, {f"{key}.{n}" for n in names})
    return {name: _words(path, table, name, f"{key}.{name}") for name in names}


def _positive_days(path: Path, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RulesError(f"{path}: '{key}' must be a whole number of days, at least 1")
    return value


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    """Non-empty, non-comment lines with their line numbers."""
    if not path.is_file():
        raise RulesError(f"{path}: file not found")
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if line.strip() and not line.lstrip().startswith("#"):
            lines.append((number, line))
    return lines


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for _, line in _numbered_lines(path)]
