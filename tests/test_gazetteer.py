"""The gazetteer: county-level registries land in their 市(州) row, and any province works by one config key.

Registries and reports go through the command line, as a supervisor would use them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.gazetteer import Place, short_name
from monitor.rulebook import Rulebook

W_HEADER = ["网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码"]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def govmon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    runner = CliRunner()

    def run(*args: str, config: Path | None = None):
        prefix = ["--config", str(config)] if config else []
        return runner.invoke(app, [*prefix, "--db", str(tmp_path / "govmon.db"), *args])

    return run


def _annex1(govmon, tmp_path: Path, config: Path | None = None) -> dict[str, list[str]]:
    result = govmon("report", "--quarter", "2022Q4", "--formats", "csv", "--out", str(tmp_path / "out"), config=config)
    assert result.exit_code == 0, result.output
    rows = _read(tmp_path / "out" / "govmon_2022Q4_annex1.csv")[2:]
    return {row[0]: row[1:] for row in rows}


# -- the data ---------------------------------------------------------------------------------------
def test_every_province_has_its_prefectures_and_counties(rulebook: Rulebook) -> None:
    gazetteer = rulebook.gazetteer
    provinces = [d for d in gazetteer.divisions.values() if d.level == "province"]
    assert len(provinces) == 31  # the mainland's provinces, autonomous regions and municipalities
    for province in provinces:
        places = gazetteer.places(province.code)
        assert places.regions, province.name
    sichuan = gazetteer.places("51")
    assert len(sichuan.regions) == 21 and sum(len(r.counties) for r in sichuan.regions) == 183
    assert (rulebook.directory / "gazetteer" / "LICENSE-china-division.txt").is_file()
    assert "国家统计局" in (rulebook.directory / "gazetteer" / "divisions.csv").read_text(encoding="utf-8")[:600]


@pytest.mark.parametrize(("name", "short"), [
    ("成都市", "成都"), ("阿坝藏族羌族自治州", "阿坝"), ("克孜勒苏柯尔克孜自治州", "克孜勒苏"), ("北川羌族自治县", "北川"),
    ("黔西南布依族苗族自治州", "黔西南"), ("阿里地区", "阿里"), ("浙江省", "浙江"), ("内蒙古自治区", "内蒙古"),
])
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(("text", "place"), [
    ("成都市青羊区", Place("成都", "青羊区")), ("甘孜州新龙县", Place("甘孜", "新龙县")),
    ("绵阳市北川羌族自治县", Place("绵阳", "北川羌族自治县")), ("四川省绵阳市北川县", Place("绵阳", "北川羌族自治县")),
    ("新龙县", Place("甘孜", "新龙县")), ("理县", Place("阿坝", "理县")), ("阿坝藏族羌族自治州", Place("阿坝")),
    ("凉山州", Place("凉山")), ("攀枝花", Place("攀枝花")),
])
def test_sichuan_spellings_resolve(rulebook: Rulebook, text: str, place: Place) -> None:
    assert rulebook.places("四川省").resolve(text) == place


def test_unknown_and_ambiguous_names_say_why(rulebook: Rulebook) -> None:
    sichuan = rulebook.places("四川省")
    assert "不是四川省已知的市(州)或县(市、区)" in str(sichuan.resolve("成督"))
    hebei = rulebook.places("河北省")  # 桥西区 is in both 石家庄 and 张家口
    reason = hebei.resolve("桥西区")
    assert isinstance(reason, str) and "石家庄市" in reason and "张家口市" in reason and "请写明市(州)" in reason
    assert hebei.resolve("张家口市桥西区") == Place("张家口", "桥西区")


def test_site_codes_name_their_place(rulebook: Rulebook) -> None:
    sichuan = rulebook.places("四川省")
    assert sichuan.of_code("5101050001") == Place("成都", "青羊区")
    assert sichuan.of_code("5132000001") == Place("阿坝")
    assert sichuan.of_code("5101990001") == Place("成都")  # an unlisted county code still names its 市
    assert [sichuan.of_code(c) for c in ("5100000001", "3301000001", "bm12000001")] == [None, None, None]


def test_municipalities_report_by_district(rulebook: Rulebook) -> None:
    beijing = rulebook.places("北京市")
    assert beijing.order[:3] == ("东城", "西城", "朝阳") and beijing.display["朝阳"] == "朝阳区"
    assert beijing.resolve("北京市朝阳区") == Place("朝阳", "朝阳区")


# -- county-level registries through the CLI ----------------------------------------------------------
COUNTY_SITES = [
    ["成都市人民政府", "https://www.chengdu.gov.cn/", "成都市", "市级门户", "5101000001"],
    ["青羊区人民政府", "https://www.cdqy.gov.cn/", "成都市青羊区", "县级门户", "5101050001"],
    ["新龙县人民政府", "https://www.xinlong.gov.cn/", "甘孜州新龙县", "县级门户", "5133290001"],
    ["北川羌族自治县人民政府", "https://www.beichuan.gov.cn/", "绵阳市北川羌族自治县", "县级门户", "5107260001"],
    ["理县人民政府", "https://www.ablixian.gov.cn/", "理县", "县级门户", "5132220001"],
    ["绵阳市教育局", "https://jyj.my.gov.cn/", "绵阳", "市级部门", "5107000002"],
]


def test_county_names_land_in_their_region_and_the_county_is_kept(govmon, tmp_path: Path) -> None:
    registry = _csv(tmp_path / "网站名录.csv", [W_HEADER, *COUNTY_SITES])
    result = govmon("registry", "import", str(registry), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["errors"] == [] and json.loads(result.stdout)["warnings"] == []
    listed = json.loads(govmon("registry", "list", "--json").stdout)
    assert {(w["name"], w["region"], w["county"]) for w in listed} >= {
        ("青羊区人民政府", "成都", "青羊区"), ("新龙县人民政府", "甘孜", "新龙县"),
        ("北川羌族自治县人民政府", "绵阳", "北川羌族自治县"), ("理县人民政府", "阿坝", "理县")}
    assert "甘孜 新龙县" in govmon("registry", "list", "--region", "甘孜州").stdout
    annex1 = _annex1(govmon, tmp_path)
    assert annex1["成都"][:4] == ["2", "1", "0", "1"]  # 网站总数, 市级门户, 市级部门, 县级门户
    assert annex1["绵阳"][:4] == ["2", "0", "1", "1"]
    assert annex1["甘孜"][:4] == ["1", "0", "0", "1"] and annex1["阿坝"][:4] == ["1", "0", "0", "1"]
    assert annex1["合计"][0] == "6"


def test_a_registry_with_only_site_codes(govmon, tmp_path: Path) -> None:
    rows = [["网站名称", "网址", "网站类型", "网站标识码"]] + [[n, u, k, c] for n, u, _r, k, c in COUNTY_SITES]
    result = govmon("registry", "import", str(_csv(tmp_path / "名录.csv", rows)))
    assert result.exit_code == 0, result.output
    annex1 = _annex1(govmon, tmp_path)
    assert [annex1[r][0] for r in ("成都", "绵阳", "甘孜", "阿坝")] == ["2", "2", "1", "1"]
    listed = {w["name"]: w["county"] for w in json.loads(govmon("registry", "list", "--json").stdout)}
    assert listed["新龙县人民政府"] == "新龙县" and listed["成都市人民政府"] == ""


def test_place_and_code_disagree_the_row_loads_with_a_warning(govmon, tmp_path: Path) -> None:
    rows = [W_HEADER, ["某县人民政府", "https://a.gov.cn/", "甘孜州新龙县", "县级门户", "5101050001"],
            ["某区人民政府", "https://b.gov.cn/", "成都市高新区", "县级门户", "5101000009"],
            ["无处可归", "https://c.gov.cn/", "", "县级门户", "bm00000001"]]
    path = _csv(tmp_path / "名录.csv", rows)
    result = govmon("registry", "import", str(path))
    assert result.exit_code == 1  # the third row cannot be placed
    assert f"{path}:2: 所属地方 '甘孜州新龙县'（甘孜州）与网站标识码 5101050001 的行政区划（成都市）不一致" in result.stderr
    assert f"{path}:3: '高新区' 不是成都市的县(市、区)，按成都市归类" in result.stderr
    assert f"{path}:4: 缺少 所属地方或部门" in result.stderr
    annex1 = _annex1(govmon, tmp_path)
    assert (annex1["甘孜"][0], annex1["成都"][0]) == ("1", "1")


# -- a second province by one key ---------------------------------------------------------------------
ZHEJIANG_SITES = [
    ["浙江省人民政府", "https://www.zj.gov.cn/", "省政府办公厅", "省政府门户", "3300000001"],
    ["杭州市人民政府", "https://www.hangzhou.gov.cn/", "杭州市", "市级门户", "3301000001"],
    ["西湖区人民政府", "https://www.hzxh.gov.cn/", "杭州市西湖区", "县级门户", "3301060001"],
    ["景宁畲族自治县人民政府", "https://www.jingning.gov.cn/", "景宁县", "县级门户", "3311270001"],
    ["温州市鹿城区人民政府", "https://www.lucheng.gov.cn/", "鹿城区", "县级门户", "3303020001"],
]


def test_a_second_province_by_one_config_key(govmon, tmp_path: Path) -> None:
    config = tmp_path / "zhejiang.toml"
    config.write_text('[regions]\nprovince = "浙江省"\n', encoding="utf-8")
    result = govmon("registry", "import", str(_csv(tmp_path / "浙江网站名录.csv", [W_HEADER, *ZHEJIANG_SITES])),
                    config=config)
    assert result.exit_code == 0, result.output
    annex1 = _annex1(govmon, tmp_path, config)
    assert list(annex1) == ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
                            "省级部门（含省政府门户）", "合计"]
    assert (annex1["杭州"][0], annex1["温州"][0], annex1["丽水"][0], annex1["省级部门（含省政府门户）"][0]) == (
        "2", "1", "1", "1")
    by_code = tmp_path / "by-code.toml"
    by_code.write_text('[regions]\nprovince = "33"\n', encoding="utf-8")
    assert list(_annex1(govmon, tmp_path, by_code))[0] == "杭州"


def test_an_unknown_province_is_one_clear_line(govmon, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[regions]\nprovince = "江浙省"\n', encoding="utf-8")
    result = govmon("registry", "import", str(_csv(tmp_path / "w.csv", [W_HEADER, *COUNTY_SITES])), config=config)
    assert result.exit_code == 2 and "江浙省" in result.stderr and "Traceback" not in result.output
