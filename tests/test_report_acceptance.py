"""Acceptance: a registry shaped like the reference notice (川办函〔2022〕85号) gives back its annexes.

Expected values are typed from the seed notice; the registry is generated to match its 附件1 counts,
its sample (701 full-coverage + 2017 sampled accounts) and the problems listed in its 附件2.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from monitor.config import Settings, load_settings
from monitor.models import Finding, Severity, Status, SubjectKind
from monitor.report import QuarterReport, build_report, parse_quarter, write_report
from monitor.rulebook import Rulebook
from monitor.store import Store

# 附件1 as printed: 网站总数, 市级门户, 市级部门, 县级门户, 存在突出问题数, 政务新媒体总数, 存在突出问题数
SEED_ANNEX1 = [
    ("成都", 68, 1, 46, 21, 0, 1535, 0), ("自贡", 8, 1, 1, 6, 0, 97, 0), ("攀枝花", 42, 1, 36, 5, 0, 107, 0),
    ("泸州", 47, 1, 39, 7, 0, 238, 0), ("德阳", 18, 1, 11, 6, 0, 102, 0), ("绵阳", 52, 1, 42, 9, 0, 203, 0),
    ("广元", 45, 1, 37, 7, 0, 250, 0), ("遂宁", 43, 1, 37, 5, 0, 187, 0), ("内江", 10, 1, 4, 5, 0, 100, 0),
    ("乐山", 50, 1, 38, 11, 0, 188, 0), ("南充", 11, 1, 1, 9, 0, 224, 0), ("宜宾", 49, 1, 38, 10, 0, 455, 0),
    ("广安", 10, 1, 3, 6, 0, 83, 0), ("达州", 35, 1, 27, 7, 0, 221, 1), ("巴中", 41, 1, 35, 5, 0, 112, 0),
    ("雅安", 35, 1, 26, 8, 0, 191, 0), ("眉山", 8, 1, 1, 6, 0, 108, 0), ("资阳", 32, 1, 28, 3, 0, 62, 0),
    ("阿坝", 54, 1, 40, 13, 1, 210, 1), ("甘孜", 40, 1, 21, 18, 0, 214, 3), ("凉山", 56, 1, 38, 17, 0, 207, 0),
    ("省级部门（含省政府门户）", 50, "—", "—", "—", 4, 266, 3),
    ("合计", 804, 21, 549, 184, 5, 5360, 8),
]
SEED_TABLE1 = [
    (1, "应急厅", "四川省应急管理厅", "多个栏目不更新"),
    (2, "省统计局", "四川省统计局", "链接非法网站"),
    (3, "省知识产权服务促进中心", "四川省知识产权服务促进中心", "严重表述错误"),
    (4, "省地质矿产勘查开发局", "四川省地质矿产勘查开发局", "严重表述错误"),
    (5, "阿坝州", "理县人民政府", "空白栏目数超过(含)5个"),
]
SEED_TABLE2 = [
    (1, "经济和信息化厅", "四川制造", "抖音短视频", "监测时间点内 2 周未更新"),
    (2, "公安厅", "四川高速交警五支队", "微信服务号", "监测时间点内 2 周未更新"),
    (3, "文化和旅游厅", "四川文旅", "其他+封面新闻", "监测时间点内 2 周未更新"),
    (4, "达州市", "达州消费者之家", "新浪微博", "监测时间点内 2 周未更新"),
    (5, "阿坝州", "九寨司法行政", "新浪微博", "监测时间点内 2 周未更新"),
    (6, "甘孜州", "新龙县乡村振兴局", "微信订阅号", "监测时间点内 2 周未更新"),
    (7, "甘孜州", "秘境九龙", "微信订阅号", "监测时间点内 2 周未更新"),
    (8, "甘孜州", "祥瑞濯桑", "微信订阅号", "监测时间点内 2 周未更新"),
]
# 附件2 units, (website name, province department, rule) in the seed's order.
PROBLEM_SITES = [
    ("四川省应急管理厅", "应急厅", "stale_columns"),
    ("四川省统计局", "省统计局", "illegal_links"),
    ("四川省知识产权服务促进中心", "省知识产权服务促进中心", "serious_wording"),
    ("四川省地质矿产勘查开发局", "省地质矿产勘查开发局", "serious_wording"),
]
PROBLEM_ACCOUNTS = {  # region -> [(name, platform)] in the seed's order
    "达州": [("达州消费者之家", "新浪微博")],
    "阿坝": [("九寨司法行政", "新浪微博")],
    "甘孜": [("新龙县乡村振兴局", "微信订阅号"), ("秘境九龙", "微信订阅号"), ("祥瑞濯桑", "微信订阅号")],
}
PROVINCE_ACCOUNTS = [("四川制造", "抖音短视频", "经济和信息化厅"), ("四川高速交警五支队", "微信服务号", "公安厅"),
                     ("四川文旅", "其他+封面新闻", "文化和旅游厅")]
SEEN = "2022-11-15T09:00:00+08:00"
QUARTER_LABEL = "2022Q4"
FULL_COVERAGE, SAMPLED = 701, 2017


def _website(url: str, name: str, region: str, kind: str) -> dict[str, str]:
    return {"url": url, "name": name, "region": region, "kind": kind, "site_code": "", "sponsor": "", "note": ""}


def _region_websites(region: str, index: int, portals: int, departments: int, counties: int) -> list[dict[str, str]]:
    rows = [_website(f"https://www.r{index}.gov.cn/", f"{region}人民政府", region, "市级门户")]
    rows += [_website(f"https://d{i}.r{index}.gov.cn/", f"{region}部门网站{i}", region, "市级部门")
             for i in range(departments)]
    counties_names = [f"{region}县级门户{i}" for i in range(counties)]
    if region == "阿坝":
        counties_names[3] = "理县人民政府"
    rows += [_website(f"https://c{i}.r{index}.gov.cn/", name, region, "县级门户") for i, name in enumerate(counties_names)]
    assert portals == 1
    return rows


def _province_websites() -> list[dict[str, str]]:
    """50 province-level sites; the four with problems are spread among the others, in the seed's order."""
    rows = [_website("https://www.sc.gov.cn/", "四川省人民政府", "省政府办公厅", "省政府门户")]
    problems = iter(PROBLEM_SITES)
    for i in range(49):
        if i in (4, 17, 30, 41):
            name, unit, _rule = next(problems)
            rows.append(_website(f"https://p{i}.sc.gov.cn/", name, unit, "省级部门"))
        else:
            rows.append(_website(f"https://p{i}.sc.gov.cn/", f"四川省直部门{i}", f"直属单位{i}", "省级部门"))
    return rows


def _account(name: str, platform: str, region: str, subject: str) -> dict[str, str]:
    return {"name": name, "platform": platform, "region": region, "subject": subject, "source": ""}


def _province_accounts() -> list[dict[str, str]]:
    rows = [_account(f"省直账号{i}", "微信订阅号", f"省直单位{i % 40}", "省直部门") for i in range(266 - 3)]
    for position, (name, platform, unit) in zip((10, 100, 200), PROVINCE_ACCOUNTS, strict=True):
        rows.insert(position, _account(name, platform, unit, "省直部门"))
    return rows


def _region_accounts(region: str, index: int, total: int) -> list[dict[str, str]]:
    """Government accounts (435 across regions: 21 for the first 15 regions, 20 after) then departments."""
    governments = 21 if index < 15 else 20
    rows = [_account(f"{region}发布{i}", "新浪微博", region, "政府") for i in range(governments)]
    named = PROBLEM_ACCOUNTS.get(region, [])
    departments = total - governments
    for i in range(departments - len(named)):
        rows.append(_account(f"{region}部门账号{i}", "微信订阅号", region, "市州部门" if i % 2 else "县级部门"))
        if i == 7:
            rows += [_account(name, platform, region, "县级部门") for name, platform in named]
    return rows


def _seed_registry(store: Store) -> None:
    websites, accounts = _province_websites(), _province_accounts()
    for index, (region, _t, portals, departments, counties, *_rest) in enumerate(SEED_ANNEX1[:21]):
        websites += _region_websites(region, index, portals, departments, counties)
    for index, row in enumerate(SEED_ANNEX1[:21]):
        accounts += _region_accounts(row[0], index, row[6])
    store._db["websites"].insert_all(websites)
    store._db["accounts"].insert_all(accounts)


def _seed_samples(store: Store) -> None:
    accounts = store.accounts()
    full = [a.id for a in accounts if a.is_full_coverage]
    named = {name for group in PROBLEM_ACCOUNTS.values() for name, _p in group}
    flagged = [a.id for a in accounts if a.name in named]
    others = [a.id for a in accounts if not a.is_full_coverage and a.name not in named]
    sampled = flagged + others[::2][: SAMPLED - len(flagged)]
    rows = [{"quarter": QUARTER_LABEL, "account_id": i, "reason": "full", "created_at": SEEN} for i in full]
    rows += [{"quarter": QUARTER_LABEL, "account_id": i, "reason": "sample", "created_at": SEEN} for i in sampled]
    store._db["account_samples"].insert_all(rows)
    assert (len(full), len(sampled)) == (FULL_COVERAGE, SAMPLED)


def _veto(rulebook: Rulebook, rule: str, kind: SubjectKind, subject_id: int, evidence: dict) -> Finding:
    spec = rulebook.rule(rule)
    return Finding(rule=rule, severity=spec.severity, wording=spec.wording, evidence=evidence,
                   subject_kind=kind, subject_id=subject_id)


def _seed_findings(store: Store, rulebook: Rulebook) -> None:
    sites = {w.name: w for w in store.websites()}
    problems = [*PROBLEM_SITES, ("理县人民政府", "阿坝", "blank_columns")]
    for position, (name, _unit, rule) in enumerate(problems):
        finding = _veto(rulebook, rule, SubjectKind.WEBSITE, sites[name].id,  # type: ignore[arg-type]
                        {"url": sites[name].url, "columns": [f"栏目{position}"]})
        if position == 3:  # a reviewer entered this one by hand
            store.add_manual_finding(finding, seen_at=SEEN, reviewer="审核员")
        else:
            store.record_findings(SubjectKind.WEBSITE, sites[name].id, [finding], checked_rules=[rule], seen_at=SEEN)  # type: ignore[arg-type]
    names = [name for name, _p, _u in PROVINCE_ACCOUNTS] + [n for g in PROBLEM_ACCOUNTS.values() for n, _p in g]
    for name in names:
        account = store.find_account(name)
        finding = _veto(rulebook, "account_stale", SubjectKind.ACCOUNT, account.id,  # type: ignore[union-attr]
                        {"latest_post": "2022-10-02"})
        store.record_findings(SubjectKind.ACCOUNT, account.id, [finding], checked_rules=["account_stale"], seen_at=SEEN)  # type: ignore[union-attr]


def _seed_noise(store: Store, rulebook: Rulebook) -> None:
    """Things that must not count: a dismissed veto, one resolved before the quarter, a deduction, a retired site."""
    chengdu = store.websites(region="成都")
    dismissed = store.record_findings(
        SubjectKind.WEBSITE, chengdu[1].id, [_veto(rulebook, "homepage_stale", SubjectKind.WEBSITE, 0, {})],  # type: ignore[arg-type]
        checked_rules=["homepage_stale"], seen_at=SEEN)[0]
    store.review_finding(dismissed.id, Status.DISMISSED, "误报：首页有更新")  # type: ignore[arg-type]
    store.record_findings(SubjectKind.WEBSITE, chengdu[2].id, [_veto(rulebook, "unreachable", SubjectKind.WEBSITE, 0, {})],  # type: ignore[arg-type]
                          checked_rules=["unreachable"], seen_at="2022-08-01T09:00:00+08:00")
    store.record_findings(SubjectKind.WEBSITE, chengdu[2].id, [], checked_rules=["unreachable"],  # type: ignore[arg-type]
                          seen_at="2022-09-01T09:00:00+08:00")
    store.record_findings(SubjectKind.WEBSITE, chengdu[3].id, [Finding("dead_links", Severity.DEDUCTION, "存在错链、断链")],  # type: ignore[arg-type]
                          checked_rules=["dead_links"], seen_at=SEEN)
    retired = store._db["websites"].insert(
        {**_website("https://old.r0.gov.cn/", "已关停网站", "成都", "市级部门"), "retired_at": "2022-06-30T00:00:00+08:00"}
    ).last_pk
    store.record_findings(SubjectKind.WEBSITE, retired, [_veto(rulebook, "unreachable", SubjectKind.WEBSITE, 0, {})],
                          checked_rules=["unreachable"], seen_at=SEEN)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(None, cwd_default=False)


@pytest.fixture(scope="module")
def report(settings: Settings) -> QuarterReport:
    store = Store.open(":memory:")
    rulebook = Rulebook(settings.rules_dir)
    _seed_registry(store)
    _seed_samples(store)
    _seed_findings(store, rulebook)
    _seed_noise(store, rulebook)
    return build_report(store, settings, parse_quarter("2022Q4", settings.timezone), rulebook=rulebook)


def test_annex1_reproduces_every_cell(report: QuarterReport) -> None:
    assert [(r.unit, *r.cells()) for r in report.annex1] == SEED_ANNEX1


def test_annex2_reproduces_every_row_in_order(report: QuarterReport) -> None:
    assert [(p.number, p.unit, p.name, p.problems) for p in report.websites] == SEED_TABLE1
    expected = [(n, u, name, t, problem.replace(" ", "")) for n, u, name, t, problem in SEED_TABLE2]
    assert [(p.number, p.unit, p.name, p.platform, p.problems) for p in report.accounts] == expected


def test_overview_numbers(report: QuarterReport) -> None:
    s = report.summary
    assert (s.websites_checked, s.websites_with_problems, s.website_pass_rate) == (804, 5, "99.38%")
    assert s.regions_websites_passed == 20
    assert (s.accounts_total, s.accounts_checked, s.check_rate) == (5360, 2718, "50.71%")
    assert (s.accounts_full_coverage, s.accounts_sampled) == (701, 2017)
    assert (s.accounts_with_problems, s.account_pass_rate) == (8, "99.71%")
    assert s.regions_accounts_passed == 18


def test_overview_paragraph_in_the_notice_style(report: QuarterReport) -> None:
    text = report.summary.paragraph
    for phrase in ("在第四季度检查中，依据单项否决指标全覆盖检查了全省运行的804个政府网站", "总体合格率99.38%",
                   "20个市(州)合格率100%", "检查政务新媒体账号2718个，检查率达50.71%",
                   "全覆盖检查了代表主体为各级政府以及省直部门（单位）账号701个", "抽查市(州)及县(市、区)部门账号2017个",
                   "发现存在突出问题的账号8个，合格率达99.71%"):
        assert phrase in text


def test_annex4_line_lists_regions_passing_both(report: QuarterReport) -> None:
    failing = {"达州市", "阿坝州", "甘孜州"}
    expected = [r[0] + ("州" if r[0] in ("阿坝", "甘孜", "凉山") else "市") for r in SEED_ANNEX1[:21]]
    assert list(report.regions_all_passed) == [name for name in expected if name not in failing]
    assert report.regions_all_passed[0] == "成都市" and report.regions_all_passed[-1] == "凉山州"


def test_evidence_covers_each_counted_finding(report: QuarterReport) -> None:
    assert len(report.evidence) == 13
    first = report.evidence[0]
    assert (first.name, first.wording, first.address) == ("四川省应急管理厅", "多个栏目不更新", "https://p4.sc.gov.cn/")
    assert "网址：https://p4.sc.gov.cn/" in first.details
    assert [e.source for e in report.evidence].count("人工录入") == 1


def test_xlsx_annex1_sheet_matches_the_seed(report: QuarterReport, tmp_path: Path) -> None:
    (path,) = write_report(report, tmp_path, ["xlsx"])
    sheet = openpyxl.load_workbook(path)["附件1"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(r[1] or r[0], *r[2:]) for r in rows] == SEED_ANNEX1
