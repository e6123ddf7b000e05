"""CPU and memory per hostile page: what the fetcher's cost check and the page readers spend on pages a
real deployment meets (deep nesting, link floods, huge pages), against the page's own size.

    .venv/bin/python -m bench.hostile_pages

Each case runs in a fresh child process so its peak RSS is its own. Printed: the case, the page size,
whether the fetcher marks it incomplete (and so it is never parsed), CPU seconds of the cost check
and of reading the page as a home page, and the peak RSS growth over the child's baseline.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date

CASES = {
    "nested 100k <div>": lambda: "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
    "nested 990 <div> (under the cap)": lambda: "<html><body>" + "<div>" * 990 + "x" + "</div>" * 990,
    "130k links, 4.7 MB": lambda: "<html><body>" + "".join(f"<a href='/p{i}.html'>第{i}条</a>" for i in range(130_000)),
    "4,900 links (under the cap)": lambda: "<html><body>" + "".join(
        f"<a href='/p{i}.html'>第{i}条</a>" for i in range(4_900)),
    "5 MB text page": lambda: "<html><body>" + "<p>政务公开 " + "文字" * 800_000 + "</p>",
    "5 MB, 4,900 links and text": lambda: "<html><body>" + "".join(
        f"<a href='/p{i}.html'>第{i}条</a>" for i in range(4_900)) + "<p>" + "文字" * 780_000 + "</p>",
    "5 MB of 30k paragraphs": lambda: "<html><body>" + "".join(
        f"<p>第{i}段 政务公开文字内容，" + "字" * 40 + "</p>" for i in range(30_000)),
}


def measure(name: str) -> dict[str, object]:
    from monitor.crawl.pages import PageExaminer
    from monitor.crawl.site import read_home_page
    from monitor.crawl.urls import SiteScope
    from monitor.fetch.client import too_costly

    html = CASES[name]()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    reason = too_costly(html, 5000)
    check_s = time.process_time() - started
    read_s = None
    if not reason:
        scope = SiteScope.for_site("http://www.a.gov.cn/", "http://www.a.gov.cn/")
        started = time.process_time()
        read_home_page(html, "http://www.a.gov.cn/", date(2024, 6, 10), PageExaminer(scope, ()))
        read_s = round(time.process_time() - started, 3)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    return {"case": name, "page_mb": round(len(html.encode()) / 1e6, 2),
            "times_page": round(grown / (len(html.encode()) / 2**20), 1), "incomplete": reason or "-",
            "check_s": round(check_s, 4), "read_s": read_s if read_s is not None else "not parsed",
            "peak_growth_mb": round(grown, 1)}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2]), ensure_ascii=False))
        return
    for name in CASES:
        out = subprocess.run([sys.executable, "-m", "bench.hostile_pages", "--one", name], capture_output=True,
                             text=True, timeout=600, check=True).stdout
        row = json.loads(out)
        print(" | ".join(str(row[k]) for k in ("case", "page_mb", "incomplete", "check_s", "read_s", "peak_growth_mb",
                                         "times_page")))


if __name__ == "__main__":
    main()
