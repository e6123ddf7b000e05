"""What a defacement or an injected script leaves on a page, and the guideline's meta tags, read from a
parsed page (pure: no I/O, no clock).

- `page_meta_of`: SiteName, SiteDomain, SiteIDCode, ColumnName, ColumnType, ArticleTitle, PubDate,
  ContentSource as the page writes them (names compared without case).
- `fingerprint_of`: title, footer text, hosts of external scripts and frames, hidden external links:
  what a check compares with the site's earlier checks.
- `script_signs_of`: obfuscation that needs no history: Dean Edwards' packer
  (`eval(function(p,a,c,k,e,d)`), long runs of \\x / \\u escapes, `document.write` of decoded text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.text import fold_whitespace
from monitor.hosts import same_owner, url_host
from monitor.observations import HomeFingerprint, LinkObservation, PageMeta, ScriptSign

META_NAMES = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords",
              "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description",
              "Image", "Url")
_META_BY_LOWER = {name.lower(): name for name in META_NAMES}
FOOTER_CHARS = 300
SNIPPET_CHARS = 120
_FOOTER_SELECTOR = "footer, [id*=foot i], [class*=foot i], [id*=bottom i], [class*=bottom i], [id*=copyright i]"
_PACKER = re.compile(r"eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)")
_ENCODED_WRITE = re.compile(
    r"document\s*\.\s*write(?:ln)?\s*\(\s*(?:window\.)?(?:unescape|decodeURIComponent|atob|escape|"
    r"String\s*\.\s*fromCharCode)\s*\(", re.I)


def page_meta_of(tree: LexborHTMLParser, page_url: str) -> PageMeta:
    """The guideline's meta tags of one page, first of each name."""
    found: dict[str, str] = {}
    for meta in tree.css("meta[name]"):
        name = _META_BY_LOWER.get((meta.attributes.get("name") or "").strip().lower())
        if name is not None and name not in found:
            found[name] = fold_whitespace(meta.attributes.get("content") or "")
    return PageMeta(page_url, tuple(found.items()))


def _external_hosts(tree: LexborHTMLParser, selector: str, page_url: str) -> tuple[str, ...]:
    site = url_host(page_url)
    hosts = set()
    for node in tree.css(selector):
        src = (node.attributes.get("src") or "").strip()
        host = url_host(src if "://" in src else ("http:" + src if src.startswith("//") else ""))
        if host and not same_owner(host, site):
            hosts.add(host)
    return tuple(sorted(hosts))


def footer_text(tree: LexborHTMLParser) -> str:
    """Visible text of the page's footer area (the last element named foot/bottom/copyright)."""
    nodes = [node for node in tree.css(_FOOTER_SELECTOR) if node.text(deep=True).strip()]
    if not nodes:
        return ""
    return fold_whitespace(nodes[-1].text(deep=True, separator=" "))[:FOOTER_CHARS]


def fingerprint_of(tree: LexborHTMLParser, page_url: str, title: str,
                   links: Iterable[LinkObservation]) -> HomeFingerprint:
    """What a check remembers of a home page to tell a defacement from the page it was."""
    hidden = sorted({link.href for link in links if link.hidden and link.page_url == page_url})
    return HomeFingerprint(
        title=fold_whitespace(title)[:FOOTER_CHARS], footer=footer_text(tree),
        script_hosts=_external_hosts(tree, "script[src]", page_url),
        iframe_hosts=_external_hosts(tree, "iframe[src], frame[src]", page_url),
        hidden_links=tuple(hidden),
    )


def _escape_run(min_escapes: int) -> re.Pattern[str]:
    return re.compile(r"(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}){" + str(min_escapes) + ",}")


def script_signs_of(tree: LexborHTMLParser, page_url: str, *, min_escapes: int) -> list[ScriptSign]:
    """Obfuscation signatures in the page's inline scripts, one per kind."""
    escapes = _escape_run(min_escapes)
    signs: dict[str, ScriptSign] = {}
    for script in tree.css("script"):
        if script.attributes.get("src"):
            continue
        source = script.text(deep=True)
        for kind, pattern in (("packer", _PACKER), ("escaped-string", escapes), ("encoded-write", _ENCODED_WRITE)):
            if kind in signs:
                continue
            match = pattern.search(source)
            if match is not None:
                signs[kind] = ScriptSign(page_url, kind, source[match.start():match.start() + SNIPPET_CHARS])
    return list(signs.values())
