"""Load test of the HTTP service: ``python -m bench.load [--clients 16] [--duration 60] [--workers 2]``.

Everything runs on this machine, on the loopback interface, for a bounded time:

1. the seed corpus is copied and built into a temporary index (embeddings come from the cache);
2. ``python -m faqsearch serve --workers N`` is started on that index; one client asks the same
   questions alternately in this process (``Engine.ask``) and over HTTP: the difference at p50
   is what the HTTP layer adds per request (also measured per request with ``Server-Timing``);
3. ``--clients`` concurrent clients (an async httpx client) ask for ``--duration`` seconds while,
   halfway, an edited guide is rebuilt and published (the load goes on until the new build has
   answered for a few seconds); every answer must be a 200, and those asked after the
   publication must come from the new build.

Prints a Markdown table (docs/benchmarks/load.md#http-load). With ``--freeze-db SECONDS``, another
scenario instead: searches while other clients post questions to a PostgreSQL server that is
frozen for that long in the middle (:mod:`bench.frozen`; docs/benchmarks/load.md#frozen-database).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

QUESTIONS = Path(__file__).resolve().parent / "questions-extra.tsv"
EDIT_MARKER = "(mise à jour pendant le test de charge)"
AFTER_PUBLISH_S = 5.0
MAX_WAIT_FOR_REBUILD_S = 600.0


@dataclass(frozen=True)
class Timings:
    """Latencies in seconds of one measured phase, and what went wrong during it."""

    label: str
    latencies: tuple[float, ...]
    errors: int
    seconds: float

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def row(self, throughput: bool = True) -> str:
        rate = f"{self.throughput:.1f}" if throughput else "—"
        return (f"| {self.label} | {len(self.latencies)} | {self.errors} | {self.percentile(0.5) * 1000:.1f} | "
                f"{self.percentile(0.95) * 1000:.1f} | {rate} |")


def read_questions(path: Path = QUESTIONS) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row["question"] for row in csv.DictReader(f, delimiter="\t") if row.get("question", "").strip()]


def open_engine(index: Path):
    """``Engine`` in this process, on the same model and index as the service."""
    from faqsearch.embedding.encoder import make_encoder
    from faqsearch.search.engine import Engine

    engine = Engine.open(index, make_encoder())
    engine.ask("préchauffage")
    return engine


def engine_time(headers) -> float:
    """Seconds the service's engine spent on a request (its ``Server-Timing`` header)."""
    value = headers.get("server-timing", "") or ""
    return float(value.split("dur=", 1)[1]) / 1000 if "dur=" in value else float("nan")


class PlainClient:
    """One keep-alive connection through the standard library's ``http.client``.

    The per-request cost of the client itself must be small next to the few milliseconds being
    measured: an ``httpx.AsyncClient`` request costs about 4 ms more than this one on this machine,
    which swamped the service's own share (the httpx row of the table keeps that visible).
    """

    def __init__(self, url: str):
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def get(self, path: str, params: dict | None = None):
        from urllib.parse import urlencode

        self.connection.request("GET", path + ("?" + urlencode(params) if params else ""))
        response = self.connection.getresponse()
        response.read()
        return response

    def close(self) -> None:
        self.connection.close()


async def paired(url: str, engine, questions: Sequence[str], calls: int) -> tuple[Timings, ...]:
    """The same questions asked alternately in process and over HTTP by one client.

    Alternating keeps both under the same machine load (other programs share the cores), so their
    difference at p50 is the HTTP layer: parsing, routing, JSON, the thread hop and the loopback.
    The third row is that difference measured inside each request: response time minus the
    engine's time reported by the service; the fourth, a static file, is what any request costs
    this client and this server at that moment (the floor under the HTTP layer); the last, the
    same search through ``httpx.AsyncClient``, shows how much a heavier client adds on its side.
    """
    import httpx

    local, remote, outside, floor, heavy, errors = [], [], [], [], [], 0
    plain = PlainClient(url)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            plain.get("/v1/search", {"q": "préchauffage"})
            await client.get("/v1/search", params={"q": "préchauffage"})
            started = time.perf_counter()
            for i in range(calls):
                question = questions[i % len(questions)]
                t = time.perf_counter()
                engine.ask(question)
                local.append(time.perf_counter() - t)
                t = time.perf_counter()
                response = plain.get("/v1/search", {"q": question})
                remote.append(time.perf_counter() - t)
                outside.append(remote[-1] - engine_time(response.headers))
                errors += response.status != 200
                t = time.perf_counter()
                static = plain.get("/static/widget.css")
                floor.append(time.perf_counter() - t)
                errors += static.status != 200
                t = time.perf_counter()
                response = await client.get("/v1/search", params={"q": question})
                heavy.append(time.perf_counter() - t - engine_time(response.headers))
                errors += response.status_code != 200
            seconds = time.perf_counter() - started
    finally:
        plain.close()
    return (Timings("`Engine.ask` in process, 1 caller", tuple(local), 0, seconds),
            Timings("HTTP `/v1/search`, 1 client (`http.client`, keep-alive; alternating with the row above)",
                    tuple(remote), errors, seconds),
            Timings("… of which outside the engine (response time − `Server-Timing`)", tuple(outside), 0, seconds),
            Timings("HTTP floor: a static file, same client, same moment", tuple(floor), 0, seconds),
            Timings("… outside the engine, same search through `httpx.AsyncClient`", tuple(heavy), 0, seconds))


@dataclass
class LoadResult:
    timings: Timings
    outside: Timings
    published_at: float  # seconds after the start
    rebuild_seconds: float
    old_after_publish: int  # answers from the old build that started after the publication
    new_answers: int
    error_samples: list[str]


async def concurrent(url: str, questions: Sequence[str], clients: int, duration: float,
                     rebuild: "Rebuild") -> LoadResult:
    """``clients`` clients in a loop for ``duration`` seconds; the rebuild starts halfway."""
    import httpx

    latencies: list[float] = []
    outside: list[float] = []
    samples: list[str] = []
    errors = old_after = new = 0
    start = time.perf_counter()
    probe = rebuild.probe_question

    def running() -> bool:
        # ``duration`` seconds, and at least AFTER_PUBLISH_S after the new build is published.
        now = time.perf_counter()
        if now > start + MAX_WAIT_FOR_REBUILD_S:
            return False
        return now < start + duration or rebuild.published_at is None or now < rebuild.published_at + AFTER_PUBLISH_S

    async def client(n: int, http: httpx.AsyncClient) -> None:
        nonlocal errors, old_after, new
        i = n
        while running():
            # Every fourth request asks about the edited passage, to see which build answers.
            question = probe if i % 4 == 0 else questions[i % len(questions)]
            i += clients
            sent = time.perf_counter()
            try:
                response = await http.get("/v1/search", params={"q": question})
            except httpx.HTTPError as exc:
                errors += 1
                samples.append(repr(exc))
                continue
            latencies.append(time.perf_counter() - sent)
            outside.append(latencies[-1] - engine_time(response.headers))
            if response.status_code != 200:
                errors += 1
                samples.append(f"{response.status_code} {response.text[:200]}")
                continue
            if question == probe:
                answers = " ".join(r["answer"] for r in response.json()["results"])
                if EDIT_MARKER in answers:
                    new += 1
                elif rebuild.published_at is not None and sent > rebuild.published_at:
                    old_after += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        loop = asyncio.get_running_loop()
        rebuild_task = loop.call_later(duration / 2, rebuild.start)
        await asyncio.gather(*(client(n, http) for n in range(clients)))
        rebuild_task.cancel()
    seconds = time.perf_counter() - start
    rebuild.join()
    timings = Timings(f"HTTP `/v1/search`, {clients} concurrent clients, rebuild halfway",
                      tuple(latencies), errors, seconds)
    waiting = Timings("… of which outside the engine (queueing for a free core included)", tuple(outside), 0, seconds)
    published = (rebuild.published_at - start) if rebuild.published_at else float("nan")
    return LoadResult(timings, waiting, published, rebuild.seconds, old_after, new, samples[:5])


def build_index(corpus: Path, index: Path) -> None:
    """``python -m faqsearch build``, as an editor would run it: in its own process, so that this
    one holds only the query encoder, like the service's workers."""
    done = subprocess.run([sys.executable, "-m", "faqsearch", "build", "--corpus", str(corpus), "--index", str(index),
                           "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"build failed ({done.returncode}): {done.stderr[-2000:]}")


class Rebuild:
    """Edits one answer of the corpus copy, rebuilds and publishes, in a thread of this process."""

    def __init__(self, corpus: Path, index: Path):
        self.corpus, self.index = corpus, index
        self.published_at: float | None = None
        self.seconds = float("nan")
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        guide = sorted(self.corpus.glob("*.txt")) + sorted(self.corpus.glob("*.md"))
        self.guide = guide[0]
        self.probe_question = "Quel est le numéro du support aux États-Unis ?"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            text = self.guide.read_text(encoding="utf-8")
            line = next(line for line in text.splitlines() if "+1 888 900 9646" in line)
            self.guide.write_text(text.replace(line, f"{line} {EDIT_MARKER}", 1), encoding="utf-8")
            started = time.perf_counter()
            build_index(self.corpus, self.index)
            self.published_at = time.perf_counter()
            self.seconds = self.published_at - started
        except BaseException as exc:  # noqa: BLE001 - re-raised by join()
            self.error = exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of concurrent load (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="service worker processes (default 2)")
    parser.add_argument("--calls", type=int, default=300, help="sequential calls for the in-process and 1-client rows")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="corpus to copy (default corpus/)")
    parser.add_argument("--freeze-db", type=float, default=None, metavar="SECONDS",
                        help="feedback on a PostgreSQL server started for the run and frozen (SIGSTOP) for SECONDS "
                             "a third of the way in (0: never), while --writers clients post questions; "
                             "replaces the one-client rows and the rebuild")
    parser.add_argument("--writers", type=int, default=32, help="clients posting questions with --freeze-db (default 32)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 256 and 1 <= args.duration <= 3600 and 1 <= args.workers <= 16 and args.calls >= 10):
        parser.error("expected 1-256 clients, 1-3600 s, 1-16 workers, at least 10 calls")
    if args.freeze_db is not None:
        if not (0 <= args.freeze_db < args.duration * 2 / 3 and 0 <= args.writers <= 256):
            parser.error("expected --freeze-db from 0 to two thirds of --duration, and 0-256 writers")
        from bench.frozen import main as frozen_main

        return frozen_main(args)

    from bench.http_server import service_process

    questions = read_questions()
    with tempfile.TemporaryDirectory(prefix="faqsearch-load-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(args.corpus, corpus)
        build_index(corpus, index)
        engine = open_engine(index)
        rebuild = Rebuild(corpus, index)
        env = {"FAQSEARCH_DATA": str(Path(tmp) / "data")}
        with service_process(index, corpus, Path(tmp) / "serve.log", workers=args.workers, env=env) as (url, _):
            local, remote, outside, floor, heavy = asyncio.run(paired(url, engine, questions, args.calls))
            load = asyncio.run(concurrent(url, questions, args.clients, args.duration, rebuild))

    overhead = (remote.percentile(0.5) - local.percentile(0.5)) * 1000
    total_errors = remote.errors + load.timings.errors
    print(f"\n## Load — {args.workers} worker(s), {args.clients} clients for {load.timings.seconds:.0f} s, loopback\n")
    print("| what | requests | errors | p50 ms | p95 ms | requests/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for timings in (local, remote, outside, floor, heavy):
        print(timings.row(throughput=False))  # alternating calls: no rate of their own
    for timings in (load.timings, load.outside):
        print(timings.row())
    print(f"\nHTTP layer at p50: {overhead:+.1f} ms (1 client minus in process), "
          f"{outside.percentile(0.5) * 1000:.1f} ms (outside the engine, per request; a static file: "
          f"{floor.percentile(0.5) * 1000:.1f} ms); target ≤ 5 ms.")
    print(f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores.")
    print(f"Rebuild published {load.published_at:.1f} s into the load, after {load.rebuild_seconds:.1f} s of building; "
          f"{load.new_answers} answers from the new build, {load.old_after_publish} from the old one after it was published.")
    ok = total_errors == 0 and load.old_after_publish == 0 and load.new_answers > 0
    print(f"Check: {'OK' if ok else 'FAILED'}, {total_errors} errors" + (f": {load.error_samples}" if load.error_samples else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
