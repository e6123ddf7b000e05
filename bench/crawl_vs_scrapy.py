"""Crawl throughput and memory: govmon (crawl + all website rules) against Scrapy on one large local site.

    .venv/bin/python -m bench.crawl_vs_scrapy                 # 5k and 21k pages, concurrency 8
    .venv/bin/python -m bench.crawl_vs_scrapy --pages 21000 --small-pages 0 --only govmon

Each crawl runs in its own fresh interpreter, so its peak RSS (`ru_maxrss` of that child) is its own.
The site (bench/largesite.py) is served by a separate process, identical for both crawlers; the
server's request counter checks that both crawled the same pages.

govmon: HttpFetcher (no delay, per-host = global concurrency = C, robots.txt obeyed, private targets
allowed) and `crawl_and_judge` (SiteCrawler + every website rule) with the page budget raised.
Scrapy: a spider following the same links (home -> hubs -> columns) and parsing the same listing
items (title, url, date) with Scrapy selectors; CONCURRENT_REQUESTS = per domain = C, no delay,
no AutoThrottle, ROBOTSTXT_OBEY, no HTTP cache.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.largesite import SITE_CODE, LargeSiteServer, Shape  # noqa: E402
from bench.proctree import descendants_usage  # noqa: E402

AS_OF = (2026, 11, 27, 10, 0)  # the bench judges as of 2026-11-27 10:00 Asia/Shanghai


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stub_sniffio() -> None:
    """Experiment: httpcore imports sniffio on every request; when it is not installed each failed
    import walks sys.path. A stub module shows what installing sniffio would gain."""
    import types

    module = types.ModuleType("sniffio")
    module.current_async_library = lambda: "asyncio"  # type: ignore[attr-defined]
    sys.modules["sniffio"] = module


def inline_parsing() -> None:
    """Experiment (for commits before the crawler read pages inline): run `asyncio.to_thread` parsing
    on the event loop instead of worker threads (with the GIL, threads add hand-offs and contention
    but no parallelism for Python code)."""
    import asyncio

    async def inline(func, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        return func(*args, **kwargs)

    asyncio.to_thread = inline  # type: ignore[assignment]


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# -- children: one crawl each, result as one JSON line on stdout --------------------------------------
def child_govmon(
    url: str, concurrency: int, max_pages: int, keep_items: int | None = None, *,
    articles: int | None = None, profile: Path | None = None, dump: Path | None = None,
) -> dict[str, Any]:
    import asyncio
    from dataclasses import replace
    from datetime import datetime

    from monitor.config import load_settings
    from monitor.fetch.client import HttpFetcher
    from monitor.models import Website
    from monitor.rulebook import Rulebook
    from monitor.service import crawl_and_judge

    if keep_items is not None:  # experiment: fewer listing items kept per column
        import monitor.crawl.column_reader as column_reader

        column_reader.MAX_ITEMS_KEPT = keep_items  # type: ignore[misc]
    settings = load_settings(cwd_default=False)
    crawl = replace(
        settings.crawl,
        allow_private_targets=True,
        per_host_delay_s=0.0,
        per_host_concurrency=concurrency,
        global_concurrency=concurrency,
        respect_robots=True,
        max_pages_per_site=max_pages,
        site_deadline_s=86_400.0,  # a loaded machine must not turn the measurement into an unfinished check
    )
    if articles is not None:  # experiment: articles read per column (0: none)
        crawl = replace(crawl, articles_per_column=articles)
    settings = replace(settings, crawl=crawl)
    rulebook = Rulebook(settings.rules_dir)
    website = Website(name="大型测试市人民政府", url=url, region="成都", kind="市级门户", site_code=SITE_CODE)
    as_of = datetime(*AS_OF, tzinfo=settings.timezone)

    done: dict[str, Any] = {}

    async def run() -> None:
        # The result is handed over in `done`, not returned: asyncio.run's clean-up takes repr() of
        # the main task (signal.getsignal -> Handlers(value) -> ValueError message), which would
        # format the whole observation (tens of MB for a 20k-page site) and count in the peak.
        async with HttpFetcher(crawl) as fetcher:
            done["obs"], done["findings"], _ = await crawl_and_judge(
                website, rulebook, settings, as_of, fetcher
            )

    before, cpu = current_rss_mb(), cpu_seconds()
    started = time.perf_counter()
    if profile is not None:
        import cProfile

        with cProfile.Profile() as profiler:
            asyncio.run(run())
        profiler.dump_stats(profile)
    else:
        asyncio.run(run())
    seconds = time.perf_counter() - started
    workers = descendants_usage(os.getpid())  # page workers: still running, started by the crawl
    obs, findings = done["obs"], done["findings"]
    if dump is not None:  # to compare two versions of the crawler: every finding with its evidence
        rows = sorted(json.dumps([f.rule, f.key, f.evidence], ensure_ascii=False, sort_keys=True, default=str)
                      for f in findings)
        dump.write_text("\n".join(rows) + "\n")
    return {
        "crawler": "govmon",
        "pages": obs.pages_fetched,
        "seconds": seconds,
        "cpu_s": cpu_seconds() - cpu + workers.cpu_s,
        "workers_cpu_s": workers.cpu_s,
        "workers_peak_rss_mb": workers.peak_rss_mb,
        "workers_pss_mb": workers.pss_mb,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_mb": current_rss_mb(),
        "columns": len(obs.columns),
        "items_kept": sum(len(c.items) for c in obs.columns),
        "findings": sorted({f.rule for f in findings}),
        "notes": obs.notes[:5],
    }


def child_fetch(url: str, concurrency: int, hubs: int, subs: int) -> dict[str, Any]:
    """Diagnostic: govmon's HttpFetcher alone fetching the same pages (no parsing, no rules)."""
    import asyncio
    from dataclasses import replace

    from monitor.config import load_settings
    from monitor.fetch.client import HttpFetcher

    crawl = replace(
        load_settings(cwd_default=False).crawl,
        allow_private_targets=True,
        per_host_delay_s=0.0,
        per_host_concurrency=concurrency,
        global_concurrency=concurrency,
        respect_robots=True,
    )
    urls = (
        [url]
        + [f"{url}c{i}/" for i in range(hubs)]
        + [f"{url}c{i}/s{j}/" for i in range(hubs) for j in range(subs)]
    )
    fetched = 0

    async def run() -> None:
        nonlocal fetched
        queue = iter(urls)
        async with HttpFetcher(crawl) as fetcher:

            async def worker() -> None:
                nonlocal fetched
                for page in queue:
                    result = await fetcher.fetch(page)
                    fetched += result.ok

            await asyncio.gather(*(worker() for _ in range(concurrency)))

    before, cpu = current_rss_mb(), cpu_seconds()
    started = time.perf_counter()
    asyncio.run(run())
    seconds = time.perf_counter() - started
    return {
        "crawler": "fetch",
        "pages": fetched,
        "seconds": seconds,
        "cpu_s": cpu_seconds() - cpu,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_mb": current_rss_mb(),
    }


def child_scrapy(url: str, concurrency: int) -> dict[str, Any]:
    from datetime import date

    import scrapy
    from scrapy.crawler import CrawlerProcess

    class BenchSpider(scrapy.Spider):
        """Home -> hubs (nav) -> sub-columns (side list); listing items parsed on every page."""

        name = "bench"

        async def start(self):  # type: ignore[override]
            yield scrapy.Request(url, callback=self.parse_home)

        def parse_home(self, response):  # type: ignore[no-untyped-def]
            yield from self.items(response)
            for href in response.css("div.nav a::attr(href)").getall():
                yield response.follow(href, callback=self.parse_hub)

        def parse_hub(self, response):  # type: ignore[no-untyped-def]
            yield from self.items(response)
            for href in response.css("div.side-column a::attr(href)").getall():
                yield response.follow(href, callback=self.parse_column)

        def parse_column(self, response):  # type: ignore[no-untyped-def]
            yield from self.items(response)

        def items(self, response):  # type: ignore[no-untyped-def]
            for entry in response.css("ul.list li"):
                raw = entry.css("span.date::text").get()
                yield {
                    "title": entry.css("a::attr(title)").get() or entry.css("a::text").get(),
                    "url": response.urljoin(entry.css("a::attr(href)").get()),
                    "date": date.fromisoformat(raw.strip()) if raw else None,
                }

    settings = {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        "LOG_LEVEL": "WARNING",
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "govmon-bench-scrapy/0.1",
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    process.crawl(crawler)
    before, cpu = current_rss_mb(), cpu_seconds()
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    return {
        "crawler": "scrapy",
        "pages": stats.get("response_received_count", 0),
        "seconds": seconds,
        "cpu_s": cpu_seconds() - cpu,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_mb": current_rss_mb(),
        "items": stats.get("item_scraped_count", 0),
    }


# -- parent: servers, children, table --------------------------------------------------------------
def run_child(kind: str, site: LargeSiteServer, concurrency: int, extra: list[str]) -> dict[str, Any]:
    site.reset_hits()
    server_cpu = site.cpu_seconds()
    max_pages = site.shape.pages * 2 + 1000
    cmd = [
        sys.executable,
        "-m",
        "bench.crawl_vs_scrapy",
        "--child",
        kind,
        "--url",
        site.url,
        "--concurrency",
        str(concurrency),
        "--max-pages",
        str(max_pages),
        "--hubs",
        str(site.shape.hubs),
        "--subs",
        str(site.shape.subs),
        *extra,
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{kind} child failed with exit code {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["site_pages"] = site.shape.pages
    result["server_requests"] = site.hits
    result["server_cpu_s"] = site.cpu_seconds() - server_cpu
    return result


def print_table(results: list[dict[str, Any]], concurrency: int) -> None:
    header = (
        f"{'crawler':<8} {'site pages':>10} {'pages':>7} {'requests':>8} {'seconds':>8} {'pages/s':>8} "
        f"{'CPU ms/page':>11} {'server CPU %':>12} {'RSS before MB':>13} {'peak RSS MB':>11} {'growth MB':>9}"
    )
    print(
        f"\nconcurrency {concurrency}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['crawler']:<8} {r['site_pages']:>10,} {r['pages']:>7,} {r['server_requests']:>8,} "
            f"{r['seconds']:>8.1f} {r['pages'] / r['seconds']:>8.1f} {1000 * r['cpu_s'] / r['pages']:>11.2f} "
            f"{100 * r['server_cpu_s'] / r['seconds']:>12.0f} "
            f"{r['rss_before_mb']:>13.1f} "
            f"{r['peak_rss_mb']:>11.1f} {r['peak_rss_mb'] - r['rss_before_mb']:>9.1f}"
        )
    print()
    for r in results:
        keys = (
            "columns",
            "items_kept",
            "items",
            "findings",
            "notes",
            "rss_after_mb",
            "cpu_s",
            "workers_cpu_s",
            "workers_peak_rss_mb",
            "workers_pss_mb",
            "server_cpu_s",
        )
        detail = {k: round(v, 1) if isinstance(v, float) else v for k, v in r.items() if k in keys}
        print(f"{r['crawler']} @ {r['site_pages']:,}: {json.dumps(detail, ensure_ascii=False)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=21_000, help="pages of the large site (default 21000)")
    parser.add_argument(
        "--small-pages",
        type=int,
        default=5_000,
        help="pages of the small site, to see memory growth (0: skip; default 5000)",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--only",
        choices=("govmon", "scrapy", "fetch"),
        help="run one crawler; 'fetch' is a diagnostic: govmon's HttpFetcher alone, no parsing",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--stub-sniffio",
        action="store_true",
        help="experiment: give httpcore a sniffio module (see stub_sniffio)",
    )
    parser.add_argument(
        "--inline-parsing",
        action="store_true",
        help="experiment: make asyncio.to_thread run inline (the crawler no longer uses it; for older commits)",
    )
    parser.add_argument(
        "--keep-items",
        type=int,
        metavar="N",
        help="experiment: govmon keeps N listing items per column (crawler default 3; it was 20)",
    )
    parser.add_argument("--articles", type=int, metavar="N",
                        help="experiment: govmon reads N articles per column (the setting's default: 3)")
    parser.add_argument("--profile", type=Path, metavar="FILE", help="cProfile the govmon crawl into FILE")
    parser.add_argument("--dump", type=Path, metavar="FILE",
                        help="write govmon's findings with their evidence to FILE, to compare two versions")
    parser.add_argument("--child", choices=("govmon", "scrapy", "fetch"), help=argparse.SUPPRESS)
    parser.add_argument("--hubs", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--subs", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--max-pages", type=int, default=100_000, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.stub_sniffio:
            stub_sniffio()
        if args.inline_parsing:
            inline_parsing()
        if args.child == "govmon":
            result = child_govmon(args.url, args.concurrency, args.max_pages, args.keep_items,
                                  articles=args.articles, profile=args.profile, dump=args.dump)
        elif args.child == "fetch":
            result = child_fetch(args.url, args.concurrency, args.hubs, args.subs)
        else:
            result = child_scrapy(args.url, args.concurrency)
        print(json.dumps(result, ensure_ascii=False))
        return

    kinds = [args.only] if args.only else ["govmon", "scrapy"]
    sizes = [n for n in (args.small_pages, args.pages) if n > 0]
    results = []
    for pages in sizes:
        shape = Shape.for_pages(pages)
        with LargeSiteServer(shape) as site:
            for kind in kinds:
                print(
                    f"{kind}: crawling {shape.pages:,} pages ({shape.hubs} hubs x {shape.subs}) "
                    f"at {site.url} ...",
                    flush=True,
                )
                extra = ["--stub-sniffio"] if args.stub_sniffio else []
                extra += ["--inline-parsing"] if args.inline_parsing else []
                extra += ["--keep-items", str(args.keep_items)] if args.keep_items is not None else []
                extra += ["--articles", str(args.articles)] if args.articles is not None else []
                extra += ["--profile", str(args.profile.resolve())] if args.profile and kind == "govmon" else []
                extra += ["--dump", str(args.dump.resolve())] if args.dump and kind == "govmon" else []
                results.append(run_child(kind, site, args.concurrency, extra))
                r = results[-1]
                print(
                    f"  {r['pages']:,} pages in {r['seconds']:.1f}s = {r['pages'] / r['seconds']:.1f} pages/s, "
                    f"peak RSS {r['peak_rss_mb']:.1f} MB",
                    flush=True,
                )
    print_table(results, args.concurrency)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
