"""Matching a required repost to the article titles govmon has seen on a site.

Titles are compared normalised (NFKC, letters and digits only, lower case), so 全角/半角, spaces,
quotes and brackets do not matter. A site title containing the required title counts (sites prefix
"转载：" or add "（全文）"); a list title cut short with "…" counts when what remains opens the required
title and is at least `min_chars` long. One Aho-Corasick automaton finds every required title in a title
in one pass, however many titles are required.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import ahocorasick

_CUT_MARKS = ("…", "...", "．．．", "。。。")
_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces (letters and digits of any script stay)


def title_key(title: str) -> str:
    """The comparable form of a title: NFKC, lower case, letters and digits only."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", title).lower())


def is_cut(title: str) -> bool:
    return title.rstrip().endswith(_CUT_MARKS)


class TitleMatcher:
    """Which of the required titles (by key) a seen title carries."""

    def __init__(self, required_keys: Iterable[str], *, min_chars: int):
        self._keys = sorted({key for key in required_keys if key})
        self._min_chars = min_chars
        self._automaton = ahocorasick.Automaton()
        for key in self._keys:
            self._automaton.add_word(key, key)
        if self._keys:
            self._automaton.make_automaton()

    def carried(self, title: str) -> set[str]:
        """Keys of the required titles this seen title carries."""
        key = title_key(title)
        if not key or not self._keys:
            return set()
        found = {matched for _end, matched in self._automaton.iter(key)}
        if is_cut(title) and len(key) >= self._min_chars:
            found.update(k for k in self._keys if k.startswith(key))
        return found
