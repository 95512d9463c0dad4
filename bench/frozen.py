"""The load benchmark with a frozen database: ``python -m bench.load --freeze-db SECONDS``.

A throwaway PostgreSQL server (``tests/postgres.py``) holds the feedback; the service runs on it
with its workers; ``--clients`` clients search while ``--writers`` clients post questions
(``/v1/questions``, a short pause between two, as visitors settling on a question; a client
gives up on a write after ``WRITE_TIMEOUT_S`` and posts its next question). A third of
the way in, the whole server is stopped with SIGSTOP for ``SECONDS`` (0: never), then thawed.
Search latencies are reported before, during and after the freeze, with what the writes got.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from bench.load import Timings, build_index, read_questions

WRITE_PAUSE_S = 0.1
# Above the store's own limit (5 s once connected): a write the service answers in time is never
# given up on, and one it leaves hanging is, as a browser would after a while.
WRITE_TIMEOUT_S = 8.0
CLIENT_TIMEOUT_S = 30.0


@dataclass
class Record:
    """What the clients saw: (sent, seconds, status) per request; status 0 for a client error."""

    searches: list[tuple[float, float, int]] = field(default_factory=list)
    writes: list[tuple[float, float, int]] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    label: str
    start: float
    end: float

    def holds(self, sent: float) -> bool:
        return self.start <= sent < self.end


async def _client(http, record: Record, writer: bool, questions: Sequence[str], n: int, stop: float) -> None:
    import httpx

    i = n
    while time.perf_counter() < stop:
        question = questions[i % len(questions)]
        i += 1
        sent = time.perf_counter()
        try:
            if writer:
                response = await http.post("/v1/questions", json={"question": question}, timeout=WRITE_TIMEOUT_S)
            else:
                response = await http.get("/v1/search", params={"q": question})
            status = response.status_code
        except httpx.HTTPError as exc:
            status = 0
            record.samples.append(repr(exc))
        (record.writes if writer else record.searches).append((sent, time.perf_counter() - sent, status))
        if writer:
            await asyncio.sleep(WRITE_PAUSE_S)


async def _load(url: str, questions: Sequence[str], clients: int, writers: int, duration: float,
                freeze_s: float, cluster) -> tuple[Record, float, float, float]:
    """Run the clients; freeze the server at a third of ``duration``.

    Returns the record, the freeze and the thaw (seconds after the start), and the start itself.
    """
    import httpx

    record = Record()
    start = time.perf_counter()
    stop = start + duration
    limits = httpx.Limits(max_connections=clients + writers, max_keepalive_connections=clients + writers)
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT_S, limits=limits) as http:
        tasks = [asyncio.create_task(_client(http, record, n >= clients, questions, n, stop))
                 for n in range(clients + writers)]
        frozen_at = thawed_at = start + duration / 3
        if freeze_s > 0:
            await asyncio.sleep(duration / 3)
            with cluster.frozen():
                frozen_at = time.perf_counter()
                await asyncio.sleep(freeze_s)
            thawed_at = time.perf_counter()
        await asyncio.gather(*tasks)
    return record, frozen_at - start, thawed_at - start, start


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(record: Record, start: float, frozen_at: float, thawed_at: float, end: float) -> list[str]:
    """The Markdown rows: searches and writes in each window."""
    windows = [Window("before the freeze", 0, frozen_at), Window("during the freeze", frozen_at, thawed_at),
               Window("after the thaw", thawed_at, end)]
    if thawed_at <= frozen_at:
        windows = [Window("whole run (no freeze)", 0, end)]
    lines = ["| searches | requests | errors | p50 ms | p95 ms | max ms | requests/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for w in windows:
        rows = [(s, status) for sent, s, status in record.searches if w.holds(sent - start)]
        t = Timings(w.label, tuple(s for s, _ in rows), sum(status != 200 for _, status in rows), w.end - w.start)
        lines.append(f"| {w.label} | {len(rows)} | {t.errors} | {_ms(t.percentile(0.5))} | {_ms(t.percentile(0.95))} | "
                     f"{_ms(max(t.latencies, default=0))} | {t.throughput:.1f} |")
    lines += ["", "| writes (`/v1/questions`) | requests | answers | p50 ms | p95 ms | max ms |",
              "| --- | ---: | --- | ---: | ---: | ---: |"]
    for w in windows:
        rows = [(s, status) for sent, s, status in record.writes if w.holds(sent - start)]
        t = Timings(w.label, tuple(s for s, _ in rows), 0, w.end - w.start)
        answers = ", ".join(f"{n}× {status or 'no answer'}" for status, n in sorted(Counter(st for _, st in rows).items()))
        lines.append(f"| {w.label} | {len(rows)} | {answers} | {_ms(t.percentile(0.5))} | {_ms(t.percentile(0.95))} | "
                     f"{_ms(max(t.latencies, default=0))} |")
    return lines


def main(args) -> int:
    """The scenario of the module's description; 0 when every search got a 200 and every write an answer."""
    from bench.http_server import service_process
    from tests import postgres

    questions = read_questions()
    cluster = postgres.start()
    try:
        with tempfile.TemporaryDirectory(prefix="faqsearch-freeze-") as tmp:
            corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
            shutil.copytree(args.corpus, corpus)
            build_index(corpus, index)
            env = {"FAQSEARCH_DATA": str(Path(tmp) / "data"), "FAQSEARCH_DATABASE_URL": cluster.new_database()}
            with service_process(index, corpus, Path(tmp) / "serve.log", workers=args.workers, env=env) as (url, _):
                record, frozen_at, thawed_at, start = asyncio.run(
                    _load(url, questions, args.clients, args.writers, args.duration, args.freeze_db, cluster))
    finally:
        cluster.stop()
    end = max([sent + s for sent, s, _ in record.searches + record.writes], default=start) - start
    frozen = f"PostgreSQL frozen {frozen_at:.1f}–{thawed_at:.1f} s" if thawed_at > frozen_at else "PostgreSQL never frozen"
    print(f"\n## Load with writes to PostgreSQL — {args.workers} worker(s), {args.clients} searching and "
          f"{args.writers} writing clients for {args.duration:.0f} s, {frozen}\n")
    print("\n".join(report(record, start, frozen_at, thawed_at, end)))
    print(f"\nLoad average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores.")
    search_errors = sum(status != 200 for _, _, status in record.searches)
    unanswered = sum(status == 0 for _, _, status in record.writes)
    ok = search_errors == 0 and unanswered == 0
    print(f"Check: {'OK' if ok else 'FAILED'}, {search_errors} failed searches, {unanswered} writes without an answer"
          + (f": {record.samples[:5]}" if record.samples else ""))
    return 0 if ok else 1
