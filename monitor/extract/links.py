"""Outbound links and how they are hidden: the evidence for dark links (暗链) and illegal links.

Attackers who plant gambling or porn links on a government page hide them from readers but keep
them for search engines: `display:none`, off-screen boxes, zero-size or clipped boxes, tiny
marquees, `<style>` class rules, `document.write` and `<noscript>`. This module records every
outbound link with the technique that hides it; whether the target is bad is decided elsewhere
(`domain_verdict`, keyword scores of the fetched target), because CMS signatures, share widgets and
collapsed menus are hidden too and are harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.js import written_html
from monitor.extract.text import fold_whitespace, node_text, parse
from monitor.extract.urljoin import host_of, join_url
from monitor.hosts import is_government_host, is_same_site, normalize_host, parent_domains
from monitor.observations import LinkObservation

OFFSCREEN_PX = -500.0  # a box pushed further than this (left/top/text-indent/margin) is off-screen
TINY_BOX_PX = 1.0  # overflow:hidden boxes this small show nothing
TINY_MARQUEE_PX = 10.0  # a marquee this small shows nothing readable
HUGE_SCROLLAMOUNT = 200.0  # a marquee this fast cannot be read (normal values are 1-20)
SNIPPET_CHARS = 240

# Hosts of the national error-report platform ("我为政府网站找错"): the front end (current and the
# older kaipuyun addresses still linked) and the back end. Every government page must link here,
# so a link to them is never a dark link, even from a hidden element or by bare IP address.
JIUCUO_LINK_HOSTS = frozenset({"zfwzgl.www.gov.cn", "pucha.kaipuyun.cn", "121.43.68.40"})
JIUCUO_BACKEND_HOSTS = frozenset({"zfwzzc.www.gov.cn", "zfwzxx.www.gov.cn"})


# -- CSS ---------------------------------------------------------------------------------------------


def parse_declarations(style: str) -> dict[str, str]:
    """`a:b; c:d` -> {"a": "b", "c": "d"}, lower-cased, `!important` dropped; later wins like CSS."""
    declarations: dict[str, str] = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            value = value.replace("!important", "")
            declarations[name.strip().lower()] = " ".join(value.lower().split())
    return declarations


_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem)?$")
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}


def css_length(value: str | None) -> float | None:
    """A CSS length in px, or None when it is relative (%), automatic or unreadable."""
    if not value:
        return None
    match = _LENGTH.match(value.strip())
    if match is None:
        return None
    return float(match.group(1)) * _UNIT_PX[match.group(2)]


def _at_most(value: str | None, limit: float) -> bool:
    length = css_length(value)
    return length is not None and length <= limit


def style_technique(declarations: dict[str, str]) -> str:
    """The hiding technique a set of declarations applies to its element, or ""."""
    get = declarations.get
    if get("display") == "none":
        return "display:none"
    if get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    positioned = get("position") in ("absolute", "fixed")
    if positioned and any(_at_most(get(side), OFFSCREEN_PX) for side in ("left", "top", "right", "bottom")):
        return "offscreen"
    if any(_at_most(get(name), OFFSCREEN_PX) for name in ("text-indent", "margin-left", "margin-top")):
        return "offscreen"
    if css_length(get("font-size")) == 0:
        return "zero-size"
    clipped = "hidden" in (get("overflow"), get("overflow-x"), get("overflow-y"))
    small = [_at_most(get(name), TINY_BOX_PX) for name in ("width", "height", "max-width", "max-height")]
    if clipped and any(small):
        return "overflow-hidden"
    if css_length(get("width")) == 0 and css_length(get("height")) == 0:
        return "zero-size"
    return ""


_COMMENT = re.compile(r"/\*.*?\*/|<!--|-->", re.S)
_AT_STATEMENT = re.compile(r"@[^{;]*;")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?([.#])([\w-]+)$", re.I)


def css_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector, declarations) of the top-level rules of a style sheet.

    Rules inside @media and other at-blocks are skipped: a box hidden on small screens only is
    not hidden from the reader of the desktop page.
    """
    css = _COMMENT.sub("", css)
    pos = 0
    while (opening := css.find("{", pos)) >= 0:
        selector = _AT_STATEMENT.sub("", css[pos:opening]).strip()
        if selector.startswith("@"):
            pos = _block_end(css, opening)
            continue
        closing = css.find("}", opening)
        if closing < 0:
            return
        yield selector, css[opening + 1 : closing]
        pos = closing + 1


def _block_end(css: str, opening: int) -> int:
    """Index just past the `}` matching the `{` at `opening`."""
    depth = 0
    for index in range(opening, len(css)):
        depth += {"{": 1, "}": -1}.get(css[index], 0)
        if depth == 0:
            return index + 1
    return len(css)


@dataclass
class StyleSheet:
    """Simple `.class`, `#id`, `tag.class`, `tag#id` rules of a page's `<style>` blocks.

    Only simple selectors are read: a descendant or pseudo-class rule (`.nav li:hover ul`) applies
    to elements we cannot match without a CSS engine, and guessing would invent hidden links.
    """

    by_class: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)
    by_id: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)

    @classmethod
    def from_css(cls, css: str) -> StyleSheet:
        sheet = cls()
        for selectors, body in css_rules(css):
            declarations = parse_declarations(body)
            if not declarations:
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    tag, kind, name = match.groups()
                    index = sheet.by_class if kind == "." else sheet.by_id
                    index.setdefault(name, []).append(((tag or "").lower(), declarations))
        return sheet

    def declarations(self, node: LexborNode) -> dict[str, str]:
        """Declarations of the matching rules, in sheet order (a later rule wins)."""
        attrs = node.attributes
        merged: dict[str, str] = {}
        keys = [("class", name) for name in (attrs.get("class") or "").split()]
        if attrs.get("id"):
            keys.append(("id", attrs["id"] or ""))
        for kind, name in keys:
            index = self.by_class if kind == "class" else self.by_id
            for tag, declarations in index.get(name, ()):
                if not tag or tag == node.tag:
                    merged.update(declarations)
        return merged


def _marquee_technique(node: LexborNode) -> str:
    attrs = node.attributes
    style = parse_declarations(attrs.get("style") or "")
    sizes = (attrs.get("height"), attrs.get("width"), style.get("height"), style.get("width"))
    if any(_at_most(size, TINY_MARQUEE_PX) for size in sizes):
        return "marquee"
    speed = css_length(attrs.get("scrollamount"))
    return "marquee" if speed is not None and speed >= HUGE_SCROLLAMOUNT else ""


class HidingDetector:
    """Answers "is this element hidden, and how?" for one parsed page (ancestors included)."""

    def __init__(self, root: LexborNode):
        css = "\n".join(style.text(deep=True) for style in root.css("style"))
        self.sheet = StyleSheet.from_css(css)
        self._own: dict[int, str] = {}

    def own_technique(self, node: LexborNode) -> str:
        """How `node` itself (not its ancestors) is hidden, or ""."""
        key = node.mem_id
        if key not in self._own:
            self._own[key] = self._compute_own(node)
        return self._own[key]

    def _compute_own(self, node: LexborNode) -> str:
        if node.tag == "noscript":
            return "noscript"
        if node.tag == "marquee" and (technique := _marquee_technique(node)):
            return technique
        attrs = node.attributes
        if "hidden" in attrs:
            return "display:none"
        declarations = self.sheet.declarations(node)
        declarations.update(parse_declarations(attrs.get("style") or ""))
        return style_technique(declarations)

    def hiding(self, node: LexborNode) -> tuple[str, LexborNode | None]:
        """(technique, the element that hides) for `node` or its nearest hiding ancestor."""
        current: LexborNode | None = node
        while current is not None and current.tag not in ("html", "-document"):
            if current.is_element_node and (technique := self.own_technique(current)):
                return technique, current
            current = current.parent
        return "", None


# -- hosts and domains -------------------------------------------------------------------------------


def domain_verdict(host: str, illegal: frozenset[str], benign: frozenset[str]) -> tuple[bool, bool]:
    """(listed as illegal, benign) for a host; a list entry covers itself and its subdomains.

    Government hosts and the national error-report platform are benign and never listed (a block
    list entry for them is a list error, not a finding). Otherwise a listed host is illegal even if
    a benign entry also covers it: a blocklisted subdomain of a harmless provider is a bad target.
    """
    host = normalize_host(host)
    if is_government_host(host) or host in JIUCUO_LINK_HOSTS | JIUCUO_BACKEND_HOSTS:
        return False, True
    suffixes = set(parent_domains(host))
    if suffixes & illegal:
        return True, False
    return False, bool(suffixes & benign)


# -- links -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _outbound(host: str, site_host: str) -> bool:
    """A link to `host` leaves the site of `site_host`."""
    return bool(host) and not is_same_site(host, site_host)


def _absolute(href: str, base_url: str) -> str:
    """Absolute http(s) URL of a link, or "" for anchors, javascript:, mailto: and the like."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return ""
    try:
        url = join_url(base_url, href)
        if url.startswith(("http://", "https://")):  # the usual case, without a urlsplit
            return url
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def _opening_tag(node: LexborNode) -> str:
    attrs = " ".join(
        f'{key}="{value}"' if value is not None else key for key, value in node.attributes.items()
    )
    return f"<{node.tag}{' ' + attrs if attrs else ''}>"


def _anchor_text(node: LexborNode) -> str:
    text = node_text(node)
    if not text:
        for image in node.css("img"):
            text = fold_whitespace(image.attributes.get("alt") or image.attributes.get("title") or "")
            if text:
                break
    return text


def _snippet(node: LexborNode, hider: LexborNode | None) -> str:
    own = node.html or ""
    if hider is not None and hider.mem_id != node.mem_id:
        own = f"{_opening_tag(hider)}…{own}"
    return own[:SNIPPET_CHARS]


# Navigation written in JavaScript: window.open('…'), location.href = '…', location.replace('…').
_SCRIPT_NAVIGATION = re.compile(
    r"""(?:\bwindow\.open|\blocation(?:\.href)?\s*=|\blocation\.(?:replace|assign)|\.location(?:\.href)?\s*=)"""
    r"""\s*\(?\s*(['"])([^'"\s]+)\1"""
)
_NAVIGATES = re.compile(r"window\.open|location", re.I)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)
# Everything on a page that can take a reader elsewhere, besides <a>/<area>: dropdown options (友情链接
# selects), onclick handlers, frames, form targets, meta refresh.
_OTHER_LINKS = "option[value], [onclick], iframe[src], frame[src], form[action], meta[http-equiv]"

Link = tuple[str, str, str, str, str]  # url, text, hiding technique, snippet, element kind


def script_navigation(source: str) -> list[str]:
    """URLs a piece of JavaScript sends the reader to with string literals (variables drop out)."""
    return [match.group(2) for match in _SCRIPT_NAVIGATION.finditer(source)]


def _option_target(node: LexborNode, base: str) -> str:
    """An option of a select that navigates (onchange window.open/location), or any absolute URL value."""
    value = (node.attributes.get("value") or "").strip()
    if not value:
        return ""
    if value.startswith(("http://", "https://", "//")):
        return _absolute(value, base)
    select = node.parent
    while select is not None and select.tag not in ("select", "body"):
        select = select.parent
    onchange = (select.attributes.get("onchange") or "") if select is not None and select.tag == "select" else ""
    if _NAVIGATES.search(onchange) or value.startswith("www."):
        return _absolute(value if not value.startswith("www.") else f"http://{value}", base)
    return ""


def _targets_of(node: LexborNode, base: str) -> Iterator[tuple[str, str]]:
    """(URL, element kind) a non-anchor element leads to."""
    tag, attrs = node.tag, node.attributes
    if tag == "option":
        if url := _option_target(node, base):
            yield url, "option"
    elif tag in ("iframe", "frame"):
        if url := _absolute(attrs.get("src") or "", base):
            yield url, tag
    elif tag == "form":
        if url := _absolute(attrs.get("action") or "", base):
            yield url, "form"
    elif tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
        match = _REFRESH_URL.search(attrs.get("content") or "")
        if match and (url := _absolute(match.group(1), base)):
            yield url, "meta-refresh"
    if "onclick" in attrs:
        for target in script_navigation(attrs.get("onclick") or ""):
            if url := _absolute(target, base):
                yield url, "onclick"


def _dom_links(root: LexborNode, base: str, detector: HidingDetector, wanted: Callable[[str], bool]) -> Iterator[Link]:
    """DOM links whose URL `wanted` accepts; hiding and snippet are worked out for those only."""
    for node in root.css("a[href], area[href]"):
        href = node.attributes.get("href") or ""
        if href.lstrip().lower().startswith("javascript:"):
            targets = [(_absolute(t, base), "onclick") for t in script_navigation(href)]
        else:
            targets = [(_absolute(href, base), node.tag or "a")]
        if "onclick" in node.attributes:
            targets += [(_absolute(t, base), "onclick") for t in script_navigation(node.attributes["onclick"] or "")]
        for url, kind in targets:
            if url and wanted(url):
                technique, hider = detector.hiding(node)
                yield url, _anchor_text(node), technique, _snippet(node, hider), kind
    for node in root.css(_OTHER_LINKS):
        if node.tag == "a" and "href" in node.attributes:
            continue  # read above
        for url, kind in _targets_of(node, base):
            if wanted(url):
                technique, hider = detector.hiding(node) if kind != "meta-refresh" else ("", None)
                text = node_text(node) if kind in ("option", "onclick") else (node.attributes.get("title") or "")
                yield url, text, technique, _snippet(node, hider), kind


def _written_links(root: LexborNode, base: str) -> Iterator[Link]:
    for script in root.css("script"):
        source = script.text(deep=True)
        if "write" in source:
            for html in written_html(source):
                for node in parse(html).css("a[href], area[href]"):
                    url = _absolute(node.attributes.get("href") or "", base)
                    if url:
                        yield url, _anchor_text(node), "document.write", html[:SNIPPET_CHARS], node.tag or "a"
        if "location" in source or "open" in source:
            for target in script_navigation(source):
                if url := _absolute(target, base):
                    yield url, "", "", source.strip()[:SNIPPET_CHARS], "script"


def extract_external_links(html: str, page_url: str, *, site_host: str) -> list[LinkObservation]:
    """Outbound links of a page (host not the site's nor under it), each with its hiding technique.

    One observation per (href, technique): the same link shown twice is one fact, but a link that
    is both shown and hidden elsewhere is two.
    """
    return external_links_of(parse(html), page_url, site_host=site_host)


def external_links_of(
    tree: LexborHTMLParser, page_url: str, *, site_host: str, detector: HidingDetector | None = None
) -> list[LinkObservation]:
    """`extract_external_links` of an already parsed page (read only: tree and detector may be shared).

    Same-site links are dropped before the costly part (hiding detection, snippet), so a page of
    internal links costs little.
    """
    root = tree.root
    if root is None:
        return []
    base_node = tree.css_first("base[href]")
    base = urljoin(page_url, base_node.attributes.get("href") or "") if base_node is not None else page_url
    if detector is None:
        detector = HidingDetector(root)

    def outbound(url: str) -> bool:
        return _outbound(host_of(url), site_host)

    seen: set[tuple[str, str]] = set()
    links = []
    for url, text, technique, snippet, kind in [*_dom_links(root, base, detector, outbound),
                                                *_written_links(root, base)]:
        if (url, technique) in seen or not outbound(url):
            continue
        seen.add((url, technique))
        links.append(LinkObservation(page_url, url, text, technique, snippet, kind))
    return links
