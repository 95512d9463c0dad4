"""Learnt phrasings turned down by an editor: kept per (phrasing key, passage) in the feedback store."""

from __future__ import annotations

import pytest

from faqsearch.feedback.evidence import phrasing_key
from faqsearch.feedback.rejections import reject, rejected
from faqsearch.feedback.store import FeedbackStore


def test_a_rejection_holds_for_near_identical_wordings_of_the_pair_only(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    assert rejected(store) == set()
    reject(store, "Comment écrire au support ?", "mail", "Alice")
    reject(store, "comment ecrire au support", "mail", "Bob")  # the same pair: replaced, not doubled
    assert rejected(store) == {(phrasing_key("comment écrire au support"), "mail")}
    reject(store, "Comment écrire au support\u202e ?", "tel", "Alice")
    assert len(rejected(store)) == 2


def test_an_empty_rejection_is_refused(tmp_path):
    with pytest.raises(ValueError):
        reject(FeedbackStore(tmp_path / "f.sqlite3"), "?", "mail", "Alice")
