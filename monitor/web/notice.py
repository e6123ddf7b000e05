"""整改通知单: one unit's open rectifications as a DOCX in the official-document layout of the report."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document

from monitor.evidence import describe_evidence
from monitor.models import RECTIFICATION_LABELS, SEVERITY_LABELS
from monitor.report.docx import (
    BODY_FONT,
    HEADING_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    _page_setup,
    _simple_table,
    _text,
)
from monitor.web.filters import Row

EVIDENCE_LINES = 6


def notice_docx(unit: str, rows: list[Row], now: datetime) -> bytes:
    """The notice as DOCX bytes: addressee, what to do by when, the findings with evidence and deadlines."""
    doc = Document()
    _page_setup(doc)
    _text(doc, "整改通知单", TITLE_FONT, TITLE_SIZE, center=True)
    _text(doc, f"{unit}：", BODY_FONT)
    deadline = min(r.assignment.deadline for r in rows if r.assignment)
    _text(doc, (f"经监测，你单位负责的政府网站或政务新媒体存在以下{len(rows)}项问题，请于各项整改期限前完成整改，"
                f"并在监管平台填报整改情况，平台将自动复查。最早整改期限：{deadline}。"), indent=True)
    _text(doc, "问题清单", HEADING_FONT)
    body: list[list[str | int]] = []
    for number, row in enumerate(rows, start=1):
        f, a = row.finding, row.assignment
        evidence = "；".join(describe_evidence(f, limit=EVIDENCE_LINES))
        body.append([number, f"{row.subject_name}\n{row.url}".strip(), f"{f.wording}（{SEVERITY_LABELS[f.severity]}）",
                     evidence, a.deadline if a else "", RECTIFICATION_LABELS[a.state] if a else ""])
    _simple_table(doc, ["序号", "网站或账号", "问题", "证据", "整改期限", "状态"], body,
                  widths_cm=(1.2, 3.6, 3.0, 5.6, 2.2, 1.6))
    _text(doc, "")
    _text(doc, f"政府网站与政务新媒体监管　{now:%Y年%m月%d日}", BODY_FONT)
    doc.core_properties.title = f"整改通知单 {unit}"
    doc.core_properties.author = "govmon"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
