"""Acceptance: the reference notice (川办函〔2022〕85号) reproduced the way a supervisor works.

Only the command line: registry files (804 sites, 5360 accounts) imported, the quarter's sample drawn,
inspectors' observations of 2718 accounts (8 of them stale) imported, the five website problems a
reviewer found in December entered from a sheet after the quarter, `govmon report`, then the report
files read back. Expected values are typed from the seed notice (/work/shared/seed/); the registry is
generated to match its 附件1 counts and the problems listed in its 附件2.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from monitor.cli import app

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
FULL_COVERAGE, SAMPLED = 701, 2017
# Division codes of the 市(州), in 附件1 order: the first six digits of each site's 网站标识码.
CITY_CODES = ["5101", "5103", "5104", "5105", "5106", "5107", "5108", "5109", "5110", "5111", "5113", "5115",
              "5116", "5117", "5119", "5118", "5114", "5120", "5132", "5133", "5134"]
IN_QUARTER, LOOKED = "2022-12-15", "2022-12-20 10:00"  # a fresh post, and the day inspectors looked
STALE_POST = "2022-11-20"  # 30 days before the look: 监测时间点内2周未更新


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# -- the registry files --------------------------------------------------------------------------------
def _website_rows() -> list[list[str]]:
    """网站名称, 网址, 所属地方或部门, 网站类型, 网站标识码: province sites first, then each 市(州)."""
    rows = [["四川省人民政府", "https://www.sc.gov.cn/", "省政府办公厅", "省政府门户", "5100000000"]]
    problems = iter(PROBLEM_SITES)
    for i in range(49):
        if i in (4, 17, 30, 41):  # the four with problems, spread among the others in the seed's order
            name, unit, _rule = next(problems)
        else:
            name, unit = f"四川省直部门{i}", f"直属单位{i}"
        rows.append([name, f"https://p{i}.sc.gov.cn/", unit, "省级部门", f"510000{i + 1:04d}"])
    for index, (region, _total, _portals, departments, counties, *_rest) in enumerate(SEED_ANNEX1[:21]):
        code = CITY_CODES[index]
        rows.append([f"{region}人民政府", f"https://www.r{index}.gov.cn/", region, "市级门户", f"{code}000000"])
        rows += [[f"{region}部门网站{i}", f"https://d{i}.r{index}.gov.cn/", region, "市级部门", f"{code}00{i + 1:04d}"]
                 for i in range(departments)]
        names = [f"{region}县级门户{i}" for i in range(counties)]
        if region == "阿坝":
            names[3] = "理县人民政府"
        rows += [[name, f"https://c{i}.r{index}.gov.cn/", region, "县级门户", f"{code}01{i + 1:04d}"]
                 for i, name in enumerate(names)]
    return rows


def _account_rows() -> list[list[str]]:
    """账号名称, 类型, 所属地方或部门, 主体类型, 数据源 (empty: checked by inspectors)."""
    province = [[f"省直账号{i}", "微信订阅号", f"省直单位{i % 40}", "省直部门", ""] for i in range(266 - 3)]
    for position, (name, platform, unit) in zip((10, 100, 200), PROVINCE_ACCOUNTS, strict=True):
        province.insert(position, [name, platform, unit, "省直部门", ""])
    rows = province
    for index, (region, *_sites, total, _problems) in enumerate(SEED_ANNEX1[:21]):
        governments = 21 if index < 15 else 20  # 435 government accounts across the regions
        rows += [[f"{region}发布{i}", "新浪微博", region, "政府", ""] for i in range(governments)]
        named = PROBLEM_ACCOUNTS.get(region, [])
        for i in range(total - governments - len(named)):
            rows.append([f"{region}部门账号{i}", "微信订阅号", region, "市州部门" if i % 2 else "县级部门", ""])
            if i == 7:
                rows += [[name, platform, region, "县级部门", ""] for name, platform in named]
    return rows


def _observation_rows(sample: list[dict[str, Any]]) -> list[list[str]]:
    """账号名称, 类型, 所属地方或部门, 最近发布时间, 检查时间: every full-coverage account, the named
    problem accounts, and sampled ones until 2017 non-full accounts were looked at; one more account
    looked at in the third quarter only."""
    stale = {name for name, _p, _u in PROVINCE_ACCOUNTS} | {n for g in PROBLEM_ACCOUNTS.values() for n, _p in g}
    full = [a for a in sample if a["sample"] == "full"]
    named = [a for a in _all_accounts if a["name"] in stale and a["subject"] not in ("政府", "省直部门")]
    others = [a for a in sample if a["sample"] == "sampled" and a["name"] not in stale]
    looked = full + named + others[: SAMPLED - len(named)]
    rows = [[a["name"], a["platform"], a["region"], STALE_POST if a["name"] in stale else IN_QUARTER, LOOKED]
            for a in looked]
    rows.append([others[-1]["name"], others[-1]["platform"], others[-1]["region"], "2022-09-25", "2022-09-28"])
    return rows


_all_accounts: list[dict[str, Any]] = []  # as `govmon accounts list --json` shows them
_observations: list[list[str]] = []  # the rows of the inspectors' sheet

# 网站名称, 问题 (rule id or wording), 证据网址, 摘录, 发现时间, 备注: the five problems of 附件2 表1, each
# dated when a reviewer saw it in December, plus what must not count.
FINDING_ROWS = [
    ["四川省应急管理厅", "多个栏目不更新", "https://p4.sc.gov.cn/tzgg/", "通知公告最近更新 2022-05-10", "2022-12-05", ""],
    ["四川省统计局", "链接非法网站", "https://p17.sc.gov.cn/", "友情链接指向博彩网站", "2022-12-06 09:30", ""],
    ["四川省知识产权服务促进中心", "serious_wording", "https://p30.sc.gov.cn/a.html", "表述错误原文", "2022-12-07", ""],
    ["四川省地质矿产勘查开发局", "严重表述错误", "https://p41.sc.gov.cn/b.html", "表述错误原文", "2022-12-08", ""],
    ["理县人民政府", "空白栏目数超过(含)5个", "https://c3.r18.gov.cn/", "5个栏目暂无信息", "2022-12-09", ""],
    ["成都部门网站0", "homepage_stale", "https://d0.r0.gov.cn/", "首页最新 2022-08-01", "2022-08-01", "第三季度"],
    ["成都部门网站1", "homepage_stale", "https://d1.r0.gov.cn/", "首页最新 2022-11-01", "2022-12-10", "待驳回"],
    ["成都部门网站2", "dead_links", "https://d2.r0.gov.cn/", "错链", "2022-12-11", "扣分项"],
    ["成都部门网站3", "blank_columns", "https://d3.r0.gov.cn/", "空白栏目", "2023-01-05", "第一季度"],
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("seed")
    patch = pytest.MonkeyPatch()
    patch.chdir(folder)
    patch.delenv("GOVMON_CONFIG", raising=False)
    runner = CliRunner()

    def govmon(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, ["--db", str(folder / "govmon.db"), *args])
        assert result.exit_code == code, (args, result.output)
        return result.stdout

    yield govmon, folder
    patch.undo()


@pytest.fixture(scope="module")
def out(run: Any) -> Path:
    govmon, folder = run
    websites = _write_csv(folder / "网站名录.csv", ["网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码"],
                          _website_rows())
    accounts = _write_csv(folder / "新媒体名录.csv", ["账号名称", "类型", "所属地方或部门", "主体类型", "数据源"],
                          _account_rows())
    govmon("registry", "import", str(websites), str(accounts))
    drawn = json.loads(govmon("accounts", "sample", "--quarter", "2022Q4", "--json"))
    assert (drawn["total"], drawn["full_coverage"]) == (5360, FULL_COVERAGE)
    _all_accounts[:] = json.loads(govmon("accounts", "list", "--json"))
    sample = json.loads(govmon("accounts", "list", "--quarter", "2022Q4", "--json"))
    _observations[:] = _observation_rows(sample)
    sheet = _write_csv(folder / "人工核查.csv", ["账号名称", "类型", "所属地方或部门", "最近发布时间", "检查时间"],
                       _observations)
    imported = json.loads(govmon("accounts", "import-observations", str(sheet), "--json"))
    assert (imported["stored"], imported["stale"], imported["errors"]) == (2719, 8, [])
    found = _write_csv(folder / "人工发现.csv", ["网站名称", "问题", "证据网址", "摘录", "发现时间", "备注"], FINDING_ROWS)
    assert json.loads(govmon("findings", "import", str(found), "--reviewer", "审核员", "--json"))["stored"] == 9
    [wrong] = [f for f in json.loads(govmon("findings", "list", "--json")) if f["note"] == "待驳回"]
    govmon("findings", "dismiss", str(wrong["id"]), "--note", "误报：首页有更新")
    govmon("report", "--quarter", "2022Q4", "--out", str(folder / "out"), "--formats", "xlsx,csv,md")
    return folder / "out"


def _summary(out: Path) -> dict[str, str]:
    return {row[0]: row[1] for row in _read_csv(out / "govmon_2022Q4_summary.csv")[1:]}


def test_annex1_reproduces_every_cell(out: Path) -> None:
    sheet = openpyxl.load_workbook(out / "govmon_2022Q4.xlsx")["附件1"]
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(r[1] or r[0], *r[2:]) for r in rows] == SEED_ANNEX1
    csv_rows = _read_csv(out / "govmon_2022Q4_annex1.csv")[2:]
    assert [tuple(r) for r in csv_rows] == [tuple(str(c) for c in row) for row in SEED_ANNEX1]


def test_annex2_reproduces_every_row_in_order(out: Path) -> None:
    sites = _read_csv(out / "govmon_2022Q4_annex2_websites.csv")
    assert [tuple(r) for r in sites[1:]] == [tuple(str(c) for c in row) for row in SEED_TABLE1]
    accounts = _read_csv(out / "govmon_2022Q4_annex2_accounts.csv")
    expected = [(str(n), u, name, t, problem.replace(" ", "")) for n, u, name, t, problem in SEED_TABLE2]
    assert [tuple(r) for r in accounts[1:]] == expected


def test_overview_numbers(out: Path) -> None:
    s = _summary(out)
    assert (s["检查政府网站数"], s["存在突出问题的网站数"], s["政府网站总体合格率"]) == ("804", "5", "99.38%")
    assert s["网站合格率100%的市(州)数"] == "20"
    assert (s["政务新媒体总数"], s["检查政务新媒体账号数"], s["检查率"]) == ("5360", "2718", "50.71%")
    assert (s["全覆盖检查账号数（各级政府及省直部门）"], s["抽查账号数（市(州)及县(市、区)部门）"]) == ("701", "2017")
    assert (s["存在突出问题的账号数"], s["政务新媒体合格率"]) == ("8", "99.71%")
    assert s["政务新媒体合格率100%的市(州)数"] == "18"


def test_overview_paragraph_in_the_notice_style(out: Path) -> None:
    text = _summary(out)["一、总体情况（草稿）"]
    for phrase in ("在第四季度检查中，依据单项否决指标全覆盖检查了全省运行的804个政府网站", "总体合格率99.38%",
                   "20个市(州)合格率100%", "检查政务新媒体账号2718个，检查率达50.71%",
                   "全覆盖检查了代表主体为各级政府以及省直部门（单位）账号701个", "抽查市(州)及县(市、区)部门账号2017个",
                   "发现存在突出问题的账号8个，合格率达99.71%"):
        assert phrase in text


def test_planned_versus_checked_and_the_coverage_appendix(out: Path) -> None:
    """The drawn sample is the plan; sampled accounts nobody looked at in the quarter are listed."""
    s = _summary(out)
    planned, unchecked = int(s["计划检查账号数（本季度样本）"]), int(s["计划内未检查账号数"])
    coverage = _read_csv(out / "govmon_2022Q4_coverage.csv")[1:]
    assert len(coverage) == unchecked > 0 and planned - unchecked <= 2718
    assert {row[4] for row in coverage} == {"抽查"}  # every full-coverage account was looked at
    assert {row[5] for row in coverage} == {"本季度无检查记录"}
    assert {row[2] for row in coverage}.isdisjoint(a[0] for a in _observations if a[4] == LOOKED)


def test_annex4_line_lists_regions_passing_both(out: Path) -> None:
    failing = {"达州市", "阿坝州", "甘孜州"}
    expected = [r[0] + ("州" if r[0] in ("阿坝", "甘孜", "凉山") else "市") for r in SEED_ANNEX1[:21]]
    line = next(r[1] for r in _read_csv(out / "govmon_2022Q4_summary.csv") if r[0].startswith("季度检查中"))
    assert line.split("、") == [name for name in expected if name not in failing]


def test_evidence_covers_each_counted_finding(out: Path) -> None:
    evidence = _read_csv(out / "govmon_2022Q4_evidence.csv")[1:]
    assert len(evidence) == 13
    first = evidence[0]
    assert (first[3], first[5], first[4], first[7]) == ("四川省应急管理厅", "多个栏目不更新", "https://p4.sc.gov.cn/", "人工录入")
    assert first[9].startswith("2022-12-05") and "https://p4.sc.gov.cn/tzgg/" in first[11]
    stale = [row for row in evidence if row[1] == "政务新媒体"]
    assert len(stale) == 8 and all(row[9].startswith("2022-12-20") and row[7] == "自动监测" for row in stale)
    assert "| 合计 | 804 | 21 | 549 | 184 | 5 | 5360 | 8 |" in (out / "govmon_2022Q4.md").read_text(encoding="utf-8")
