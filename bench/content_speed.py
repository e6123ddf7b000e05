"""Content-safety scanning speed: the wording lexicon and the privacy detector, in MB of text per second.

Not a timed test: run it, read the numbers, write them into bench/README.md. The text is the visible
text of the real government pages in shared/realworld (or, without them, of the demo province),
repeated to the size asked, so the scan sees realistic Chinese prose, numbers and navigation.

    .venv/bin/python -m bench.content_speed --mb 20
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from monitor.content.privacy import find_personal_data
from monitor.extract.text import title_and_text
from monitor.paths import default_config_path
from monitor.rulebook import Rulebook

REALWORLD = Path("/work/shared/realworld")


def corpus_text() -> str:
    """Visible text of every real page available, joined by blank lines."""
    pages = sorted(REALWORLD.glob("gov_pages/*")) + sorted(REALWORLD.glob("counterfeit_gov/*.html"))
    texts = []
    for page in pages:
        title, text = title_and_text(page.read_text(encoding="utf-8", errors="replace"))
        texts.append(f"{title}\n{text}")
    if not texts:
        from monitor.demo import build_province

        province = build_province()
        texts = [page.decode("utf-8", "replace") for site in province.sites for page in site.bodies()]
    return "\n\n".join(texts)


def measure(name: str, scan, text: str, repeat: int = 3) -> float:
    """Best of `repeat` runs, in MB (UTF-8) per second."""
    size_mb = len(text.encode("utf-8")) / 1e6
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        scan(text)
        best = min(best, time.perf_counter() - started)
    rate = size_mb / best
    print(f"{name:<10} {size_mb:7.1f} MB ({len(text) / 1e6:.1f} M chars) in {best:6.2f} s: {rate:6.1f} MB/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="text size to scan, in MB of UTF-8")
    args = parser.parse_args()
    rulebook = Rulebook(default_config_path().parent / "rules")
    lexicon, names = rulebook.wording, rulebook.privacy_names
    base = corpus_text()
    text = base * max(1, round(args.mb * 1e6 / len(base.encode("utf-8"))))
    print(f"corpus: {len(base)} chars of real page text, repeated; {len(lexicon.terms)} lexicon terms")
    measure("wording", lexicon.scan, text)
    # Privacy runs page by page in the crawler; scan in page-sized pieces as it does.
    pieces = [text[i : i + 20_000] for i in range(0, len(text), 20_000)]
    measure("privacy", lambda _: [find_personal_data(piece, names) for piece in pieces], text)


if __name__ == "__main__":
    main()
