"""decode_body: GB pages as they really are served (mislabelled, unlabelled, cut in half)."""

from __future__ import annotations

import codecs

import pytest

from monitor.fetch.decode import decode_body, normalize_encoding

# 镕 and 堃 are GBK but not GB2312: pages labelled gb2312 contain them all the time.
TEXT = "四川省人民政府 关于朱镕基同志题词的通知 王堃 发布时间：2024年05月01日"


def page(charset_meta: str = "", body: str = TEXT) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>政府网站</title></head><body><p>{body}</p></body></html>"


def test_gbk_page_labelled_gb2312_in_meta_is_read_as_gb18030() -> None:
    text, encoding = decode_body(page("gb2312").encode("gbk"))
    assert encoding == "gb18030"
    assert TEXT in text and "\ufffd" not in text


def test_http_equiv_meta_is_understood() -> None:
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312">'
            f"</head><body>{TEXT}</body></html>")
    text, encoding = decode_body(html.encode("gbk"))
    assert (encoding, TEXT in text) == ("gb18030", True)


def test_http_charset_gbk_wins_and_reads_four_byte_gb18030_characters() -> None:
    body = page(body=TEXT + " 𠀀€").encode("gb18030")  # 𠀀 needs a 4-byte GB18030 sequence
    text, encoding = decode_body(body, "text/html; charset=gbk")
    assert encoding == "gb18030"
    assert "𠀀€" in text


def test_unlabelled_gbk_is_detected() -> None:
    text, encoding = decode_body(page().encode("gbk"), "text/html")
    assert encoding == "gb18030"
    assert TEXT in text


def test_utf8_page_mislabelled_gb2312_in_header_is_read_as_utf8() -> None:
    text, encoding = decode_body(page().encode("utf-8"), "text/html; charset=gb2312")
    assert encoding == "utf-8"
    assert TEXT in text


def test_utf8_page_with_stale_gbk_meta_is_read_as_utf8() -> None:
    text, encoding = decode_body(page("gbk").encode("utf-8"))
    assert (encoding, TEXT in text) == ("utf-8", True)


def test_gbk_page_with_wrong_utf8_header_falls_back_to_meta() -> None:
    text, encoding = decode_body(page("gb2312").encode("gbk"), "text/html; charset=utf-8")
    assert (encoding, TEXT in text) == ("gb18030", True)


def test_tomcat_default_latin1_label_on_gbk_page_is_not_trusted() -> None:
    text, encoding = decode_body(page().encode("gbk"), "text/html;charset=ISO-8859-1")
    assert encoding == "gb18030"
    assert TEXT in text


def test_plain_ascii_with_latin1_label_keeps_label() -> None:
    assert decode_body(b"<html>hello</html>", "text/html; charset=iso-8859-1") == ("<html>hello</html>", "cp1252")


def test_utf8_bom_is_honoured_and_stripped() -> None:
    text, encoding = decode_body(codecs.BOM_UTF8 + page().encode("utf-8"))
    assert encoding == "utf-8"
    assert text.startswith("<html>")


def test_body_cut_in_the_middle_of_a_character_keeps_the_declared_charset() -> None:
    body = page("gb2312").encode("gbk")
    cut = body[: body.index("通知".encode("gbk")) + 1]  # half of 通
    text, encoding = decode_body(cut)
    assert encoding == "gb18030"
    assert "关于朱镕基同志题词的" in text


def test_undecodable_bytes_are_replaced_not_raised() -> None:
    text, encoding = decode_body(b"<meta charset=utf-8>\xff\xfe\xfa\x00\x81" * 3, "text/html; charset=utf-8")
    assert isinstance(text, str) and encoding


def test_empty_body() -> None:
    assert decode_body(b"", "text/html; charset=gbk") == ("", "gb18030")


@pytest.mark.parametrize(
    ("label", "expected"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"),
     ("utf-16", "utf-8"), ("big5", "big5hkscs"), ("no-such-charset", None)],
)
def test_normalize_encoding(label: str, expected: str | None) -> None:
    assert normalize_encoding(label) == expected


GB2312_TEXT = "政府信息公开 政策文件 通知公告 办事服务 互动交流"


@pytest.mark.parametrize("codec", ["gb2312", "gbk", "gb18030"])
@pytest.mark.parametrize("meta", ["", "gb2312"])
def test_every_gb_codec_with_and_without_meta(codec: str, meta: str) -> None:
    text, encoding = decode_body(page(meta, GB2312_TEXT).encode(codec))
    assert encoding == "gb18030"
    assert GB2312_TEXT in text
