"""URL normalisation and the scope of one registered site.

The crawler never fetches the same page twice and never wanders into other units' sites, so both
questions ("have we seen this page?", "is this page part of the site?") are answered here, once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.extract.urljoin import http_parts
from monitor.hosts import bare_host, same_owner, url_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """The URL with fragment dropped, scheme/host lower-cased, default port dropped and query sorted.

    Sites link one page as `list.html?b=2&a=1#top` and `list.html?a=1&b=2`; both are one fetch.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    # interned: the crawl's seen-pages and known-columns sets hold one string per page, not two
    return sys.intern(urlunsplit((scheme, host, parts.path or "/", query, "")))


def is_http_url(url: str) -> bool:
    """True for absolute http(s) URLs: javascript:, mailto: and the like are not pages."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _directory(path: str) -> str:
    """The folder part of a path, ending in "/" (`/a/b/index.html` -> `/a/b/`)."""
    if not path:
        return "/"
    return path[: path.rfind("/") + 1] or "/"


@dataclass(frozen=True)
class SiteScope:
    """The pages that belong to a registered site: its host(s) and, for a site under a path, that path.

    Other units' .gov.cn sites are outside even when they share a parent domain: their columns are
    judged when their own registration is checked.
    """

    hosts: frozenset[str]
    prefix: str = "/"

    @classmethod
    def for_site(cls, registered_url: str, final_url: str = "") -> SiteScope:
        """Scope from the registered URL; the host the home page redirected to belongs to it too,
        unless it is somebody else's site (see `same_owner`)."""
        hosts = {bare_host(url_host(registered_url))}
        if final_url and url_host(final_url) and same_owner(url_host(registered_url), url_host(final_url)):
            hosts.add(bare_host(url_host(final_url)))
        return cls(frozenset(hosts), _directory(urlsplit(registered_url).path))

    @property
    def main_host(self) -> str:
        return sorted(self.hosts)[0]

    def contains(self, url: str) -> bool:
        """True when `url` is a page of this site."""
        parts = http_parts(url)
        if parts is not None:  # the usual absolute link: its host answered once per host, no urlsplit
            root, path = parts
            host = url_host(root)
            return bool(host) and bare_host(host) in self.hosts and (path or "/").startswith(self.prefix)
        if not is_http_url(url):
            return False
        if bare_host(url_host(url)) not in self.hosts:
            return False
        return (urlsplit(url).path or "/").startswith(self.prefix)
