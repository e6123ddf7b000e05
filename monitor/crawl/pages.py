"""Integrity checks on every fetched page of the site, and the harvest of links for dead-link checks.

Each page's HTML is looked at once, here, and dropped: only the observations (external links, the
找错 entry, wording matches, same-site link targets) are kept, so memory does not grow with pages.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from selectolax.parser import HTMLParser

from monitor.crawl.external import ExternalLinks
from monitor.crawl.urls import SiteScope, is_http_url
from monitor.extract.footer import find_jiucuo
from monitor.extract.links import extract_external_links
from monitor.extract.text import find_wording, title_and_text
from monitor.observations import LinkObservation, SiteObservation
from monitor.rulebook import Rulebook

MAX_LINKS = 1000  # distinct external links kept per site
MAX_WORDING = 200
MAX_CANDIDATES = 400  # distinct same-site URLs remembered for dead-link checks
MAX_FOUND_ON = 5


class PageInspector:
    """Runs the per-page integrity extractors and accumulates their results into one observation."""

    def __init__(self, rulebook: Rulebook, obs: SiteObservation, scope: SiteScope, external: ExternalLinks):
        self._phrases = rulebook.serious_wording
        self._obs = obs
        self._scope = scope
        self._external = external
        self._link_keys: set[tuple[str, str, str]] = set()
        self.candidates: dict[str, list[str]] = {}  # same-site URL -> pages it was found on

    def inspect(self, html: str, page_url: str, *, harvest: bool = True) -> None:
        """Record external links, the 找错 entry and wording errors of one page."""
        site_host = urlsplit(page_url).hostname or self._scope.main_host
        for link in extract_external_links(html, page_url, site_host=site_host):
            self._add_link(link)
        self._obs.jiucuo.append(find_jiucuo(html, page_url))
        title, text = title_and_text(html)
        room = MAX_WORDING - len(self._obs.wording)
        if room > 0:
            self._obs.wording.extend(find_wording(f"{title}\n{text}", page_url, self._phrases)[:room])
        if harvest:
            self.harvest(html, page_url)

    def _add_link(self, link: LinkObservation) -> None:
        """Keep each distinct (target, hiding, text) once: footers repeat the same links on every page."""
        self._external.add(link)
        key = (link.href, link.hidden, link.text)
        if key in self._link_keys:
            return
        if len(self._obs.links) >= MAX_LINKS:
            return
        self._link_keys.add(key)
        self._obs.links.append(link)

    def harvest(self, html: str, page_url: str) -> None:
        """Remember same-site link targets of a page as dead-link candidates."""
        for anchor in HTMLParser(html).css("a[href]"):
            href = (anchor.attributes.get("href") or "").strip()
            url = urljoin(page_url, href).split("#", 1)[0] if href else ""
            if url and is_http_url(url) and self._scope.contains(url):
                self.add_candidate(url, page_url)

    def add_candidate(self, url: str, page_url: str) -> None:
        pages = self.candidates.get(url)
        if pages is None:
            if len(self.candidates) >= MAX_CANDIDATES:
                return
            pages = self.candidates[url] = []
        if page_url not in pages and len(pages) < MAX_FOUND_ON:
            pages.append(page_url)
