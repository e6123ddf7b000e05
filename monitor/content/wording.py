"""The 错敏 wording lexicon: one Aho-Corasick pass over page text finds every listed term.

Categories are data (`rules/wording/*.toml`), each with its severity — `veto` (严重表述错误, counts at
once) or `suspect` (疑似, for a reviewer) — and its sources. Three kinds of entries:

- terms: a wrong or outdated form, with its correction and the longer words that contain it rightly
  (``exceptions``: 农业部 is outdated, 农业部门 is fine);
- leaders: a name with the national titles the person holds or held; a name written next to a title
  from the category's title list that is not theirs is an error (国务院总理 + the wrong name);
- people: names of disgraced officials, an error only when still praised (the name followed closely
  by 同志, 重要讲话 …), since a report of their case is legitimate.

A per-site allowlist (`rules/wording/allow.toml`) drops terms that are right on one site (a village
named like an outdated institution). Matching is pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from monitor.page_workers import SentOnce

VETO = "veto"
SUSPECT = "suspect"
SEVERITIES = (VETO, SUSPECT)
SENTENCE_CONTEXT = 60  # at most this many characters either side of a term in the shown sentence
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
MARK_OPEN, MARK_CLOSE = "【", "】"  # how the term is highlighted in the sentence


class WordingError(Exception):
    """A lexicon file is wrong; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Category:
    name: str  # the file name without .toml
    label: str  # 领导人姓名职务错误 …
    severity: str  # veto | suspect
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon hit in a text: the term as written, what it should be, and the sentence it stands in."""

    term: str
    correction: str
    category: Category
    start: int
    sentence: str  # the sentence with the term between 【 and 】

    @property
    def severity(self) -> str:
        return self.category.severity


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # "term", "exception", "leader", "person"
    category: Category
    term: str
    correction: str = ""
    titles: frozenset[str] = frozenset()  # a leader's own titles


@dataclass
class Lexicon(SentOnce):
    """Every category of `rules/wording/`, compiled into one automaton."""

    categories: list[Category] = field(default_factory=list)
    allow: dict[str, frozenset[str]] = field(default_factory=dict)  # site URL -> terms allowed there
    title_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # leaders category -> title list
    praise_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # people category -> praise list
    praise_window: int = 12
    _automaton: Any = None
    _entries: list[_Entry] = field(default_factory=list)

    # -- loading ------------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path, read_toml: Any) -> Lexicon:
        """All `*.toml` of `folder` (allow.toml is the per-site allowlist)."""
        lexicon = cls()
        if not folder.is_dir():
            raise WordingError(f"{folder}: wording folder not found")
        for path in sorted(folder.glob("*.toml")):
            data = read_toml(path)
            if path.stem == "allow":
                lexicon._load_allow(path, data)
            else:
                lexicon._load_category(path, data)
        lexicon._compile()
        return lexicon

    def _load_allow(self, path: Path, data: dict[str, Any]) -> None:
        for site, table in data.get("sites", {}).items():
            terms = table.get("terms") if isinstance(table, dict) else None
            if not isinstance(terms, list):
                raise WordingError(f"{path}: 'sites.\"{site}\".terms' must be a list of terms")
            self.allow[_site_key(site)] = frozenset(str(t) for t in terms)
        unknown = set(data) - {"sites"}
        if unknown:
            raise WordingError(f"{path}: unknown key '{sorted(unknown)[0]}'")

    def _load_category(self, path: Path, data: dict[str, Any]) -> None:
        unknown = set(data) - {"category", "terms", "titles", "leaders", "praise", "praise_window", "people"}
        if unknown:
            raise WordingError(f"{path}: unknown key '{sorted(unknown)[0]}'")
        head = data.get("category")
        if not isinstance(head, dict):
            raise WordingError(f"{path}: a [category] table with label, severity and sources is required")
        extra = set(head) - {"label", "severity", "sources"}
        if extra:
            raise WordingError(f"{path}: unknown key 'category.{sorted(extra)[0]}' (keys of the file go above [category])")
        severity = head.get("severity")
        if severity not in SEVERITIES:
            raise WordingError(f"{path}: 'category.severity' must be veto or suspect, got {severity!r}")
        sources = head.get("sources")
        if not isinstance(sources, list) or not sources:
            raise WordingError(f"{path}: 'category.sources' must name at least one source")
        category = Category(path.stem, str(head.get("label") or path.stem), severity, tuple(map(str, sources)))
        self.categories.append(category)
        for number, item in enumerate(data.get("terms", []), start=1):
            wrong = str(item.get("wrong", "")).strip()
            if not wrong:
                raise WordingError(f"{path}: 'terms' entry {number} has no 'wrong'")
            self._entries.append(_Entry("term", category, wrong, str(item.get("right", ""))))
            for longer in item.get("exceptions", []):
                if wrong not in longer:
                    raise WordingError(f"{path}: exception '{longer}' of '{wrong}' does not contain it")
                self._entries.append(_Entry("exception", category, str(longer)))
        if "leaders" in data:
            self.title_words[category.name] = tuple(sorted(map(str, data.get("titles", [])), key=len, reverse=True))
            for item in data["leaders"]:
                self._entries.append(_Entry("leader", category, str(item["name"]),
                                            titles=frozenset(map(str, item.get("titles", [])))))
        if "people" in data:
            self.praise_words[category.name] = tuple(map(str, data.get("praise", [])))
            self.praise_window = int(data.get("praise_window", self.praise_window))
            for item in data["people"]:
                self._entries.append(_Entry("person", category, str(item["name"])))

    def _compile(self) -> None:
        automaton = ahocorasick.Automaton()
        for index, entry in enumerate(self._entries):
            existing = automaton.get(entry.term, ())
            automaton.add_word(entry.term, (*existing, index))
        if self._entries:
            automaton.make_automaton()
        self._automaton = automaton

    def allowed(self, site: str) -> frozenset[str]:
        """Terms the allowlist accepts on `site` (a site URL)."""
        return self.allow.get(_site_key(site), frozenset())

    # -- scanning -----------------------------------------------------------------------------------
    @property
    def terms(self) -> list[str]:
        """Every listed wrong term (not exceptions, leaders or people)."""
        return [e.term for e in self._entries if e.kind == "term"]

    def scan(self, text: str, site: str = "") -> list[Hit]:
        """Every hit in `text`, in order; terms allowed for `site` are left out."""
        if not self._entries or not text:
            return []
        allowed = self.allowed(site) if site else frozenset()
        found: list[tuple[int, int, _Entry, str]] = []  # start, end, entry, correction
        covered: list[tuple[int, int]] = []  # spans of exceptions (right longer words)
        for end_index, indexes in self._automaton.iter(text):
            for index in indexes:
                entry = self._entries[index]
                start = end_index - len(entry.term) + 1
                if entry.kind == "exception":
                    covered.append((start, end_index + 1))
                elif entry.term not in allowed:
                    correction = self._judge(entry, text, start, end_index + 1)
                    if correction is not None:
                        found.append((start, end_index + 1, entry, correction))
        hits = []
        spans = [(start, end) for start, end, _, _ in found]
        for start, end, entry, correction in found:
            if any(s <= start and end <= e for s, e in covered):
                continue
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
                continue  # inside a longer listed term: that one is reported
            start, end = self._shown_span(entry, text, start, end)
            hits.append(Hit(text[start:end], correction, entry.category, start, sentence_of(text, start, end)))
        return hits

    def _judge(self, entry: _Entry, text: str, start: int, end: int) -> str | None:
        """The correction when this occurrence is an error, None when it is fine."""
        if entry.kind == "term":
            return entry.correction
        if entry.kind == "leader":
            title = self._adjacent_title(entry.category.name, text, start, end)
            if title is None or title in entry.titles:
                return None
            return f"{entry.term}的职务不是“{title}”"
        if entry.kind == "person":
            after = text[end : end + self.praise_window]
            after = _SENTENCE_END.split(after, 1)[0]
            if any(word in after for word in self.praise_words.get(entry.category.name, ())):
                return f"{entry.term}已被查处，不应再以褒扬口吻提及"
            return None
        return None

    def _adjacent_title(self, category: str, text: str, start: int, end: int) -> str | None:
        """A national title written right before or right after the name (the longest one)."""
        for title in self.title_words.get(category, ()):
            if text.endswith(title, 0, start) or text.startswith(title, end):
                return title
        return None

    def _shown_span(self, entry: _Entry, text: str, start: int, end: int) -> tuple[int, int]:
        """The span shown as the term: a leader's name together with the wrong title."""
        if entry.kind != "leader":
            return start, end
        title = self._adjacent_title(entry.category.name, text, start, end) or ""
        return (start - len(title), end) if text.endswith(title, 0, start) else (start, end + len(title))


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], cut to SENTENCE_CONTEXT each side, the term in 【】."""
    left = max(0, start - SENTENCE_CONTEXT)
    right = min(len(text), end + SENTENCE_CONTEXT)
    before, after = text[left:start], text[end:right]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    if cut:
        before = before[cut[-1]:]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[: stop.end()]
    return " ".join(f"{before}{MARK_OPEN}{text[start:end]}{MARK_CLOSE}{after}".split())


def _site_key(url: str) -> str:
    """Allowlist keys ignore the scheme and a trailing slash."""
    return re.sub(r"^https?://", "", url.strip().lower()).rstrip("/")
