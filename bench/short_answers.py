"""Short answers, measured: right on the seed guide, given how often and how long elsewhere.

``python -m bench.short_answers`` asks the questions of ``../shared/eval/dev.tsv`` and
``bench/questions-extra.tsv`` to the index under ``--index`` and compares each confident answer's
short answer with the line of the guide that answers the question, written by hand from the guide
alone (``bench/questions/short-answers.tsv``; alternatives joined with ``|``). A short answer is
right when it contains that line and is at most ``--max-chars`` long.

``--external NAME=INDEX_ROOT:QUESTIONS`` (repeatable) asks a help center's questions to its built
index and reports how often a confident answer has a short answer, their lengths, the time the
choice takes, and a sample (``--sample``) to check by eye.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

from faqsearch.evaluation.questions import read_entry_questions, read_questions
from faqsearch.search.engine import Engine
from faqsearch.search.loader import load_encoder
from faqsearch.search.short_answer import ShortAnswerConfig, ShortAnswers
from faqsearch.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = (ROOT.parent / "shared" / "eval" / "dev.tsv", ROOT / "bench" / "questions-extra.tsv")
LINES = ROOT / "bench" / "questions" / "short-answers.tsv"


class TimedShortAnswers(ShortAnswers):
    """Short answers that keep the time each choice took (encoding of the parts included)."""

    def __init__(self, config: ShortAnswerConfig = ShortAnswerConfig()):
        super().__init__(config)
        self.times: list[float] = []

    def choose(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return super().choose(*args, **kwargs)
        finally:
            self.times.append((time.perf_counter() - started) * 1000)


def read_lines(path: Path) -> dict[str, tuple[str, ...]]:
    """Question id → the lines of the guide that answer it."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: tuple(row["line"].split("|")) for row in csv.DictReader(fh, delimiter="\t")}


def seed_report(engine: Engine, files: Sequence[Path], lines: dict[str, tuple[str, ...]], max_chars: int,
                verbose: bool) -> list[str]:
    questions = [q for path in files for q in read_questions(path)]
    answers = engine.ask_batch([q.question for q in questions])
    answerable = confident = given = right = off_given = 0
    out = []
    for q, answer in zip(questions, answers):
        if not q.in_scope:
            off_given += answer.short is not None
            continue
        if q.id not in lines:
            raise SystemExit(f"{LINES}: pas de ligne pour la question {q.id} ; ajoutez-la.")
        answerable += 1
        confident += answer.confident
        short = answer.short
        given += short is not None
        ok = short is not None and len(short.text) <= max_chars and any(line in short.text for line in lines[q.id])
        right += ok
        if verbose and answer.confident:
            shown = short.text.replace("\n", " ⏎ ") if short else "—"
            out.append(f"  {'✓' if ok else '✗'} {q.id} {q.question}\n      → {shown}")
    share = right / confident if confident else 0.0
    return [f"questions answerable {answerable}, confident {confident}, short answer given {given}, "
            f"right {right} ({share:.3f} of confident answers: contains the line, ≤ {max_chars} characters); "
            f"off-topic questions with a short answer {off_given}", *out]


def external_report(name: str, engine: Engine, path: Path, sample: int, seed: int) -> list[str]:
    questions = [q.question for q in read_entry_questions(path)]
    answers = engine.ask_batch(questions)
    confident = [a for a in answers if a.confident]
    shorts = [a for a in confident if a.short]
    lengths = sorted(len(a.short.text) for a in shorts)
    out = [f"{name}: questions {len(questions)}, confident {len(confident)}, short answer given {len(shorts)} "
           f"({len(shorts) / max(1, len(confident)):.3f} of confident answers)"]
    if lengths:
        out.append(f"  length in characters: median {statistics.median(lengths):.0f}, "
                   f"90th percentile {lengths[int(0.9 * (len(lengths) - 1))]}, max {lengths[-1]}")
    for a in random.Random(seed).sample(shorts, min(sample, len(shorts))):
        question = a.question if len(a.question) <= 140 else a.question[:140] + "…"
        out.append(f"  Q: {question}\n     → [{a.hits[0].passage.question}] {a.short.text.replace(chr(10), ' ⏎ ')}")
    return out


def timing(times: Sequence[float]) -> str:
    ordered = sorted(times)
    return (f"  time to choose (parts embedded, cache warm or not): median {statistics.median(ordered):.1f} ms, "
            f"90th percentile {ordered[int(0.9 * (len(ordered) - 1))]:.1f} ms, over {len(ordered)} choices")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.short_answers", description=__doc__)
    parser.add_argument("--index", type=Path, default=ROOT / "index", help="built index of the seed guide")
    parser.add_argument("--lines", type=Path, default=LINES)
    parser.add_argument("--max-chars", type=int, default=300)
    parser.add_argument("--external", action="append", default=[], metavar="NAME=INDEX_ROOT:QUESTIONS")
    parser.add_argument("--sample", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--margin", type=float, default=ShortAnswerConfig.margin)
    parser.add_argument("--lexical-weight", type=float, default=ShortAnswerConfig.lexical_weight)
    parser.add_argument("--verbose", action="store_true", help="each seed question and its short answer")
    args = parser.parse_args(argv)
    encoder = load_encoder(Settings.from_env())
    config = ShortAnswerConfig(margin=args.margin, lexical_weight=args.lexical_weight)
    shorts = TimedShortAnswers(config)
    print(f"margin {config.margin}, lexical weight {config.lexical_weight}")
    print("seed guide (dev.tsv + questions-extra.tsv)")
    engine = Engine.open(args.index, encoder, short_answers=shorts)
    print("\n".join(seed_report(engine, QUESTION_FILES, read_lines(args.lines), args.max_chars, args.verbose)))
    print(timing(shorts.times))
    for spec in args.external:
        name, _, rest = spec.partition("=")
        root, _, questions = rest.partition(":")
        shorts = TimedShortAnswers(config)
        engine = Engine.open(Path(root), encoder, short_answers=shorts)
        print("\n".join(external_report(name, engine, Path(questions), args.sample, args.seed)))
        print(timing(shorts.times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
