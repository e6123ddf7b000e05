"""A kill -9 in the middle of writes never corrupts the store; unfinished runs become abandoned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from monitor.store import Store

WRITER = r"""
import sys
from monitor.store import Store
from monitor.models import Finding, Severity, SubjectKind
store = Store.open(sys.argv[1])
store.insert_registry_row("websites", {"url": "http://a.gov.cn/", "name": "A", "region": "成都", "kind": "市级门户"})
i = 0
while True:
    run = store.start_run(SubjectKind.WEBSITE, 1, "site", as_of=f"2022-12-{1 + i % 28:02d}T10:00:00+08:00",
                          started_at="2022-12-01T10:00:00+08:00")
    findings = [Finding("dead_links", Severity.DEDUCTION, "存在错链、断链", {"n": i, "pad": "x" * 2000}, key=str(k))
                for k in range(20)]
    store.record_findings(SubjectKind.WEBSITE, 1, findings, checked_rules=["dead_links"],
                          seen_at=f"2022-12-{1 + i % 28:02d}T10:00:00+08:00")
    store.finish_run(run, finished_at="2022-12-01T10:00:01+08:00", outcome="ok")
    i += 1
    if i == 5:
        print("writing", flush=True)
"""


def test_kill_9_during_writes_leaves_a_consistent_database(tmp_path: Path):
    db = tmp_path / "crash.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"writing"
        time.sleep(0.3)  # let it get well into a later transaction
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    store = Store.open(db)
    try:
        assert store.integrity() == "ok"
        findings = store.findings()
        assert len(findings) == 20  # every committed upsert is whole: one row per key, none half-written
        runs = sum(1 for run in store.runs() if run["outcome"] == "ok")
        assert runs >= 5
        assert store.abandon_unfinished_runs("2022-12-02T00:00:00+08:00") <= 1
    finally:
        store.close()
