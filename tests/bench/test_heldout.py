"""bench.heldout: each variant asked of an index built without it."""

from __future__ import annotations

from bench.heldout import SETTINGS, held_out, run
from faqsearch.content.corpus import load_corpus
from tests.fakes import FakeEncoder

GUIDE = """# Guide

## Compte

### Réinitialiser un mot de passe
- Console > Utilisateurs > Réinitialiser.
- Variante : mot de passe oublié, que faire
- Variante : mot de passe perdu, que faire
- Variante : xylophone quartz

### Exporter les e-mails
- Paramètres > Import/Export.
"""


def test_each_variant_is_asked_of_an_index_without_it(tmp_path):
    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    result = held_out(corpus, FakeEncoder(), "question views, passage views and BM25 (default)")
    assert len(result.ranks) == 3
    # Its sibling phrasing still leads to the passage...
    assert result.ranks[0] == 1 and result.ranks[1] == 1
    # ...while a phrasing like no other is not found as it would be, first, were it still indexed.
    assert result.ranks[2] != 1
    assert "hit@1 0.667" in result.line()


def test_every_setting_is_measured_on_the_same_questions(tmp_path):
    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    results = run(load_corpus(tmp_path), FakeEncoder())
    assert [r.setting for r in results] == list(SETTINGS)
    assert all(len(r.ranks) == 3 for r in results)
