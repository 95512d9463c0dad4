"""Suggestions while typing, measured: time per keystroke at scale, and whether half a question
is enough for its entry to be offered.

``python -m bench.suggestions`` reads the seed guide (``corpus/``) and:

- asks each answerable question of ``../shared/eval/dev.tsv`` and ``bench/questions-extra.tsv``
  with only its first half typed (cut at half its characters), and counts the questions whose
  right entry (an entry whose text matches the question's gold pattern) is among the first five
  suggestions;
- builds the suggestions of ``--entries`` synthetic entries (:mod:`bench.synthetic`, copies of
  the guide's entries with their variants, each with a question of its own) and types every question of both files key by key,
  timing each keystroke's lookup.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from bench.short_answers import QUESTION_FILES
from bench.synthetic import OBJECTS, PRODUCTS, VERBS, WHEN, generate
from faqsearch.content.corpus import load_corpus
from faqsearch.evaluation.questions import read_questions
from faqsearch.records.passage import Passage
from faqsearch.search.suggest import Suggester

ROOT = Path(__file__).resolve().parent.parent


def right_entries(passages: Sequence[Passage], gold: str) -> set[str]:
    pattern = re.compile(gold)
    return {p.entry for p in passages if pattern.search(p.section + p.question + p.answer)}


def half_typed(passages: Sequence[Passage], files: Sequence[Path], shown: int = 5) -> tuple[int, int, list[str]]:
    """(questions, questions whose entry is among the first ``shown`` suggestions, misses)."""
    suggester = Suggester(passages)
    asked = found = 0
    misses = []
    for path in files:
        for q in read_questions(path):
            if not q.in_scope:
                continue
            half = q.question[: len(q.question) // 2]
            offered = suggester.suggest(half, shown)
            asked += 1
            if {s.entry_id for s in offered} & right_entries(passages, q.gold):
                found += 1
            else:
                misses.append(f"  ✗ « {half} » → {[s.text for s in offered]}")
    return asked, found, misses


def keystrokes(passages: Sequence[Passage], files: Sequence[Path]) -> tuple[float, int, list[float]]:
    """(seconds to build the suggestions, distinct phrases, milliseconds of each keystroke's lookup)."""
    started = time.perf_counter()
    suggester = Suggester(passages)
    built = time.perf_counter() - started
    times = []
    for path in files:
        for q in read_questions(path):
            for end in range(1, len(q.question) + 1):
                started = time.perf_counter()
                suggester.suggest(q.question[:end], 5)
                times.append((time.perf_counter() - started) * 1000)
    return built, len(suggester.suggestions), times


def distinct_questions(passages: Sequence[Passage], seed: int = 0) -> list[Passage]:
    """The synthetic entries with a question of their own each (the copies share a thousand
    questions, which would make the lookup look cheaper than on a real help center)."""
    rng = random.Random(seed)
    return [replace(p, question=f"{p.question} ({rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}, "
                               f"{rng.choice(PRODUCTS)} {i})") for i, p in enumerate(passages)]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.suggestions", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--verbose", action="store_true", help="the questions whose entry is not offered")
    args = parser.parse_args(argv)
    passages = load_corpus(args.corpus).passages
    asked, found, misses = half_typed(passages, QUESTION_FILES)
    print(f"half of the question typed: right entry among the first 5 suggestions for {found} of {asked} "
          f"questions ({found / asked:.3f})")
    if args.verbose:
        print("\n".join(misses))
    synthetic = distinct_questions(generate(passages, args.entries).passages)
    built, phrases, times = keystrokes(synthetic, QUESTION_FILES)
    print(f"{args.entries} entries ({phrases} distinct questions and variants): suggestions built in {built:.1f} s; "
          f"per keystroke over {len(times)} keystrokes: median {statistics.median(times):.2f} ms, "
          f"90th percentile {percentile(times, 0.9):.2f} ms, 99th {percentile(times, 0.99):.2f} ms, "
          f"max {max(times):.2f} ms; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
