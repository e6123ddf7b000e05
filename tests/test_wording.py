"""The 错敏 wording lexicon (rules/wording/): one planted error per category, the right forms beside
them stay silent, the sentence shows the term, the allowlist and bad lexicon files."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import read_toml
from monitor.content.wording import Lexicon, WordingError
from monitor.rulebook import Rulebook, RulesError
from tests.conftest import REPO

LEXICON = Rulebook(REPO / "rules").wording

# One text per category: the planted error, and right forms of the same words that must stay silent.
PLANTED = {
    "leaders": ("会议传达学习了国务院总理习近平的重要讲话精神。", "国务院总理习近平",
                "习近平总书记强调，李强总理指出，国务院副总理丁薛祥出席，李强同志在会上讲话。"),
    "disgraced": ("在孙政才同志的亲切关怀下，全市经济稳步发展。", "孙政才",
                  "中央纪委通报孙政才严重违纪违法问题，决定给予孙政才开除党籍处分。"),
    "names": ("台湾总统选举结果公布后，本报记者采访了台胞。", "台湾总统", "台湾地区领导人选举结果公布。"),
    "outdated": ("县国土资源部门联合环境保护部开展督查。", "环境保护部", "自然资源部、生态环境部联合开展督查，县农业农村部门参加。"),
    "formulations": ("坚持以习近平新时代中国特色社会主意思想为指导。", "习近平新时代中国特色社会主意思想",
                     "坚持以习近平新时代中国特色社会主义思想为指导，培育和践行社会主义核心价值观。"),
    "typos": ("会议对下一步工作进行了布署。", "布署", "会议对下一步工作进行了部署，要求贯彻落实。"),
}


@pytest.mark.parametrize("category", sorted(PLANTED))
def test_each_category_finds_its_planted_error_and_not_the_right_forms(category):
    text, term, right = PLANTED[category]
    hits = LEXICON.scan(text)
    assert [(h.category.name, h.term) for h in hits] == [(category, term)]
    assert f"【{term}】" in hits[0].sentence
    assert LEXICON.scan(right) == []


def test_every_category_names_sources_and_a_severity():
    names = {c.name: c for c in LEXICON.categories}
    assert set(names) == set(PLANTED)
    assert {n for n, c in names.items() if c.severity == "veto"} == {"leaders", "names", "formulations"}
    assert all(c.sources for c in names.values())


def test_a_term_inside_a_longer_listed_term_is_reported_once():
    hits = LEXICON.scan("学习习近平新时代中国特色社会主意思想。")
    assert [h.term for h in hits] == ["习近平新时代中国特色社会主意思想"]


def test_leader_with_a_title_after_the_name_and_the_correction_says_why():
    (hit,) = LEXICON.scan("王沪宁总理出席会议。")
    assert hit.term == "王沪宁总理" and "总理" in hit.correction and hit.severity == "veto"


def test_sentence_is_cut_at_sentence_ends():
    (hit,) = LEXICON.scan("第一句话。第二句话里有布署一词！第三句话。")
    assert hit.sentence == "第二句话里有【布署】一词！"


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_allowlist_drops_a_term_for_one_site_only(tmp_path: Path):
    write(tmp_path, "typos.toml", 'terms = [{ wrong = "布署", right = "部署" }]\n'
          '[category]\nlabel = "错别字"\nseverity = "suspect"\nsources = ["x"]\n')
    write(tmp_path, "allow.toml", '[sites."http://www.a.gov.cn/"]\nterms = ["布署"]\n')
    lexicon = Lexicon.load(tmp_path, read_toml)
    assert lexicon.scan("布署", "https://www.a.gov.cn") == []
    assert [h.term for h in lexicon.scan("布署", "http://www.b.gov.cn/")] == ["布署"]
    assert lexicon.allowed("http://www.a.gov.cn") == frozenset({"布署"})


@pytest.mark.parametrize(("text", "message"), [
    ('[category]\nlabel = "x"\nseverity = "high"\nsources = ["s"]\n', "'category.severity' must be veto or suspect"),
    ('[category]\nlabel = "x"\nseverity = "veto"\n', "'category.sources' must name at least one source"),
    ('term = []\n[category]\nlabel = "x"\nseverity = "veto"\nsources = ["s"]\n', "unknown key 'term'"),
    ('[category]\nlabel = "x"\nseverity = "veto"\nsources = ["s"]\nterms = []\n', "unknown key 'category.terms'"),
    ('terms = [{ wrong = "农业部", exceptions = ["农业"] }]\n[category]\nlabel = "x"\nseverity = "veto"\nsources = ["s"]\n',
     "exception '农业' of '农业部' does not contain it"),
])
def test_a_bad_lexicon_file_is_named_with_its_key(tmp_path: Path, text: str, message: str):
    write(tmp_path, "bad.toml", text)
    with pytest.raises(WordingError, match=message):
        Lexicon.load(tmp_path, read_toml)
    rules = tmp_path / "rules"
    import shutil

    shutil.copytree(REPO / "rules", rules)
    write(rules / "wording", "bad.toml", text)
    with pytest.raises(RulesError, match="bad.toml"):
        _ = Rulebook(rules).wording


def test_findings_per_term_and_a_dismissed_term_stays_dismissed_for_the_site(tmp_path: Path):
    """Through the user's path: check, dismiss one term, check again after the term went and came back."""
    import json

    from typer.testing import CliRunner

    from monitor.cli import app
    from tests.fetch_servers import Reply, Site

    def home(text: str) -> Reply:
        return Reply(body=(f'<html><head><meta charset="utf-8"><title>示例乡人民政府</title></head><body>'
                           f'<ul><li><a href="/a.html">工作动态</a><span>2022-12-26</span></li></ul><p>{text}</p>'
                           '</body></html>').encode())

    def cli(*args: str):
        return CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), *args])

    routes = {"/": home("会议对明年工作进行了布署。有人称台湾总统出席，此说法错误。")}
    with Site(routes) as site:  # type: ignore[arg-type]
        (tmp_path / "config.toml").write_text(
            f"[crawl]\nallow_private_targets = true\nretries = 0\n[store]\ndatabase = \"{tmp_path / 'g.db'}\"\n",
            encoding="utf-8")
        (tmp_path / "s.csv").write_text(
            f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n示例乡,{site.url('/')},绵阳,县级门户,5132000003\n",
            encoding="utf-8")
        assert cli("registry", "import", str(tmp_path / "s.csv")).exit_code == 0
        first = json.loads(cli("check", "示例乡", "--as-of", "2022-12-28T10:00", "--json").stdout)
        wording = {f["evidence"]["phrase"]: f for f in first["findings"] if f["rule"] == "serious_wording"}
        assert {p: f["severity"] for p, f in wording.items()} == {"布署": "warning", "台湾总统": "veto"}
        assert wording["布署"]["evidence"]["matches"][0]["snippet"].endswith("会议对明年工作进行了【布署】。")
        assert first["verdict"] == "不合格"
        typo = next(f for f in json.loads(cli("findings", "list", "--json").stdout) if f["evidence"].get("phrase") == "布署")
        assert cli("findings", "dismiss", str(typo["id"]), "--note", "引文原文").exit_code == 0
        routes["/"] = home("会议对明年工作进行了部署。")
        cli("check", "示例乡", "--as-of", "2022-12-29T10:00")
        routes["/"] = home("会议对明年工作进行了布署。")
        cli("check", "示例乡", "--as-of", "2022-12-30T10:00")
    rows = [f for f in json.loads(cli("findings", "list", "--json").stdout) if f["evidence"].get("phrase") == "布署"]
    assert [(r["id"], r["status"], r["note"]) for r in rows] == [(typo["id"], "dismissed", "引文原文")]
