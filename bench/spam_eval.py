"""Precision and recall of the spam-page judgement on the labelled set of bench/data/spam_labelled/.

Each page is judged exactly as `govmon check` judges a fetched external link target
(`monitor.extract.target.judge_target`): its own title and visible text normalised and scored on the
`rules/spam/` lexicons, a page carrying a 网站标识码 taken as a government site unless a casino or porn
brand is its title or organiser. A spam page judged illegal is a true positive; a government page judged
illegal is a false alarm.

    .venv/bin/python bench/spam_eval.py            # both splits, misses and false alarms listed
    .venv/bin/python bench/spam_eval.py --split train

The set has a held-out part (MANIFEST column `split`, fixed by a hash of each page's key): lexicon and
weights were tuned looking at `train` only; `heldout` is reported as it falls.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.extract.target import judge_target  # noqa: E402
from monitor.rulebook import Rulebook  # noqa: E402

DATA = ROOT / "bench" / "data" / "spam_labelled"
PAGE_URL = "http://target.example/"  # every page is read as a page of some outside host


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_manifest() -> list[dict[str, str]]:
    with (DATA / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def evaluate(rows: list[dict[str, str]], rulebook: Rulebook) -> tuple[dict[str, Tally], list[str]]:
    """Tally per split, and one line per miss or false alarm."""
    lexicon, threshold = rulebook.spam_lexicon, int(rulebook.rule("illegal_links")["keyword_score"])
    tallies = {"train": Tally(), "heldout": Tally()}
    wrong: list[str] = []
    for row in rows:
        html = (DATA / "pages" / row["file"]).read_text(encoding="utf-8")
        verdict = judge_target(html, PAGE_URL, lexicon, threshold)
        spam, tally = row["label"] == "spam", tallies[row["split"]]
        if spam and verdict.illegal:
            tally.tp += 1
        elif spam:
            tally.fn += 1
            wrong.append(f"miss        {row['split']:7} {row['file']}: score {verdict.score.score} "
                         f"{list(verdict.score.matched)} {verdict.government}")
        elif verdict.illegal:
            tally.fp += 1
            wrong.append(f"false alarm {row['split']:7} {row['file']}: score {verdict.score.score} "
                         f"{list(verdict.score.matched)} {verdict.score.decisive}")
        else:
            tally.tn += 1
    return tallies, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "heldout", "all"), default="all")
    parser.add_argument("--quiet", action="store_true", help="numbers only, no per-page lines")
    args = parser.parse_args()
    rulebook = Rulebook(ROOT / "rules")
    rows = [row for row in load_manifest() if args.split in ("all", row["split"])]
    started = time.perf_counter()
    tallies, wrong = evaluate(rows, rulebook)
    elapsed = time.perf_counter() - started
    threshold = rulebook.rule("illegal_links")["keyword_score"]
    print(f"threshold {threshold}; {len(rows)} pages in {elapsed:.2f} s")
    print("split    spam  gov  TP  FN  FP  TN  precision  recall  false alarms on government pages")
    total = Tally()
    for name, t in tallies.items():
        total.tp, total.fn, total.fp, total.tn = total.tp + t.tp, total.fn + t.fn, total.fp + t.fp, total.tn + t.tn
        if t.tp + t.fp + t.fn + t.tn:
            print(_line(name, t))
    print(_line("all", total))
    if not args.quiet:
        print("\n".join(wrong))
    return 0


def _line(name: str, t: Tally) -> str:
    return (f"{name:8} {t.tp + t.fn:4} {t.fp + t.tn:4} {t.tp:3} {t.fn:3} {t.fp:3} {t.tn:3} "
            f"{t.precision:9.3f} {t.recall:7.3f}  {t.fp}")


if __name__ == "__main__":
    sys.exit(main())
