"""The fixture province: seven government websites and five new-media accounts with KNOWN problems.

`build_province()` is pure: it renders every page into memory as of `DEMO_AS_OF` (the date of the
seed notice), with no port or clock in it, so `govmon demo` and the test suite see the same bytes.
`province.expected` says, per subject, which rules must fire and which must not.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from html import escape
from types import MappingProxyType

from monitor.demo.media import ACCOUNTS, SHANGHAI, media_pages
from monitor.demo.pages import render_site
from monitor.demo.sites import BENIGN_HOSTS, GAMBLING_HOST, LISTED_GAMBLING, SITES
from monitor.demo.spec import ExpectedDefects, ExternalHost, Page, Province

DEMO_AS_OF = datetime(2022, 12, 28, 10, 0, tzinfo=SHANGHAI)

GAMBLING_TEXT = (
    "澳门赌场官方网站 真人荷官在线发牌 百家乐 老虎机 体育投注 时时彩 六合彩 "
    "新用户注册送88元彩金 首存即送 每日返水 立即下注"
)


def _html_page(title: str, text: str) -> Page:
    body = f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head>" \
           f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    return Page(body.encode("utf-8"))


def external_hosts() -> dict[str, ExternalHost]:
    """Stand-ins for every outside host a demo page links, so the demo never leaves 127.0.0.1."""
    hosts = {h: ExternalHost(h, _html_page(h, f"外部站点 {h} 的演示替身页面。")) for h in BENIGN_HOSTS}
    for host in (GAMBLING_HOST, *LISTED_GAMBLING):
        hosts[host] = ExternalHost(host, _html_page("幸运娱乐城 真人荷官 百家乐", GAMBLING_TEXT), illegal=True)
    return hosts


def expected_defects() -> ExpectedDefects:
    return ExpectedDefects(
        websites=MappingProxyType({site.name: site.expect for site in SITES}),
        accounts=MappingProxyType({account.name: account.expect for account in ACCOUNTS}),
        unchecked_accounts=frozenset(a.name for a in ACCOUNTS if not a.source),
    )


@lru_cache(maxsize=1)
def build_province() -> Province:
    """The whole province, rendered once per process (shared, hence read-only mappings)."""
    return Province(
        as_of=DEMO_AS_OF,
        sites=tuple(render_site(site) for site in SITES),
        external=MappingProxyType(external_hosts()),
        media=MappingProxyType(media_pages()),
        accounts=ACCOUNTS,
        expected=expected_defects(),
    )
