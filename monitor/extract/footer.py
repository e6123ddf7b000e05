"""The footer's identity marks and the "我为政府网站找错" entry, as real pages write them.

The guideline asks every page for the national error-report entry and a footer carrying 网站标识码,
ICP备案, 公安备案, the 党政机关 mark (conac) and 主办单位. Real pages write these in many ways: numbers
split across `<span>`s, no colon after 网站标识码, the entry as a script, a link, a back-end link or a
rendered image, and whole footers assembled in JavaScript strings. Numbers are read from the
rendered text first and from script strings as a fallback.
"""

from __future__ import annotations

import html as htmllib
import re
import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.js import string_literals, written_html
from monitor.extract.links import (
    JIUCUO_BACKEND_HOSTS,
    JIUCUO_LINK_HOSTS,
    HidingDetector,
)
from monitor.extract.text import fold_whitespace, node_text, parse
from monitor.hosts import normalize_host
from monitor.observations import FooterIdentity, JiucuoEntry

FORM_ORDER = ("script", "link", "backend-link", "image")
OWN_PAGE_FORM = "own-page"  # a site's own 纠错 page (gov.cn /fuwu/jiucuopage.html): present=False

_CODE = r"(?:bm\d{8}|\d{10})(?![0-9])"
_SITECODE_ATTR = re.compile(r"sitecode\s*=\s*['\"]?\s*(" + _CODE + ")", re.I)
_LINK_CALL = re.compile(r"Link\(\s*['\"]\s*(" + _CODE + r")\s*['\"]", re.I)
_SITE_CODE = re.compile(r"标识码\s*[:：]?\s*(" + _CODE + ")", re.I)
_ICP = re.compile(r"[\u4e00-\u9fff]\s*ICP\s*备\s*\d{4,}(?:\s*号)?(?:\s*-\s*\d+)?", re.I)
_GONGAN = re.compile(r"[\u4e00-\u9fff]\s*公网安备\s*[:：]?\s*\d{14}(?:\s*号)?")
_GONGAN_RECORD = re.compile(r"recordcode=(\d{14})", re.I)
_SPONSOR = re.compile(r"主办(?:单位|方)?\s*[:：]\s*([^\s|｜©,，;；:：<>]+)")
_CONAC = re.compile(r"conac\.cn|_ideConac|dzjg[\w.-]*\.(?:png|jpe?g|gif)", re.I)
_TAG = re.compile(r"<[^>]*>")


# -- 我为政府网站找错 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    form: str
    code: str
    visible: bool


def classify_jiucuo_url(url: str) -> tuple[str, str]:
    """("link" | "backend-link" | "", site code) for a URL of the national platform's entry."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "", ""
    host, path = normalize_host(parts.hostname or ""), parts.path.lower()
    query = {key.lower(): value.strip() for key, value in parse_qsl(parts.query)}
    if host in JIUCUO_LINK_HOSTS and path.endswith("/exposure/jiucuo.html"):
        return "link", query.get("site_code", query.get("sitecode", ""))
    if host in JIUCUO_BACKEND_HOSTS and "/check_web/errorinfo/jcinfonew" in path:
        return "backend-link", query.get("sitecode", query.get("site_code", ""))
    return "", ""


def _visible(detector: HidingDetector, node: LexborNode | None) -> bool:
    return node is None or not detector.hiding(node)[0]


def _script_candidates(root: LexborNode, detector: HidingDetector) -> list[_Candidate]:
    """The jiucuo.js embed, from the national host or a local copy, also when document.write-n."""
    found = []
    for script in root.css("script"):
        attrs = script.attributes
        visible = _visible(detector, script.parent)
        if attrs.get("id") == "_jiucuo_" or "jiucuo.js" in (attrs.get("src") or "").lower():
            found.append(_Candidate("script", (attrs.get("sitecode") or "").strip(), visible))
            continue
        source = script.text(deep=True)
        for html in written_html(source) if "write" in source else ():
            if "jiucuo.js" in html or "_jiucuo_" in html:
                match = _SITECODE_ATTR.search(html)
                found.append(_Candidate("script", match.group(1) if match else "", visible))
    return found


_JIUCUO_PATHS = ("/exposure/jiucuo.html", "/check_web/errorinfo/jcinfonew")


def _link_candidates(root: LexborNode, detector: HidingDetector) -> list[_Candidate]:
    found = []
    for anchor in root.css("a[href], area[href]"):
        href = anchor.attributes.get("href") or ""
        lowered = href.lower()
        if not any(path in lowered for path in _JIUCUO_PATHS):  # cheap test before a urlsplit
            continue
        form, code = classify_jiucuo_url(href)
        if form:
            found.append(_Candidate(form, code, _visible(detector, anchor)))
    return found


def _image_candidates(root: LexborNode, detector: HidingDetector) -> list[_Candidate]:
    """The image jiucuo.js renders (`jiucuo.png?v=<code>`, or `onclick="Link('<code>')"`)."""
    found = []
    for image in root.css("img"):
        attrs = image.attributes
        src = attrs.get("src") or ""
        click = _LINK_CALL.search(attrs.get("onclick") or "")
        if click:
            found.append(_Candidate("image", click.group(1), _visible(detector, image)))
        elif "/exposure/images/jiucuo.png" in src:
            query = dict(parse_qsl(src.partition("?")[2]))
            found.append(_Candidate("image", query.get("v", "").strip(), _visible(detector, image)))
    return found


def _own_page(root: LexborNode) -> bool:
    """A site's own 纠错 page or form instead of the national entry (gov.cn /fuwu/jiucuopage.html,
    an iframe of the site's jiucuo.htm, a 【纠错】 button)."""
    for node in root.css("a, iframe[src]"):
        target = (node.attributes.get("href") or node.attributes.get("src") or "").lower()
        if "jiucuo" in target or any(word in node_text(node) for word in ("纠错", "找错")):
            return True
    return False


def find_jiucuo(html: str, page_url: str) -> JiucuoEntry:
    """The national "我为政府网站找错" entry of a page, in any of its forms, or present=False.

    When a page carries several forms (script plus its rendered image), a visible one is reported
    first, then script, link, back-end link, image. A site's own 纠错 page is not the entry: it is
    reported present=False with form "own-page" so a report can say what was there instead.
    """
    return find_jiucuo_of(parse(html), page_url)


def find_jiucuo_of(
    tree: LexborHTMLParser, page_url: str, detector: HidingDetector | None = None
) -> JiucuoEntry:
    """`find_jiucuo` of an already parsed page (read only: tree and detector may be shared)."""
    root = tree.root
    if root is None:
        return JiucuoEntry(page_url, present=False)
    if detector is None:
        detector = HidingDetector(root)
    found = [
        *_script_candidates(root, detector),
        *_link_candidates(root, detector),
        *_image_candidates(root, detector),
    ]
    if found:
        best = min(found, key=lambda c: (not c.visible, not c.code, FORM_ORDER.index(c.form)))
        # every page of a site carries the same code: one string, kept once per page entry
        return JiucuoEntry(page_url, True, best.form, sys.intern(best.code.lower()), best.visible)
    if _own_page(root):
        return JiucuoEntry(page_url, present=False, form=OWN_PAGE_FORM)
    return JiucuoEntry(page_url, present=False)


# -- footer identity -------------------------------------------------------------------------------------


def _last(pattern: re.Pattern[str], text: str, group: int = 0) -> str:
    """Last match: the footer closes the page, so a number quoted in an article comes earlier."""
    matches = list(pattern.finditer(text))
    return fold_whitespace(matches[-1].group(group)) if matches else ""


def _script_text(root: LexborNode) -> str:
    """Text of the HTML held in script strings: footers written by JavaScript."""
    sources = [script.text(deep=True) for script in root.css("script") if not script.attributes.get("src")]
    markup = "".join(string_literals(source) for source in sources)
    return fold_whitespace(htmllib.unescape(_TAG.sub("", markup)))


def _meta_site_code(root: LexborNode) -> str:
    for meta in root.css("meta[name]"):
        if (meta.attributes.get("name") or "").strip().lower() == "siteidcode":
            return (meta.attributes.get("content") or "").strip()
    return ""


def _identity_fields(text: str) -> dict[str, str]:
    return {
        "site_code": _last(_SITE_CODE, text, 1),
        "icp": _last(_ICP, text),
        "gongan": _last(_GONGAN, text),
        "sponsor": _last(_SPONSOR, text, 1),
    }


def extract_footer_identity(html: str) -> FooterIdentity:
    """网站标识码, ICP备案, 公安备案, conac mark, 主办单位 and meta SiteIDCode of a page.

    Values are as written (whitespace folded), e.g. "蜀ICP备 13001288号"; a 公安 number known only from
    a beian.gov.cn link (`recordcode=`) is given as its 14 digits.
    """
    return footer_identity_of(parse(html), html)


def footer_identity_of(tree: LexborHTMLParser, html: str) -> FooterIdentity:
    """`extract_footer_identity` of a page parsed as is (read only: the tree may be shared)."""
    root = tree.root
    if root is None:
        return FooterIdentity()
    fields = _identity_fields(node_text(root))
    if not all(fields.values()):
        fallback = _identity_fields(_script_text(root))
        fields = {key: value or fallback[key] for key, value in fields.items()}
    if not fields["gongan"]:
        fields["gongan"] = _last(_GONGAN_RECORD, html, 1)
    return FooterIdentity(
        site_code=fields["site_code"].lower(),  # "BM01000001" is the registered bm01000001
        icp=fields["icp"],
        gongan=fields["gongan"],
        conac=bool(_CONAC.search(html)),
        sponsor=fields["sponsor"],
        meta_site_code=_meta_site_code(root).lower(),
    )
