"""站点 basics through the user's path (`govmon check` of sites served on 127.0.0.1 and ::1 over TLS), and
the pure rules on hand-made observations."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from monitor.checks.site_basics import certificate_invalid, domain_rule, hsts_enabled, https_missing, no_ipv6
from monitor.cli import app
from monitor.demo.certs import make_authority
from monitor.demo.media import SHANGHAI
from monitor.models import Severity, Website
from monitor.observations import Certificate, HttpsFacts, Ipv6Facts, PageFailure
from monitor.rulebook import Rulebook
from tests.fetch_servers import Reply, Site, _handler

AS_OF = datetime(2022, 12, 28, 10, 0, tzinfo=SHANGHAI)
RULES = Rulebook(Path(__file__).resolve().parent.parent / "rules")


def _page(title: str, body: str, meta: str = "") -> Reply:
    html = f'<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>{body}</body></html>'
    return Reply(body=html.encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8",
                                                     "Strict-Transport-Security": "max-age=31536000"})


NAV = '<div class="nav"><a href="/">首页</a> <a href="/tzgg/">通知公告</a> <a href="/gzdt/">工作动态</a></div>'
LIST = '<div class="list"><ul><li><a href="/tzgg/1.html">关于开展检查的通知</a><span>2022-12-26</span></li></ul></div>'
ROUTES = {
    "/": _page("示例县人民政府", NAV + LIST),
    "/tzgg/": _page("通知公告", NAV + LIST),
    "/gzdt/": _page("工作动态", NAV + LIST),
    "/tzgg/1.html": _page("关于开展检查的通知", NAV + "<h1>关于开展检查的通知</h1><p>发布日期：2022-12-26</p>"),
}


def _config(tmp_path: Path, overrides: dict[str, str], ca: Path) -> Path:
    lines = "".join(f'"{host}" = "{address}"\n' for host, address in overrides.items())
    path = tmp_path / "config.toml"
    path.write_text(
        f'[crawl]\nallow_private_targets = true\nper_host_delay_s = 0.0\nretries = 0\nrespect_robots = false\n'
        f'extra_ca_files = ["{ca}"]\n[crawl.host_overrides]\n{lines}'
        f'[store]\ndatabase = "{tmp_path / "g.db"}"\n[render]\nbrowser = "off"\n', encoding="utf-8")
    return path


def _check(config: Path, url: str) -> dict[str, dict]:
    answer = CliRunner().invoke(app, ["--config", str(config), "check", url, "--as-of", "2022-12-28T10:00", "--json"])
    assert answer.exit_code in (0, 1), answer.output
    return {f"{f['rule']}": f for f in json.loads(answer.stdout)["findings"]}


def _self_signed(folder: Path, host: str):
    import ssl

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(7).not_valid_before(datetime(2022, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2049, 1, 1, tzinfo=UTC))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = folder / "self.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    return context


def test_expired_and_self_signed_certificates_are_found_with_the_certificate(tmp_path: Path) -> None:
    authority = make_authority(tmp_path)
    expired = authority.server_context("old.example.gov.cn", expired=True)
    with Site(ROUTES, tls=expired) as old, Site(ROUTES, tls=_self_signed(tmp_path, "own.example.gov.cn")) as own:
        config = _config(tmp_path, {"old.example.gov.cn": f"127.0.0.1:{old.port}",
                                    "own.example.gov.cn": f"127.0.0.1:{own.port}"}, authority.ca_file)
        found = _check(config, "https://old.example.gov.cn/")
        stale, stale_ipv6 = found["certificate_invalid"], found["no_ipv6"]
        mine = _check(config, "https://own.example.gov.cn/")["certificate_invalid"]
    assert stale["severity"] == "deduction" and stale["wording"] == "HTTPS证书无效或已过期"
    assert stale["evidence"]["problems"] == ["证书已过期"]  # expired as of the check, trusted through extra_ca_files
    assert stale["evidence"]["not_after"] == "2022-11-30T00:00:00+00:00"
    assert "old.example.gov.cn" in stale["evidence"]["subject"] and "govmon 演示根证书" in stale["evidence"]["issuer"]
    assert mine["evidence"]["problems"] == ["自签名证书"] and mine["evidence"]["issuer"] == "CN=own.example.gov.cn"
    assert stale_ipv6["evidence"]["aaaa"] == [] and stale_ipv6["wording"] == "IPv6不可访问"  # mapped to 127.0.0.1 only


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


def test_a_site_on_ipv6_loopback_is_reachable_over_ipv6_with_nothing_found(tmp_path: Path) -> None:
    import threading

    authority = make_authority(tmp_path)
    tls = authority.server_context("v6.example.gov.cn")
    with Site(ROUTES, tls=tls) as four, Site(ROUTES) as six_routes:
        six = _V6Server(("::1", four.port), _handler(six_routes))
        six.socket = tls.wrap_socket(six.socket, server_side=True)
        threading.Thread(target=six.serve_forever, args=(0.02,), daemon=True).start()
        try:
            config = _config(tmp_path, {"v6.example.gov.cn": f"127.0.0.1:{four.port},[::1]:{four.port}"},
                             authority.ca_file)
            both = _check(config, "https://v6.example.gov.cn/")
        finally:
            six.shutdown()
            six.server_close()
    assert len(set(six_routes.hits) & {"/tzgg/", "/gzdt/"}) == 1 and {"/", "/tzgg/1.html"} <= set(six_routes.hits)
    assert not {"no_ipv6", "https_missing", "certificate_invalid", "domain_rule", "tampered"} & set(both)


# -- the pure rules ---------------------------------------------------------------------------------
def _cert(not_after: datetime, problem: str = "") -> Certificate:
    return Certificate("CN=www.a.gov.cn", "CN=CA", "2022-01-01T00:00:00+00:00", not_after.isoformat(),
                       ("www.a.gov.cn",), problem)


def _https(cert: Certificate | None = None, **facts: object) -> HttpsFacts:
    return HttpsFacts("https://www.a.gov.cn/", cert, **facts)  # type: ignore[arg-type]


def test_certificate_expiry_is_judged_against_as_of_with_a_warning_ahead() -> None:
    spec, unsure = RULES.rule("certificate_invalid"), RULES.rule("undetermined")
    assert certificate_invalid(_https(_cert(AS_OF + timedelta(days=90))), spec, unsure, AS_OF) == []
    soon = certificate_invalid(_https(_cert(AS_OF + timedelta(days=10))), spec, unsure, AS_OF)
    assert [(f.severity, f.key, f.wording) for f in soon] == [(Severity.WARNING, "expiring", "HTTPS证书即将过期")]
    assert soon[0].evidence["days_left"] == 10 and soon[0].evidence["warning_days"] == 30
    gone = certificate_invalid(_https(_cert(AS_OF - timedelta(days=1))), spec, unsure, AS_OF)
    assert gone[0].severity == Severity.DEDUCTION and gone[0].evidence["problems"] == ["证书已过期"]
    wrong = certificate_invalid(_https(_cert(AS_OF + timedelta(days=90), "wrong_host")), spec, unsure, AS_OF)
    assert wrong[0].evidence["problems"] == ["证书与域名不符"]
    unread = certificate_invalid(_https(None, https_failure=PageFailure("timeout", None, "read timed out")), spec, unsure, AS_OF)
    assert unread[0].rule == "undetermined" and unread[0].evidence["rule"] == "certificate_invalid"
    assert certificate_invalid(_https(None, unreachable_https=True), spec, unsure, AS_OF) == []  # https_missing's


def test_https_sub_points_are_named_each() -> None:
    spec, unsure = RULES.rule("https_missing"), RULES.rule("undetermined")
    cert = _cert(AS_OF + timedelta(days=90))
    assert [f.key for f in https_missing(_https(None, unreachable_https=True, https_failure=PageFailure("connect")), spec, unsure)] == [
        "no_https"]
    plain = _https(cert, http_url="http://www.a.gov.cn/", http_final_url="http://www.a.gov.cn/", hsts="")
    assert [(f.key, f.wording) for f in https_missing(plain, spec, unsure)] == [
        ("no_redirect", "HTTP访问未跳转至HTTPS"), ("no_hsts", "未启用HSTS")]
    good = _https(cert, http_final_url="https://www.a.gov.cn/", hsts="max-age=31536000; includeSubDomains")
    assert https_missing(good, spec, unsure) == []
    assert hsts_enabled('max-age="600"') and not hsts_enabled("max-age=0") and not hsts_enabled("includeSubDomains")


def test_ipv6_problems_of_the_monitor_itself_are_not_findings() -> None:
    spec, unsure = RULES.rule("no_ipv6"), RULES.rule("undetermined")
    for facts in (Ipv6Facts("www.a.gov.cn", dns_error="gaierror: Name or service not known"),
                  Ipv6Facts("www.a.gov.cn", ("2001:db8::1",), monitor_without_ipv6=True)):
        assert [f.rule for f in no_ipv6(facts, spec, unsure)] == ["undetermined"]


@pytest.mark.parametrize(("url", "kind", "problem"), [
    ("https://www.sc.gov.cn/", "省政府门户", None),
    ("https://tjj.sc.gov.cn/", "省级部门", None),
    ("http://www.政府.政务/", "县级门户", None),
    ("https://sc.gov.cn/", "省政府门户", "门户网站域名应为 www.<名称>.gov.cn"),
    ("https://www.sctj.com/", "省级部门", "未使用 .gov.cn、.政务 域名"),
    ("http://10.1.2.3/", "市级部门", "以 IP 地址访问，未使用域名"),
])
def test_domain_rule(url: str, kind: str, problem: str | None) -> None:
    site = Website("示例", url, "成都", kind, "5101000001")
    found = domain_rule(site, RULES.rule("domain_rule"), frozenset())
    assert [f.evidence["problems"] for f in found] == ([[problem]] if problem else [])
    assert domain_rule(site, RULES.rule("domain_rule"), frozenset({"sctj.com", "10.1.2.3", "sc.gov.cn"})) == []


def test_metadata_tags_are_read_per_page_kind_and_the_site_code_compared() -> None:
    from monitor.checks.site_basics import metadata_tags
    from monitor.observations import ArticleObservation, ColumnObservation, PageMeta, SiteObservation

    obs = SiteObservation("https://www.a.gov.cn/", AS_OF, True, final_url="https://www.a.gov.cn/")
    obs.columns = [ColumnObservation("通知公告", "https://www.a.gov.cn/tzgg/", 1, "notice", True)]
    obs.articles = [ArticleObservation("https://www.a.gov.cn/tzgg/1.html", "通知", "通知公告", "", None, None, "")]
    obs.page_meta = [
        PageMeta("https://www.a.gov.cn/", (("SiteName", "示例"), ("SiteDomain", "www.a.gov.cn"), ("SiteIDCode", "5101000009"))),
        PageMeta("https://www.a.gov.cn/tzgg/", (("ColumnName", "通知公告"), ("ColumnType", "通知公告"))),
        PageMeta("https://www.a.gov.cn/tzgg/1.html", (("ArticleTitle", "通知"), ("PubDate", ""))),
    ]
    site = Website("示例", "https://www.a.gov.cn/", "成都", "县级门户", "5101000001")
    found = {f.key: f.evidence for f in metadata_tags(obs, site, RULES.rule("metadata_tags"))}
    assert set(found) == {"home", "article"}
    assert (found["home"]["meta_code"], found["home"]["pages"]) == ("5101000009", [])
    assert found["article"]["pages"] == [{"url": "https://www.a.gov.cn/tzgg/1.html", "missing": ["PubDate", "ContentSource"]}]
