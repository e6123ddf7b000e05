"""`govmon run` as a real process: SIGTERM stops it within the grace bound, with the store intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from monitor.store import Store
from tests.fetch_servers import Reply, Site

CONFIG = """
[render]
browser = "off"
[report]
formats = ["csv"]
[crawl]
allow_private_targets = true
per_host_delay_s = 0.0
[probe]
timeout_s = 30.0
jitter_s = 0.0
"""


def wait_for(predicate, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_sigterm_abandons_in_flight_probes_within_the_grace_bound(tmp_path: Path):
    stalling = Site({"/": Reply(stall_s=30.0)})
    db = tmp_path / "govmon.db"
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    with stalling:
        store = Store.open(db)
        store.insert_registry_row("websites", {"url": stalling.url(), "name": "很慢", "region": "成都", "kind": "市级部门",
                                     "site_code": "5101000001"})
        store.close()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(tmp_path / "config.toml"), "--db", str(db),
             "run", "--tick", "3600", "--grace", "1"],
            cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
        )
        try:
            wait_for(lambda: stalling.hits["/"] >= 1)  # a probe is in flight
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=15)
            stopped_after = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err
    assert stopped_after < 8, f"took {stopped_after:.1f}s to stop"
    assert "govmon daemon started" in err and "govmon daemon stopped" in err
    assert "abandoned at shutdown" in err
    store = Store.open(db)
    try:
        assert store.integrity() == "ok"
        outcomes = [run["outcome"] for run in store.runs()]
        assert "running" not in outcomes  # the cancelled check is recorded as abandoned: due again soon
    finally:
        store.close()


def test_sigterm_lets_a_check_in_flight_finish_within_grace(tmp_path: Path):
    slow = Site({"/": Reply(stall_s=2.0), "/robots.txt": Reply(404, b"")})
    db = tmp_path / "govmon.db"
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    with slow:
        store = Store.open(db)
        store.insert_registry_row("websites", {"url": slow.url(), "name": "两秒", "region": "成都", "kind": "市级部门",
                                     "site_code": "5101000001"})
        store.close()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(tmp_path / "config.toml"), "--db", str(db),
             "run", "--tick", "3600", "--grace", "10"],
            cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
        )
        try:
            wait_for(lambda: slow.hits["/robots.txt"] >= 1)  # the website check has begun
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=15)
            stopped_after = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err
    assert 1.0 < stopped_after < 8, f"stopped after {stopped_after:.1f}s"  # waited for the 2 s answer
    store = Store.open(db)
    try:
        outcomes = [run["outcome"] for run in store.runs(kind="site")]
    finally:
        store.close()
    assert outcomes == ["ok"], err
