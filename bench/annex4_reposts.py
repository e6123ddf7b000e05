"""How long the 转载工作 row takes to match a quarter's article titles against the required reposts.

Synthetic but shaped like a province: `--sites` portals with `--titles` article titles each seen in the
quarter (list titles, some cut with "…", some reposts prefixed "转载："), and `--items` required items.
Prints the wall and CPU time (the CPU time is what to compare on a shared machine) and titles per CPU second of `reposts.carriage`, the pure matching step.

    .venv/bin/python -m bench.annex4_reposts --sites 200 --titles 2000 --items 40
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from monitor.annex4.records import RequiredRepost, SeenTitle
from monitor.annex4.reposts import carriage
from monitor.annex4.titles import title_key

WORDS = ["关于", "印发", "进一步", "加强", "做好", "全省", "政府", "网站", "工作", "通知", "实施", "意见", "办法", "规划", "方案", "推进", "建设", "管理", "服务", "发展"]


def _title(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--titles", type=int, default=2000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    items = [RequiredRepost(t, title_key(t), date(2022, 12, 31), "2022Q4") for t in
             (f"国务院办公厅{_title(rng)}" for _ in range(args.items))]
    titles = []
    for site in range(args.sites):
        for n in range(args.titles):
            roll = rng.random()
            if roll < 0.01:
                text = "转载：" + rng.choice(items).title
            elif roll < 0.02:
                text = rng.choice(items).title[:14] + "…"
            else:
                text = _title(rng)
            titles.append(SeenTitle(site, f"/a/{site}/{n}.html", text))
    started, cpu = time.perf_counter(), time.process_time()
    found = carriage(items, titles, set(range(args.sites)), min_chars=8)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    pairs = sum(len(c) for c in found.carriers)
    print(f"{len(titles):,} titles x {len(items)} items: {elapsed:.2f} s wall, {cpu:.2f} s CPU, "
          f"{len(titles) / cpu:,.0f} titles per CPU second, {pairs} (site, item) pairs carried")


if __name__ == "__main__":
    main()
