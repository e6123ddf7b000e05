"""Attachment text: PDF, DOCX, XLSX read from bytes; what cannot be read says why."""

from __future__ import annotations

import pytest

from monitor.content.attachments import (
    DAMAGED,
    SCANNED,
    TRUNCATED,
    attachment_kind,
    read_attachment,
)
from monitor.content.privacy import KIND_ID, KIND_MOBILE
from tests.content_files import docx_with, pdf_with_lines, scanned_pdf, xlsx_with_rows
from tests.test_privacy import find_personal_data

ID = "11010519491231002X"


@pytest.mark.parametrize(("url", "kind"), [
    ("http://a.gov.cn/u/2022/公示名单.PDF", "pdf"), ("http://a.gov.cn/f.xlsx?x=1", "xlsx"),
    ("http://a.gov.cn/f.xls", "xls"), ("http://a.gov.cn/f.docx", "docx"), ("http://a.gov.cn/f.doc", "doc"),
    ("http://a.gov.cn/art/1.html", ""), ("http://a.gov.cn/", ""), ("http://a.gov.cn/down.jsp?id=3", ""),
])
def test_kind_by_file_name(url, kind):
    assert attachment_kind(url) == kind


def test_pdf_text_layer_is_read():
    read = read_attachment("pdf", pdf_with_lines(["Name list", f"1  {ID}  Zhang"]))
    assert read.readable and ID in read.text
    assert [d.kind for d in find_personal_data(read.text)] == [KIND_ID]


def test_xlsx_rows_become_lines_with_cells_apart():
    data = xlsx_with_rows([["序号", "姓名", "身份证号", "手机"], [1, "张三", ID, 13912345678]])
    read = read_attachment("xlsx", data)
    assert read.text.splitlines()[1] == f"1\t张三\t{ID}\t13912345678"
    assert [d.kind for d in find_personal_data(read.text)] == [KIND_ID, KIND_MOBILE]


def test_docx_paragraphs_and_tables():
    read = read_attachment("docx", docx_with(["公示"], [["姓名", "手机"], ["李四", "13912345678"]]))
    assert "李四\t13912345678" in read.text


@pytest.mark.parametrize(("kind", "data", "truncated", "reason"), [
    ("pdf", scanned_pdf(), False, SCANNED),
    ("pdf", b"%PDF-1.4 garbage", False, DAMAGED),
    ("xlsx", b"PK\x03\x04 not a zip", False, DAMAGED),
    ("xls", b"nonsense", False, DAMAGED),
    ("pdf", pdf_with_lines(["x"]), True, TRUNCATED),
])
def test_unreadable_attachments_say_why(kind, data, truncated, reason):
    read = read_attachment(kind, data, truncated=truncated)
    assert not read.readable and read.reason == reason and read.text == ""


def test_old_word_and_ofd_files_are_named_as_unreadable():
    assert "DOC" in read_attachment("doc", b"\xd0\xcf\x11\xe0").reason
    assert attachment_kind("http://a.gov.cn/gw/2022-35.ofd") == "ofd" and "OFD" in read_attachment("ofd", b"PK").reason
