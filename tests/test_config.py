"""Settings: packaged defaults, a partial user file over them, GOVMON_CONFIG, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No GOVMON_CONFIG from the environment and no ./config.toml unless a test writes one."""
    monkeypatch.delenv("GOVMON_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path):
    settings = load_settings()
    assert settings.database == tmp_path / "govmon.db"
    assert settings.report_dir == tmp_path / "reports"
    assert settings.rules_dir == (REPO / "rules").resolve()
    assert str(settings.timezone) == "Asia/Shanghai"
    assert settings.probe.timeout_s == 15.0 and settings.crawl.respect_robots is True
    assert (settings.province, settings.region_order) == ("四川省", ())
    assert settings.log_file is None and len(settings.source_files) == 1


def test_partial_user_file_overrides_only_its_keys(tmp_path):
    user = write(tmp_path / "etc" / "site.toml", """
[probe]
per_day = 30
timeout_s = 10            # an int where the default is a float is fine

[crawl]
retries = 5

[crawl.host_overrides]
"www.sc.gov.cn" = "127.0.0.1:8080"

[store]
database = "data/govmon.db"
""")
    settings = load_settings(user)
    assert settings.probe.per_day == 30 and settings.probe.timeout_s == 10.0
    assert isinstance(settings.probe.timeout_s, float) and settings.probe.jitter_s == 600
    assert settings.crawl.retries == 5 and settings.crawl.per_host_concurrency == 2
    assert settings.crawl.host_overrides == {"www.sc.gov.cn": "127.0.0.1:8080"}
    assert settings.database == (tmp_path / "etc" / "data" / "govmon.db").resolve()  # relative to the user file
    assert settings.report_dir == tmp_path / "reports"
    assert settings.source_files[-1] == user.resolve()


def test_govmon_config_environment_variable(tmp_path, monkeypatch):
    from_env = write(tmp_path / "env.toml", "[probe]\nper_day = 40\n")
    monkeypatch.setenv("GOVMON_CONFIG", str(from_env))
    assert load_settings().probe.per_day == 40
    explicit = write(tmp_path / "explicit.toml", "[probe]\nper_day = 50\n")
    assert load_settings(explicit).probe.per_day == 50  # --config wins over the environment


def test_config_toml_in_working_folder(tmp_path):
    write(tmp_path / "config.toml", "[schedule]\nreport_hour = 7\n")
    assert load_settings().schedule.report_hour == 7
    assert load_settings(cwd_default=False).schedule.report_hour == 6


@pytest.mark.parametrize(("text", "key"), [
    ("[crawl]\nbogus = 1\n", "crawl.bogus"),
    ("[nonsense]\nx = 1\n", "nonsense"),
    ("[crawl.retries]\nx = 1\n", "crawl.retries"),
])
def test_unknown_key_names_key_and_file(tmp_path, text, key):
    user = write(tmp_path / "user.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(user)
    assert str(user.resolve()) in str(info.value) and f"'{key}'" in str(info.value)


@pytest.mark.parametrize(("text", "key"), [
    ('[crawl]\nretries = "two"\n', "crawl.retries"),
    ("[crawl]\nrespect_robots = 1\n", "crawl.respect_robots"),
    ("[crawl]\nper_host_delay_s = true\n", "crawl.per_host_delay_s"),
    ("crawl = 3\n", "crawl"),
    ('[regions]\norder = "成都"\n', "regions.order"),
    ("[probe]\nper_day = 0\n", "probe.per_day"),
    ("[crawl]\nglobal_concurrency = 0\n", "crawl.global_concurrency"),
    ("[accounts]\nsample_rate = 1.5\n", "accounts.sample_rate"),
    ('[report]\nformats = ["pdf"]\n', "report.formats"),
    ('[time]\ntimezone = "Mars/Olympus"\n', "time.timezone"),
    ("[crawl]\nsite_memory_mb = 0\n", "crawl.site_memory_mb"),
    ("[crawl]\nmemory_budget_mb = 8\n", "crawl.memory_budget_mb"),
    ("[crawl]\ndead_host_memory_s = -1\n", "crawl.dead_host_memory_s"),
    ('[crawl.platform_groups]\n"政务云" = "*.gov.cn"\n', "crawl.platform_groups.政务云"),
    ("[schedule]\nfull_check_within_h = 0\n", "schedule.full_check_within_h"),
    ("[schedule]\nfull_check_within_h = 30.0\n", "schedule.full_check_within_h"),
])
def test_bad_value_names_key_and_file(tmp_path, text, key):
    user = write(tmp_path / "user.toml", text)
    with pytest.raises(ConfigError) as info:
        load_settings(user)
    assert str(user.resolve()) in str(info.value) and f"'{key}'" in str(info.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")
    broken = write(tmp_path / "broken.toml", "[crawl\nretries = 1\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_settings(broken)


def test_a_copy_of_the_packaged_config_in_another_folder_works(tmp_path, monkeypatch):
    """README "Run as a service" copies config.toml to /etc/govmon: its relative rules folder stays the
    packaged one, and the 市(州) stay Sichuan's (the copy's empty order still means the official one)."""
    etc = tmp_path / "etc" / "govmon"
    etc.mkdir(parents=True)
    (etc / "config.toml").write_bytes((REPO / "config.toml").read_bytes())
    work = tmp_path / "var"
    work.mkdir()
    monkeypatch.chdir(work)
    settings = load_settings(etc / "config.toml")
    assert settings.rules_dir == (REPO / "rules").resolve()
    assert settings.database == work / "govmon.db"
    own = tmp_path / "own.toml"
    own.write_text('[rules]\ndirectory = "my-rules"\n', encoding="utf-8")
    assert load_settings(own).rules_dir == tmp_path / "my-rules"  # a changed path is the user's, as before
