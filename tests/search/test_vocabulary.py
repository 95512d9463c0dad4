"""Words looked up by prefix and by typos, through shared trigrams and an edit distance."""

from __future__ import annotations

from faqsearch.search.vocabulary import Vocabulary, allowed_typos, distance

WORDS = "support support telephone telephonique numero ticket creer courriel chat mail mal".split()


def test_edit_distance_counts_a_swap_once_and_stops_past_its_limit():
    assert distance("ticket", "tiket", 2) == 1
    assert distance("support", "suppotr", 2) == 1
    assert distance("telephone", "telefone", 2) == 2
    assert distance("chat", "courriel", 1) == 2  # past the limit: limit + 1
    assert allowed_typos("mal") == 0 and allowed_typos("tiket") == 1 and allowed_typos("telefone") == 2


def test_close_words_are_found_closest_then_most_frequent_and_short_words_must_match():
    vocabulary = Vocabulary(WORDS)
    assert vocabulary.near("tiket") == ["ticket"]
    assert vocabulary.near("telefone") == ["telephone"]
    assert vocabulary.near("supprt") == ["support"]
    assert vocabulary.near("mal") == ["mal"] and vocabulary.near("mai") == []
    assert vocabulary.near("zzzzzz") == []


def test_prefixes_with_or_without_a_typo():
    vocabulary = Vocabulary(WORDS)
    assert list(vocabulary.with_prefix("tele")) == ["telephone", "telephonique"]
    assert vocabulary.near_prefix("telef") == ["telephone", "telephonique"]
    assert vocabulary.near_prefix("numr") == ["numero"]
    assert vocabulary.near_prefix("xyz") == []
