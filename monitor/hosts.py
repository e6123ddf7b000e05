"""Host names: one normalisation, one registrable domain, one notion of "same site" and "government".

Every module that compares hosts (link extraction, crawl scope, column discovery, rules) asks here, so
`WWW.X.gov.cn.`, `x.gov.cn:80` and an IDN written in punycode compare as the same text everywhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

GOV_SUFFIXES = ("gov.cn", "政务")  # parent domains of government sites (.政务 compared in Unicode)


def normalize_host(host: str) -> str:
    """Lower-case, no port, no trailing dot, IDN labels in Unicode (so `.政务` compares as text)."""
    host = (host or "").strip().lower().rstrip(".")
    if host.startswith("[") or host.count(":") > 1:
        return host.strip("[]")
    host = host.split(":", 1)[0]
    if "xn--" in host:
        with contextlib.suppress(UnicodeError):
            host = host.encode("ascii").decode("idna")
    return host


@lru_cache(maxsize=4096)
def url_host(url: str) -> str:
    """Normalized host of an absolute URL, "" when it has none."""
    try:
        return normalize_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def is_same_site(host: str, site_host: str) -> bool:
    """True when `host` is the site host or one of its subdomains.

    A portal at `www.X.gov.cn` owns `X.gov.cn` and its department sub-sites, so its `www.` is
    dropped — unless that would leave a public suffix (`www.gov.cn` does not own all of gov.cn).
    """
    host, base = normalize_host(host), _site_base(site_host)
    return host == base or host.endswith("." + base)


@lru_cache(maxsize=256)
def _site_base(site_host: str) -> str:
    site = normalize_host(site_host)
    bare = site.removeprefix("www.")
    return site if bare != site and len(bare) < len(registrable_domain(site)) else bare


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parent_domains(host: str) -> Iterator[str]:
    """The host and every parent domain; an IP address only matches itself."""
    if is_ip(host):
        yield host
        return
    labels = host.split(".")
    for start in range(len(labels)):
        yield ".".join(labels[start:])


def is_government_host(host: str) -> bool:
    """Hosts under gov.cn or .政务: government sites, never illegal targets."""
    return any(suffix in GOV_SUFFIXES for suffix in parent_domains(normalize_host(host)))


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    """The offline extractor: bundled public suffix list, no cache dir, no download ever."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    """The domain a registrant owns (`www.sc.gov.cn` -> `sc.gov.cn`); IPs and bare names as given."""
    host = normalize_host(host)
    result = _extractor()(host)
    if hasattr(result, "top_domain_under_public_suffix"):  # tldextract >= 5.3
        domain = result.top_domain_under_public_suffix
    else:  # pragma: no cover - older tldextract
        domain = result.registered_domain
    return domain or host


def bare_host(host: str) -> str:
    """`www.x.gov.cn` and `x.gov.cn` are one site: registries write either."""
    return host[4:] if host.startswith("www.") else host


def same_owner(host: str, other: str) -> bool:
    """Two hosts of one owner: one registrable domain, or both government hosts (a site that moved
    from x.gov.cn to a new gov.cn name). A redirect to anything else is not the site's own page."""
    if registrable_domain(host) == registrable_domain(other):
        return True
    return is_government_host(host) and is_government_host(other)
