"""The checks on a freshly written index before it goes into service: integrity, then whether
each entry's own question finds it (look-alike entries are reported to editors, never refused)."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..content.lookalikes import BuildWarning, split_source
from ..index.faq_index import FaqIndex
from ..records.answer import Hit
from ..records.passage import Passage
from ..search.hybrid import search_batch
from .report import BuildError

# How many of the top results an entry's own question must reach (the build's self-retrieval check).
SELF_RETRIEVAL_TOP_K = 3
VERIFY_TOP_K = SELF_RETRIEVAL_TOP_K
VERIFY_SAMPLE = 2000
# Questions searched at once by the check: a batch scores every passage and every heading for
# each of its questions, several times over (2,000 × 100,000 BM25 scores alone are 800 MB).
VERIFY_BATCH = 32


def verify(index: FaqIndex, expected: int, sample: int = VERIFY_SAMPLE,
           encode_queries: Callable[[list[str]], np.ndarray] | None = None) -> list[BuildWarning]:
    """Check a freshly written index before it goes into service; return its warnings.

    Integrity is fatal: the index must hold ``expected`` passages. Self-retrieval is reported:
    each entry whose own question does not find it among the top 3 (checked on up to ``sample``
    entries, which covers any help center) is a warning naming the entry that wins instead.
    ``encode_queries`` gives the questions' vectors (default: the index's encoder).
    """
    if len(index.passages) != expected:
        raise BuildError(f"L'index écrit contient {len(index.passages)} passages au lieu de {expected} : "
                         "relancez la reconstruction ; si cela se répète, vérifiez l'espace disque.")
    if sample <= 0:
        return []

    def search(questions: list[str]) -> list:
        hits = []
        for start in range(0, len(questions), VERIFY_BATCH):
            batch = questions[start:start + VERIFY_BATCH]
            hits += [found.hits for found in search_batch(
                index, batch, top_k=VERIFY_TOP_K, query_vectors=encode_queries(batch) if encode_queries else None)]
        return hits

    return self_retrieval_warnings(index.passages, search, sample)


def self_retrieval_warnings(passages: Sequence[Passage], search: Callable[[list[str]], list[list[Hit]]],
                            sample: int) -> list[BuildWarning]:
    """Entries whose own question does not bring them into the top results, with the entry that wins.

    ``search`` answers a batch of questions (the new index's ``search_batch`` with top 3). One
    question per entry (its first passage's), for the first ``sample`` entries.
    """
    entries: dict[str, Passage] = {}
    for passage in passages:
        entries.setdefault(passage.entry, passage)
        if len(entries) >= sample:
            break
    heads = list(entries.values())
    if not heads:
        return []
    warnings = []
    for passage, hits in zip(heads, search([p.question for p in heads])):
        if passage.entry in {h.passage.entry for h in hits}:
            continue
        file, line = split_source(passage.source)
        winner = f" : « {hits[0].passage.question} » ({hits[0].passage.source}) passe devant" if hits else ""
        asked = "la question" if is_question(passage.question) else "le titre"
        warnings.append(BuildWarning(file, line, (
            f"{asked} « {passage.question} » ne retrouve pas son propre passage parmi les "
            f"{SELF_RETRIEVAL_TOP_K} premiers{winner}. {how_to_fix(passage)}")))
    return warnings


def is_question(text: str) -> bool:
    """True for a question as a visitor would type it; false for a bare title ("Fin",
    "Carte grise : changement d'adresse"), which help centers use verbatim as questions."""
    return text.rstrip().endswith("?")


def how_to_fix(passage: Passage) -> str:
    """What an editor can change to make an entry distinct, in the terms of its file's format.

    A bare title is often a sub-page's ("Fin", "Première demande") and lacks the subject its
    parent page gave it: saying it first fixes the title for searchers and for the check alike.
    """
    file, _ = split_source(passage.source)
    suffix = file.rsplit(".", 1)[-1].lower() if "." in file else ""
    if suffix in ("csv", "jsonl"):
        where = "la colonne question, ou d'autres formulations dans la colonne variants"
    elif suffix in ("html", "htm"):
        where = "le titre de la page ou de l'élément"
    else:
        where = "le titre, « Question : … » ou d'autres formulations"
    advice = f"Rendez-les plus distincts ({where})."
    if not is_question(passage.question) and len(passage.question.split()) <= 3:
        advice += (f" Un titre aussi court que « {passage.question} » ne dit pas de quoi il s'agit : "
                   "nommez le sujet (« Carte grise : perte » plutôt que « Perte »).")
    return advice
