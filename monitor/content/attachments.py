"""Text of the attachments an article links (PDF, DOCX, XLSX, XLS), read from bytes already fetched.

The crawler fetches an attachment through its session (streamed, size-capped, counted in the page
budget) and hands the bytes here. Reading is pure and bounded: at most `max_chars` of text, at most
`MAX_PAGES` PDF pages and `MAX_ROWS` spreadsheet rows. What cannot be read (a cut download, a scanned
PDF without a text layer, an old .doc/.wps, a damaged file) says why, so a rule can report it as
not judged instead of clean.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

MAX_PAGES = 200
MAX_ROWS = 20_000
READABLE = ("pdf", "docx", "xlsx", "xls")
UNREADABLE = ("doc", "wps", "et", "ofd", "jpg", "jpeg", "png", "tif", "tiff", "rar", "zip", "7z")
_KINDS = frozenset(READABLE + UNREADABLE)
_UNSAFE = frozenset("\t\r\n")  # urlsplit drops these from a URL: such URLs take the full reading
UNREAD_FORMATS = ("doc", "wps", "et", "ofd", "rar", "zip", "7z")  # formats no reader here opens
SCANNED = "扫描件或图片，无文字层（未启用文字识别）"
TRUNCATED = "附件超过大小上限，未完整下载"
UNSUPPORTED = "格式无法读取"
DAMAGED = "文件损坏或加密，无法读取"


@dataclass(frozen=True, slots=True)
class AttachmentText:
    """The text of one attachment, or why there is none."""

    kind: str
    text: str = ""
    reason: str = ""  # why it could not be read; "" when `text` is all of it

    @property
    def readable(self) -> bool:
        return not self.reason


def attachment_kind(url: str) -> str:
    """The attachment type by the file name in the URL ("pdf", "xlsx" …), "" for an ordinary page."""
    if "%" not in url and not _UNSAFE.intersection(url):  # the path ends where query and fragment start
        tail = url.split("#", 1)[0].split("?", 1)[0]
        extension = tail.rsplit(".", 1)[-1].lower() if "." in tail else ""
        if "/" in extension or extension not in _KINDS:  # no extension, or one that is no attachment
            return ""
    path = unquote(urlsplit(url).path).lower()
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    extension = name.rsplit(".", 1)[-1]
    return extension if extension in _KINDS else ""


def read_attachment(kind: str, data: bytes, *, truncated: bool = False, max_chars: int = 2_000_000) -> AttachmentText:
    """Text of an attachment of `kind` from its bytes; never raises on a bad file."""
    if truncated:
        return AttachmentText(kind, reason=TRUNCATED)
    reader = _READERS.get(kind)
    if reader is None:
        return AttachmentText(kind, reason=f"{kind.upper()} {UNSUPPORTED}" if kind in UNREAD_FORMATS else SCANNED)
    try:
        text = reader(data, max_chars)
    except Exception as exc:  # a damaged or encrypted file is a fact about the site, not a crash
        log.debug("attachment of kind %s not readable: %s: %s", kind, type(exc).__name__, exc)
        return AttachmentText(kind, reason=DAMAGED)
    if kind == "pdf" and not text.strip():
        return AttachmentText(kind, reason=SCANNED)
    return AttachmentText(kind, text[:max_chars])


def _pdf(data: bytes, max_chars: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")  # many government PDFs are "encrypted" with an empty password to stop copying
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= max_chars:
            break
    return "\n".join(parts)


def _docx(data: bytes, max_chars: int) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
            if sum(map(len, lines)) >= max_chars:
                return "\n".join(lines)
    return "\n".join(lines)


def _xlsx(data: bytes, max_chars: int) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _rows_text(
            (row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)), max_chars
        )
    finally:
        workbook.close()


def _xls(data: bytes, max_chars: int) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    try:
        rows = (sheet.row_values(index) for sheet in book.sheets() for index in range(sheet.nrows))
        return _rows_text(rows, max_chars)
    finally:
        book.release_resources()


def _cell(value: object) -> str:
    """A cell as a reader sees it: 11010519491231002X stays a string, 13912345678.0 becomes 13912345678."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_text(rows: Iterable[Iterable[object]], max_chars: int) -> str:
    lines: list[str] = []
    size = 0
    for count, row in enumerate(rows):
        if count >= MAX_ROWS or size >= max_chars:
            break
        line = "\t".join(_cell(value) for value in row).rstrip()
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls}
