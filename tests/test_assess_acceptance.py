"""Acceptance: 附件3 of the reference notice (川办函〔2022〕85号) through the command line.

A registry of the sites the seed's 附件3 names (21 市(州) portals, 41 province departments, 68 county
portals, plus sites of kinds no group takes), an inspectors' scores sheet, one reviewer's veto finding,
then `govmon assess --half 2022H2`: the workbook's 附件3 sheet must list every seed name in its tier and
in the seed's order, 表2 in two columns as printed, and the score sheets must explain every point.
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

CITY = "市（州）政府门户网站"
DEPT = "省直部门网站"
# 表1 of the seed, tier by tier, in the order printed (the names without 人民政府 / 四川省).
CITY_TIERS = [
    ["宜宾市", "广元市", "雅安市", "乐山市", "绵阳市", "攀枝花市", "凉山彝族自治州", "南充市", "泸州市", "成都市", "巴中市",
     "广安市", "达州市", "自贡市", "眉山市", "遂宁市", "内江市", "德阳市"],
    ["阿坝藏族羌族自治州", "甘孜藏族自治州", "资阳市"],
]
DEPT_TIERS = [
    ["审计厅", "生态环境厅", "交通运输厅", "商务厅", "文化和旅游厅", "经济和信息化厅", "公安厅", "自然资源厅", "市场监督管理局",
     "发展和改革委员会", "财政厅", "地方金融监督管理局", "统计局", "水利厅", "政府国有资产监督管理委员会"],
    ["中医药管理局", "粮食和物资储备局", "经济合作局", "林业和草原局", "信访局", "教育厅", "应急管理厅", "农业农村厅", "司法厅",
     "民政厅", "卫生健康委员会", "人力资源和社会保障厅", "药品监督管理局", "人民防空办公室", "住房和城乡建设厅", "机关事务管理局"],
    ["戒毒管理局", "监狱管理局", "广播电视局", "乡村振兴局", "退役军人事务厅", "科学技术厅", "体育局", "文物局", "医疗保障局",
     "民族宗教事务委员会"],
]
# 表2 of the seed: the first column of each tier, then the second, as printed.
COUNTY_TIERS = [
    ["巴中市恩阳区", "广元市利州区", "德阳市旌阳区", "蓬安县", "古蔺县", "内江市东兴区", "普格县", "泸州市江阳区", "冕宁县", "宣汉县",
     "武胜县", "成都市武侯区", "什邡市", "会理市", "泸州市纳溪区", "丹棱县", "通江县", "峨眉山市", "江油市", "甘洛县", "宁南县",
     "米易县", "射洪市", "遂宁市船山区", "成都市新津区", "成都市金牛区"],
    ["喜德县", "松潘县", "昭觉县", "九寨沟县", "北川羌族自治县", "成都市锦江区", "成都市温江区", "宜宾市翠屏区", "汶川县",
     "自贡市自流井区", "夹江县", "平武县", "美姑县", "筠连县", "西充县", "威远县", "广安市前锋区", "红原县", "攀枝花市东区", "开江县"],
    ["自贡市沿滩区", "江安县", "绵阳市游仙区", "白玉县", "乐山市五通桥区", "南充市顺庆区", "理塘县", "丹巴县", "新龙县", "安岳县",
     "金阳县", "眉山市彭山区", "崇州市", "宜宾市叙州区", "小金县", "理县", "马边彝族自治县", "得荣县"],
    ["甘孜县", "石渠县", "道孚县", "巴塘县"],
]
TIERS = ["第一等次", "第二等次", "第三等次", "第四等次"]
LOOKED = "2022-11-20"  # the day inspectors scored, inside 2022H2


def _city(name: str) -> str:
    return f"{name}人民政府"


def _dept(name: str) -> str:
    return f"四川省{name}"


def _county(name: str) -> str:
    return f"{name}人民政府"


def _label(name: str) -> str:
    return f"“{name}”网"


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _targets(tiers: list[list[str]], tops: list[float], step: float) -> list[tuple[str, float]]:
    """(short name, intended score) in the seed's order: each tier from its top score down by `step`."""
    return [(name, top - step * index) for names, top in zip(tiers, tops, strict=False)
            for index, name in enumerate(names)]


CITY_SCORES = _targets(CITY_TIERS, [99.5, 85], 0.5)  # cut-offs 90 / 75
DEPT_SCORES = _targets(DEPT_TIERS, [99.5, 89, 74], 0.5)
COUNTY_SCORES = _targets(COUNTY_TIERS, [99.5, 89.5, 79.5, 69.5], 0.25)  # cut-offs 90 / 80 / 70


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("assess_seed")
    patch = pytest.MonkeyPatch()
    patch.chdir(folder)
    patch.delenv("GOVMON_CONFIG", raising=False)
    runner = CliRunner()

    def govmon(*args: str, code: int = 0) -> Any:
        result = runner.invoke(app, ["--db", str(folder / "govmon.db"), *args])
        assert result.exit_code == code, (args, result.output)
        return result

    sites = [["四川省人民政府", "https://www.sc.gov.cn/", "省政府办公厅", "省政府门户"],
             ["雅安市教育局", "https://jyj.yaan.gov.cn/", "雅安", "市级部门"]]
    sites += [[_city(n), f"https://www.c{i}.gov.cn/", n, "市级门户"] for i, (n, _s) in enumerate(CITY_SCORES)]
    sites += [[_dept(n), f"https://d{i}.sc.gov.cn/", n, "省级部门"] for i, (n, _s) in enumerate(DEPT_SCORES)]
    sites += [[_county(n), f"https://www.x{i}.gov.cn/", n, "县级门户"] for i, (n, _s) in enumerate(COUNTY_SCORES)]
    codes = [[*row, f"5100{number:06d}"] for number, row in enumerate(sites)]  # a 网站标识码 each
    registry = _write_csv(folder / "网站名录.csv", ["网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码"], codes)
    imported = json.loads(govmon("registry", "import", str(registry), "--json").stdout)
    assert imported["errors"] == [], imported["errors"]
    scores = [[_city(n), "信息发布", round(100 - s, 2), "政务动态更新不及时", LOOKED] for n, s in CITY_SCORES]
    scores += [[_dept(n), "解读回应" if s > 90 else "信息发布", round(100 - s, 2), "解读材料不全", LOOKED]
               for n, s in DEPT_SCORES]
    scores += [[_county(n), "信息发布", round(100 - s, 2), "", LOOKED] for n, s in COUNTY_SCORES]
    scores += [[_city("宜宾市"), "加分", 5, "开设“长者专区”", LOOKED],  # counted: deduction part above 80
               [_county("甘孜县"), "加分", 3, "智能问答", LOOKED],  # not counted: 69.5 is not above 80
               [_county("石渠县"), "信息发布", 7, "上半年的扣分", "2022-05-10"]]  # another half-year: left out
    sheet = _write_csv(folder / "人工评分.csv", ["网站名称", "指标", "分值", "说明", "检查时间"], scores)
    govmon("assess", "--half", "2022H2", "--scores", str(sheet), "--out", str(folder / "out"), "--formats", "xlsx,md")
    again = govmon("assess", "--half", "2022H2", "--scores", str(sheet), "--out", str(folder / "again"),
                   "--formats", "md", "--json")
    yield folder, json.loads(again.stdout)
    patch.undo()


def _annex_tables(path: Path) -> list[list[tuple[Any, ...]]]:
    """The tables of the 附件3 sheet: rows under each 表 title; a 等次 cell merged over several rows is
    read into each of them."""
    sheet = openpyxl.load_workbook(path)["附件3"]
    tables: list[list[tuple[Any, ...]]] = []
    for row in sheet.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0].startswith("表"):
            tables.append([])
        elif not tables or all(value is None for value in row) or str(row[0]).startswith("评分依据"):
            continue
        else:
            tables[-1].append((row[0] if row[0] is not None else tables[-1][-1][0], *row[1:]))
    return tables


def test_a_tier_of_two_groups_is_one_merged_cell(assessed: tuple[Path, Any]) -> None:
    folder, _ = assessed
    sheet = openpyxl.load_workbook(folder / "out" / "govmon_2022H2_assessment.xlsx")["附件3"]
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    first = next(c.row for c in sheet["A"] if c.value == "第一等次")
    assert f"A{first}:A{first + 1}" in merged  # 第一等次 over 市（州）门户 and 省直部门, as printed


def test_table1_puts_every_seed_name_in_its_tier_and_order(assessed: tuple[Path, Any]) -> None:
    folder, _ = assessed
    table1, _table2 = _annex_tables(folder / "out" / "govmon_2022H2_assessment.xlsx")
    assert table1[0][:3] == ("等次", "网站类别", "网站名称")
    expected = []
    for index, tier in enumerate(TIERS[:3]):
        for label, names, name_of in ((CITY, CITY_TIERS, _city), (DEPT, DEPT_TIERS, _dept)):
            if index < len(names):
                expected.append((tier, label, " ".join(_label(name_of(n)) for n in names[index])))
    assert [row[:3] for row in table1[1:]] == expected


def test_table2_lists_counties_in_two_columns_as_printed(assessed: tuple[Path, Any]) -> None:
    folder, _ = assessed
    _table1, table2 = _annex_tables(folder / "out" / "govmon_2022H2_assessment.xlsx")
    expected = []
    for tier, names in zip(TIERS, COUNTY_TIERS, strict=True):
        half = (len(names) + 1) // 2
        expected.append((tier, " ".join(_label(_county(n)) for n in names[:half]),
                         " ".join(_label(_county(n)) for n in names[half:])))
    assert [row[:3] for row in table2[1:]] == expected
    assert len(expected[0][1].split(" ")) == 13  # 13 names in each column of 第一等次, as in the seed


def test_sites_of_no_group_are_not_assessed(assessed: tuple[Path, Any]) -> None:
    _, data = assessed
    names = {s["name"] for s in data["sheets"]}
    assert len(names) == 21 + 41 + 68
    assert "四川省人民政府" not in names and "雅安市教育局" not in names


def test_score_sheets_explain_every_point(assessed: tuple[Path, Any]) -> None:
    _, data = assessed
    sheets = {s["name"]: s for s in data["sheets"]}
    yibin = sheets[_city("宜宾市")]
    assert (yibin["deduction_part"], yibin["bonus"], yibin["total"]) == (99.5, 5, 104.5)
    assert [(line["kind"], line["indicator"], line["points"]) for line in yibin["lines"]] == [
        ("扣分", "信息发布", 0.5), ("加分", "加分", 5.0)]
    assert "人工评分.csv:" in yibin["lines"][0]["basis"]
    ganzi = sheets[_county("甘孜县")]
    assert (ganzi["total"], ganzi["bonus"]) == (69.5, 0)  # bonus counts only above 80
    shiqu = sheets[_county("石渠县")]
    assert all("上半年" not in line["item"] for line in shiqu["lines"])  # the May row is another half-year
    for sheet in data["sheets"]:
        taken = sum(line["points"] for line in sheet["lines"] if line["kind"] == "扣分")
        assert sheet["deduction_part"] == round(100 - taken, 2)


def test_same_inputs_same_tiers(assessed: tuple[Path, Any]) -> None:
    folder, data = assessed
    tiers = data["groups"]["counties"]["tiers"]
    assert [len(tiers[t]) for t in TIERS] == [26, 20, 18, 4]
    first = (folder / "out" / "govmon_2022H2_assessment.md").read_text(encoding="utf-8")
    second = (folder / "again" / "govmon_2022H2_assessment.md").read_text(encoding="utf-8")
    assert first == second


def test_a_bad_scores_row_names_its_line_and_writes_nothing(assessed: tuple[Path, Any]) -> None:
    folder, _ = assessed
    sheet = _write_csv(folder / "坏评分.csv", ["网站名称", "指标", "分值", "说明", "检查时间"],
                       [[_city("宜宾市"), "信息发布", 1, "", LOOKED], [_city("宜宾市"), "美观程度", 1, "", LOOKED],
                        ["不存在的网站", "信息发布", 1, "", LOOKED]])
    result = CliRunner().invoke(app, ["--db", str(folder / "govmon.db"), "assess", "--half", "2022H2",
                                      "--scores", str(sheet), "--out", str(folder / "bad")])
    assert result.exit_code == 2
    assert f"{sheet}:3: 指标 '美观程度'" in result.output.replace("\n", "")
    assert f"{sheet}:4: website '不存在的网站' is not in the registry" in result.output.replace("\n", "")
    assert not (folder / "bad").exists()
