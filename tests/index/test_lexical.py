"""French BM25: folding, stems, 4-grams, typos and synonyms."""

from __future__ import annotations

import numpy as np

from faqsearch.index.lexical import LexicalIndex
from faqsearch.search.fusion import blend, rrf
from faqsearch.text.analyzer import FrenchAnalyzer

DOCS = [
    "Support téléphonique : appelez le +1 888 900 9646",
    "Forums communautaires : posez vos questions à la communauté",
    "Statut du service : consultez status.zoho.com en cas de panne",
]


def test_analyzer_folds_accents_and_drops_stop_words():
    tokens = FrenchAnalyzer()("Quel est le numéro du Téléphone ?")
    stems = [t for t in tokens if not t.startswith("#")]
    assert stems == ["numero", "telephon"]


def test_analyzer_tokens_are_the_same_when_its_word_cache_answers():
    analyzer = FrenchAnalyzer()
    text = "Le téléphone du support : appelez le support téléphonique, 24/7 ; le Support répond."
    first = analyzer(text)
    assert first == analyzer(text)  # every word now comes from the cache
    assert first[:6] == ["telephon", "#<tel", "#tele", "#elep", "#leph", "#epho"]
    assert first.count("support") == 3 and "le" not in first and "du" not in first


def test_bm25_weights_match_the_formula():
    """Okapi BM25 with idf log(1 + (n − df + 0.5) / (df + 0.5)), checked by hand on one term."""
    docs = ["chat chat support", "support e-mail", "forum"]
    index = LexicalIndex.build(docs, k1=1.2, b=0.75)
    lengths = [len(FrenchAnalyzer()(d)) for d in docs]
    avg = sum(lengths) / 3
    j = index.vocabulary["chat"]
    idf = np.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * lengths[0] / avg))
    assert abs(float(index.weights[0, j]) - expected) < 1e-5
    assert float(index.weights[1, j]) == 0.0 and float(index.weights[2, index.vocabulary["support"]]) == 0.0


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


def test_a_price_written_with_its_symbol_meets_a_question_in_words():
    docs = ["Les plans payants, à partir de 1,99 €/mois, incluent le support", "Le support répond sous 24 heures"]
    index = LexicalIndex.build(docs)
    scores = index.scores(["Combien d'euros faut-il payer ?"])[0]
    assert scores[0] > 0 and scores[1] == 0
    assert index.scores(["tarif en dollars"])[0].max() == 0  # "$" is read as "dollars" but none is written here
    assert [t for t in FrenchAnalyzer()("20 $") if not t.startswith("#")] == ["20", "dollar"]


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
