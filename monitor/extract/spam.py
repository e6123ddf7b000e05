"""Is this page a gambling or porn page? A score on normalised text, the title weighed above the body.

Spam pages hide their words from naive keyword scans: traditional characters (國產, 體育), full-width
letters, zero-width characters and emoji between the characters, words spaced out one character at a
time. Text is therefore normalised before any match: traditional → simplified (OpenCC `t2s`), NFKC
(full-width → half-width), invisible characters and emoji removed, case folded, and separators between
characters dropped so spaced-out words join up again.

A page's title says what the page is; its body may be copied government text. Matches in the title
count double. A title that reaches the threshold by itself, or a gambling or porn brand in the title or
in the 主办/承办 line of the footer, is decisive: a copied county page titled with porn phrases, or whose
organiser is a casino, is a spam page whatever else it copied. A term preceded by words
of enforcement or warning (打击, 整治, 严禁 …) is not counted there: a government notice about gambling is
not a gambling page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc  # the reference OpenCC conversion tables; pure data, no network

from monitor.page_workers import SentOnce

TITLE_FACTOR = 2  # a title match counts this many times its weight
GUARD_WINDOW = 8  # characters before a match searched for an enforcement word
SPONSOR_WINDOW = 40  # characters after 主办/承办 read as the organiser's name

# Zero-width and formatting characters, variation selectors, and the pictographic planes (emoji).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001f000-\U0001faff\U000e0000-\U000e007f\u2600-\u27bf\u2b00-\u2bff]"
)
# Whitespace and the punctuation spammers put between characters ("澳 门", "澳-门", "澳·门", "澳|门").
_SEPARATORS = re.compile(r"[\s\-_.·•・∙*|/\\~^`'\"+=#@!?,、。:;()\[\]{}<>《》「」『』【】〔〕…—–“”‘’]+")
_SPONSOR = re.compile(r"(?:主办|承办)(?:单位|方)?[:：]?")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified, half-width, lower-case text without invisible characters or emoji (spacing kept)."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    return _converter().convert(text).lower()


def compact(text: str) -> str:
    """`normalise`d text with every separator removed: "澳 門 賭 場" → "澳门赌场"."""
    return _SEPARATORS.sub("", normalise(text))


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon entry: the compacted words, their weight and what they indicate."""

    text: str
    weight: int
    category: str  # gambling, porn, other
    brand: bool = False  # a brand is decisive in the title or the organiser line


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression over compacted text, for phrasing no fixed word covers (…体育官网入口)."""

    regex: re.Pattern[str]
    label: str
    weight: int
    category: str


@dataclass(frozen=True)
class SpamLexicon(SentOnce):
    terms: tuple[Term, ...]
    patterns: tuple[Pattern, ...]
    guards: tuple[str, ...]  # enforcement words that neutralise a following match

    @property
    def weights(self) -> dict[str, int]:
        """term → weight, for scoring short texts such as the anchor text of hidden links."""
        return {term.text: term.weight for term in self.terms}


@dataclass(frozen=True, slots=True)
class SpamScore:
    score: int
    matched: tuple[str, ...]  # terms and pattern labels found, title ones first
    decisive: str = ""  # "标题: <brand>" or "主办/承办: <brand>" when a brand decided it
    category: str = ""  # gambling or porn (the heavier side), "" when nothing matched


class LexiconError(ValueError):
    """A line of a lexicon file is wrong; the message names the file and the line."""


def _lines(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


def _fields(path: Path, number: int, line: str, least: int) -> list[str]:
    fields = [field.strip() for field in line.split("\t")]
    if len(fields) < least or not fields[0]:
        raise LexiconError(f"{path}:{number}: expected {least} tab-separated fields, got {line!r}")
    return fields


def _weight(path: Path, number: int, value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise LexiconError(f"{path}:{number}: weight must be a whole number: {value!r}") from exc


def load_lexicon(folder: Path) -> SpamLexicon:
    """brands.txt (brand, category), phrases.txt (phrase, weight, category), patterns.txt (regex, label,
    weight, category) and guards.txt (one word a line) of `folder`."""
    terms: dict[str, Term] = {}
    path = folder / "phrases.txt"
    for number, line in _lines(path):
        text, weight, *rest = _fields(path, number, line, 2)
        key = compact(text)
        terms[key] = Term(key, _weight(path, number, weight), rest[0] if rest else "other")
    path = folder / "brands.txt"
    for number, line in _lines(path):
        text, *rest = _fields(path, number, line, 1)
        key = compact(text)
        terms[key] = Term(key, 3, rest[0] if rest else "gambling", brand=True)
    patterns = []
    path = folder / "patterns.txt"
    for number, line in _lines(path):
        regex, label, weight, *rest = _fields(path, number, line, 3)
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            raise LexiconError(f"{path}:{number}: bad regular expression: {exc}") from exc
        patterns.append(Pattern(compiled, label, _weight(path, number, weight), rest[0] if rest else "gambling"))
    guards = tuple(compact(word) for _, word in _lines(folder / "guards.txt"))
    return SpamLexicon(tuple(terms.values()), tuple(patterns), guards)


def _unguarded(haystack: str, needle: str, guards: tuple[str, ...]) -> bool:
    """`needle` occurs at least once in `haystack` without an enforcement word just before it."""
    start = haystack.find(needle)
    while start >= 0:
        before = haystack[max(0, start - GUARD_WINDOW) : start]
        if not any(guard in before for guard in guards):
            return True
        start = haystack.find(needle, start + 1)
    return False


def _matches(text: str, lexicon: SpamLexicon) -> dict[str, tuple[int, str, bool]]:
    """label → (weight, category, brand) of every term and pattern found unguarded in compacted `text`."""
    found: dict[str, tuple[int, str, bool]] = {}
    for term in lexicon.terms:
        if term.text and term.text in text and _unguarded(text, term.text, lexicon.guards):
            found[term.text] = (term.weight, term.category, term.brand)
    for pattern in lexicon.patterns:
        for match in pattern.regex.finditer(text):
            before = text[max(0, match.start() - GUARD_WINDOW) : match.start()]
            if not any(guard in before for guard in lexicon.guards):
                found[pattern.label] = (pattern.weight, pattern.category, False)
                break
    return found


def organiser_lines(text: str) -> list[str]:
    """What follows each 主办/承办 in compacted `text`: the organiser names a page declares."""
    return [text[m.end() : m.end() + SPONSOR_WINDOW] for m in _SPONSOR.finditer(text)]


def score_page(title: str, body: str, lexicon: SpamLexicon, *, threshold: int) -> SpamScore:
    """Score a page on its title and its visible body text.

    The score is the sum of the weights of every term found (each once), plus the weights of those found
    in the title again. A brand in the title or in an organiser line raises the score to `threshold`.
    """
    title_text, body_text = compact(title), compact(body)
    in_title = _matches(title_text, lexicon)
    in_body = _matches(body_text, lexicon)
    score = sum(weight for weight, _, _ in {**in_body, **in_title}.values())
    score += sum(weight for weight, _, _ in in_title.values()) * (TITLE_FACTOR - 1)
    decisive = next((f"标题: {label}" for label, (_, _, brand) in in_title.items() if brand), "")
    title_score = sum(weight for weight, _, _ in in_title.values()) * TITLE_FACTOR
    if not decisive and title_score >= threshold:
        decisive = "标题: " + "、".join(in_title)
    if not decisive:
        for line in organiser_lines(body_text):
            brands = [label for label, (_, _, brand) in _matches(line, lexicon).items() if brand]
            if brands:
                decisive = f"主办/承办: {brands[0]}"
                break
    if decisive:
        score = max(score, threshold)
    weights = {"gambling": 0, "porn": 0}
    for weight, category, _ in [*in_title.values(), *in_body.values()]:
        if category in weights:
            weights[category] += weight
    category = max(weights, key=lambda name: weights[name]) if any(weights.values()) else ""
    matched = tuple(dict.fromkeys([*in_title, *in_body]))
    return SpamScore(score, matched, decisive, category)


def score_short_text(text: str, lexicon: SpamLexicon) -> tuple[int, tuple[str, ...]]:
    """Score a short text (a hidden link's anchor) like a page body: (score, matched)."""
    found = _matches(compact(text), lexicon)
    return sum(weight for weight, _, _ in found.values()), tuple(found)
