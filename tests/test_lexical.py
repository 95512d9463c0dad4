"""French BM25: folding, stems, 4-grams, typos and synonyms."""

from __future__ import annotations

import numpy as np

from faqsearch.fusion import blend, rrf
from faqsearch.analyzer import FrenchAnalyzer
from faqsearch.lexical import LexicalIndex

DOCS = [
    "Support téléphonique : appelez le +1 888 900 9646",
    "Forums communautaires : posez vos questions à la communauté",
    "Statut du service : consultez status.zoho.com en cas de panne",
]


def test_analyzer_folds_accents_and_drops_stop_words():
    tokens = FrenchAnalyzer()("Quel est le numéro du Téléphone ?")
    stems = [t for t in tokens if not t.startswith("#")]
    assert stems == ["numero", "telephon"]


def test_typo_and_accentless_query_still_match():
    index = LexicalIndex.build(DOCS)
    scores = index.scores(["suport telephonique"])[0]
    assert int(np.argmax(scores)) == 0


def test_derived_words_meet_through_character_grams():
    index = LexicalIndex.build(DOCS)
    assert int(np.argmax(index.scores(["communautaire"])[0])) == 1


def test_synonyms_widen_the_query_at_half_weight(tmp_path):
    plain = LexicalIndex.build(DOCS)
    index = LexicalIndex.build(DOCS, synonyms=[("panne", "down", "outage")])
    assert plain.scores(["is it down"])[0][2] == 0
    assert int(np.argmax(index.scores(["is it down"])[0])) == 2
    assert index.evidence("is it down") == 0.5
    path = tmp_path / "lexical.npz"
    index.save(path)
    loaded = LexicalIndex.load(path)
    assert loaded.synonyms == index.synonyms
    np.testing.assert_allclose(loaded.scores(["panne"]), index.scores(["panne"]))


def test_off_topic_question_has_little_evidence():
    index = LexicalIndex.build(DOCS)
    assert index.evidence("Comment réparer une fuite d'eau ?") == 0
    assert index.evidence("numéro du support téléphonique") >= 2


def test_fusions_rank_agreeing_evidence_first():
    dense = np.array([0.80, 0.90, 0.85])
    lexical = np.array([9.0, 0.0, 8.0])
    candidates = np.arange(3)
    assert int(np.argmax(blend(dense, lexical, candidates, 0.5))) == 2
    both_first = rrf(np.array([0.80, 0.90, 0.95]), np.array([9.0, 0.0, 10.0]), candidates)
    assert int(np.argmax(both_first)) == 2
    assert both_first[1] < both_first[0]  # no lexical overlap, no lexical share
    only_dense = blend(dense, np.zeros(3), candidates, 0.5)
    assert int(np.argmax(only_dense)) == 1
