"""The labelled spam set of bench/data/spam_labelled/: complete, sourced, and judged as the bench reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from monitor.rulebook import Rulebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import spam_eval  # noqa: E402


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return spam_eval.load_manifest()


def test_every_page_is_present_labelled_split_and_sourced(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert (spam_eval.DATA / "pages" / row["file"]).is_file(), row["file"]
        assert row["label"] in ("spam", "government") and row["split"] in ("train", "heldout"), row
        assert row["source"], row["file"]
    labels = [row["label"] for row in rows]
    assert labels.count("spam") >= 50 and labels.count("government") >= 50
    counterfeit = [row for row in rows if row["category"] == "counterfeit"]
    assert len(counterfeit) >= 10 and all(row["label"] == "government" for row in counterfeit)
    assert {row["split"] for row in rows if row["label"] == "spam"} == {"train", "heldout"}


def test_no_false_alarm_on_government_pages_and_recall_holds(rows: list[dict[str, str]]) -> None:
    tallies, wrong = spam_eval.evaluate(rows, Rulebook(ROOT / "rules"))
    assert sum(t.fp for t in tallies.values()) == 0, wrong
    for name, tally in tallies.items():
        assert tally.precision >= 0.95 and tally.recall >= 0.95, (name, wrong)
