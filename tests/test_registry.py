"""Registry import: encodings, XLSX, every kind of bad row, strict mode, re-import and retirement, CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from typer.testing import CliRunner

from monitor.cli import app
from monitor.registry import ImportReport, RegistryFileError, import_registry
from monitor.rulebook import Rulebook
from monitor.store import Store

RULES = Path(__file__).resolve().parent.parent / "rules"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
W_HEADER = ["网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码", "主办单位", "备注"]
A_HEADER = ["账号名称", "类型", "所属地方或部门", "主体类型", "数据源"]
SC_GOV = ["四川省人民政府", "https://www.sc.gov.cn", "四川省人民政府", "省政府门户", "5100000001", "四川省人民政府办公厅", ""]
YJT = ["四川省应急管理厅", "http://yjt.sc.gov.cn/", "应急厅", "省级部门", "5100000031", "", ""]
ABA = ["阿坝州人民政府", "http://www.abazhou.gov.cn/", "阿坝藏族羌族自治州", "市级门户", "5132000001", "", ""]
CD = ["成都市人民政府", "https://www.chengdu.gov.cn/", "成都市", "市级门户", "5101000001", "", ""]


@pytest.fixture(scope="module")
def rulebook() -> Rulebook:
    return Rulebook(RULES)


@pytest.fixture()
def store(tmp_path: Path):
    store = Store.open(tmp_path / "registry.db")
    yield store
    store.close()


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(",".join(row) for row in rows).encode(encoding) + b"\r\n")
    return path


def run(store: Store, rulebook: Rulebook, *paths: Path, strict: bool = False, now: datetime = NOW) -> ImportReport:
    return import_registry(store, rulebook, list(paths), now=now, places=rulebook.places("四川省"), strict=strict)


# -- reading -------------------------------------------------------------------------------------------
def test_utf8_csv_with_bom_loads_websites_normalised(tmp_path, store, rulebook):
    path = write_csv(tmp_path / "sites.csv", [W_HEADER, SC_GOV, YJT, ABA, CD], encoding="utf-8-sig")
    report = run(store, rulebook, path)
    assert report.ok and report.written
    assert report.websites.added == 4 and report.files[0].table == "websites" and report.files[0].rows == 4
    sites = {w.name: w for w in store.websites()}
    assert sites["四川省人民政府"].url == "https://www.sc.gov.cn/"  # trailing slash on a bare host
    assert sites["四川省人民政府"].region == "四川省人民政府"  # province-level: department as written
    assert sites["四川省人民政府"].sponsor == "四川省人民政府办公厅"
    assert sites["四川省应急管理厅"].region == "应急厅"
    assert sites["阿坝州人民政府"].region == "阿坝"
    assert sites["成都市人民政府"].region == "成都"


def test_gbk_csv_as_excel_writes_it(tmp_path, store, rulebook):
    path = write_csv(tmp_path / "sites.csv", [W_HEADER, ABA, CD], encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = run(store, rulebook, path)
    assert report.ok
    assert sorted(w.name for w in store.websites()) == ["成都市人民政府", "阿坝州人民政府"]


def test_utf8_csv_without_bom_and_blank_lines_keep_line_numbers(tmp_path, store, rulebook):
    path = write_csv(tmp_path / "sites.csv", [W_HEADER, ABA, [""], CD[:3] + ["市级门户", "12345"]])
    report = run(store, rulebook, path)
    assert [(e.line, "网站标识码" in e.reason) for e in report.errors] == [(4, True)]
    assert report.files[0].rows == 2


def test_xlsx_first_sheet_with_title_row_and_numeric_site_code(tmp_path, store, rulebook):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["四川省政府网站名录（2026年）"])
    sheet.append(W_HEADER)
    sheet.append(SC_GOV[:4] + [5100000001])  # Excel stores the code as a number
    sheet.append(ABA[:4] + [float(5132000001)])
    sheet.append(["坏行", "ftp://bad.gov.cn/", "成都", "市级门户", "5101000009"])
    other = workbook.create_sheet("说明")
    other.append(["账号名称", "类型", "所属地方或部门", "主体类型"])
    path = tmp_path / "名录.xlsx"
    workbook.save(path)
    report = run(store, rulebook, path)
    assert [(e.line, "http") for e in report.errors] == [(5, "http")]
    assert "http://" in report.errors[0].reason
    assert {w.site_code for w in store.websites()} == {"5100000001", "5132000001"}
    assert store.accounts() == []


def test_url_normalisation_keeps_path_and_query(tmp_path, store, rulebook):
    rows = [W_HEADER[:5],
            ["甲", "HTTP://WWW.A.GOV.CN:8080/Index.html?x=1#top", "成都", "市级门户", "5101000002"],
            ["乙", "http://[::1]:8000", "成都", "市级门户", "BM51000002"]]
    assert run(store, rulebook, write_csv(tmp_path / "w.csv", rows)).ok
    assert [(w.url, w.site_code) for w in store.websites()] == [
        ("http://www.a.gov.cn:8080/Index.html?x=1", "5101000002"), ("http://[::1]:8000/", "bm51000002")]


def test_xlsx_line_numbers_match_excel_when_the_table_starts_lower_right(tmp_path, store, rulebook):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for column, header in enumerate(A_HEADER[:4], start=2):
        sheet.cell(row=3, column=column, value=header)
    for column, value in enumerate(["成都发布", "微信", "成都", "政府"], start=2):
        sheet.cell(row=4, column=column, value=value)
    for column, value in enumerate(["坏号", "知乎", "成都", "政府"], start=2):
        sheet.cell(row=6, column=column, value=value)
    path = tmp_path / "accounts.xlsx"
    workbook.save(path)
    report = run(store, rulebook, path)
    assert [(e.line, "知乎" in e.reason) for e in report.errors] == [(6, True)]
    assert [a.name for a in store.accounts()] == ["成都发布"]


def test_accounts_with_english_header(tmp_path, store, rulebook):
    rows = [["name", "platform", "region", "subject", "source"],
            ["四川发布", "微博", "四川省人民政府", "政府", "weibo:2263421600"],
            ["阿坝发布", "微信公众号", "阿坝州", "政府", ""],
            ["成都市应急管理局", "抖音", "成都市", "市州部门", "https://example.org/feed.xml"]]
    report = run(store, rulebook, write_csv(tmp_path / "a.csv", rows))
    assert report.ok and report.accounts.added == 3 and report.websites.added == 0
    accounts = {a.name: a for a in store.accounts()}
    assert accounts["四川发布"].platform == "新浪微博" and accounts["四川发布"].source == "weibo:2263421600"
    assert accounts["四川发布"].region == "四川省人民政府"
    assert accounts["阿坝发布"].platform == "微信订阅号" and accounts["阿坝发布"].region == "阿坝"
    assert accounts["成都市应急管理局"].platform == "抖音短视频" and accounts["成都市应急管理局"].region == "成都"


def test_region_aliases_all_map_to_canonical(tmp_path, store, rulebook):
    rows = [W_HEADER]
    for number, spelling in enumerate(("阿坝", "阿坝州", "阿坝藏族羌族自治州"), start=1):
        rows.append([f"站{number}", f"http://s{number}.abazhou.gov.cn", spelling, "县级门户", f"513200000{number}"])
    rows.append(["省直", "http://x.sc.gov.cn", " 阿坝州 ", "省级部门", "bm51000001"])
    assert run(store, rulebook, write_csv(tmp_path / "w.csv", rows)).ok
    regions = {w.name: w.region for w in store.websites()}
    assert regions == {"站1": "阿坝", "站2": "阿坝", "站3": "阿坝", "省直": "阿坝州"}


def test_account_platform_aliases_and_other(tmp_path, store, rulebook):
    rows = [A_HEADER,
            ["号1", "B站", "成都", "县级部门", ""],
            ["号2", "BiliBili", "成都", "县级部门", ""],
            ["号3", "其他+知乎", "成都", "县级部门", ""],
            ["号4", "其他＋ 微视", "成都", "县级部门", ""],
            ["号5", "小红书", "四川省应急管理厅", "省直部门", ""]]
    assert run(store, rulebook, write_csv(tmp_path / "a.csv", rows)).ok
    assert {a.name: a.platform for a in store.accounts()} == {
        "号1": "哔哩哔哩", "号2": "哔哩哔哩", "号3": "其他+知乎", "号4": "其他+微视", "号5": "小红书"}
    assert store.find_account("号5").region == "四川省应急管理厅"


# -- bad rows ------------------------------------------------------------------------------------------
BAD_WEBSITES = [
    (["", "http://a.gov.cn", "成都", "市级门户", "5101000002"], "缺少 网站名称"),
    (["甲", "", "成都", "市级门户", ""], "缺少 网址、网站标识码"),
    (["甲", "http://a.gov.cn", "成都", "区级门户", "5101000002"], "网站类型 '区级门户'"),
    (["甲", "www.a.gov.cn", "成都", "市级门户", "5101000002"], "须以 http:// 或 https:// 开头"),
    (["甲", "ftp://a.gov.cn/", "成都", "市级门户", "5101000002"], "须以 http:// 或 https:// 开头"),
    (["甲", "http:///path", "成都", "市级门户", "5101000002"], "缺少有效的主机名"),
    (["甲", "http://a b.gov.cn", "成都", "市级门户", "5101000002"], "缺少有效的主机名"),
    (["甲", "http://a..gov.cn/", "成都", "市级门户", "5101000002"], "缺少有效的主机名"),
    (["甲", "http://intranet/", "成都", "市级门户", "5101000002"], "缺少有效的主机名"),
    (["甲", "http://a.gov.cn:99999/", "成都", "市级门户", "5101000002"], "格式错误"),
    (["甲", "http://a.gov.cn", "成都", "市级门户", "510100000"], "网站标识码 '510100000' 应为10位"),
    (["甲", "http://a.gov.cn", "成都", "市级门户", "51010000021"], "应为10位"),
    (["甲", "http://a.gov.cn", "成都", "市级门户", "ab12345678"], "应为10位"),
    (["甲", "http://a.gov.cn", "成都", "市级门户", "0101000002"], "应为10位"),
    (["甲", "http://a.gov.cn", "成督", "市级门户", "5101000002"], "所属地方 '成督' 不是四川省已知的市(州)"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_WEBSITES)
def test_bad_website_rows_are_reported_and_good_rows_load(tmp_path, store, rulebook, row, reason):
    path = write_csv(tmp_path / "w.csv", [W_HEADER[:5], CD[:5], row, ABA[:5]])
    report = run(store, rulebook, path)
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.file, error.line) == (str(path), 3)
    assert reason in error.reason
    assert str(error).startswith(f"{path}:3: ")
    assert report.written and report.websites.added == 2


BAD_ACCOUNTS = [
    (["", "微博", "成都", "政府", ""], "缺少 账号名称"),
    (["甲", "", "成都", "政府", ""], "缺少 类型"),
    (["甲", "微博", "", "政府", ""], "缺少 所属地方或部门"),
    (["甲", "微博", "成都", "", ""], "缺少 主体类型"),
    (["甲", "知乎", "成都", "政府", ""], "类型 '知乎' 不是已知平台"),
    (["甲", "其他+", "成都", "政府", ""], "类型 '其他+' 不是已知平台"),
    (["甲", "微博", "成都", "乡镇", ""], "主体类型 '乡镇'"),
    (["甲", "微博", "川西", "县级部门", ""], "所属地方 '川西'"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ACCOUNTS)
def test_bad_account_rows_are_reported(tmp_path, store, rulebook, row, reason):
    good = ["成都发布", "微信", "成都", "政府", ""]
    report = run(store, rulebook, write_csv(tmp_path / "a.csv", [A_HEADER, good, row]))
    assert [(e.line, reason in e.reason) for e in report.errors] == [(3, True)], report.errors
    assert [a.name for a in store.accounts()] == ["成都发布"]


def test_duplicates_within_a_file_and_across_files(tmp_path, store, rulebook):
    first = write_csv(tmp_path / "one.csv", [W_HEADER, CD, ["成都（重复）", "HTTPS://WWW.CHENGDU.GOV.CN", "成都", "市级门户",
                                                            "5101000002"]])
    second = write_csv(tmp_path / "two.csv", [W_HEADER[:5], ABA[:5], ["别名", "http://other.gov.cn/", "成都", "市级门户",
                                                                     "5101000001"]])
    report = run(store, rulebook, first, second)
    reasons = [(e.file, e.line, e.reason) for e in report.errors]
    assert reasons[0][:2] == (str(first), 3) and "与第 2 行重复" in reasons[0][2]
    assert reasons[1][:2] == (str(second), 3) and "网站标识码 5101000001 已用于" in reasons[1][2]
    assert len(reasons) == 2
    assert {w.name for w in store.websites()} == {"成都市人民政府", "阿坝州人民政府"}


def test_duplicate_accounts_keyed_on_platform_and_name(tmp_path, store, rulebook):
    rows = [A_HEADER, ["成都发布", "微信", "成都", "政府", ""], ["成都发布", "微博", "成都", "政府", ""],
            ["成都发布", "微信订阅号", "成都", "政府", ""]]
    report = run(store, rulebook, write_csv(tmp_path / "a.csv", rows))
    assert [(e.line, "与第 2 行重复" in e.reason) for e in report.errors] == [(4, True)]
    assert sorted(a.platform for a in store.accounts()) == ["微信订阅号", "新浪微博"]


def test_unrecognised_header_is_one_error_naming_missing_columns(tmp_path, store, rulebook):
    path = write_csv(tmp_path / "odd.csv", [["网站名称", "地址", "类别"], ["甲", "http://a.gov.cn", "市级门户"]])
    report = run(store, rulebook, path)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.file, error.line) == (str(path), 1)
    assert "表头无法识别" in error.reason
    for column in ("网址", "所属地方或部门", "网站类型", "网站标识码", "账号名称", "主体类型"):
        assert column in error.reason
    assert report.files[0].table is None and store.websites() == []


def test_empty_file_is_reported(tmp_path, store, rulebook):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    report = run(store, rulebook, path)
    assert [(e.line, "文件为空" in e.reason) for e in report.errors] == [(1, True)]


def test_strict_mode_writes_nothing_when_a_row_is_bad(tmp_path, store, rulebook):
    assert run(store, rulebook, write_csv(tmp_path / "old.csv", [W_HEADER, CD])).ok
    path = write_csv(tmp_path / "new.csv", [W_HEADER, ABA, ["坏", "http://x.gov.cn", "成都", "市级门户", "1"]])
    report = run(store, rulebook, path, strict=True)
    assert not report.written and len(report.errors) == 1
    assert report.websites.added == report.websites.retired == 0
    assert [w.name for w in store.websites(include_retired=True)] == ["成都市人民政府"]
    assert store.websites()[0].retired_at is None


def test_strict_mode_writes_a_clean_import(tmp_path, store, rulebook):
    report = run(store, rulebook, write_csv(tmp_path / "w.csv", [W_HEADER, ABA]), strict=True)
    assert report.written and report.websites.added == 1


def test_unreadable_files_raise_before_anything_is_written(tmp_path, store, rulebook):
    good = write_csv(tmp_path / "w.csv", [W_HEADER, ABA])
    with pytest.raises(RegistryFileError, match="missing.csv"):
        run(store, rulebook, good, tmp_path / "missing.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RegistryFileError, match=r"old\.xls.*xlsx"):
        run(store, rulebook, old)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RegistryFileError, match="broken.xlsx"):
        run(store, rulebook, good, broken)
    assert store.websites() == []


# -- re-import -----------------------------------------------------------------------------------------
def test_reimport_upserts_retires_and_restores(tmp_path, store, rulebook):
    first = run(store, rulebook, write_csv(tmp_path / "q1.csv", [W_HEADER, SC_GOV, ABA, CD]))
    assert (first.websites.added, first.websites.retired) == (3, 0)
    ids = {w.url: w.id for w in store.websites()}

    renamed = ["阿坝州政府网", *ABA[1:]]
    later = NOW + timedelta(days=90)
    second = run(store, rulebook, write_csv(tmp_path / "q2.csv", [W_HEADER, SC_GOV, renamed]), now=later)
    counts = second.websites
    assert (counts.added, counts.updated, counts.unchanged, counts.retired, counts.restored) == (0, 1, 1, 1, 0)
    retired = store.find_website("https://www.chengdu.gov.cn/")
    assert retired.retired_at == later and retired.id == ids["https://www.chengdu.gov.cn/"]
    assert [w.name for w in store.websites()] == ["四川省人民政府", "阿坝州政府网"]
    assert store.find_website("阿坝州政府网").id == ids["http://www.abazhou.gov.cn/"]

    third = run(store, rulebook, write_csv(tmp_path / "q3.csv", [W_HEADER, SC_GOV, renamed, CD]), now=later)
    assert (third.websites.restored, third.websites.unchanged, third.websites.retired) == (1, 2, 0)
    back = store.find_website("https://www.chengdu.gov.cn/")
    assert back.retired_at is None and back.id == ids["https://www.chengdu.gov.cn/"]


def test_importing_accounts_does_not_retire_websites(tmp_path, store, rulebook):
    run(store, rulebook, write_csv(tmp_path / "w.csv", [W_HEADER, CD]))
    run(store, rulebook, write_csv(tmp_path / "a1.csv", [A_HEADER, ["成都发布", "微信", "成都", "政府", ""],
                                                         ["成都微博", "微博", "成都", "政府", ""]]))
    report = run(store, rulebook, write_csv(tmp_path / "a2.csv", [A_HEADER, ["成都发布", "微信", "成都", "政府", ""]]))
    assert (report.accounts.unchanged, report.accounts.retired) == (1, 1)
    assert report.websites.retired == 0 and len(store.websites()) == 1
    assert [a.name for a in store.accounts()] == ["成都发布"]
    assert store.find_account("成都微博").retired_at is not None


def test_a_bad_row_for_a_known_site_does_not_retire_it(tmp_path, store, rulebook):
    run(store, rulebook, write_csv(tmp_path / "w1.csv", [W_HEADER, ABA, CD]))
    typo = ["成都市人民政府", "https://www.chengdu.gov.cn/", "成都", "市级门户", "51010000"]
    report = run(store, rulebook, write_csv(tmp_path / "w2.csv", [W_HEADER, ABA, typo]))
    assert len(report.errors) == 1 and report.websites.retired == 0
    assert store.find_website("https://www.chengdu.gov.cn/").retired_at is None


def test_a_site_whose_row_clashes_on_site_code_is_not_retired(tmp_path, store, rulebook):
    run(store, rulebook, write_csv(tmp_path / "w1.csv", [W_HEADER, ABA, CD]))
    clash = [*CD[:4], ABA[4]]
    report = run(store, rulebook, write_csv(tmp_path / "w2.csv", [W_HEADER, ABA, clash]))
    assert [e.line for e in report.errors] == [3] and report.websites.retired == 0
    assert len(store.websites()) == 2


def test_rows_added_by_hand_are_not_retired(tmp_path, store, rulebook):
    store.insert_registry_row("websites", {"url": "http://adhoc.gov.cn/", "name": "临时", "region": "成都", "kind": "市级门户"})
    report = run(store, rulebook, write_csv(tmp_path / "w.csv", [W_HEADER, ABA]))
    assert report.websites.retired == 0
    assert store.find_website("http://adhoc.gov.cn").retired_at is None


def test_import_is_one_transaction(tmp_path, store, rulebook, monkeypatch):
    """A failure half-way (here: the database refusing a write) leaves the registry as it was."""
    run(store, rulebook, write_csv(tmp_path / "w.csv", [W_HEADER, ABA]))
    original = store.insert_registry_row
    calls = []

    def failing_insert(table, values):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(table, values)

    monkeypatch.setattr(store, "insert_registry_row", failing_insert)
    with pytest.raises(RuntimeError):
        run(store, rulebook, write_csv(tmp_path / "w2.csv", [W_HEADER, SC_GOV, CD]))
    monkeypatch.undo()
    assert [w.name for w in store.websites(include_retired=True)] == ["阿坝州人民政府"]
    assert store.websites()[0].retired_at is None


# -- CLI -----------------------------------------------------------------------------------------------
@pytest.fixture()
def cli(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    db = tmp_path / "cli.db"
    return lambda *args: runner.invoke(app, ["--db", str(db), *args])


def test_cli_import_summary_and_bad_rows(tmp_path, cli):
    path = write_csv(tmp_path / "w.csv", [W_HEADER, ABA, ["坏", "http://x.gov.cn", "成都", "市级门户", "1"]])
    result = cli("registry", "import", str(path))
    assert result.exit_code == 1, result.output
    assert "网站名录" in result.stdout
    assert f"{path}:3: 网站标识码 '1' 应为10位" in result.stderr


def test_cli_import_json_and_clean_exit(tmp_path, cli):
    path = write_csv(tmp_path / "a.csv", [A_HEADER, ["阿坝发布", "微信", "阿坝州", "政府", ""]])
    result = cli("registry", "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["written"] and data["accounts"]["added"] == 1 and data["errors"] == []


def test_cli_import_strict_and_unreadable(tmp_path, cli):
    path = write_csv(tmp_path / "w.csv", [W_HEADER, ABA, ["坏", "http://x.gov.cn", "成都", "市级门户", "1"]])
    result = cli("registry", "import", "--strict", "--json", str(path))
    assert result.exit_code == 1 and json.loads(result.stdout)["written"] is False
    assert json.loads(cli("registry", "list", "--json").stdout) == []
    missing = cli("registry", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "nope.csv" in missing.stderr


def test_cli_list_filters(tmp_path, cli):
    cli("registry", "import", str(write_csv(tmp_path / "w.csv", [W_HEADER, SC_GOV, ABA, CD])))
    cli("registry", "import", str(write_csv(tmp_path / "w2.csv", [W_HEADER, SC_GOV, ABA])))
    names = lambda *args: [row["name"] for row in json.loads(cli("registry", "list", "--json", *args).stdout)]  # noqa: E731
    assert names() == ["四川省人民政府", "阿坝州人民政府"]
    assert names("--retired") == ["四川省人民政府", "阿坝州人民政府", "成都市人民政府"]
    assert names("--region", "阿坝藏族羌族自治州") == ["阿坝州人民政府"]
    assert names("--kind", "省政府门户") == ["四川省人民政府"]
    table = cli("registry", "list", "--retired")
    assert table.exit_code == 0 and "网站名录（3）" in table.stdout and "退役时间" in table.stdout
    assert cli("registry", "list", "--kind", "区级门户").exit_code == 2


def test_cli_list_accounts(tmp_path, cli):
    rows = [A_HEADER, ["四川发布", "微博", "四川省人民政府", "政府", ""], ["成都应急", "抖音", "成都", "市州部门", ""]]
    cli("registry", "import", str(write_csv(tmp_path / "a.csv", rows)))
    data = json.loads(cli("registry", "list", "--accounts", "--json", "--kind", "市州部门").stdout)
    assert [(a["name"], a["platform"], a["region"]) for a in data] == [("成都应急", "抖音短视频", "成都")]
    assert "四川发布" in cli("registry", "list", "--accounts").stdout
