"""The findings list as CSV (UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from openpyxl import Workbook
from starlette.responses import Response

from monitor.evidence import describe_evidence
from monitor.models import RECTIFICATION_LABELS, SEVERITY_LABELS
from monitor.times import optional_iso
from monitor.web.filters import Row

HEADER = ["编号", "网站或账号", "所属地方或部门", "网址", "问题", "严重程度", "状态", "首次发现", "最近发现",
          "整改单位", "整改期限", "整改状态", "是否逾期", "证据"]
STATUS_LABELS = {"open": "待复核", "resolved": "已消除", "confirmed": "已确认", "dismissed": "已驳回"}


def _cells(row: Row) -> list[str | int]:
    f, a = row.finding, row.assignment
    return [
        f.id or 0, row.subject_name, row.region, row.url, f.wording, SEVERITY_LABELS[f.severity],
        STATUS_LABELS[str(f.status)], optional_iso(f.first_seen) or "", optional_iso(f.last_seen) or "", a.unit if a else "",
        a.deadline if a else "", RECTIFICATION_LABELS[a.state] if a else "", "是" if row.overdue else "",
        "\n".join(describe_evidence(f)),
    ]


def _safe(value: str | int) -> str | int:
    """Cells starting like a formula are quoted so a spreadsheet never runs them."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


def csv_response(rows: list[Row], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([_safe(c) for c in _cells(row)] for row in rows)
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers=_attachment(filename))


def xlsx_response(rows: list[Row], filename: str) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_safe(c) for c in _cells(row)])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), headers=_attachment(filename),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
