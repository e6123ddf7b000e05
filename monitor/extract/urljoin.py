"""A memoised `urljoin` shared by the extractors, and cheap host and scope answers for joined URLs.

Several readers of one page (external links, listing items, columns, same-site anchors) join the
same hrefs against the same page URL; urljoin is pure but costly (two parses and an unparse), so
each pair is joined once. Menus and footers repeat the same hrefs on every page of a site: an href
that is absolute or starts with "/" does not depend on the page's path, only on its scheme and
host, so it is joined against the site's root and its result serves every page. The caches are
bounded, so memory does not grow with pages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from monitor.hosts import url_host

_WITH_HOST = ("//", "http://", "https://")
# scheme, a host part of printable ASCII without brackets, the path up to the query or fragment
_PLAIN_HREF = re.compile(r"[^;#\t\r\n]*\Z")  # no params, fragment, or characters urlsplit drops
_PLAIN_HTTP = re.compile(r"https?://([^/?#\[\]\x00-\x20\x7f-\U0010ffff]+)(?=[/?#]|\Z)([^?#]*)")


@lru_cache(maxsize=4096)
def join_url(base: str, href: str) -> str:
    """`urllib.parse.urljoin(base, href)`, memoised.

    urljoin returns an href with a host (`//h/…`, `http://…`) as it is (normalised) when the base has
    the same scheme, and an href with an absolute path (`/a/b`) under the base's scheme and host:
    neither reads the base's path, params, query or fragment, so the base's root gives the same result.
    """
    if _ignores_base_path(href):
        root = _root(base)
        if root:
            return _join_root(root, href)
    return _join(base, href)


def _ignores_base_path(href: str) -> bool:
    """An href with a host or an absolute path (and no tab or newline, which urlsplit drops anywhere)."""
    if href.startswith(_WITH_HOST):
        after = href[href.index("//") + 2 :]
        if after[:1] in ("", "?", "#"):  # no host and no path: joined with the base's path
            return False
    elif not href.startswith("/"):
        return False
    return "\t" not in href and "\n" not in href and "\r" not in href


@lru_cache(maxsize=2048)
def _join(base: str, href: str) -> str:
    return urljoin(base, href)


@lru_cache(maxsize=2048)
def _join_root(root: str, href: str) -> str:
    """`urljoin(root, href)` for a root `scheme://host/` and an href that ignores the base's path."""
    if _PLAIN_HREF.match(href) and not href.endswith("?"):
        if href.startswith("/") and not href.startswith("//") and "/." not in href:
            return root[:-1] + href  # an absolute path without dot segments
        if _PLAIN_HTTP.match(href):
            return href  # an absolute http(s) URL: urljoin gives it back as it is
    return urljoin(root, href)


@lru_cache(maxsize=512)
def _root(base: str) -> str:
    """`scheme://host/` of an http(s) base URL, "" for anything else (joined against the full base)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}/"


def http_parts(url: str) -> tuple[str, str] | None:
    """(root `http://host/`, path) of a plain absolute http(s) URL, the way urlsplit reads them; None when
    the URL needs urlsplit itself (another scheme, characters it drops, brackets, a non-ASCII host).

    The root depends only on the URL's host part, so answers keyed on it (host, scope) are shared by
    every link to that host."""
    match = _PLAIN_HTTP.match(url)
    if match is None or "\t" in url or "\n" in url or "\r" in url:
        return None
    return f"http://{match[1]}/", match[2]


def host_of(url: str) -> str:
    """`monitor.hosts.url_host(url)`, answered once per host part rather than once per URL."""
    parts = http_parts(url)
    return url_host(parts[0] if parts is not None else url)
