"""Console page latency while a daemon-like writer checks 40 sites at the same time.

Three processes share one SQLite file, as in production: a writer that checks all 40 sites
concurrently, round after round (crawl, judge, store findings, pages and runs) and records a probe
round between them; `govmon web` served by uvicorn; and this client, logged in as a supervisor,
requesting every main page in turn and timing each answer. Prints p50/p95/max per page, and the
"database is locked" / StoreBusy errors seen on either side (there should be none).

    .venv/bin/python -m bench.console_latency                 # 40 sites, 60 s of load
    .venv/bin/python -m bench.console_latency --sites 40 --seconds 120 --json out.json

A benchmark script, not a timed test; numbers go in bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.largesite import LargeSiteServer, Shape

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "bench password 1"
PAGES = ["/", "/findings", "/findings?severity=veto&status=open", "/regions/{region}", "/sites/{site}",
         "/findings/{finding}", "/rectification", "/accounts", "/api/findings", "/findings/export.csv"]


def write_config(folder: Path, port: int, sites: int) -> Path:
    overrides = "\n".join(f'"s{n}.bench.gov.cn" = "127.0.0.1:{port}"' for n in range(sites))
    config = folder / "config.toml"
    config.write_text(
        f'[store]\ndatabase = "{folder / "bench.db"}"\n[crawl]\nallow_private_targets = true\n'
        f"per_host_delay_s = 0.0\nretries = 0\nrespect_robots = false\n[crawl.host_overrides]\n{overrides}\n",
        encoding="utf-8")
    registry = folder / "websites.csv"
    regions = ["阿坝", "雅安", "成都", "绵阳"]
    registry.write_text("网站名称,网址,所属地方或部门,网站类型,网站标识码,主办单位\n" + "".join(
        f"基准站点{n},http://s{n}.bench.gov.cn/,{regions[n % 4]},县级门户,51{n:08d},基准单位{n}\n"
        for n in range(sites)), encoding="utf-8")
    return config


def govmon(config: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), *args], input=stdin,
                            capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"govmon {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def seed_probes(config: Path, now: datetime) -> None:
    """A week of probe rounds (24 a day) for every site, as the daemon would have written them."""
    from monitor.checks.availability import ProbeRow
    from monitor.config import load_settings
    from monitor.store import Store

    store = Store.open(load_settings(config).database)
    sites = store.websites()
    for hour in range(7 * 24):
        at = now - timedelta(hours=hour)
        round_id = uuid.uuid4().hex
        store.record_probes((w.id, ProbeRow(at=at, outcome="ok" if (w.id + hour) % 23 else "timeout", status=200,
                                            latency_ms=80, round_id=round_id)) for w in sites)
    store.close()


def writer(config: Path, stop_at: float, out: mp.Queue) -> None:
    """The daemon-like load: every site checked concurrently, round after round, plus probe rounds."""
    from monitor.checks.availability import ProbeRow
    from monitor.config import load_settings
    from monitor.rulebook import Rulebook
    from monitor.service import check_website, http_fetcher
    from monitor.store import Store

    settings = load_settings(config)
    rulebook = Rulebook(settings.rules_dir)
    store = Store.open(settings.database)
    stats = {"rounds": 0, "checks": 0, "errors": [], "locked": 0}

    async def run() -> None:
        async with http_fetcher(settings) as fetcher:
            while time.monotonic() < stop_at:
                as_of = datetime.now(SHANGHAI).replace(microsecond=0)
                results = await asyncio.gather(*(check_website(store, rulebook, settings, w, as_of, fetcher=fetcher)
                                                 for w in store.websites()), return_exceptions=True)
                for result in results:
                    if isinstance(result, BaseException):
                        stats["errors"].append(f"{type(result).__name__}: {result}"[:200])
                        stats["locked"] += "locked" in str(result) or type(result).__name__ == "StoreBusy"
                    else:
                        stats["checks"] += 1
                store.record_probes((w.id, ProbeRow(at=as_of, outcome="ok", status=200, latency_ms=50,
                                                    round_id=uuid.uuid4().hex)) for w in store.websites())
                stats["rounds"] += 1

    asyncio.run(run())
    store.close()
    out.put(stats)


async def client(base: str, ids: dict[str, str], seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    failures: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        response = await http.post("/login", data={"username": "bench", "password": PASSWORD})
        assert response.status_code == 303, response.text
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            for page in PAGES:
                started = time.perf_counter()
                response = await http.get(page.format(**ids))
                timings[page].append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    failures.append(f"{page}: {response.status_code}")
    timings["__failures__"] = failures  # type: ignore[assignment]
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="govmon-console-bench-"))
    with LargeSiteServer(Shape(hubs=3, subs=4)) as site:
        config = write_config(folder, site.port, args.sites)
        govmon(config, "registry", "import", str(folder / "websites.csv"))
        govmon(config, "check", "--all")  # the first findings and runs
        seed_probes(config, datetime.now(SHANGHAI))
        govmon(config, "users", "add", "bench", "--role", "supervisor", "--password-stdin", stdin=PASSWORD + "\n")
        port = 18000 + os.getpid() % 1000
        log = (folder / "web.log").open("w")
        web = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "web", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        findings = json.loads(govmon(config, "findings", "list", "--json"))
        ids = {"region": "阿坝", "site": "1", "finding": str(findings[0]["id"])}
        queue: mp.Queue = mp.get_context("spawn").Queue()
        load = mp.get_context("spawn").Process(target=writer, args=(config, time.monotonic() + args.seconds + 5, queue))
        load.start()
        time.sleep(3)  # the writer is in its first round
        timings = asyncio.run(client(base, ids, args.seconds))
        load_stats = queue.get(timeout=600)
        load.join(30)
        web.send_signal(signal.SIGINT)
        web.wait(10)
        log.close()
    web_log = (folder / "web.log").read_text(encoding="utf-8", errors="replace")
    failures = timings.pop("__failures__")
    rows = {page: {"n": len(ms), "p50": statistics.median(ms), "p95": percentile(ms, 0.95), "max": max(ms)}
            for page, ms in timings.items() if ms}
    every = [v for ms in timings.values() for v in ms]
    summary = {
        "sites": args.sites, "seconds": args.seconds, "cpus": os.cpu_count(), "pages": rows,
        "all_p95_ms": percentile(every, 0.95), "requests": len(every), "failed_requests": failures[:20],
        "writer_rounds": load_stats["rounds"], "writer_checks": load_stats["checks"],
        "writer_errors": load_stats["errors"][:10], "writer_locked": load_stats["locked"],
        "web_locked": len(re.findall(r"database is locked|StoreBusy", web_log)),
    }
    print(f"{'page':45} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for page, row in rows.items():
        print(f"{page:45} {row['n']:5d} {row['p50']:8.1f} {row['p95']:8.1f} {row['max']:8.1f}")
    print(f"all pages: p95 {summary['all_p95_ms']:.1f} ms over {summary['requests']} requests; "
          f"writer: {summary['writer_rounds']} rounds, {summary['writer_checks']} site checks, "
          f"{len(load_stats['errors'])} errors; 'database is locked': writer {summary['writer_locked']}, "
          f"web {summary['web_locked']}; failed requests: {len(failures)}")
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
