"""Precision, recall and false alarms per 1000 pages of the wording lexicon (and the privacy detector)
on real government pages, with errors of each category planted into copies of them.

Not a test: run it and copy the numbers into bench/README.md.

    .venv/bin/python -m bench.content_eval

Pages: the real pages of shared/realworld (gov_pages, counterfeit_gov: copies of real articles) when
present, and bench/data/gov_page_texts.jsonl. Clean run: every hit on them is a false alarm (a real
error in a real page would be reported and read by hand). Planted run: each page gets one planted
error, the categories in turn; a hit on the planted term is a true positive, anything else a false one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from monitor.content.privacy import find_personal_data
from monitor.extract.text import title_and_text
from monitor.paths import default_config_path
from monitor.rulebook import Rulebook

REALWORLD = Path("/work/shared/realworld")
DATA = Path(__file__).resolve().parent / "data" / "gov_page_texts.jsonl"

# One planted error per page, the categories in turn: (category, sentence carrying the error, term).
PLANTS = [
    ("leaders", "会议传达学习了国务院总理习近平的重要讲话精神。", "国务院总理习近平"),
    ("leaders", "王沪宁总理出席开幕式并讲话。", "王沪宁总理"),
    ("leaders", "国家主席李强在会见时表示。", "国家主席李强"),
    ("disgraced", "在孙政才同志的亲切关怀下,全市各项事业蓬勃发展。", "孙政才"),
    ("disgraced", "认真学习周永康同志重要讲话精神。", "周永康"),
    ("names", "台湾总统选举结果公布后,记者进行了采访。", "台湾总统"),
    ("names", "由中华人民共和国国务院办公室印发。", "中华人民共和国国务院办公室"),
    ("names", "台湾政府有关部门表示。", "台湾政府"),
    ("outdated", "县环境保护部督查组到我县开展检查。", "环境保护部"),
    ("outdated", "转发国家工商行政管理总局关于开展专项整治的通知。", "国家工商行政管理总局"),
    ("outdated", "北朝鲜代表团访问我市。", "北朝鲜"),
    ("formulations", "坚持以习近平新时代中国特色社会主意思想为指导。", "习近平新时代中国特色社会主意思想"),
    ("formulations", "大力培育和践行社会主意核心价值观。", "社会主意核心价值观"),
    ("formulations", "全面推进乡村振新战略。", "乡村振新"),
    ("typos", "会议对下一步工作进行了布署。", "布署"),
    ("typos", "全县上下要一如继往地抓好安全生产。", "一如继往"),
    ("typos", "各单位要再接再励,确保完成全年目标。", "再接再励"),
]


def pages() -> list[tuple[str, str]]:
    """(name, visible text) of every real page available."""
    found = []
    for path in sorted(REALWORLD.glob("gov_pages/*")) + sorted(REALWORLD.glob("counterfeit_gov/*.html")):
        title, text = title_and_text(path.read_text(encoding="utf-8", errors="replace"))
        found.append((path.name, f"{title}\n{text}"))
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found.append((row["url"], row["text"]))
    return found


def planted(text: str, sentence: str) -> str:
    """The page with the sentence put in the middle, where article text usually is."""
    middle = len(text) // 2
    return f"{text[:middle]}。{sentence}{text[middle:]}"


def main() -> None:
    rulebook = Rulebook(default_config_path().parent / "rules")
    lexicon, names = rulebook.wording, rulebook.privacy_names
    corpus = pages()
    print(f"{len(corpus)} real pages ({sum(len(t) for _, t in corpus)} characters of text)")

    clean = Counter()
    for name, text in corpus:
        for hit in lexicon.scan(text):
            clean[hit.severity] += 1
            print(f"  clean-page hit ({hit.severity}): {name}: {hit.term} — {hit.sentence[:60]}")
        leaks = find_personal_data(text, names)
        clean["privacy"] += len(leaks)
        for leak in leaks:
            print(f"  clean-page privacy hit: {name}: {leak.kind} {leak.masked}")
    per_1000 = {k: 1000 * v / len(corpus) for k, v in clean.items()}
    print(f"false alarms per 1000 clean pages: veto {per_1000.get('veto', 0):.0f}, "
          f"疑似 {per_1000.get('suspect', 0):.0f}, privacy {per_1000.get('privacy', 0):.0f}")

    true_pos = false_pos = 0
    missed: list[str] = []
    by_category: Counter[str] = Counter()
    for index, (name, text) in enumerate(corpus):
        category, sentence, term = PLANTS[index % len(PLANTS)]
        hits = lexicon.scan(planted(text, sentence))
        right = [h for h in hits if h.term == term and h.category.name == category]
        true_pos += bool(right)
        by_category[category] += bool(right)
        false_pos += len(hits) - len(right)
        if not right:
            missed.append(f"{category}: {term} in {name}")
    planted_count = len(corpus)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    print(f"planted {planted_count} errors: found {true_pos}, other hits {false_pos}; "
          f"precision {precision:.3f}, recall {true_pos / planted_count:.3f}")
    print("found per category:", dict(sorted(by_category.items())))
    for line in missed:
        print("  missed:", line)


if __name__ == "__main__":
    main()
