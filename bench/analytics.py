"""The dashboard's figures at scale: a year of synthetic visits holding about a million events, on
SQLite and on PostgreSQL: each query on one day's rows, the first roll-up of the closed days,
then the whole dashboard (every figure) for 7, 30 and 365 days.

    python -m bench.analytics                      # 1,000,000 events, SQLite then PostgreSQL
    python -m bench.analytics --events 100000 --only sqlite

PostgreSQL is a throwaway cluster (``tests/postgres.py``), removed afterwards. The visits are
those of :mod:`bench.visits` over the seed corpus's passages; the figures are those of
:func:`faqsearch.analytics.figures.dashboard`, query by query (:mod:`faqsearch.analytics.queries`),
then the whole dashboard as the editors' space and ``GET /v1/stats`` compute it (closed days summed
from their daily counts, :mod:`faqsearch.analytics.rollup`; today and yesterday counted live).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import text

from bench.visits import Mix, seed
from faqsearch.analytics import queries, rollup
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


def figures(day: date) -> dict[str, Callable]:
    """Each query of the dashboard on one day, as one call on a connection: what an open day costs
    live, and what rolling a closed day up costs once."""
    period = Period(day, day)
    return {
        "questions par jour": lambda con: queries.per_day(con, period),
        "👍/👎": lambda con: queries.ratings(con, period),
        "questions avec réponse ouverte": lambda con: queries.opened_questions(con, period),
        "libre-service et sessions": lambda con: queries.sessions(con, period),
        "contacts par canal": lambda con: queries.contacts(con, period),
        "questions (fréquentes, sans réponse)": lambda con: queries.asked(con, period, False),
        "par passage (sections, jamais montrées)": lambda con: queries.per_passage(con, period),
    }


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:8.0f} ms"


def timed(store: FeedbackStore, passages: tuple[Passage, ...]) -> float:
    """Print the times: each query on today's rows (live), the first roll-up of the year, then each
    whole dashboard (every figure) for 30 and 365 days; the slowest dashboard, in seconds."""
    for name, work in figures(today()).items():
        started = time.perf_counter()
        store.read(work)
        print(f"  {'aujourd hui':<16} {name:<42} {_ms(started)}", flush=True)
    started = time.perf_counter()
    rolled = rollup.roll_up(store, Period(today() - timedelta(days=DAYS - 1), today()))
    print(f"  {'une fois':<16} {f'{rolled} jours clos additionnés':<42} {_ms(started)}", flush=True)
    worst = 0.0
    for days in (7, 30, 365):
        for attempt in (1, 2):
            started = time.perf_counter()
            dashboard(store, passages, Period(today() - timedelta(days=days - 1), today()))
            spent = time.perf_counter() - started
            worst = max(worst, spent)
            print(f"  {f'{days} jours':<16} {f'tableau de bord entier, fois {attempt}':<42} {_ms(started)}", flush=True)
    return worst


def run(url: str, name: str, events: int, passages: tuple[Passage, ...]) -> float:
    mix = Mix()
    per_day = max(1, round(events / events_per_visit(mix) / DAYS))
    started = time.perf_counter()
    loader = FeedbackStore.from_url(url, SEEDING, retention_days=0)
    written = seed(loader, passages, per_day, today(), DAYS, mix=mix)
    print(f"{name} : {written['events']:,} événements, {written['questions']:,} questions, "
          f"{written['ratings']:,} avis écrits en {time.perf_counter() - started:.0f} s", flush=True)
    # Statistics for the planner, as autovacuum would gather them soon after such a load.
    loader.read(lambda con: con.execute(text("ANALYZE")))
    loader.close()
    store = FeedbackStore.from_url(url, retention_days=0)  # the product's own limits
    store.read(lambda con: None)  # connected once, so the first figure is not charged for it
    worst = timed(store, passages)
    store.close()
    print(f"{name} : tableau de bord le plus lent (toutes les figures) {worst * 1000:.0f} ms", flush=True)
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
