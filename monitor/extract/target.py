"""What an external link target says about itself: its title, its own visible text, its 网站标识码.

A page is judged on what it shows a visitor as its own: text hidden from view and the anchor texts of
links to other hosts are left out. A government page that carries an injected gambling link is the
victim of that link, not a gambling page, and the sites linking to it did nothing wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.footer import extract_footer_identity
from monitor.extract.links import HidingDetector
from monitor.extract.spam import SpamLexicon, SpamScore, score_page
from monitor.extract.text import node_text, page_title, parse
from monitor.extract.urljoin import join_url
from monitor.hosts import normalize_host

LINK_TAGS = frozenset({"a", "area"})


@dataclass(frozen=True, slots=True)
class TargetPage:
    title: str
    text: str  # visible text without the anchor texts of links to other hosts
    site_code: str  # 网站标识码 from the footer or <meta name="SiteIDCode">, "" when none


def _links_elsewhere(node: LexborNode, page_url: str, page_host: str) -> bool:
    href = (node.attributes.get("href") or "").strip()
    if not href:
        return False
    host = normalize_host(urlsplit(join_url(page_url, href)).hostname or "")
    return bool(host) and host != page_host


def own_text_of(tree: LexborHTMLParser, page_url: str) -> str:
    """Rendered text of the page without hidden elements and without anchors pointing to other hosts."""
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    detector = HidingDetector(tree.root) if tree.root is not None else None
    page_host = normalize_host(urlsplit(page_url).hostname or "")

    def not_its_own(node: LexborNode) -> bool:
        if detector is not None and detector.own_technique(node):
            return True
        return node.tag in LINK_TAGS and _links_elsewhere(node, page_url, page_host)

    return node_text(root, skip=not_its_own)


def read_target(html: str, page_url: str) -> TargetPage:
    tree = parse(html)
    identity = extract_footer_identity(html)
    return TargetPage(page_title(tree), own_text_of(tree, page_url), identity.site_code or identity.meta_site_code)


@dataclass(frozen=True, slots=True)
class TargetJudgement:
    """What a fetched link target is: its page, its spam score, and whether it is illegal."""

    page: TargetPage
    score: SpamScore
    government: str  # "网站标识码 <code>" when the page declares one and no brand overrides it, else ""
    illegal: bool


def judge_target(html: str, page_url: str, lexicon: SpamLexicon, threshold: int) -> TargetJudgement:
    """Judge one external page on its own title and text.

    A page carrying a 网站标识码 is a government site's page: never an illegal target, unless a casino or
    porn brand is its title or its organiser (a cloned government page run by a casino).
    """
    page = read_target(html, page_url)
    score = score_page(page.title, page.text, lexicon, threshold=threshold)
    government = f"网站标识码 {page.site_code}" if page.site_code and not score.decisive else ""
    return TargetJudgement(page, score, government, illegal=not government and score.score >= threshold)
