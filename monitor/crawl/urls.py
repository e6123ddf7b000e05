"""URL normalisation and the scope of one registered site.

The crawler never fetches the same page twice and never wanders into other units' sites, so both
questions ("have we seen this page?", "is this page part of the site?") are answered here, once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.extract.links import registrable_domain

_DEFAULT_PORTS = {"http": 80, "https": 443}
GOV_SUFFIXES = (".gov.cn", ".政务", ".xn--zfr164b")  # .政务 as written and as punycode


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


def host_of(url: str) -> str:
    """Lower-case host name of a URL ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def is_http_url(url: str) -> bool:
    """True for absolute http(s) URLs: javascript:, mailto: and the like are not pages."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def same_owner(host: str, other: str) -> bool:
    """Two hosts of one owner: one registrable domain, or both government hosts (a site that moved
    from x.gov.cn to a new gov.cn name). A redirect to anything else is not the site's own page."""
    if registrable_domain(host) == registrable_domain(other):
        return True
    return all(h.endswith(GOV_SUFFIXES) for h in (host.lower(), other.lower()))


def _bare_host(host: str) -> str:
    """`www.x.gov.cn` and `x.gov.cn` are one site: registries write either."""
    return host[4:] if host.startswith("www.") else host


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
        hosts = {_bare_host(host_of(registered_url))}
        if final_url and host_of(final_url) and same_owner(host_of(registered_url), host_of(final_url)):
            hosts.add(_bare_host(host_of(final_url)))
        return cls(frozenset(hosts), _directory(urlsplit(registered_url).path))

    @property
    def main_host(self) -> str:
        return sorted(self.hosts)[0]

    def contains(self, url: str) -> bool:
        """True when `url` is a page of this site."""
        if not is_http_url(url):
            return False
        parts = urlsplit(url)
        if _bare_host((parts.hostname or "").lower()) not in self.hosts:
            return False
        return (parts.path or "/").startswith(self.prefix)
