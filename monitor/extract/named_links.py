"""Links by the name a reader sees: the link text, else its title, else the alt text of its image.

Channel and service entries (领导信箱, 办事服务) are often image buttons whose only name is the alt text.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.listing import clean_text, link_title, usable_href
from monitor.extract.urljoin import join_url


def named_links_of(tree: LexborHTMLParser, page_url: str) -> list[tuple[str, str]]:
    """(name, absolute URL) of the visible links of a page parsed by `parse_html`, in page order, once per URL."""
    found: dict[str, str] = {}
    body = tree.body
    for anchor in body.css("a[href]") if body is not None else ():
        href = usable_href(anchor)
        if not href:
            continue
        name = link_title(anchor)
        if not name:
            image = anchor.css_first("img")
            name = clean_text(image.attributes.get("alt") or image.attributes.get("title") or "") if image else ""
        url = join_url(page_url, href).split("#", 1)[0]
        if name and url not in found:
            found[url] = name
    return [(name, url) for url, name in found.items()]
