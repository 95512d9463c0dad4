"""The heading field: what an entry says it is about, matched apart from its body. Pure logic.

An entry's heading is its section, its question and the first line of its answer (the line a
help-center page opens with: a fuller title such as "Passeport d'un majeur : première demande"
under the title "Première demande", or a one-sentence summary). BM25 over these few words, with
their own term statistics and length norm, tells which entries are *about* a question's words,
where BM25 over the chunks of long pages also rewards pages that merely mention them. The two
are summed on the lexical side before fusion, as a title field is in fielded BM25 (BM25F).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..records.passage import Passage

# Share of the heading's BM25 (each side divided by its best score for the query) on the lexical
# side. Measured on the service-public pages and the seed's dev sets (docs/benchmarks/external.md#heading-field).
HEADING_WEIGHT = 0.35

# The answer's opening line counts up to this many characters: a heading or a summary, not a paragraph.
LEAD_CHARS = 200


def heading_text(passage: Passage) -> str:
    """The heading of the entry whose first passage is ``passage``."""
    lead = next((line.strip() for line in passage.answer.splitlines() if line.strip()), "")
    if len(lead) > LEAD_CHARS:
        lead = lead[:LEAD_CHARS].rsplit(" ", 1)[0]
    return "\n".join(part for part in (passage.section, passage.question, lead) if part)


def entry_headings(passages: Sequence[Passage]) -> list[str]:
    """One heading per entry, in the order entries first appear (the numbering of
    :class:`faqsearch.index.entries.EntryTable`), from each entry's first passage."""
    seen: set[str] = set()
    out = []
    for passage in passages:
        if passage.entry not in seen:
            seen.add(passage.entry)
            out.append(heading_text(passage))
    return out


def with_headings(lexical: np.ndarray, headings: np.ndarray, owner: np.ndarray,
                  weight: float = HEADING_WEIGHT) -> np.ndarray:
    """Lexical scores of passages, shape (queries, passages), plus ``weight`` × their entry's
    heading score (``headings``: queries × entries; ``owner``: the entry of each passage), each
    side divided by its best score for the query, so that neither scale decides."""
    def scaled(scores: np.ndarray) -> np.ndarray:
        top = scores.max(axis=1, keepdims=True) if scores.shape[1] else np.zeros((len(scores), 1))
        return np.divide(scores, top, out=np.zeros_like(scores, dtype=np.float32), where=top > 0)

    return scaled(lexical) + weight * scaled(headings)[:, owner]
