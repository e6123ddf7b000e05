"""Turning response bytes into text, the way Chinese government pages actually need it.

Many sites still serve GBK pages labelled `gb2312` (or not labelled at all), and some serve UTF-8
pages whose header or <meta> still says `gb2312` from an older template. A declared charset is
trusted only if the bytes decode cleanly with it; GB labels are read as GB18030, the superset.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# How far into the body a <meta charset> is looked for (browsers use 1024; CMS templates are sloppier).
META_SCAN_BYTES = 4096
# Labels that must be read as a superset: real "gb2312" pages contain GBK characters (镕, 堃, ...).
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "hz": "gb18030", "euc_cn": "gb18030",
    "latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252",  # as browsers do (WHATWG)
    "big5": "big5hkscs",
}
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels servers put on by default (Tomcat's ISO-8859-1): a Chinese page with one is mislabelled.
_WEAK = {"cp1252"}
# Bytes a cut (max_response_bytes) may leave dangling at the end of a multi-byte character.
_CUT_TAIL = 4


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a response body; return (text, encoding name used).

    A BOM wins (it cannot be there by accident, as browsers agree); then the HTTP charset, the
    <meta> charset, and detection. A declared charset that does not fit the bytes is skipped, and
    bytes that are valid UTF-8 are read as UTF-8 whatever a legacy label says.
    """
    if not body:
        return "", _declared(content_type, body) or "utf-8"
    bom = _bom(body)
    if bom:
        return _decode(body[len(bom[0]):], bom[1]), bom[1]
    declared = [name for name in (_http_charset(content_type), _meta_charset(body)) if name]
    utf8 = _is_utf8_text(body)
    for name in declared:
        if utf8:
            return _decode(body, "utf-8"), "utf-8"
        if name in _WEAK and not body.isascii():
            continue
        if _fits(body, name):
            return _decode(body, name), name
    detected = _detect(body)
    if detected:
        return _decode(body, detected), detected
    fallback = declared[0] if declared else "gb18030"
    return _decode(body, fallback), fallback


def normalize_encoding(label: str) -> str | None:
    """A codec name Python knows, with GB labels widened to gb18030; None for an unknown label."""
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label.removeprefix("x-")).name  # x-gbk, x-euc-cn, x-cp1252 ...
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    if name in ("utf_16", "utf_16_le", "utf_16_be", "utf_32"):
        return "utf-8"  # a <meta> can never truthfully say UTF-16 (WHATWG); a BOM would have
    mapped = _SUPERSETS.get(name)
    if mapped:
        return mapped
    return "utf-8" if name in ("utf_8", "utf_8_sig") else name


def _declared(content_type: str, body: bytes) -> str | None:
    return _http_charset(content_type) or _meta_charset(body)


def _http_charset(content_type: str) -> str | None:
    match = _HTTP_CHARSET.search(content_type or "")
    return normalize_encoding(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    """<meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">."""
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return normalize_encoding(match.group(1).decode("ascii", "ignore")) if match else None


def _bom(body: bytes) -> tuple[bytes, str] | None:
    for mark, name in _BOMS:
        if body.startswith(mark):
            return mark, name
    return None


def _fits(body: bytes, encoding: str) -> bool:
    """True if the bytes decode cleanly, allowing a character cut in half at the very end."""
    try:
        body.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(body) - _CUT_TAIL
    except LookupError:
        return False
    return True


def _is_utf8_text(body: bytes) -> bool:
    """Valid UTF-8 with some non-ASCII: GBK text practically never passes this by accident."""
    return not body.isascii() and _fits(body, "utf-8")


def _detect(body: bytes) -> str | None:
    if _is_utf8_text(body) or body.isascii():
        return "utf-8"
    best = from_bytes(body[:200_000]).best()
    return normalize_encoding(best.encoding) if best else None


def _decode(body: bytes, encoding: str) -> str:
    return body.decode(encoding, errors="replace")
