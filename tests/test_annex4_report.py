"""附件4 through the user's path: portals served on 127.0.0.1 and checked with `govmon check --all`, the
找错 export (a GBK CSV, and an XLSX with a bad row), the repost list and the ranking imported with their
commands, then `govmon report` and its 附件4 sheet, Markdown and CSV read back.

Expected values are worked out by hand from the files below:
- 找错 (2022Q4): 雅安 M1 closed in 2 days; M3 received on 国庆 (2022-10-01) and closed on 2022-10-10, the
  third working day after the holiday and its 调休 weekend (a Monday–Friday count would call it late);
  阿坝 M4 closed on the 4th working day (late); 成都 M5 still open long after its limit (overdue);
  an 应急厅 message marked 无效留言 is not counted; a Q3 message is not in the quarter. Only 雅安市 is 100%.
- 转载 (2022Q4, two items): 雅安市 portal carries both, 名山区 carries one as "转载：…" and the other as a
  list title cut with "…" (4 of 4); 理县 carries one (1 of 2); 成都 could not be read (not judged).
- 排名 (2022): ten 市(州) by 名次; the first eight are listed in order.
"""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from monitor.cli import app
from tests.fetch_servers import Reply, Site

AS_OF = "2022-12-20T10:00"
ITEM_1 = "国务院办公厅关于印发《“十四五”数字经济发展规划》的通知"
ITEM_2 = "四川省人民政府关于进一步优化营商环境的实施意见"
LATER_ITEM = "2023年第一季度须转载的政策文件"
RANKING = ["雅安", "自贡", "广元", "巴中", "遂宁", "宜宾", "德阳", "南充", "阿坝州", "成都市"]


def _home(name: str, code: str, items: list[tuple[str, str]]) -> Reply:
    rows = "".join(f'<li><a href="/xw/{i}.html">{title}</a><span>{day}</span></li>'
                   for i, (title, day) in enumerate(items))
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head><body>'
            f'<div class="news"><h2>政务要闻</h2><ul>{rows}</ul></div>'
            f'<div class="footer">主办单位：{name}办公室 网站标识码：{code}</div></body></html>')
    return Reply(body=html.encode("utf-8"))


NEWS = [("市政府召开常务会议", "2022-12-19"), ("全市安全生产工作会议召开", "2022-12-16")]
PAGES = {
    "yaan": ("雅安市人民政府", "5118000001", [(ITEM_1, "2022-12-02"), (ITEM_2, "2022-11-28"), *NEWS]),
    "mingshan": ("雅安市名山区人民政府", "5118030001",
                 [(f"转载：{ITEM_1}（全文）", "2022-12-03"), (ITEM_2[:16] + "…", "2022-11-29"), *NEWS]),
    "lixian": ("理县人民政府", "5132220001", [(ITEM_1, "2022-12-05"), *NEWS]),
}


def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), *args])


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    """The registry imported and every site checked as of 2022-12-20 (成都's portal does not answer)."""
    folder = tmp_path_factory.mktemp("annex4")
    sites = {key: Site({"/": _home(name, code, items)}) for key, (name, code, items) in PAGES.items()}
    for site in sites.values():
        site.__enter__()
    try:
        config = _config(folder)
        rows = [(name, sites[key].url("/"), "雅安" if key != "lixian" else "阿坝州",
                 "市级门户" if key == "yaan" else "县级门户", code) for key, (name, code, _items) in PAGES.items()]
        rows += [("成都市人民政府", "http://127.0.0.1:9/", "成都", "市级门户", "5101000001"),
                 ("四川省应急管理厅", "http://127.0.0.1:9/yj/", "应急厅", "省级部门", "5100000023")]
        _write_csv(folder / "sites.csv", ["网站名称", "网址", "所属地方或部门", "网站类型", "网站标识码"], rows)
        assert run(config, "registry", "import", str(folder / "sites.csv")).exit_code == 0
        result = run(config, "check", "--all", "--as-of", AS_OF)
        assert result.exit_code in (1, 3), result.output
    finally:
        for site in sites.values():
            site.__exit__(None, None, None)
    return folder, config, sites


def _config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n"
        f"[render]\nbrowser = \"off\"\n[store]\ndatabase = \"{folder / 'g.db'}\"\n"
        f"[report]\noutput_dir = \"{folder / 'reports'}\"\n", encoding="utf-8")
    return path


def _write_csv(path: Path, header: list[str], rows: list[tuple[str, ...]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


JIUCUO_HEADER = ["留言编号", "网站", "留言时间", "办结时间", "状态"]


def _jiucuo_rows(sites: dict[str, Site]) -> list[tuple[str, ...]]:
    return [
        ("M1", "雅安市人民政府", "2022-12-05 10:00", "2022-12-07 16:30", "已办结"),
        ("M3", sites["yaan"].url("/"), "2022-10-01 09:00", "2022-10-10 17:00", "已办结"),
        ("M4", "5132220001", "2022-12-12 09:00", "2022-12-16 10:00", "已答复"),
        ("M5", "成都市人民政府", "2022-12-01 11:00", "", "办理中"),
        ("M6", "5100000023", "2022-11-11 11:00", "", "无效留言"),
        ("M0", "雅安市人民政府", "2022-09-20 10:00", "2022-09-30 10:00", "已办结"),
    ]


@pytest.fixture(scope="module")
def reported(checked):
    """A report before any import (folder "before"), then all three inputs imported and the 2022Q4 report
    written in every format."""
    folder, config, sites = checked
    before = run(config, "report", "--quarter", "2022Q4", "--out", str(folder / "before"), "--formats", "csv,md")
    assert before.exit_code == 0, before.output
    jiucuo = _write_csv(folder / "找错留言.csv", JIUCUO_HEADER, _jiucuo_rows(sites), encoding="gbk")
    imported = run(config, "jiucuo", "import", str(jiucuo))
    assert imported.exit_code == 0, imported.output
    again = run(config, "jiucuo", "import", str(jiucuo), "--json")
    assert again.exit_code == 0 and '"unchanged": 6' in again.stdout
    reposts = openpyxl.Workbook()
    sheet = reposts.active
    sheet.append(["2022年第四季度转载任务"])  # a title row above the header, as offices write them
    sheet.append(["标题", "期间", "截止日期", "原文网址"])
    sheet.append([ITEM_1, "2022Q4", None, "https://www.gov.cn/zhengce/content/2022-01/12/content_5667817.htm"])
    sheet.append([ITEM_2, "2022年11月", None, None])
    sheet.append([LATER_ITEM, None, "2023-03-31", None])
    reposts.save(folder / "转载任务.xlsx")
    assert run(config, "reposts", "import", str(folder / "转载任务.xlsx")).exit_code == 0
    ranking = _write_csv(folder / "年度考核.csv", ["年度", "市(州)", "名次", "得分"],
                         [("2022年度", name, str(place), str(100 - place)) for place, name in enumerate(RANKING, 1)])
    assert run(config, "ranking", "import", str(ranking)).exit_code == 0
    out = folder / "reports"
    result = run(config, "report", "--quarter", "2022Q4", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _annex4_sheet(out: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(out / "govmon_2022Q4.xlsx")["附件4"]
    return [row for row in sheet.iter_rows(values_only=True)]


def test_the_four_rows_from_imported_data(reported: Path) -> None:
    rows = _annex4_sheet(reported)
    assert rows[0] == ("工作成效", "单位", "数据来源") + (None,) * (len(rows[0]) - 3)
    units = {row[0]: row[1] for row in rows[1:5]}
    assert units == {
        "监管工作年度考核排名靠前的单位": "雅安市、自贡市、广元市、巴中市、遂宁市、宜宾市、德阳市、南充市",
        "季度检查中，政府网站与政务新媒体合格率均达100%": units["季度检查中，政府网站与政务新媒体合格率均达100%"],
        "“我为政府网站找错”留言按期办结率100%": "雅安市",
        "转载工作开展较好": "雅安市",
    }
    sources = {row[0]: row[2] for row in rows[1:5]}
    assert "年度考核.csv（" in sources["监管工作年度考核排名靠前的单位"] and "10 行" in sources["监管工作年度考核排名靠前的单位"]
    assert "找错留言.csv（" in sources["“我为政府网站找错”留言按期办结率100%"]
    assert "5 条留言" in sources["“我为政府网站找错”留言按期办结率100%"]  # M0 was received in the third quarter
    assert "转载任务.xlsx（" in sources["转载工作开展较好"] and "3 行" in sources["转载工作开展较好"]


def test_jiucuo_details_per_region(reported: Path) -> None:
    table = _read_csv(reported / "govmon_2022Q4_annex4_jiucuo.csv")
    assert table[0][0] == "单位" and table[0][-1] == "按期办结率"
    assert table[1:] == [
        ["成都市", "1", "0", "0", "1", "0", "0", "0.00%"],
        ["雅安市", "2", "2", "0", "0", "0", "0", "100.00%"],
        ["阿坝州", "1", "0", "1", "0", "0", "0", "0.00%"],
        ["省级部门（含省政府门户）", "1", "0", "0", "0", "0", "1", "—"],
    ]


def test_repost_details_name_the_sites_that_did_not_carry_an_item(reported: Path) -> None:
    regions = _read_csv(reported / "govmon_2022Q4_annex4_reposts.csv")
    assert regions[1:] == [["成都市", "1", "0", "0", "0", "—"], ["雅安市", "2", "2", "4", "4", "100.00%"],
                           ["阿坝州", "1", "1", "2", "1", "50.00%"]]
    items = _read_csv(reported / "govmon_2022Q4_annex4_repost_items.csv")
    assert [row[1:] for row in items[1:]] == [
        [ITEM_2, "2022-11-30", "2", "3", "理县人民政府"],
        [ITEM_1, "2022-12-31", "3", "3", ""],
    ]


def test_markdown_carries_the_rows_and_their_details(reported: Path) -> None:
    text = (reported / "govmon_2022Q4.md").read_text(encoding="utf-8")
    assert "| 转载工作开展较好 | 雅安市 |" in text
    assert "#### “我为政府网站找错”留言办理情况（本季度收到的留言）" in text
    assert "#### 2022年度监管工作考核排名" in text and "| 10 | 成都市 | 10 | 90 |" in text


def test_a_bad_row_stores_nothing_and_names_file_and_line(checked, tmp_path: Path) -> None:
    folder, config, _sites = checked
    book = openpyxl.Workbook()
    book.active.append(JIUCUO_HEADER)
    book.active.append(["X1", "雅安市人民政府", "2022-12-06 10:00", "2022-12-07 10:00", "已办结"])
    book.active.append(["X2", "不存在的网站", "2022-12-06 10:00", "2022-12-07 10:00", "已办结"])
    book.active.append(["X3", "理县人民政府", "2022-12-06 10:00", "2022-12-05 10:00", "已办结"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    refused = run(config, "jiucuo", "import", str(path))
    assert refused.exit_code == 2
    assert f"{path}:3: 网站 '不存在的网站' 不在网站名录中" in refused.stderr
    assert f"{path}:4: 办结时间 2022-12-05 10:00 早于 留言时间 2022-12-06 10:00" in refused.stderr
    assert "Traceback" not in refused.output
    skipped = run(config, "jiucuo", "import", str(path), "--skip-bad", "--json")
    assert skipped.exit_code == 1 and '"added": 1' in skipped.stdout


def test_a_file_that_is_not_an_export_is_refused(checked, tmp_path: Path) -> None:
    _folder, config, _sites = checked
    path = _write_csv(tmp_path / "other.csv", ["网站名称", "网址"], [("a", "b")])
    result = run(config, "jiucuo", "import", str(path))
    assert result.exit_code == 2 and "没有含 留言编号、留言时间、办结时间、状态 的表头行" in result.stderr
    missing = run(config, "ranking", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "file not found" in missing.stderr


def test_rows_without_input_say_not_imported(reported: Path) -> None:
    before = reported.parent / "before"
    rows = {row[0]: row[1:3] for row in _read_csv(before / "govmon_2022Q4_annex4.csv")[1:]}
    for label, command in (("监管工作年度考核排名靠前的单位", "govmon ranking import"),
                           ("“我为政府网站找错”留言按期办结率100%", "govmon jiucuo import"),
                           ("转载工作开展较好", "govmon reposts import")):
        assert rows[label][0] == "未导入" and command in rows[label][1]
    text = (before / "govmon_2022Q4.md").read_text(encoding="utf-8")
    assert "| 转载工作开展较好 | 未导入 |" in text


def test_docx_keeps_the_notice_two_columns_and_names_the_sources(reported: Path) -> None:
    doc = docx.Document(str(reported / "govmon_2022Q4.docx"))
    annex4 = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["工作成效", "单位"])
    assert [[c.text for c in row.cells] for row in annex4.rows[1:]][2] == ["“我为政府网站找错”留言按期办结率100%", "雅安市"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "转载工作开展较好：2 条转载任务：转载任务.xlsx（" in text


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))
