"""Page text: title, visible text and keyword scores.

Text is gathered the way a reader sees it: inline tags join without a gap (so a footer written
`京<span>ICP</span>备` reads `京ICP备`), block tags separate words, and script, style and template
content is dropped because it is never shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Tags whose content is never rendered as text.
SKIPPED_TAGS = frozenset({"script", "style", "template", "head", "iframe", "object", "svg", "-comment"})

# Tags that start a new line when rendered; inline tags (span, a, b, font ...) do not.
# fmt: off
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "option", "p", "pre", "section", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul", "select", "textarea", "button", "input", "img", "title", "body", "html",
    }
)
# fmt: on



_WHITESPACE = re.compile(r"\s+")  # str.isspace characters, as str.split() reads them


def fold_whitespace(text: str) -> str:
    """Collapse runs of whitespace (including &nbsp; and the ideographic space) to one space.

    The same as `" ".join(text.split())` without a list of every word: a page's text is folded with
    one copy, not two."""
    return _WHITESPACE.sub(" ", text).strip()


def node_text(node: LexborNode, skip: Callable[[LexborNode], bool] | None = None) -> str:
    """Rendered text of `node`: inline tags joined, block tags separated, scripts dropped, and the
    elements below `node` for which `skip` says so left out with their content.

    Iterative, because real pages nest deeper than Python's recursion limit likes.
    """
    parts: list[str] = []
    stack: list[LexborNode | None] = [node]
    while stack:
        current = stack.pop()
        if current is None:  # closing marker of a block element
            parts.append(" ")
            continue
        tag = current.tag
        if current.is_text_node:
            parts.append(current.text_content or "")
            continue
        if current is not node and (tag in SKIPPED_TAGS or (skip is not None and skip(current))):
            continue
        if tag in BLOCK_TAGS:
            parts.append(" ")
            stack.append(None)
        stack.extend(reversed(list(current.iter(include_text=True))))
    joined = "".join(parts)
    parts.clear()  # a big page's text is held once before folding, not twice
    return fold_whitespace(joined)


def parse(html: str) -> LexborHTMLParser:
    """One place that builds the parser, so every extractor reads HTML the same way."""
    return LexborHTMLParser(html or "<html></html>")


def title_and_text(html: str) -> tuple[str, str]:
    """(title, visible text) of a page: what a keyword scan or a wording check should read."""
    return title_and_text_of(parse(html))


def title_and_text_of(tree: LexborHTMLParser) -> tuple[str, str]:
    """`title_and_text` of an already parsed page (read only: the tree may be shared)."""
    root = tree.body if tree.body is not None else tree.root
    text = node_text(root) if root is not None else ""
    return page_title(tree), text


def page_title(tree: LexborHTMLParser) -> str:
    """The page's <title>, whitespace folded ("" when it has none)."""
    title_node = tree.css_first("title")
    return fold_whitespace(title_node.text(deep=True)) if title_node is not None else ""


def score_text(text: str, keywords: dict[str, int]) -> tuple[int, tuple[str, ...]]:
    """Sum of the weights of the keywords present (case-insensitive), and the keywords matched.

    A keyword counts once however often it appears: repetition is cheap for a spammer and says
    nothing more about what the page is.
    """
    haystack = text.lower()
    matched = sorted(word for word in keywords if word and word.lower() in haystack)
    return sum(keywords[word] for word in matched), tuple(matched)
