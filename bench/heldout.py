"""Each variant asked as a new question, with that variant taken out of the index.

``python -m bench.heldout [--corpus corpus/]``: for every variant of the corpus, the index is built
without it (its question view, its passage view and its BM25 text all go) and the variant is asked;
it counts when its own passage comes first. The other variants of that passage stay, so this says
how well the variants an editor wrote help the phrasings nobody wrote, for each way of indexing
them. No evaluation file is read: the questions are the corpus's own.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from faqsearch.content.corpus import Corpus, load_corpus
from faqsearch.embedding.encoder import Encoder, make_encoder
from faqsearch.index.faq_index import FaqIndex
from faqsearch.search.engine import Engine

from .ablation import VectorCache

# How the variants are indexed, as FaqIndex.build options; the product's default is the last.
SETTINGS: dict[str, dict] = {
    "question views only": {"variant_views": False, "lexical_variants": False},
    "+ passage views": {"lexical_variants": False},
    "+ BM25 (question views and BM25)": {"variant_views": False},
    "question views, passage views and BM25 (default)": {},
}


@dataclass(frozen=True)
class HeldOut:
    """Ranks of the held-out variants' own passages (None: not in the top ``depth``) and refusals."""

    setting: str
    ranks: tuple[int | None, ...]
    refused: int

    def line(self) -> str:
        n = max(len(self.ranks), 1)
        hit1 = sum(r == 1 for r in self.ranks) / n
        hit3 = sum(r is not None and r <= 3 for r in self.ranks) / n
        mrr = sum(1 / r for r in self.ranks if r) / n
        return f"{self.setting:<50} hit@1 {hit1:.3f}  hit@3 {hit3:.3f}  MRR@10 {mrr:.3f}  refused {self.refused}"


def held_out(corpus: Corpus, encoder: Encoder, setting: str, depth: int = 10) -> HeldOut:
    """Ask every variant of ``corpus`` of an index built without it, indexed as ``setting`` says."""
    ranks, refused = [], 0
    for i, passage in enumerate(corpus.passages):
        for variant in passage.variants:
            passages = list(corpus.passages)
            passages[i] = replace(passage, variants=tuple(v for v in passage.variants if v != variant))
            index = FaqIndex.build(passages, encoder, corpus.catalogue, synonyms=corpus.synonyms, **SETTINGS[setting])
            answer = Engine(index).ask(variant, None, depth)
            ranks.append(next((h.rank for h in answer.hits if h.passage.id == passage.id), None))
            refused += not answer.confident
    return HeldOut(setting, tuple(ranks), refused)


def run(corpus: Corpus, encoder: Encoder, settings: Sequence[str] = tuple(SETTINGS)) -> list[HeldOut]:
    """Every setting on the same vectors: each distinct text is embedded once."""
    cached = VectorCache(encoder)
    return [held_out(corpus, cached, setting) for setting in settings]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.heldout", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus)
    count = sum(len(p.variants) for p in corpus.passages)
    print(f"{count} variants, each held out in turn ({len(corpus.passages)} passages)")
    for result in run(corpus, make_encoder(None)):
        print(result.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
