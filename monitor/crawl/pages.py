"""Integrity checks on every fetched page of the site, and the harvest of links for dead-link checks.

Each page's HTML is examined once and dropped: only the facts (external links, the 找错 entry,
wording matches, same-site link targets) are kept, so memory does not grow with pages. Examining
is pure (it may run in a worker thread, keeping the event loop responsive while HTML is parsed);
recording into the observation happens on the event loop only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.crawl.external import ExternalLinks
from monitor.crawl.urls import SiteScope, is_http_url
from monitor.extract.footer import find_jiucuo
from monitor.extract.links import extract_external_links
from monitor.extract.text import find_wording, title_and_text
from monitor.observations import JiucuoEntry, LinkObservation, SiteObservation, WordingMatch

MAX_LINKS = 1000  # distinct external links kept per site
MAX_WORDING = 200
MAX_CANDIDATES = 400  # distinct same-site URLs remembered for dead-link checks
MAX_FOUND_ON = 5


def same_site_anchors(html: str, page_url: str, scope: SiteScope) -> list[tuple[str, str]]:
    """(text, absolute URL) of the page's links into the site, fragments dropped, the page itself left out."""
    found: list[tuple[str, str]] = []
    here = page_url.split("#", 1)[0]
    for anchor in LexborHTMLParser(html).css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        url = urljoin(page_url, href).split("#", 1)[0] if href else ""
        if url and url != here and is_http_url(url) and scope.contains(url):
            found.append((" ".join(anchor.text().split()), url))
    return found


@dataclass(frozen=True)
class PageFacts:
    """What the integrity checks saw on one page; the HTML itself is not kept."""

    url: str
    links: list[LinkObservation]
    jiucuo: JiucuoEntry
    wording: list[WordingMatch]
    anchors: list[tuple[str, str]]  # same-site (text, URL)


@dataclass(frozen=True)
class PageExaminer:
    """Runs the per-page integrity extractors. Pure and immutable, so it may run in a worker thread."""

    scope: SiteScope
    phrases: tuple[tuple[str, str], ...]

    def examine(self, html: str, page_url: str) -> PageFacts:
        own_page = self.scope.contains(page_url)  # a home page redirected off-site is not the site's page
        site_host = (urlsplit(page_url).hostname or "") if own_page else self.scope.main_host
        title, text = title_and_text(html)
        return PageFacts(
            url=page_url,
            links=extract_external_links(html, page_url, site_host=site_host),
            jiucuo=find_jiucuo(html, page_url),
            wording=find_wording(f"{title}\n{text}", page_url, list(self.phrases)),
            anchors=same_site_anchors(html, page_url, self.scope),
        )


class PageInspector:
    """Accumulates the facts of every page into the one observation (on the event loop, never in threads)."""

    def __init__(self, obs: SiteObservation, external: ExternalLinks):
        self._obs = obs
        self._external = external
        self._link_keys: set[tuple[str, str, str]] = set()
        self.candidates: dict[str, list[str]] = {}  # same-site URL -> pages it was found on

    def record(self, facts: PageFacts) -> None:
        """Record external links, the 找错 entry, wording errors and dead-link candidates of one page."""
        for link in facts.links:
            self._add_link(link)
        self._obs.jiucuo.append(facts.jiucuo)
        room = MAX_WORDING - len(self._obs.wording)
        self._obs.wording.extend(facts.wording[: max(room, 0)])
        for _, url in facts.anchors:
            self._add_candidate(url, facts.url)

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
