"""The quarterly report on a small store: what counts, ordering, determinism and each writer's output."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn

from monitor.checks.accounts import AccountObservation
from monitor.config import Settings, load_settings
from monitor.models import Finding, Severity, Status, SubjectKind
from monitor.newmedia.observations import save_observation
from monitor.report import (
    QuarterError,
    QuarterReport,
    build_report,
    generate_report,
    last_complete_quarter,
    parse_formats,
    parse_quarter,
    write_report,
)
from monitor.report.csv import render_csv
from monitor.report.evidence import MAX_EVIDENCE_LINES, evidence_lines
from monitor.report.prose import percent
from monitor.report.regions import display_name
from monitor.rulebook import Rulebook
from monitor.store import Store
from tests.conftest import add_rows

TZ = ZoneInfo("Asia/Shanghai")
IN_QUARTER = "2022-11-02T10:00:00+08:00"
EVIL = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(None, cwd_default=False)


@pytest.fixture(scope="module")
def rulebook(settings: Settings) -> Rulebook:
    return Rulebook(settings.rules_dir)


def _site(url: str, name: str, region: str, kind: str, retired_at: str | None = None) -> dict[str, object]:
    return {"url": url, "name": name, "region": region, "kind": kind, "site_code": "", "sponsor": "", "note": "",
            "retired_at": retired_at}


@pytest.fixture
def store() -> Store:
    """成都: portal + department; 阿坝: county portal; province: one department; a few accounts."""
    store = Store.open(":memory:")
    add_rows(store, "websites", [
        _site("https://www.chengdu.gov.cn/", "成都市人民政府", "成都市", "市级门户"),
        _site("https://jxj.chengdu.gov.cn/", "成都市经济和信息化局", "成都", "市级部门"),
        _site("https://www.lixian.gov.cn/", "理县人民政府", "阿坝藏族羌族自治州", "县级门户"),
        _site("https://yjt.sc.gov.cn/", "四川省应急管理厅", "应急厅", "省级部门"),
        _site("https://old.chengdu.gov.cn/", "已关停网站", "成都", "市级部门", "2022-09-30T00:00:00+08:00"),
        _site("https://late.chengdu.gov.cn/", "季度中关停网站", "成都", "市级部门", "2022-11-30T00:00:00+08:00"),
    ])
    add_rows(store, "accounts", [
        {"name": "成都发布", "platform": "新浪微博", "region": "成都", "subject": "政府", "source": ""},
        {"name": "成都税务", "platform": "微信订阅号", "region": "成都", "subject": "市州部门", "source": ""},
        {"name": "理县发布", "platform": "微信订阅号", "region": "阿坝", "subject": "县级部门", "source": ""},
        {"name": "四川应急", "platform": "微信服务号", "region": "应急厅", "subject": "省直部门", "source": ""},
    ])
    return store


def _veto(rulebook: Rulebook, rule: str, subject_id: int, kind: SubjectKind = SubjectKind.WEBSITE,
          evidence: dict[str, object] | None = None) -> Finding:
    spec = rulebook.rule(rule)
    return Finding(rule=rule, severity=spec.severity, wording=spec.wording, evidence=evidence or {},
                   subject_kind=kind, subject_id=subject_id)


def _record(store: Store, finding: Finding, seen_at: str = IN_QUARTER) -> Finding:
    return store.record_findings(finding.subject_kind, finding.subject_id, [finding],  # type: ignore[arg-type]
                                 checked_rules=[finding.rule], seen_at=seen_at)[0]


def _observe(store: Store, name: str, checked_at: str = IN_QUARTER, outcome: str = "ok") -> None:
    """An inspector (or a check) read the account at `checked_at`: a verdict dated then, unless it failed."""
    account = store.find_account(name)
    moment = datetime.fromisoformat(checked_at)
    save_observation(store, AccountObservation(account_id=account.id, checked_at=moment, outcome=outcome,  # type: ignore[union-attr]
                                               source_kind="manual", latest_post_at=moment))


def _observe_all(store: Store) -> None:
    for account in store.accounts():
        _observe(store, account.name)


def _report(store: Store, settings: Settings, rulebook: Rulebook, quarter: str = "2022Q4") -> QuarterReport:
    return build_report(store, settings, parse_quarter(quarter, settings.timezone), rulebook=rulebook)


def _site_id(store: Store, name: str) -> int:
    return store.find_website(name).id  # type: ignore[union-attr, return-value]


# -- quarter and numbers -----------------------------------------------------------------------------
def test_quarter_bounds_in_the_configured_zone() -> None:
    q = parse_quarter("2022Q4", TZ)
    assert (q.start, q.end) == (datetime(2022, 10, 1, tzinfo=TZ), datetime(2023, 1, 1, tzinfo=TZ))
    assert (q.label, q.name, q.title) == ("2022Q4", "第四季度", "2022年第四季度")
    assert parse_quarter("2023-q1", TZ).end == datetime(2023, 4, 1, tzinfo=TZ)


@pytest.mark.parametrize("text", ["2022Q5", "2022", "Q4", "2022Q0", "22Q4", ""])
def test_bad_quarter_is_refused(text: str) -> None:
    with pytest.raises(QuarterError):
        parse_quarter(text, TZ)


def test_default_quarter_is_the_last_that_ended() -> None:
    assert last_complete_quarter(datetime(2023, 1, 2, 6, tzinfo=TZ)).label == "2022Q4"
    assert last_complete_quarter(datetime(2023, 8, 15, tzinfo=TZ)).label == "2023Q2"


def test_percent_has_two_decimals_rounded_half_up() -> None:
    assert (percent(799, 804), percent(1359, 2718), percent(1, 8), percent(0, 0)) == ("99.38%", "50.00%", "12.50%", "—")


def test_formats_are_checked() -> None:
    assert parse_formats("md, csv,md") == ("md", "csv")
    with pytest.raises(ValueError, match="pdf"):
        parse_formats("md,pdf")


def test_region_display_names_come_from_the_aliases(rulebook: Rulebook) -> None:
    aliases = rulebook.region_aliases
    assert [display_name(n, aliases) for n in ("达州", "阿坝", "甘孜", "凉山", "成都")] == [
        "达州市", "阿坝州", "甘孜州", "凉山州", "成都市"]


# -- what counts -------------------------------------------------------------------------------------
def test_clean_store_passes_everywhere(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    _observe_all(store)
    report = _report(store, settings, rulebook)
    assert report.websites == () and report.accounts == ()
    assert report.summary.website_pass_rate == "100.00%"
    assert report.regions_all_passed == ("成都市", "阿坝州")


def test_retired_before_the_quarter_is_left_out_retired_during_it_counts(
        store: Store, settings: Settings, rulebook: Rulebook) -> None:
    report = _report(store, settings, rulebook)
    chengdu = report.annex1[0]
    assert (chengdu.unit, chengdu.websites, chengdu.city_portals, chengdu.city_departments) == ("成都", 3, 1, 2)
    assert report.summary.websites_checked == 5


def test_dismissed_finding_does_not_count(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    found = _record(store, _veto(rulebook, "homepage_stale", _site_id(store, "成都市人民政府")))
    store.review_finding(found.id, Status.DISMISSED, "误报")  # type: ignore[arg-type]
    report = _report(store, settings, rulebook)
    assert report.websites == () and report.summary.websites_with_problems == 0


def test_confirmed_finding_counts(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    found = _record(store, _veto(rulebook, "homepage_stale", _site_id(store, "成都市人民政府")))
    store.review_finding(found.id, Status.CONFIRMED, "属实")  # type: ignore[arg-type]
    _observe_all(store)
    report = _report(store, settings, rulebook)
    assert [(p.unit, p.name, p.problems) for p in report.websites] == [("成都市", "成都市人民政府", "首页不更新")]
    assert report.regions_all_passed == ("阿坝州",)


def test_finding_resolved_before_the_quarter_does_not_count(store: Store, settings: Settings,
                                                            rulebook: Rulebook) -> None:
    site = _site_id(store, "理县人民政府")
    _record(store, _veto(rulebook, "unreachable", site), seen_at="2022-07-10T08:00:00+08:00")
    store.record_findings(SubjectKind.WEBSITE, site, [], checked_rules=["unreachable"],
                          seen_at="2022-09-20T08:00:00+08:00")
    assert _report(store, settings, rulebook).websites == ()
    # ... but it counts for the quarter in which it was open.
    assert [p.problems for p in _report(store, settings, rulebook, "2022Q3").websites] == ["站点无法访问"]


def test_finding_resolved_during_the_quarter_counts(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    site = _site_id(store, "理县人民政府")
    _record(store, _veto(rulebook, "blank_columns", site), seen_at="2022-09-10T08:00:00+08:00")
    store.record_findings(SubjectKind.WEBSITE, site, [], checked_rules=["blank_columns"],
                          seen_at="2022-10-20T08:00:00+08:00")
    assert [p.unit for p in _report(store, settings, rulebook).websites] == ["阿坝州"]


def test_finding_first_seen_after_the_quarter_does_not_count(store: Store, settings: Settings,
                                                             rulebook: Rulebook) -> None:
    _record(store, _veto(rulebook, "blank_columns", _site_id(store, "理县人民政府")), seen_at="2023-01-01T00:00:00+08:00")
    assert _report(store, settings, rulebook).websites == ()


def test_manual_finding_counts(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    finding = _veto(rulebook, "serious_wording", _site_id(store, "四川省应急管理厅"), evidence={"url": "https://yjt.sc.gov.cn/a.html"})
    store.add_manual_finding(finding, seen_at=IN_QUARTER, reviewer="张三")
    report = _report(store, settings, rulebook)
    assert [(p.unit, p.problems) for p in report.websites] == [("应急厅", "严重表述错误")]
    assert report.annex1[-2].website_problems == 1 and report.evidence[0].source == "人工录入"


def test_deductions_and_warnings_do_not_count(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    site = _site_id(store, "成都市人民政府")
    _record(store, Finding("dead_links", Severity.DEDUCTION, "存在错链、断链", subject_id=site))
    _record(store, Finding("footer_identity", Severity.WARNING, "底部功能区要素不全", subject_id=site))
    assert _report(store, settings, rulebook).websites == ()


def test_findings_on_retired_sites_do_not_count(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    _record(store, _veto(rulebook, "unreachable", _site_id(store, "已关停网站")))
    _record(store, _veto(rulebook, "unreachable", _site_id(store, "季度中关停网站")))
    assert [p.name for p in _report(store, settings, rulebook).websites] == ["季度中关停网站"]


def test_several_problems_are_joined_in_indicator_order(store: Store, settings: Settings,
                                                        rulebook: Rulebook) -> None:
    site = _site_id(store, "理县人民政府")
    _record(store, _veto(rulebook, "serious_wording", site))
    _record(store, _veto(rulebook, "stale_columns", site))
    (row,) = _report(store, settings, rulebook).websites
    assert row.problems == "多个栏目不更新；严重表述错误"


def test_province_units_come_first_then_regions_in_order(store: Store, settings: Settings,
                                                         rulebook: Rulebook) -> None:
    for name in ("理县人民政府", "成都市经济和信息化局", "四川省应急管理厅"):
        _record(store, _veto(rulebook, "blank_columns", _site_id(store, name)))
    report = _report(store, settings, rulebook)
    assert [(p.number, p.unit) for p in report.websites] == [(1, "应急厅"), (2, "成都市"), (3, "阿坝州")]


def test_accounts_checked_are_those_with_a_verdict_in_the_quarter(store: Store, settings: Settings,
                                                                  rulebook: Rulebook) -> None:
    """The sample is the plan; only a verdict dated in the quarter makes an account checked."""
    taxes, lixian = store.find_account("成都税务"), store.find_account("理县发布")
    plan = [(store.find_account("成都发布"), "full"), (store.find_account("四川应急"), "full"), (lixian, "sampled")]
    store.replace_account_sample("2022Q4", [(a.id, reason) for a, reason in plan],  # type: ignore[union-attr]
                                 created_at=IN_QUARTER)  # the plan: both full-coverage accounts and 理县发布
    _observe(store, "成都发布")
    _observe(store, "四川应急", outcome="blocked")  # a failed look is no verdict
    _observe(store, "理县发布", checked_at="2022-09-30T23:00:00+08:00")  # dated in the previous quarter
    _observe(store, "成都税务")  # observed although not drawn: checked all the same
    _record(store, _veto(rulebook, "account_stale", taxes.id, SubjectKind.ACCOUNT))  # type: ignore[union-attr]
    report = _report(store, settings, rulebook)
    s = report.summary
    assert (s.accounts_total, s.accounts_planned, s.accounts_checked) == (4, 3, 2)
    assert (s.accounts_full_coverage, s.accounts_sampled, s.accounts_planned_unchecked) == (1, 1, 2)
    assert (s.check_rate, s.accounts_with_problems, s.account_pass_rate) == ("50.00%", 1, "50.00%")
    assert s.regions_accounts_passed == 0  # 成都 has a problem; 阿坝's only account was not checked
    assert [(u.unit, u.name, u.plan, u.reason) for u in report.unchecked] == [
        ("应急厅", "四川应急", "全覆盖", "数据源未能读取（blocked），待人工核查"), ("阿坝州", "理县发布", "抽查", "本季度无检查记录")]


def test_a_finding_seen_in_the_quarter_is_a_verdict(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    """A reviewer's finding on an account, dated in the quarter, makes it checked; nothing else does."""
    lixian = store.find_account("理县发布")
    store.add_manual_finding(_veto(rulebook, "account_stale", lixian.id, SubjectKind.ACCOUNT),  # type: ignore[union-attr]
                             seen_at=IN_QUARTER)
    s = _report(store, settings, rulebook).summary
    assert (s.accounts_checked, s.accounts_with_problems, s.account_pass_rate) == (1, 1, "0.00%")


def test_without_a_sample_every_account_is_planned(store: Store, settings: Settings, rulebook: Rulebook) -> None:
    _observe_all(store)
    report = _report(store, settings, rulebook)
    s = report.summary
    assert (s.accounts_planned, s.accounts_checked, s.check_rate, s.regions_accounts_passed) == (4, 4, "100.00%", 2)
    assert "抽查" not in s.paragraph and report.unchecked == ()
    nothing = _report(store, settings, rulebook, "2023Q1")
    assert (nothing.summary.accounts_checked, nothing.summary.check_rate) == (0, "0.00%")
    assert len(nothing.unchecked) == 4


def test_evidence_lines_are_chinese_with_the_reviewers_note(rulebook: Rulebook) -> None:
    finding = _veto(rulebook, "homepage_stale", 1, evidence={"url": "https://a.gov.cn/",
                                                             "columns": [{"name": "通知公告", "last": "2022-01-01"}]})
    finding.note = "已核实"
    assert evidence_lines(finding) == ("网址：https://a.gov.cn/", "栏目：名称 通知公告；最近更新 2022-01-01", "复核意见：已核实")
    many = _veto(rulebook, "dead_links", 1, evidence={"count": 100, "links": [
        {"url": f"https://x{i}.example/", "outcome": "dns", "status": None, "found_on": []} for i in range(100)]})
    lines = evidence_lines(many)
    assert len(lines) == MAX_EVIDENCE_LINES + 1 and lines[0] == "错链、断链 100 个" and lines[-1] == "……共 100 项"
    assert lines[1] == "https://x0.example/ 无法打开（域名解析失败）"


# -- writers -----------------------------------------------------------------------------------------
def _with_problems(store: Store, rulebook: Rulebook) -> None:
    _record(store, _veto(rulebook, "stale_columns", _site_id(store, "https://www.lixian.gov.cn/"),
                         evidence={"columns": ["通知公告", "政策文件"], "url": "https://www.lixian.gov.cn/"}))
    _record(store, _veto(rulebook, "account_stale", store.find_account("四川应急").id,  # type: ignore[union-attr]
                         SubjectKind.ACCOUNT, {"latest_post": "2022-10-01"}))


def test_markdown_and_csv_are_byte_identical_across_runs(store: Store, settings: Settings, rulebook: Rulebook,
                                                         tmp_path: Path) -> None:
    _with_problems(store, rulebook)
    first = write_report(_report(store, settings, rulebook), tmp_path / "a", ["md", "csv"])
    second = write_report(
        build_report(store, settings, parse_quarter("2022Q4", TZ), generated_at=datetime(2030, 1, 1, tzinfo=TZ)),
        tmp_path / "b", ["md", "csv"])
    assert [p.name for p in first] == [p.name for p in second] == [
        "govmon_2022Q4.md", "govmon_2022Q4_summary.csv", "govmon_2022Q4_annex1.csv",
        "govmon_2022Q4_annex2_websites.csv", "govmon_2022Q4_annex2_accounts.csv", "govmon_2022Q4_annex4.csv",
        *(f"govmon_2022Q4_annex4_{t}.csv" for t in ("jiucuo", "reposts", "repost_items", "ranking")),
        "govmon_2022Q4_coverage.csv", "govmon_2022Q4_evidence.csv"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first[1].read_bytes().startswith(b"\xef\xbb\xbf")
    assert "理县人民政府" in first[3].read_text(encoding="utf-8-sig")


def test_markdown_escapes_table_breakers(store: Store, settings: Settings, rulebook: Rulebook,
                                         tmp_path: Path) -> None:
    store.update_registry_row("websites", _site_id(store, "理县人民政府"), {"name": "理县|<b>政府</b>"})
    _with_problems(store, rulebook)
    (path,) = write_report(_report(store, settings, rulebook), tmp_path, ["md"])
    text = path.read_text(encoding="utf-8")
    assert "理县\\|&lt;b&gt;政府&lt;/b&gt;" in text and "<b>" not in text


def test_xlsx_never_writes_a_formula(store: Store, settings: Settings, rulebook: Rulebook, tmp_path: Path) -> None:
    store.update_registry_row("websites", _site_id(store, "理县人民政府"), {"name": EVIL})
    _with_problems(store, rulebook)
    (path,) = write_report(_report(store, settings, rulebook), tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(path)
    cell = book["附件2表1"]["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (EVIL, "s", True)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_csv_defuses_formulas() -> None:
    data = render_csv([["名称"], [EVIL], ["+1"], ["@SUM(A1)"], ["-2"], ["正常"]]).decode("utf-8-sig")
    assert data.splitlines() == ["名称", "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"点我\"\")\"", "'+1",
                                 "'@SUM(A1)", "'-2", "正常"]


def test_xlsx_has_a_sheet_per_annex_with_frozen_styled_headers(store: Store, settings: Settings,
                                                               rulebook: Rulebook, tmp_path: Path) -> None:
    _with_problems(store, rulebook)
    (path,) = write_report(_report(store, settings, rulebook), tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["总体情况", "附件1", "附件2表1", "附件2表2", "附件4", "未检查账号", "证据"]
    assert [book[n].freeze_panes for n in book.sheetnames] == ["A2", "C3", "A2", "A2", "A2", "A2", "A2"]
    header = book["附件2表2"]["E1"]
    assert header.value == "存在的突出问题" and header.font.bold and header.fill.fgColor.rgb.endswith("D9E1F2")
    assert book["附件2表2"]["E2"].value == "监测时间点内2周未更新"
    assert book["附件2表1"].column_dimensions["D"].width >= 16
    annex1 = book["附件1"]
    assert (annex1["A1"].value, annex1["C1"].value, annex1["H1"].value, annex1["G2"].value) == (
        "单位", "政府网站抽查情况", "政务新媒体抽查情况", "存在突出问题数")
    assert "A3:A23" in {str(r) for r in annex1.merged_cells.ranges}
    assert [annex1.cell(24, c).value for c in range(1, 10)] == ["省级部门（含省政府门户）", None, 1, "—", "—", "—", 0, 1, 1]
    evidence = book["证据"]
    assert "网址：https://www.lixian.gov.cn/" in evidence["L2"].value


def test_docx_official_layout_and_tables(store: Store, settings: Settings, rulebook: Rulebook,
                                         tmp_path: Path) -> None:
    _with_problems(store, rulebook)
    (path,) = write_report(_report(store, settings, rulebook), tmp_path, ["docx"])
    doc = Document(str(path))
    section = doc.sections[0]
    assert [round(v.cm, 1) for v in (section.page_width, section.page_height, section.top_margin,
                                     section.bottom_margin, section.left_margin, section.right_margin)] == [
        21.0, 29.7, 3.7, 3.5, 2.8, 2.6]
    title = doc.paragraphs[0].runs[0]
    assert (doc.paragraphs[0].text, title.font.size.pt) == ("2022年第四季度政府网站与政务新媒体检查情况", 22)
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = doc.paragraphs[2].runs[0]
    assert (body.font.size.pt, body._element.rPr.rFonts.get(qn("w:eastAsia"))) == (16, "仿宋_GB2312")
    headings = [p for p in doc.paragraphs if p.text in ("附件1", "附件2")]
    assert [h.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) for h in headings] == ["黑体", "黑体"]
    assert len(doc.tables) == 6 and all(t.style.name == "Table Grid" for t in doc.tables)
    annex1 = doc.tables[0]
    assert [c.text for c in annex1.rows[1].cells][2:] == ["网站总数", "市级门户网站数", "市级部门网站数",
                                                          "县级门户（含高新区）网站数", "存在突出问题数", "政务新媒体总数", "存在突出问题数"]
    assert [c.text for c in annex1.rows[-1].cells] == ["合计", "合计", "5", "1", "2", "1", "1", "4", "1"]
    assert [c.text for c in doc.tables[1].rows[1].cells] == ["1", "阿坝州", "理县人民政府", "多个栏目不更新"]
    assert [c.text for c in doc.tables[2].rows[1].cells] == ["1", "应急厅", "四川应急", "微信服务号", "监测时间点内2周未更新"]
    coverage = doc.tables[4]  # after 附件4: nothing was observed, so every planned account is listed
    assert [c.text for c in coverage.rows[0].cells] == ["序号", "所属地方或部门", "新媒体名称", "类型", "抽样方式", "说明"]
    assert len(coverage.rows) == 1 + 3 and any("未检查" in p.text for p in doc.paragraphs)


def test_generate_report_uses_the_configured_folder_and_formats(store: Store, settings: Settings,
                                                                rulebook: Rulebook, tmp_path: Path) -> None:
    custom = replace(settings, report_dir=tmp_path / "r", report_formats=("md",))
    report, paths = generate_report(store, custom, "2022Q4", rulebook=rulebook)
    assert report.quarter == parse_quarter("2022Q4", TZ)
    assert paths == [tmp_path / "r" / "govmon_2022Q4.md"]
    assert "| 统计区间 | 2022-10-01 至 2022-12-31 |" in paths[0].read_text(encoding="utf-8")
    assert report.summary.paragraph in paths[0].read_text(encoding="utf-8")
