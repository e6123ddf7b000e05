"""Integrity checks on every fetched page of the site, and the harvest of links for dead-link checks.

Each page's HTML is examined once and dropped: only the facts (external links, the 找错 entry,
wording matches, same-site link targets) are kept, so memory does not grow with pages. Examining
is pure (it runs in a page worker process, see monitor/page_workers.py);
recording into the observation happens on the event loop only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.content.attachments import attachment_kind
from monitor.content.exposure import exposure
from monitor.content.privacy import NameVocabulary
from monitor.content.wording import Lexicon
from monitor.crawl.external import ExternalLinks
from monitor.crawl.urls import SiteScope
from monitor.extract.footer import find_jiucuo_of
from monitor.extract.integrity import page_meta_of
from monitor.extract.links import HidingDetector, external_links_of
from monitor.extract.text import parse, title_and_text_of
from monitor.extract.urljoin import join_url
from monitor.observations import (
    JiucuoEntry,
    LinkObservation,
    PageMeta,
    PrivacyExposure,
    SiteObservation,
    WordingMatch,
)

MAX_LINKS = 1000  # distinct external links kept per site
MAX_WORDING = 200
MAX_PAGE_META = 1000  # pages whose meta tags are kept per site
MAX_CANDIDATES = 400  # distinct same-site URLs remembered for dead-link checks
MAX_FOUND_ON = 5
MAX_ATTACHMENT_LINKS = 400  # distinct attachment URLs remembered; how many are read is a rule setting


def site_links_of(
    tree: LexborHTMLParser, page_url: str, scope: SiteScope, only: Collection[str] | None = None, *,
    attachments: bool = True,
) -> tuple[list[str], list[tuple[str, str]]]:
    """(same-site URLs, attachment links) of a parsed page, in one pass over its anchors.

    Same-site URLs: the absolute URLs of its links into the site, in page order, each once, fragments
    dropped, the page itself left out; with `only`, just the URLs in it (an empty `only` spares joining
    every link). Attachments: (text, URL) of the site's files (PDF, Word, Excel …) the page links to
    (with `attachments`).
    """
    wanted = only is None or bool(only)
    found: dict[str, None] = {}
    files: list[tuple[str, str]] = []
    if not wanted and not attachments:
        return [], files
    here = page_url.split("#", 1)[0]
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href:
            continue
        is_file = attachments and bool(attachment_kind(href))  # the file name decides: no joining needed
        if not wanted and not is_file:
            continue
        url = join_url(page_url, href).split("#", 1)[0]
        if not scope.contains(url):  # an http(s) page of the site
            continue
        if wanted and (only is None or url in only) and url != here:
            found[url] = None
        if is_file:
            files.append((" ".join(anchor.text().split()), url))
    return list(found), files


def wording_matches(lexicon: Lexicon, text: str, page_url: str) -> list[WordingMatch]:
    """Each lexicon hit of a page, with its sentence highlighted."""
    return [
        WordingMatch(page_url, hit.term, hit.correction, hit.sentence, hit.category.label, hit.severity)
        for hit in lexicon.scan(text)
    ]


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the integrity checks saw on one page; the HTML itself is not kept."""

    url: str
    links: list[LinkObservation]
    jiucuo: JiucuoEntry
    wording: list[WordingMatch]
    site_links: list[str]  # same-site URLs the page links to, each once (see `site_links_of`)
    privacy: PrivacyExposure | None = None  # personal data the page shows, masked
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (link text, URL) of attachments
    title: str = ""  # <title> and visible text, kept only when asked for (article pages)
    text: str = ""
    meta: PageMeta | None = None  # the guideline's meta tags (SiteName, ColumnName, ArticleTitle …)


@dataclass(frozen=True)
class PageExaminer:
    """Runs the per-page integrity extractors. Pure and immutable, so it may run in a page worker process."""

    scope: SiteScope
    lexicon: Lexicon | None = None  # None: wording is not checked
    names: NameVocabulary | None = None  # None: personal data is not looked for

    def examine(self, html: str, page_url: str) -> PageFacts:
        return self.examine_tree(parse(html), page_url)

    def examine_tree(
        self, tree: LexborHTMLParser, page_url: str, anchors_only: Collection[str] | None = None,
        *, keep_text: bool = False,
    ) -> PageFacts:
        """The facts of a page parsed as is (read only: the caller may share the tree with other
        readers). `anchors_only`: see `PageInspector.wanted_anchors`; `keep_text` keeps title and text."""
        own_page = self.scope.contains(page_url)  # a home page redirected off-site is not the site's page
        site_host = (urlsplit(page_url).hostname or "") if own_page else self.scope.main_host
        title, text = title_and_text_of(tree)
        detector = HidingDetector(tree.root) if tree.root is not None else None
        own = own_page and self.names is not None
        site_links, attachments = site_links_of(tree, page_url, self.scope, anchors_only, attachments=own)
        return PageFacts(
            url=page_url,
            links=external_links_of(tree, page_url, site_host=site_host, detector=detector),
            jiucuo=find_jiucuo_of(tree, page_url, detector),
            wording=wording_matches(self.lexicon, f"{title}\n{text}", page_url) if self.lexicon else [],
            site_links=site_links,
            privacy=exposure(page_url, "网页", title, text, self.names) if own and self.names else None,
            attachments=attachments,
            title=title if keep_text else "",
            text=text if keep_text else "",
            meta=page_meta_of(tree, page_url) if own_page else None,
        )


class PageInspector:
    """Accumulates the facts of every page into the one observation (on the event loop, never in threads)."""

    def __init__(self, obs: SiteObservation, external: ExternalLinks):
        self._obs = obs
        self._external = external
        self._link_keys: set[tuple[str, str, str]] = set()
        self.candidates: dict[str, list[str]] = {}  # same-site URL -> pages it was found on
        self._open: set[str] | None = None  # once candidates are full: those still taking pages
        self.attachments: dict[str, tuple[str, str]] = {}  # attachment URL -> (linking page, link text)

    def wanted_anchors(self) -> set[str] | None:
        """None while any same-site URL may become a candidate; once the candidates are full, the
        candidates that still take pages (the set only shrinks, so an older answer stays valid)."""
        if self._open is None and len(self.candidates) >= MAX_CANDIDATES:
            self._open = {url for url, pages in self.candidates.items() if len(pages) < MAX_FOUND_ON}
        return self._open

    def record(self, facts: PageFacts) -> None:
        """Record external links, the 找错 entry, wording errors and dead-link candidates of one page."""
        for link in facts.links:
            self._add_link(link)
        self._obs.jiucuo.append(facts.jiucuo)
        room = MAX_WORDING - len(self._obs.wording)
        self._obs.wording.extend(facts.wording[: max(room, 0)])
        for url in facts.site_links:
            self._add_candidate(url, facts.url)
        if facts.privacy is not None:
            self._obs.privacy.append(facts.privacy)
        if facts.meta is not None and len(self._obs.page_meta) < MAX_PAGE_META:
            self._obs.page_meta.append(facts.meta)
        for text, url in facts.attachments:
            if url not in self.attachments and len(self.attachments) < MAX_ATTACHMENT_LINKS:
                self.attachments[url] = (facts.url, text)

    def _add_link(self, link: LinkObservation) -> None:
        """Keep each distinct (target, hiding, text) once: footers repeat the same links on every page."""
        self._external.add(link)
        key = (link.href, link.hidden, link.text)
        if key in self._link_keys or len(self._obs.links) >= MAX_LINKS:
            return
        self._link_keys.add(key)
        self._obs.links.append(link)

    def _add_candidate(self, url: str, page_url: str) -> None:
        pages = self.candidates.get(url)
        if pages is None:
            if len(self.candidates) >= MAX_CANDIDATES:
                return
            pages = self.candidates[url] = []
        if page_url not in pages and len(pages) < MAX_FOUND_ON:
            pages.append(page_url)
            if len(pages) >= MAX_FOUND_ON and self._open is not None:
                self._open.discard(url)
