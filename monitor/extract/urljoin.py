"""A memoised `urljoin` shared by the extractors.

Several readers of one page (external links, listing items, columns, same-site anchors) join the
same hrefs against the same page URL; urljoin is pure but costly (two parses and an unparse), so
each pair is joined once. The cache is bounded, so memory does not grow with pages.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin


@lru_cache(maxsize=4096)
def join_url(base: str, href: str) -> str:
    """`urllib.parse.urljoin(base, href)`, memoised."""
    return urljoin(base, href)
