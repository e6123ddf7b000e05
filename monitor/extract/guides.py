"""办事服务 entries and 办事指南 pages: which links are service entries, which link to guides, and which of
the required elements (事项名称, 设定依据, 申请条件 …) a guide shows with some content.

Pure: names and HTML in, facts out. An element counts as shown when one of its labels is followed by
a value, in a table cell beside it or after a colon; a label with nothing after it, or only "暂无"/"—",
shows nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.listing import (
    clean_text,
    content_body,
    extract_listing_of,
    link_title,
    parse_html,
    usable_href,
)
from monitor.extract.text import node_text, parse, title_and_text_of
from monitor.extract.urljoin import join_url
from monitor.page_workers import SentOnce

MAX_NAME = 20  # characters; longer link texts are headlines, not entry names
_VALUE_CHARS = 40
_SEPARATORS = " \t\r\n:：|｜】]）)·•"


@dataclass(frozen=True)
class ServiceVocabulary(SentOnce):
    """Words of rules/services.toml."""

    entry_words: tuple[str, ...]
    guide_words: tuple[str, ...]
    required_kinds: tuple[str, ...]
    empty_values: tuple[str, ...]
    elements: dict[str, tuple[str, ...]]  # element name -> labels a guide writes it under

    def is_entry(self, name: str) -> bool:
        name = " ".join(name.split())
        return bool(name) and len(name) <= MAX_NAME and any(w in name for w in self.entry_words)

    def is_guide_link(self, name: str) -> bool:
        return any(w in name for w in self.guide_words)

    @cached_property
    def labels_pattern(self) -> re.Pattern[str]:
        """A label standing as one: not inside a sentence ("点击事项名称查看" names no element), so not glued
        to a character before it, and followed by a colon, a space (a table cell's end) or a closing bracket."""
        labels = sorted({label for labels in self.elements.values() for label in labels}, key=len, reverse=True)
        return re.compile(f"(?<![\\u4e00-\\u9fffA-Za-z0-9])(?:{'|'.join(map(re.escape, labels))})(?=[\\s:：】\\]）)]|$)")


@dataclass
class GuideRead:
    """What one page reached from a service entry shows."""

    title: str
    present: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    guide_links: list[tuple[str, str]] = field(default_factory=list)  # (text, URL) of links to guides
    items: list[tuple[str, str]] = field(default_factory=list)  # (title, URL) of the page's list entries
    text_chars: int = 0


def read_guide(html: str, page_url: str, vocabulary: ServiceVocabulary) -> GuideRead:
    """Title, elements shown and missing, and the guide links of a page (a guide, or a list of guides)."""
    tree = parse_html(html)
    title, text = title_and_text_of(tree)
    heading = tree.css_first(".main h1, .content h1, .article h1") or tree.css_first("h1")
    if heading is not None and clean_text(heading.text()):
        title = clean_text(heading.text())
    body = content_body(html)  # without menus and footer: a footer's 联系电话 is not the guide's
    present, missing = guide_elements(node_text(body) if body is not None else text, vocabulary)
    guides = [(name, url) for name, url in _links(tree, page_url) if vocabulary.is_guide_link(name)]
    items = [(item.title, item.url) for item in extract_listing_of(tree, parse(html), page_url)]
    return GuideRead(title, present, missing, guides, items, len(text))


def guide_elements(text: str, vocabulary: ServiceVocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(elements shown with content, elements missing), in the order of rules/services.toml.

    Labels are found left to right, the longest at each place ("收费依据" is not "依据"); a label's
    value is the text up to the next label.
    """
    element_of = {label: element for element, labels in vocabulary.elements.items() for label in labels}
    found = list(vocabulary.labels_pattern.finditer(text))
    present: set[str] = set()
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        value = text[match.end():min(end, match.end() + _VALUE_CHARS)].strip(_SEPARATORS)
        word = value.split()[0].rstrip("。；;，,") if value.split() else ""
        if word and word not in vocabulary.empty_values:
            present.add(element_of[match[0]])
    return (tuple(e for e in vocabulary.elements if e in present),
            tuple(e for e in vocabulary.elements if e not in present))


def _links(tree: LexborHTMLParser, page_url: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    body = tree.body
    if body is None:
        return found
    for anchor in body.css("a[href]"):
        href = usable_href(anchor)
        if href:
            found.append((clean_text(link_title(anchor)), join_url(page_url, href).split("#", 1)[0]))
    return found
