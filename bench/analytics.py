"""The dashboard's figures at scale: a year of synthetic visits holding about a million events, on
SQLite and on PostgreSQL, each figure timed alone, for the last 30 days and for the whole year.

    python -m bench.analytics                      # 1,000,000 events, SQLite then PostgreSQL
    python -m bench.analytics --events 100000 --only sqlite

PostgreSQL is a throwaway cluster (``tests/postgres.py``), removed afterwards. The visits are
those of :mod:`bench.visits` over the seed corpus's passages; the figures are those of
:func:`faqsearch.analytics.figures.dashboard`, query by query (:mod:`faqsearch.analytics.queries`),
then the whole dashboard in one transaction as the editors' space and ``GET /v1/stats`` run it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

from bench.visits import Mix, seed
from faqsearch.analytics import queries
from faqsearch.analytics.figures import dashboard
from faqsearch.analytics.period import Period, today
from faqsearch.content.corpus import load_corpus
from faqsearch.feedback.deadline import DatabaseLimits
from faqsearch.feedback.store import FeedbackStore
from faqsearch.records.passage import Passage

SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DAYS = 365
# Seeding writes many rows per transaction; the figures are measured under the product's own limits.
SEEDING = DatabaseLimits(statement_s=120, lock_s=60, operation_s=300)


def events_per_visit(mix: Mix) -> float:
    """Events a visit writes on average (an answer opened, a contact used)."""
    return (1 - mix.off_topic) * mix.opened + mix.contact


def figures(period: Period, passages: tuple[Passage, ...]) -> dict[str, Callable]:
    """Each figure of the dashboard as one call on a connection."""
    return {
        "questions par jour": lambda con: queries.per_day(con, period),
        "👍/👎": lambda con: queries.ratings(con, period),
        "questions avec réponse ouverte": lambda con: queries.opened_questions(con, period),
        "libre-service et sessions": lambda con: queries.sessions(con, period),
        "contacts par canal": lambda con: queries.contacts(con, period),
        "questions fréquentes": lambda con: queries.grouped(con, period, False, 20),
        "sans réponse, regroupées": lambda con: queries.grouped(con, period, True, 20),
        "par passage (sections, jamais montrées)": lambda con: queries.per_passage(con, period),
    }


def timed(store: FeedbackStore, passages: tuple[Passage, ...], label: str, period: Period) -> float:
    """Print each figure's time for ``period``; the slowest."""
    worst = 0.0
    for name, work in figures(period, passages).items():
        started = time.perf_counter()
        store.read(work)
        spent = time.perf_counter() - started
        worst = max(worst, spent)
        print(f"  {label:<14} {name:<42} {spent * 1000:8.0f} ms", flush=True)
    started = time.perf_counter()
    dashboard(store, passages, period)
    print(f"  {label:<14} {'tableau de bord entier':<42} {(time.perf_counter() - started) * 1000:8.0f} ms", flush=True)
    return worst


def run(url: str, name: str, events: int, passages: tuple[Passage, ...]) -> float:
    mix = Mix()
    per_day = max(1, round(events / events_per_visit(mix) / DAYS))
    started = time.perf_counter()
    written = seed(FeedbackStore.from_url(url, SEEDING, retention_days=0), passages, per_day, today(), DAYS, mix=mix)
    print(f"{name} : {written['events']:,} événements, {written['questions']:,} questions, "
          f"{written['ratings']:,} avis écrits en {time.perf_counter() - started:.0f} s", flush=True)
    store = FeedbackStore.from_url(url, retention_days=0)  # the product's own limits
    store.read(lambda con: None)  # connected once, so the first figure is not charged for it
    worst = timed(store, passages, "30 jours", Period.last(30))
    worst = max(worst, timed(store, passages, "365 jours", Period(today() - timedelta(days=DAYS - 1), today())))
    store.close()
    print(f"{name} : figure la plus lente {worst * 1000:.0f} ms", flush=True)
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analytics", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args(argv)
    passages = load_corpus(SEED_CORPUS).passages
    worst = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="faqsearch-analytics-") as folder:
            worst.append(run(f"sqlite:///{folder}/feedback.sqlite3", "SQLite", args.events, passages))
    if args.only in (None, "postgresql"):
        from tests import postgres  # the throwaway cluster of the tests

        cluster = postgres.start()
        try:
            worst.append(run(cluster.new_database(), "PostgreSQL", args.events, passages))
        finally:
            cluster.stop()
    return 0 if max(worst) <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
