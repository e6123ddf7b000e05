"""How the crawler collects dead-link candidates once full."""

from __future__ import annotations

from crawl_fakes import AS_OF, SITE, rulebook

from monitor.crawl.external import ExternalLinks
from monitor.crawl.pages import (
    MAX_CANDIDATES,
    MAX_FOUND_ON,
    PageExaminer,
    PageInspector,
)
from monitor.crawl.urls import SiteScope
from monitor.extract.text import parse
from monitor.observations import SiteObservation


def _links(paths: list[str]) -> str:
    return "<html><body>" + "".join(f'<a href="{p}">链接</a>' for p in paths) + "</body></html>"


def test_full_candidates_keep_collecting_found_on_pages_exactly_as_before() -> None:
    """Once 400 candidates are known, only those still taking pages are collected, with the same result."""
    scope = SiteScope.for_site(f"{SITE}/")
    examiner = PageExaminer(scope)
    pages = [(f"{SITE}/first/", _links([f"/a/{i}.html" for i in range(MAX_CANDIDATES)]))]
    pages += [
        (f"{SITE}/p{n}/", _links(["/a/0.html", "/a/1.html", f"/new/{n}.html", "#top", "http://other.cn/"]))
        for n in range(MAX_FOUND_ON + 3)
    ]
    inspectors = []
    for filtered in (False, True):
        obs = SiteObservation(url=f"{SITE}/", observed_at=AS_OF, homepage_ok=True)
        inspector = PageInspector(obs, ExternalLinks(rulebook(), 10))
        for url, html in pages:
            only = inspector.wanted_anchors() if filtered else None
            inspector.record(examiner.examine_tree(parse(html), url, only))
        inspectors.append(inspector)
    everything, filtered_inspector = inspectors
    assert filtered_inspector.candidates == everything.candidates
    assert len(everything.candidates) == MAX_CANDIDATES
    assert everything.candidates[f"{SITE}/a/0.html"] == [f"{SITE}/first/"] + [
        f"{SITE}/p{n}/" for n in range(MAX_FOUND_ON - 1)
    ]
    wanted = filtered_inspector.wanted_anchors()
    assert wanted is not None and f"{SITE}/a/0.html" not in wanted and f"{SITE}/a/2.html" in wanted


def test_a_page_lists_each_same_site_url_once_in_page_order_without_itself() -> None:
    scope = SiteScope.for_site(f"{SITE}/")
    html = _links(["/b.html", "/a.html#x", "/b.html", "/p/", "#top", "http://other.cn/", "/a.html"])
    facts = PageExaminer(scope).examine_tree(parse(html), f"{SITE}/p/")
    assert facts.site_links == [f"{SITE}/b.html", f"{SITE}/a.html"]
