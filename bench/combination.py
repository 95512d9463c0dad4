"""A learned combination of the signals, trained on the corpus's own questions: ``python -m bench.combination``.

Each passage's question and each of its variants is a training query whose answer is known (its
passage); its own question view is left out, or it would find itself. Per (query, passage) the
signals are the best passage-view cosine (raw and min-max scaled over the passages), the best
question-view cosine, BM25 divided by its maximum and whether the passage's channel is named in
the query. A softmax over the passages (numpy, L2-regularised gradient ascent) learns their
weights; the ranking it gives is then scored on question sets with gold patterns, beside the
engine's fixed blend. Measurement only: the engine keeps its blend unless this wins everywhere.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from faqsearch.channels.mentions import find_mentions
from faqsearch.index.views import passage_views
from faqsearch.content.corpus import Corpus, load_corpus
from faqsearch.embedding.encoder import Encoder, make_encoder
from faqsearch.evaluation.questions import read_questions
from faqsearch.index.faq_index import FaqIndex
from faqsearch.search.engine import Engine

FEATURES = ("dense", "dense scaled", "question view", "lexical", "named channel")


@dataclass(frozen=True)
class Ranking:
    hit1: float
    hit3: float
    mrr5: float


def features(index: FaqIndex, query: str, qvec: np.ndarray, leave_out: str = "") -> np.ndarray:
    """Signals of every passage for one query: shape (passages, len(FEATURES))."""
    n = len(index.passages)
    scores = index.dense.vectors @ qvec
    texts = [t for p in index.passages for t in ([v for _, v in passage_views(p)] + (p.phrasings() if p.part <= 1 else []))]
    dense, asked = np.full(n, -1.0), np.full(n, -1.0)
    for row, (owner, is_q) in enumerate(zip(index.dense.owner, index.dense.is_question)):
        if is_q and texts[row] == leave_out:
            continue
        target = asked if is_q else dense
        target[owner] = max(target[owner], scores[row])
    span = dense.max() - dense.min()
    lexical = index.lexical.scores([query])[0].astype(np.float64)
    named = set(find_mentions(query, index.catalogue).channels) if index.catalogue else set()
    return np.stack([
        dense, (dense - dense.min()) / span if span > 1e-9 else np.zeros(n), np.maximum(asked, 0.0),
        lexical / lexical.max() if lexical.max() > 0 else np.zeros(n),
        np.array([float(p.channel in named) for p in index.passages]),
    ], axis=1)


def train(xs: Sequence[np.ndarray], gold: Sequence[int], l2: float = 0.01, steps: int = 3000,
          rate: float = 0.5) -> np.ndarray:
    """Weights maximising the mean log-softmax probability of the right passage."""
    w = np.zeros(xs[0].shape[1])
    for _ in range(steps):
        grad = -l2 * w
        for x, g in zip(xs, gold):
            z = x @ w * 10.0
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += 10.0 * (x[g] - p @ x) / len(xs)
        w += rate * grad
    return w


def ranking(ranked: Sequence[Sequence[int]], gold: Sequence[set[int]]) -> Ranking:
    ranks = [next((r + 1 for r, i in enumerate(order[:5]) if i in g), None) for order, g in zip(ranked, gold)]
    n = max(len(ranks), 1)
    return Ranking(sum(r == 1 for r in ranks) / n, sum(r is not None and r <= 3 for r in ranks) / n,
                   sum(1.0 / r for r in ranks if r) / n)


def run(corpus: Corpus, encoder: Encoder, question_files: Sequence[Path]) -> list[str]:
    index = FaqIndex.build(corpus.passages, encoder, corpus.catalogue, synonyms=corpus.synonyms)
    queries = [(q, i) for i, p in enumerate(index.passages) for q in p.phrasings()]
    qvecs = encoder.encode_queries([q for q, _ in queries])
    xs = [features(index, q, v, leave_out=q) for (q, _), v in zip(queries, qvecs)]
    w = train(xs, [i for _, i in queries])
    out = [f"trained on {len(queries)} questions and variants of the corpus; weights: "
           + ", ".join(f"{name} {value:+.2f}" for name, value in zip(FEATURES, w))]
    engine = Engine(index)
    for path in question_files:
        questions = [q for q in read_questions(path) if q.in_scope]
        gold = [{i for i, p in enumerate(index.passages) if re.search(q.gold, p.section + p.question + p.answer)}
                for q in questions]
        vecs = encoder.encode_queries([q.question for q in questions])
        learned = [list(np.argsort(-(features(index, q.question, v) @ w), kind="stable")) for q, v in zip(questions, vecs)]
        ids = {p.id: i for i, p in enumerate(index.passages)}
        fixed = [[ids[h.passage.id] for h in a.hits] for a in engine.ask_batch([q.question for q in questions])]
        for name, ranked in (("engine blend", fixed), ("learned", learned)):
            r = ranking(ranked, gold)
            out.append(f"{path}: {name:<12} hit@1 {r.hit1:.3f}  hit@3 {r.hit3:.3f}  MRR@5 {r.mrr5:.3f}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.combination", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="jeux de questions (TSV du format shared/eval)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    print("\n".join(run(load_corpus(args.corpus), make_encoder(None), args.files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
