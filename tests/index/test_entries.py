"""Entries, not passages, are ranked: the chunks of one entry compete as one."""

from __future__ import annotations

import numpy as np

from faqsearch.index.entries import EntryTable
from faqsearch.records.passage import Passage


def passage(pid: str, entry: str = "", part: int = 1, parts: int = 1) -> Passage:
    return Passage(pid, "g", "", pid, f"{pid} ?", "texte", entry_id=entry, part=part, parts=parts)


def test_whole_entries_are_their_own_ranking():
    table = EntryTable.of([passage("a"), passage("b")])
    assert table.one_passage_each and table.size == 2


def test_best_keeps_one_passage_per_entry_and_entry_max_takes_each_signal_apart():
    passages = [passage("a"), passage("b#1", "b"), passage("b#2", "b"), passage("c")]
    table = EntryTable.of(passages)
    assert not table.one_passage_each and list(table.owner) == [0, 1, 1, 2]
    candidates = np.array([3, 1, 2])
    fused = np.array([0.2, 0.5, 0.9])  # b#2 is b's best passage
    chosen = table.best(fused, candidates)
    assert sorted(candidates[chosen]) == [2, 3]
    dense = np.array([0.0, 0.8, 0.1, 0.3])
    lexical = np.array([0.0, 0.0, 4.0, 1.0])
    # b takes its best cosine (chunk 1) and its best BM25 (chunk 2), whichever chunk is shown.
    by_entry = dict(zip(candidates[chosen], zip(table.entry_max(dense, candidates, chosen),
                                                 table.entry_max(lexical, candidates, chosen))))
    assert by_entry[2] == (0.8, 4.0) and by_entry[3] == (0.3, 1.0)


def test_a_later_chunk_must_beat_the_opening_by_the_penalty():
    from faqsearch.index.entries import LATER_CHUNK_PENALTY

    table = EntryTable.of([passage("a"), passage("b#1", "b", 1, 2), passage("b#2", "b", 2, 2)])
    dense = np.array([0.80, 0.70, 0.81], dtype=np.float32)
    lowered = table.opening_first(dense)
    assert list(lowered[:2]) == list(dense[:2])
    assert abs(lowered[2] - (dense[2] - LATER_CHUNK_PENALTY)) < 1e-6 and lowered[2] < dense[0]
