"""Province-scale benchmark: N sites served on loopback, checked by the real `govmon` CLI in a subprocess.

    .venv/bin/python -m bench.province                       # 800 sites: check --all, then a daemon window
    .venv/bin/python -m bench.province --sites 200 --only check --json out.json
    .venv/bin/python -m bench.province --sites 2000 --only check --refused 0.9 --hung 0.05   # mostly down

The province (bench/province_plan.py) is made from the demo's site templates with a realistic mix: 2% slow,
1% hung, 1% refused, 10% on one 集约化 platform address. ONE separate process serves it
(bench/province_server.py), a distinct 127.x.y.z address per server, and logs every request with the number
in flight at its server address. govmon reaches the sites by name through `crawl.host_overrides` in its
config file, the way a user points it at a test network; everything else is the packaged default (politeness,
article reading, retries, deadlines), except the headless browser (off unless `--render auto`).

Each phase gets a fresh server, database and config:
- `check`: `govmon registry import`, then `govmon check --all --as-of 2022-12-28 --json` timed;
- `daemon`: `govmon registry import`, then `govmon run` with a short window (`schedule.site_check_interval_h`,
  and `schedule.full_check_within_h` when this govmon has it), until every site has a finished check, then
  SIGTERM.
Reported per phase: wall time, pages, CPU (user + sys of the govmon process, from wait4, and of its page
workers, sampled), peak RSS of the govmon process and the peak PSS of it and its workers together, per-site
time percentiles (from the store's runs), the slowest sites, the most requests any server group had in flight
against the politeness limit (asserted: exit 1 when a group went over it), sites that answer but ended 未能检查
(asserted too: only hung and refused sites may), and the national arithmetic.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import IO, Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.proctree import TreeSampler  # noqa: E402
from bench.province_plan import Mix, ProvincePlan, plan_province  # noqa: E402
from bench.province_stats import (  # noqa: E402
    GroupCheck,
    group_checks,
    national_estimate,
    percentile,
)
from monitor.config import Settings, load_settings  # noqa: E402
from monitor.demo.registry_files import WEBSITE_HEADER, spec_rows  # noqa: E402
from monitor.demo.settings import toml_text  # noqa: E402
from monitor.models import SubjectKind  # noqa: E402
from monitor.store import Store  # noqa: E402

AS_OF = "2022-12-28"  # the demo templates' pages are dated as of the seed notice
PHASES = ("check", "daemon")


@dataclass
class Options:
    mix: Mix
    out: Path
    phases: tuple[str, ...] = PHASES
    crawl: dict[str, Any] = field(default_factory=dict)  # [crawl] keys over the defaults (the test's short timeouts)
    render: str = "off"
    daemon_window_h: float = 0.5
    daemon_tick_s: float = 10.0
    daemon_limit_s: float | None = None  # stop the daemon phase after this long even if sites are left


@dataclass
class Measured:
    """What the OS says about the govmon process: wall, CPU, peak RSS, exit code; and about the page workers
    it started (sampled each second): their CPU, and the peak PSS of govmon and its workers together."""

    wall_s: float
    user_s: float
    sys_s: float
    peak_rss_mb: float
    exit_code: int
    workers_cpu_s: float
    peak_pss_mb: float


def govmon(config: Path, *args: str) -> list[str]:
    """The real CLI as a user runs it (the `govmon` script of this environment; `python -m monitor` where
    there is none), with the bench's config file."""
    script = Path(sys.executable).parent / "govmon"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "monitor"]
    return [*command, "--config", str(config), *args]


def wait_measured(process: subprocess.Popen[Any], started: float, tree: TreeSampler) -> Measured:
    """Reap the child with wait4 for its own rusage (CPU and peak RSS of that process alone); its workers are
    what `tree` saw of them while it ran."""
    _pid, status, usage = os.wait4(process.pid, 0)
    tree.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(round(time.perf_counter() - started, 1), round(usage.ru_utime, 1), round(usage.ru_stime, 1),
                    round(usage.ru_maxrss / 1024, 1), process.returncode, round(tree.workers_cpu_s, 1),
                    round(tree.peak_pss_mb, 1))


# -- the served province ------------------------------------------------------------------------------------
class ServedProvince:
    """The serving process of one phase: started on enter, stopped (summary written) on exit."""

    def __init__(self, plan: ProvincePlan, folder: Path):
        self.plan = plan
        self.log_path, self.summary_path = folder / "requests.tsv", folder / "server-summary.json"
        mix = plan.mix
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.province_server", "--mix",
             f"{mix.sites},{mix.slow},{mix.hung},{mix.refused},{mix.platform}",
             "--log", str(self.log_path), "--summary", str(self.summary_path)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("the province server did not start (see its stderr)")
        ready = json.loads(line)
        self.ports: dict[str, int] = {**ready["ports"], **ready["refused"]}

    def host_overrides(self) -> dict[str, str]:
        """Every site and outside host name -> the address:port of its server (refused: where nothing listens)."""
        overrides = {site.host: f"{site.address}:{self.ports[site.address]}" for site in self.plan.sites}
        overrides.update({host: f"{a}:{self.ports[a]}" for host, a in self.plan.external.items()})
        return overrides

    def stop(self) -> dict[str, dict[str, int]]:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            self._process.wait(timeout=60)
        if self._process.stdout is not None:
            self._process.stdout.close()
        if not self.summary_path.exists():
            return {}
        summary: dict[str, dict[str, int]] = json.loads(self.summary_path.read_text(encoding="utf-8"))
        return summary


def write_inputs(plan: ProvincePlan, served: ServedProvince, folder: Path, options: Options,
                 schedule: dict[str, float] | None = None) -> Path:
    """The registry file and the config file a user would write for this province; returns the config."""
    with (folder / "websites.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(WEBSITE_HEADER)
        writer.writerows(spec_rows((s.spec for s in plan.sites), {s.spec.name: s.url for s in plan.sites}))
    config: dict[str, Any] = {
        "store": {"database": str(folder / "govmon.db")},
        "crawl": {**options.crawl, "host_overrides": served.host_overrides()},
        "render": {"browser": options.render},
        "report": {"output_dir": str(folder / "reports")},
        "log": {"file": str(folder / "govmon.log")},
    }
    if schedule:
        config["schedule"] = schedule
    path = folder / "config.toml"
    path.write_text("# Written by bench/province.py\n\n" + toml_text(config), encoding="utf-8")
    return path


def import_registry(config: Path, folder: Path) -> None:
    done = subprocess.run(govmon(config, "registry", "import", str(folder / "websites.csv")),
                          capture_output=True, text=True, cwd=folder)
    if done.returncode != 0:
        raise RuntimeError(f"registry import failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")


# -- phases -------------------------------------------------------------------------------------------------
def run_check(config: Path, folder: Path) -> Measured:
    with (folder / "check.json").open("w") as out, (folder / "check.stderr").open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(govmon(config, "check", "--all", "--as-of", AS_OF, "--json"),
                                   stdout=out, stderr=err, cwd=folder)
        return wait_measured(process, started, TreeSampler(process.pid).start())


def run_daemon(config: Path, folder: Path, sites: int, options: Options) -> Measured:
    """`govmon run` until every site has a finished check (or the limit passes), then SIGTERM."""
    limit_s = options.daemon_limit_s or options.daemon_window_h * 3600 * 2 + 600
    database = folder / "govmon.db"
    with (folder / "daemon.stderr").open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(govmon(config, "run", "--tick", f"{options.daemon_tick_s:g}", "--grace", "10"),
                                   stdout=err, stderr=err, cwd=folder)
        tree = TreeSampler(process.pid).start()
        store = Store.open(database)
        try:
            while time.perf_counter() - started < limit_s and process.poll() is None:
                if len(store.last_run_times(SubjectKind.WEBSITE, "site")) >= sites:
                    break
                time.sleep(min(5.0, options.daemon_tick_s))
        finally:
            store.close()
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        return wait_measured(process, started, tree)


def site_runs(database: Path, plan: ProvincePlan) -> list[dict[str, Any]]:
    """The first finished check of every site (the store's runs), with its plan behaviour."""
    rows = []
    store = Store.open(database)
    try:
        for website in store.websites():
            assert website.id is not None
            runs = store.site_runs(website.id, limit=100)
            planned = plan.by_host[urlsplit(website.url).hostname or ""]
            if not runs:
                rows.append({"name": website.name, "behaviour": planned.behaviour, "seconds": None})
                continue
            first = runs[-1]
            seconds = (datetime.fromisoformat(first["finished_at"]) - datetime.fromisoformat(first["started_at"]))
            rows.append({"name": website.name, "host": planned.host, "behaviour": planned.behaviour,
                         "template": planned.template,
                         "started_at": first["started_at"], "finished_at": first["finished_at"],
                         "seconds": seconds.total_seconds(), "pages": first["pages"] or 0, "outcome": first["outcome"],
                         "verdict": json.loads(first["summary"] or "{}").get("verdict")})
    finally:
        store.close()
    return rows


def politeness_limit(config: Path) -> int:
    """Requests one server group may have in flight: the per-host concurrency govmon is configured with."""
    settings: Settings = load_settings(config, cwd_default=False)
    return settings.crawl.per_host_concurrency


def summarise(phase: str, measured: Measured, runs: list[dict[str, Any]], groups: list[GroupCheck],
              started_at: float) -> dict[str, Any]:
    checked = [r for r in runs if r["seconds"] is not None]
    durations = [float(r["seconds"]) for r in checked]
    slowest = sorted(checked, key=lambda r: -float(r["seconds"]))[:8]
    over = [g for g in groups if g.over]
    cpu = measured.user_s + measured.sys_s
    cpu_all = cpu + measured.workers_cpu_s
    # A site that answers, judged 未能检查: govmon's own queue (or a wrong fail-fast) cost it its check.
    healthy_unchecked = [r["name"] for r in checked
                         if r["behaviour"] not in ("hung", "refused") and r.get("verdict") == "未能检查"]
    return {
        "phase": phase, "sites": len(runs), "checked": len(checked), "wall_s": measured.wall_s,
        "exit_code": measured.exit_code, "pages": sum(int(r["pages"]) for r in checked),
        "requests": sum(g.requests for g in groups), "cpu_user_s": measured.user_s, "cpu_sys_s": measured.sys_s,
        "cpu_s": round(cpu, 1), "workers_cpu_s": measured.workers_cpu_s, "cpu_all_s": round(cpu_all, 1),
        "peak_rss_mb": measured.peak_rss_mb, "peak_pss_mb": measured.peak_pss_mb,
        "site_s": {"p50": percentile(durations, 0.5), "p90": percentile(durations, 0.9),
                   "p99": percentile(durations, 0.99), "max": max(durations, default=0.0)},
        "slowest": [{k: r[k] for k in ("name", "behaviour", "template", "seconds", "pages", "outcome")}
                    for r in slowest],
        "outcomes": dict(Counter(str(r.get("outcome")) for r in checked)),
        "verdicts": dict(Counter(str(r.get("verdict")) for r in checked)),
        "politeness_limit": groups[0].limit if groups else None,
        "groups_top": [vars(g) for g in groups[:6]],
        "groups_over_limit": [vars(g) for g in over],
        "healthy_unchecked": healthy_unchecked,
        "active_s": _active_span(checked),
        "national": national_estimate(durations, _active_span(checked) or measured.wall_s, cpu,
                                      workers_cpu_s=measured.workers_cpu_s, cores=os.cpu_count() or 1),
        "load_before": started_at,
        "runs": runs,
    }


def _active_span(runs: list[dict[str, Any]]) -> float:
    """Seconds from the first check's start to the last one's end (the daemon waits for due times around it)."""
    if not runs:
        return 0.0
    start = min(datetime.fromisoformat(r["started_at"]) for r in runs)
    end = max(datetime.fromisoformat(r["finished_at"]) for r in runs)
    return (end - start).total_seconds()


def run_phase(phase: str, plan: ProvincePlan, options: Options) -> dict[str, Any]:
    folder = options.out / phase
    folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    served = ServedProvince(plan, folder)
    try:
        if phase == "check":
            config = write_inputs(plan, served, folder, options)
            import_registry(config, folder)
            measured = run_check(config, folder)
        else:
            schedule = {"site_check_interval_h": options.daemon_window_h}
            if hasattr(load_settings(cwd_default=False).schedule, "full_check_within_h"):
                schedule["full_check_within_h"] = options.daemon_window_h
            config = write_inputs(plan, served, folder, options, schedule)
            import_registry(config, folder)
            measured = run_daemon(config, folder, len(plan.sites), options)
    finally:
        summary = served.stop()
    groups = group_checks(summary, politeness_limit(config), plan.group_of)
    result = summarise(phase, measured, site_runs(folder / "govmon.db", plan), groups, load)
    result["load_after"] = os.getloadavg()[0]
    result["folder"] = str(folder)
    if phase == "daemon":
        result["window_h"] = options.daemon_window_h
        result["checked_within_window"] = _share_within(folder / "govmon.db", plan, options.daemon_window_h)
    return result


def _share_within(database: Path, plan: ProvincePlan, window_h: float) -> float:
    """Share of sites whose first check finished within the window after the first check started."""
    runs = [r for r in site_runs(database, plan) if r["seconds"] is not None]
    if not runs:
        return 0.0
    start = min(datetime.fromisoformat(r["started_at"]) for r in runs)
    within = sum(1 for r in runs if (datetime.fromisoformat(r["finished_at"]) - start).total_seconds() <= window_h * 3600)
    return round(within / len(plan.sites), 4)


def run_bench(options: Options) -> dict[str, Any]:
    plan = plan_province(options.mix, load_settings(cwd_default=False).rules_dir)
    options.out.mkdir(parents=True, exist_ok=True)
    results = {"mix": vars(options.mix), "uptime": _uptime(), "crawl_overrides": options.crawl,
               "render": options.render, "phases": {}}
    for phase in options.phases:
        results["phases"][phase] = run_phase(phase, plan, options)
    results["uptime_after"] = _uptime()
    results["ok"] = all(not p["groups_over_limit"] and not p["healthy_unchecked"] and p["checked"] == p["sites"]
                        for p in results["phases"].values())
    return results


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


# -- printing -----------------------------------------------------------------------------------------------
def print_report(results: dict[str, Any], out: IO[str] = sys.stdout) -> None:
    mix = results["mix"]
    out.write(f"province: {mix['sites']} sites ({mix['slow']} slow, {mix['hung']} hung, {mix['refused']} refused,"
              f" {mix['platform']} on one platform); browser {results['render']}\n")
    out.write(f"load: {results['uptime']}\n      {results['uptime_after']}\n")
    for phase, p in results["phases"].items():
        s = p["site_s"]
        out.write(f"\n[{phase}] {p['checked']}/{p['sites']} sites checked in {p['wall_s']:.0f} s wall (exit {p['exit_code']});"
                  f" {p['pages']} pages, {p['requests']} requests served\n")
        out.write(f"  CPU {p['cpu_s']:.1f} s (user {p['cpu_user_s']:.1f}, sys {p['cpu_sys_s']:.1f}) and"
                  f" {p['workers_cpu_s']:.1f} s in page workers,"
                  f" peak RSS {p['peak_rss_mb']:.0f} MB, with workers peak PSS {p['peak_pss_mb']:.0f} MB,"
                  f" load {p['load_before']:.1f} -> {p['load_after']:.1f}\n")
        out.write(f"  per-site seconds: p50 {s['p50']:.0f}, p90 {s['p90']:.0f}, p99 {s['p99']:.0f}, max {s['max']:.0f}\n")
        if phase == "daemon":
            out.write(f"  window {p['window_h']} h: {p['checked_within_window']:.1%} of sites checked within it\n")
        out.write(f"  outcomes {p['outcomes']}; verdicts {p['verdicts']}\n")
        out.write("  slowest: " + "; ".join(f"{r['name']} ({r['behaviour']}, {r['template']}) {r['seconds']:.0f} s"
                                            f" {r['pages']} p" for r in p["slowest"][:5]) + "\n")
        out.write(f"  most in flight per server group (limit {p['politeness_limit']}):\n")
        for g in p["groups_top"]:
            out.write(f"    {g['max_in_flight']:3d}  {g['name']}  ({g['requests']} requests, {g['hosts']} host names)\n")
        if p["groups_over_limit"]:
            out.write(f"  ASSERTION FAILED: {len(p['groups_over_limit'])} server groups over the limit: "
                      + ", ".join(f"{g['name']} {g['max_in_flight']}" for g in p["groups_over_limit"]) + "\n")
        else:
            out.write("  no server group over its limit\n")
        if p["healthy_unchecked"]:
            out.write(f"  FAILED: {len(p['healthy_unchecked'])} sites that answer ended 未能检查: "
                      + ", ".join(p["healthy_unchecked"][:5]) + "\n")
        n = p["national"]
        if n:
            out.write(f"  14,000 sites: mean {n['mean_site_s']} s/site at {n['concurrency']} sites in flight ->"
                      f" {n['waiting_bound_h']} h waiting-bound; {n['cpu_per_site_s']} CPU s/site -> {n['cpu_bound_h']} h"
                      f" CPU-bound; estimate {n['estimate_h']} h (12 h needs {n['concurrency_for_goal']} in flight)\n")
    out.write(f"\n{'OK' if results['ok'] else 'FAILED'}\n")


def mix_of(sites: int, refused: float | None, hung: float | None) -> Mix:
    """The default mix, or one with more dead sites (`--refused 0.9`: a registry that is mostly down)."""
    mix = Mix.default(sites)
    if refused is None and hung is None:
        return mix
    down = round(sites * (refused if refused is not None else 0.01)), round(sites * (hung if hung is not None else 0.01))
    answering = sites - sum(down)  # slow and platform sites as shares of the sites that answer
    return Mix(sites, slow=round(answering * 0.02), hung=down[1], refused=down[0], platform=round(answering * 0.10))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=800)
    parser.add_argument("--only", choices=PHASES, help="run one phase")
    parser.add_argument("--out", type=Path, help="working folder (default: a new temporary folder, kept)")
    parser.add_argument("--render", default="off", help="[render] browser: off (default) or auto")
    parser.add_argument("--window-h", type=float, default=0.5, help="daemon window in hours (default 0.5)")
    parser.add_argument("--daemon-limit-s", type=float, help="stop the daemon phase after this long")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--refused", type=float, help="share of sites where nothing listens (default 0.01)")
    parser.add_argument("--hung", type=float, help="share of sites that accept and never answer (default 0.01)")
    args = parser.parse_args(argv)
    out = args.out or Path(mkdtemp(prefix="govmon-province-"))
    options = Options(mix_of(args.sites, args.refused, args.hung), out, (args.only,) if args.only else PHASES, render=args.render,
                      daemon_window_h=args.window_h, daemon_limit_s=args.daemon_limit_s)
    results = run_bench(options)
    print_report(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"files: {out}")
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
