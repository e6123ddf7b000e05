"""The configuration that points govmon at a served fixture province.

Written as a real config file and read back through `load_settings`, so the demo, the tests and a
user who reruns commands with `--config demo-out/config.toml` all get the same, checked settings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from monitor.config import Settings, load_settings
from monitor.demo.server import RunningProvince

DATABASE_NAME = "govmon-demo.db"
CONFIG_NAME = "config.toml"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def demo_config(running: RunningProvince, out_dir: Path) -> dict[str, Any]:
    """Overrides of the packaged defaults: local targets allowed, site names and outside hosts sent to
    their servers, the demo CA trusted, no politeness pauses (the servers are ours) and short timeouts (nothing here is slow)."""
    return {
        "store": {"database": str(out_dir / DATABASE_NAME)},
        "crawl": {
            "allow_private_targets": True,
            "per_host_concurrency": 4,
            "per_host_delay_s": 0.0,
            "connect_timeout_s": 3.0,
            "read_timeout_s": 10.0,
            "retries": 1,
            "retry_backoff_s": 0.1,
            "host_overrides": running.host_overrides,
            "extra_ca_files": [str(running.ca_file)] if running.ca_file else [],
        },
        "accounts": {"platform_delay_s": 0.0, "weibo_api_base": running.media_url},  # imitates m.weibo.cn
        "report": {"output_dir": str(out_dir / "reports")},
    }


def toml_text(data: dict[str, Any], prefix: str = "") -> str:
    """Render nested tables of str/int/float/bool values (all a demo config needs) as TOML."""
    lines = [f"[{prefix}]"] if prefix else []
    lines += [f"{_key(k)} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    blocks = ["\n".join(lines) + "\n"] if lines else []
    blocks += [
        toml_text(value, f"{prefix}.{_key(key)}" if prefix else _key(key))
        for key, value in data.items()
        if isinstance(value, dict)
    ]
    return "\n".join(blocks)


def _key(key: str) -> str:
    """Bare keys where TOML allows them; quoted otherwise (host names hold dots)."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def write_demo_config(running: RunningProvince, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CONFIG_NAME
    header = "# Written by `govmon demo`: settings for the fixture province served on 127.0.0.1.\n\n"
    path.write_text(header + toml_text(demo_config(running, out_dir)), encoding="utf-8")
    return path


def demo_settings(running: RunningProvince, out_dir: Path) -> Settings:
    """Write the demo config into `out_dir` and load it over the packaged defaults."""
    return load_settings(write_demo_config(running, out_dir.resolve()), cwd_default=False)
