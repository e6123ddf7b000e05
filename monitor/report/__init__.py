"""The quarterly report in the annex format of the notice: data computed once, one writer per format.

    quarter = parse_quarter("2022Q4", settings.timezone)
    report = build_report(store, settings, quarter)
    write_report(report, settings.report_dir, settings.report_formats)
"""

from monitor.quarter import Quarter, QuarterError, last_complete_quarter, parse_quarter, quarter_of
from monitor.report.data import build_report, counted_findings
from monitor.report.model import (
    AccountProblem,
    Annex1Row,
    EvidenceItem,
    QuarterReport,
    Summary,
    WebsiteProblem,
)
from monitor.report.writer import FORMATS, generate_report, parse_formats, write_report

__all__ = [
    "FORMATS", "AccountProblem", "Annex1Row", "EvidenceItem", "Quarter", "QuarterError", "QuarterReport",
    "Summary", "WebsiteProblem", "build_report", "counted_findings", "generate_report", "last_complete_quarter", "parse_formats",
    "parse_quarter", "quarter_of", "write_report",
]
