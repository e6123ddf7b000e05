"""privacy_leak through the user's path: registry file, `govmon check --json`, the store and the report.

The fixture site (tests/content_site.py) leaks an ID number and a mobile in a 公示 article, and ID numbers
in a PDF and an XLSX attachment; its decoys must stay silent. No unmasked number may reach the database
file, the command output or the report files.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli import app
from tests.content_site import LEAKING_PATHS, UNMASKED, content_site_routes
from tests.fetch_servers import Site

AS_OF = "2022-12-28T10:00"


def run(config: Path, *args: str):
    return CliRunner().invoke(app, ["--config", str(config), *args])


def _all_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def test_privacy_findings_name_the_leaking_urls_with_masked_values_only(tmp_path: Path):
    with Site(content_site_routes()) as site:
        (tmp_path / "config.toml").write_text(
            "[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\n"
            f"[store]\ndatabase = \"{tmp_path / 'g.db'}\"\n[report]\noutput_dir = \"{tmp_path / 'reports'}\"\n",
            encoding="utf-8")
        (tmp_path / "sites.csv").write_text(
            f"网站名称,网址,所属地方或部门,网站类型,网站标识码\n示例县人民政府,{site.url('/')},绵阳,县级门户,5132000001\n",
            encoding="utf-8")
        config = tmp_path / "config.toml"
        assert run(config, "registry", "import", str(tmp_path / "sites.csv")).exit_code == 0
        result = run(config, "check", "示例县人民政府", "--as-of", AS_OF, "--json")
        report = run(config, "report", "--quarter", "2022Q4", "--out", str(tmp_path / "reports"))
        listed = run(config, "findings", "list")
        shown = run(config, "check", "示例县人民政府", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert report.exit_code in (0, 1), report.output
    findings = json.loads(result.stdout)["findings"]
    leaks = [f for f in findings if f["rule"] == "privacy_leak" and f["severity"] == "veto"]
    urls = {f["evidence"]["url"].replace(site.url(""), "") for f in leaks}
    assert urls == set(LEAKING_PATHS), urls
    assert all(f["wording"] == "泄露个人隐私信息" for f in leaks)
    by_path = {f["evidence"]["url"].replace(site.url(""), ""): f["evidence"] for f in leaks}
    assert by_path["/uploads/2022/gongshi-mingdan.pdf"]["kinds"] == {"身份证号码": 1}
    assert by_path["/uploads/2022/butie-mingdan.xlsx"]["kinds"] == {"身份证号码": 1}
    assert by_path["/uploads/2022/butie-mingdan.xlsx"]["samples"][0]["masked"] == "110105********002X"
    article = by_path[LEAKING_PATHS[0]]
    assert article["column"] in ("首页", "通知公告")  # listed on both; the crawl names where it read it
    assert (article["article_title"], article["article_date"]) == ("关于2022年第四季度城乡低保对象的公示", "2022-12-20")
    assert article["kinds"] == {"身份证号码": 1, "手机号码": 1}
    unread = [f for f in findings if f["rule"] == "privacy_leak" and f["severity"] == "warning"]
    assert [a["url"].replace(site.url(""), "") for a in unread[0]["evidence"]["attachments"]] == [
        "/uploads/2022/guihua.doc"]
    assert "所在文章：栏目「" in "".join(shown.stdout.replace("│", "").split())
    everything = result.stdout.encode() + listed.stdout.encode() + shown.stdout.encode() + _all_bytes(tmp_path)
    for number in UNMASKED:
        assert number.encode() not in everything, number
    assert b"110105********002X" in everything
    markdown = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").rglob("*.md"))
    assert "泄露个人隐私信息" in markdown and "110105********002X" in markdown


def test_the_article_pages_as_the_page_examiner_reads_them():
    """The 公示 article leaks an ID and a mobile; the decoy article and the contact notice leak nothing."""
    from monitor.crawl.pages import PageExaminer
    from monitor.crawl.urls import SiteScope
    from monitor.rulebook import Rulebook
    from tests.conftest import REPO
    from tests.content_site import NOTICES

    rulebook = Rulebook(REPO / "rules")
    site = "http://www.example.gov.cn"
    examiner = PageExaminer(SiteScope.for_site(f"{site}/"), rulebook.wording, rulebook.privacy_names)
    routes = content_site_routes()
    facts = {url: examiner.examine(routes[url].body.decode("utf-8"), f"{site}{url}")  # type: ignore[union-attr]
             for url, _, _ in NOTICES if url.endswith(".html")}
    leak = facts[LEAKING_PATHS[0]].privacy
    assert leak is not None and dict(leak.counts) == {"身份证号码": 1, "手机号码": 1}
    assert [masked for _, masked, _ in leak.samples] == ["510104********1232", "139****4567"]
    assert {url for url, f in facts.items() if f.privacy is not None} == {LEAKING_PATHS[0]}
    assert [url for _, url in facts["/tzgg/202212/t20221218_102.html"].attachments] == [
        f"{site}/uploads/2022/gongshi-mingdan.pdf", f"{site}/uploads/2022/butie-mingdan.xlsx"]
