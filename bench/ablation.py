"""Ablation of the search on a question set: which evidence, which fusion, which indexed text, which threshold.

``python -m bench.ablation FILE`` builds variant indexes in memory from the corpus
passages and answers the same questions with each. The model is run once per distinct text: a
:class:`VectorCache` wraps the encoder, so the queries are encoded once for all variants and each
indexed-text variant costs one pass over the passages.
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Sequence

import numpy as np

from bench.options import encoder_for, run_on_question_set
from faqsearch.content.corpus import Corpus, load_corpus
from faqsearch.embedding.encoder import Encoder
from faqsearch.evaluation.metrics import Metrics, score
from faqsearch.evaluation.questions import EvalQuestion, read_questions
from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.answer import Answer
from faqsearch.records.passage import Passage
from faqsearch.search.confidence import Confidence
from faqsearch.search.engine import Engine
from faqsearch.search.hybrid import SearchConfig

STYLES = ("direct", "paraphrase", "typo", "english", "colloquial", "out_of_scope")


class VectorCache:
    """An :class:`Encoder` that remembers every vector it computed (queries and passages apart)."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self._queries: dict[str, np.ndarray] = {}
        self._passages: dict[str, np.ndarray] = {}
        self.encoded = 0

    def _get(self, store: dict, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in store))
        if todo:
            self.encoded += len(todo)
            for text, vector in zip(todo, encode(todo)):
                store[text] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([store[t] for t in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._get(self._queries, list(texts), self.encoder.encode_queries)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._get(self._passages, list(texts), lambda t: self.encoder.encode_passages(t))


# What is indexed for a passage (dense and lexical alike): the passage as FaqIndex.build sees it.
# "full" is the passage itself; the others blank fields before indexing (the title is the source
# of the generated question, so "no question" drops both).
TEXTS: dict[str, Callable[[Passage], Passage]] = {
    "full": lambda p: p,
    "no section": lambda p: replace(p, section=""),
    "no question": lambda p: replace(p, question="", title=""),
    "answer only": lambda p: replace(p, section="", question="", title=""),
    "no variants": lambda p: replace(p, variants=()),
}
# Indexed-text variants that change how the index is built rather than the passages.
INDEX_OPTIONS: dict[str, dict] = {
    "variants not in BM25": {"lexical_variants": False},
    "no variant passage views": {"variant_views": False},
    "no synonyms": {"synonyms": ()},
}


def variant_index(corpus: Corpus, encoder: Encoder, text: str = "full") -> FaqIndex:
    """An in-memory index of the corpus built by :meth:`FaqIndex.build` from the ``text`` variant
    of every passage (see :data:`TEXTS`); ``answers`` maps hits back to the real passages."""
    passages = [TEXTS.get(text, TEXTS["full"])(p) for p in corpus.passages]
    options = {"synonyms": corpus.synonyms, **INDEX_OPTIONS.get(text, {})}
    return FaqIndex.build(passages, encoder, corpus.catalogue, **options)


def original_answers(answers: Sequence[Answer], passages: Sequence[Passage]) -> list[Answer]:
    """``answers`` whose hits point at the real passages (same ids), so gold patterns see full text."""
    by_id = {p.id: p for p in passages}
    return [replace(a, hits=tuple(replace(h, passage=by_id.get(h.passage.id, h.passage)) for h in a.hits))
            for a in answers]


@dataclass(frozen=True)
class Variant:
    name: str
    text: str = "full"
    config: SearchConfig = SearchConfig()


def default_variants(base: SearchConfig = SearchConfig()) -> list[Variant]:
    """Retrievers and fusions on the full text, then the indexed-text variants with ``base``."""
    out = [
        Variant("lexical only", config=replace(base, dense_fields=())),
        Variant("dense only", config=replace(base, lexical_fields=())),
    ]
    for weight in (0.5, 1.0):
        out.append(Variant(f"rrf k=60 lex×{weight:g}", config=replace(base, fusion="rrf", rrf_k=60, lexical_weight=weight)))
    for alpha in (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8):
        out.append(Variant(f"blend α={alpha:g}", config=replace(base, fusion="blend", alpha=alpha)))
    for text in [*TEXTS, *INDEX_OPTIONS]:
        if text != "full":
            out.append(Variant(f"default, {text}", text=text, config=base))
    out.append(Variant("no question views", config=replace(base, dense_fields=_without(base.dense_fields, "question"))))
    for offset in (0.0, 0.05, 0.1):
        out.append(Variant(f"question views −{offset:g}", config=replace(base, question_offset=offset)))
    out.append(Variant("no title views", config=replace(base, dense_fields=_without(base.dense_fields, "title"))))
    for offset in (0.0, 0.05):
        out.append(Variant(f"title views −{offset:g}", config=replace(base, title_offset=offset)))
    out.append(Variant("no known-question rule", config=replace(base, known_question=1.01)))
    for bonus in (0.0, 0.1, 0.3):
        out.append(Variant(f"named channel +{bonus:g}", config=replace(base, named_channel_bonus=bonus)))
    for weight in (0.0, 0.2, 0.5):
        out.append(Variant(f"heading field ×{weight:g}", config=replace(base, heading_weight=weight)))
    return out


def _without(fields: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tuple(f for f in fields if f != name)


@dataclass(frozen=True)
class Row:
    variant: Variant
    metrics: Metrics
    answers: tuple[Answer, ...] = field(repr=False, default=())


@dataclass(frozen=True)
class Threshold:
    """Precision / recall of "not confident" as the out-of-scope detector, for one Confidence."""

    confidence: Confidence
    precision: float
    recall: float
    refused_in_scope: int
    in_scope: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]
    thresholds: tuple[Threshold, ...]
    threshold_variant: str
    seconds: float
    encoded: int

    def best(self) -> Row:
        """Highest MRR@5, then hit@1, hit@3, channel accuracy, out-of-scope accuracy."""
        return max(self.rows, key=lambda r: (round(r.metrics.mrr5, 6), r.metrics.hit1, r.metrics.hit3,
                                             r.metrics.channel, r.metrics.out_of_scope))

    def best_threshold(self) -> Threshold:
        """Highest F1 of "not confident"; ties: fewer in-scope refusals, then closest to the current default."""
        default = Confidence()
        return max(self.thresholds, key=lambda t: (round(t.f1, 6), -t.refused_in_scope,
                                                   -sum(abs(a - b) for a, b in zip(_values(t.confidence), _values(default)))))

    def lines(self) -> list[str]:
        out = ["Ablation (in-scope: hit@1, hit@3, MRR@5, channel; out-of-scope: refused)", ""]
        head = f"{'variant':<34} {'hit@1':>6} {'hit@3':>6} {'MRR@5':>6} {'canal':>6} {'oos':>6} {'refus':>5}"
        out += [head, "-" * len(head)]
        for r in self.rows:
            m = r.metrics
            out.append(f"{r.variant.name:<34} {m.hit1:6.3f} {m.hit3:6.3f} {m.mrr5:6.3f} {m.channel:6.3f} "
                       f"{m.out_of_scope:6.3f} {m.refused_in_scope:5d}")
        best = self.best()
        out += ["", f"best: {best.variant.name} ({_describe(best.variant)})"]
        misses = [m for m in best.metrics.misses if "canal" not in m.what]
        out += [f"  miss [{m.style}] {m.question} — {m.what}" for m in misses]
        out.append("")
        styles = [s for s in STYLES if any(s in r.metrics.by_style for r in self.rows)]
        styles += sorted({s for r in self.rows for s in r.metrics.by_style} - set(styles))
        out.append("By style (hit@1, or refused for out_of_scope), correct/total:")
        head = f"{'variant':<34} " + " ".join(f"{s[:12]:>12}" for s in styles)
        out += [head, "-" * len(head)]
        for r in self.rows:
            cells = []
            for s in styles:
                b = r.metrics.by_style.get(s)
                cells.append(f"{(str(int(b['ok'])) + '/' + str(b['n'])) if b else '—':>12}")
            out.append(f"{r.variant.name:<34} " + " ".join(cells))
        names = [f.name for f in fields(Confidence)]
        default = Confidence()
        out += ["", f"Out-of-scope threshold swept on « {self.threshold_variant} » (positive = not confident: "
                    "precision / recall of refusing the out-of-scope questions); one parameter at a time, "
                    "the others at their default:"]
        head = " ".join(f"{n:>12}" for n in names) + f" {'prec':>6} {'recall':>6} {'F1':>6} {'in-scope refused':>16}"
        out += [head, "-" * len(head)]
        single = [t for t in self.thresholds if sum(a != b for a, b in zip(_values(t.confidence), _values(default))) <= 1]
        for t in single:
            out.append(_threshold_line(t, names))
        ranked = sorted(self.thresholds, key=lambda t: (-round(t.f1, 6), t.refused_in_scope))[:5]
        out += ["", f"Best of the joint grid ({len(self.thresholds)} combinations):", head, "-" * len(head)]
        out += [_threshold_line(t, names) for t in ranked]
        bt = self.best_threshold()
        out += ["", "best threshold: " + ", ".join(f"{n}={getattr(bt.confidence, n):g}" for n in names)
                + f" (precision {bt.precision:.3f}, recall {bt.recall:.3f}, in-scope refused {bt.refused_in_scope})",
                f"({len(self.rows)} variants in {self.seconds:.1f} s; {self.encoded} texts encoded once)"]
        return out


def _describe(v: Variant) -> str:
    c = v.config
    if not c.use_lexical:
        what = "dense only"
    elif not c.use_dense:
        what = "lexical only"
    elif c.fusion == "rrf":
        what = f"fusion=rrf, rrf_k={c.rrf_k}, lexical_weight={c.lexical_weight:g}"
    else:
        what = f"fusion=blend, alpha={c.alpha:g}"
    views = (f"question views −{c.question_offset:g} (known ≥ {c.known_question:g})" if "question" in c.dense_fields
             else "no question views")
    views += f", title views −{c.title_offset:g}" if "title" in c.dense_fields else ", no title views"
    return (f"{what}, candidates={c.candidates}, {views}, named channel +{c.named_channel_bonus:g}, "
            f"heading ×{c.heading_weight:g}, text={v.text}")


def refusal_stats(questions: Sequence[EvalQuestion], confident: Sequence[bool]) -> tuple[float, float, int]:
    """(precision, recall, in-scope refused) of "not confident" as a detector of out-of-scope questions."""
    refused = [not c for c in confident]
    oos = [not q.in_scope for q in questions]
    tp = sum(r and o for r, o in zip(refused, oos))
    predicted, actual = sum(refused), sum(oos)
    return (tp / predicted if predicted else 0.0, tp / actual if actual else 0.0,
            sum(r and not o for r, o in zip(refused, oos)))


def _values(conf: Confidence) -> list[float]:
    return [float(getattr(conf, f.name)) for f in fields(conf)]


def _threshold_line(t: Threshold, names: Sequence[str]) -> str:
    return (" ".join(f"{getattr(t.confidence, n):12.3f}" for n in names)
            + f" {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} {t.refused_in_scope:>9d}/{t.in_scope}")


def parameter_values(name: str, default: float) -> list[float]:
    """Values tried for one Confidence parameter: cosines in steps of 0.01, other scales by factors."""
    if "dense" in name or 0 < default < 1:
        return [round(default + d, 3) for d in (-0.04, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, 0.04)]
    return sorted({round(default * f, 3) for f in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)})


def threshold_grid(base: Confidence = Confidence()) -> list[Confidence]:
    """Every combination of :func:`parameter_values` over the float parameters of ``Confidence``."""
    names = [f.name for f in fields(base) if isinstance(getattr(base, f.name), (int, float))]
    axes = [parameter_values(n, float(getattr(base, n))) for n in names]
    return [replace(base, **dict(zip(names, combo))) for combo in itertools.product(*axes)]


def sweep(questions: Sequence[EvalQuestion], answers: Sequence[Answer], grid: Sequence[Confidence],
          index: FaqIndex) -> list[Threshold]:
    """Re-decide confidence from the same hits for every threshold in ``grid``."""
    n_in = sum(q.in_scope for q in questions)
    _, evidence = index.lexical.match([a.question for a in answers])
    out = []
    for conf in grid:
        precision, recall, refused = refusal_stats(questions, [conf(a.hits, e) for a, e in zip(answers, evidence)])
        out.append(Threshold(conf, precision, recall, refused, n_in))
    return out


def run(corpus: Corpus, encoder: Encoder, questions: Sequence[EvalQuestion],
        variants: Sequence[Variant] | None = None, confidence: Confidence = Confidence(),
        grid: Sequence[Confidence] | None = None, top_k: int = 5) -> Report:
    """Answer ``questions`` with every variant and score them; sweep the threshold on the best variant."""
    started = time.perf_counter()
    cache = encoder if isinstance(encoder, VectorCache) else VectorCache(encoder)
    variants = list(variants) if variants is not None else default_variants()
    indexes: dict[str, FaqIndex] = {}
    rows = []
    texts = [q.question for q in questions]
    for v in variants:
        if v.text not in indexes:
            indexes[v.text] = variant_index(corpus, cache, v.text)
        engine = Engine(indexes[v.text], config=v.config, confidence=confidence)
        answers = original_answers(engine.ask_batch(texts, None, top_k), corpus.passages)
        rows.append(Row(v, score(questions, answers), tuple(answers)))
    report = Report(tuple(rows), (), "", 0.0, 0)
    best = report.best()
    thresholds = sweep(questions, best.answers, grid if grid is not None else threshold_grid(confidence),
                       indexes[best.variant.text])
    return Report(tuple(rows), tuple(thresholds), best.variant.name, time.perf_counter() - started, cache.encoded)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.ablation FILE [--corpus DIR] [--model NAME]``: the ablation table."""
    return run_on_question_set(
        "python -m bench.ablation", "comparer lexical, dense, fusions, textes indexés et seuils (index en mémoire "
        "depuis --corpus)", argv,
        lambda args, settings: run(load_corpus(settings.corpus_dir), encoder_for(settings),
                                   read_questions(args.file)).lines())


if __name__ == "__main__":
    sys.exit(main())
