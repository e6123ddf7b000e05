"""Which registered website a row of an export means: by 网站标识码, by 网址 (host and path), by name.

Exports name sites as the platform knows them, which is not always the registry's spelling; the code
and the address are the reliable keys, the name the common one. A name two registered sites share is
ambiguous and reported, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

from monitor.annex4.sheet import RowProblem
from monitor.models import Website

_SITE_CODE = re.compile(r"^(?:[1-9]\d{9}|bm\d{8})$", re.IGNORECASE)


def _address(text: str) -> str:
    """host[:port]/path without scheme, www., default port, query or trailing slash: http://www.a.gov.cn/ ==
    a.gov.cn."""
    parts = urlsplit(text if "//" in text else f"//{text}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        return ""
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    return f"{host}{parts.path.rstrip('/')}" if host else ""


class SiteIndex:
    def __init__(self, websites: list[Website]):
        self._by_code: dict[str, list[Website]] = defaultdict(list)
        self._by_address: dict[str, list[Website]] = defaultdict(list)
        self._by_name: dict[str, list[Website]] = defaultdict(list)
        for site in websites:  # live sites first, so a retired namesake never shadows the live one
            if site.site_code:
                self._by_code[site.site_code.lower()].append(site)
            self._by_address[_address(site.url)].append(site)
            self._by_name["".join(site.name.split())].append(site)

    def find(self, name: str = "", url: str = "", code: str = "") -> Website:
        """The website the cells mean; RowProblem when none or several."""
        if code:
            return self._one(self._by_code, code.lower(), f"网站标识码 {code}")
        for value in (url, name):
            if value and _SITE_CODE.match(value):
                return self._one(self._by_code, value.lower(), f"网站标识码 {value}")
            if value and ("/" in value or "." in value) and _address(value):
                return self._one(self._by_address, _address(value), f"网址 {value}")
        if name:
            return self._one(self._by_name, "".join(name.split()), f"网站 {name!r}")
        raise RowProblem("缺少 网站（名称、网址或网站标识码）")

    @staticmethod
    def _one(index: dict[str, list[Website]], key: str, what: str) -> Website:
        found = [s for s in index.get(key, []) if not s.retired_at] or index.get(key, [])
        if not found:
            raise RowProblem(f"{what} 不在网站名录中（按名录中的名称、网址或网站标识码填写）")
        if len(found) > 1:
            raise RowProblem(f"{what} 对应名录中 {len(found)} 个网站，请给出网址或网站标识码")
        return found[0]
