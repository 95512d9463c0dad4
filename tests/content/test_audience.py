"""Who an entry is for: ``Public :``/``Forfaits :`` in a guide, a ``public`` column, a page's
``<meta name="public">``; « interne » entries; an unknown value stops the build at its entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsearch.content.corpus import load_corpus
from faqsearch.errors import ContentError
from tests.corpora import INTERNAL_PASSAGE, write_audience_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_audience_corpus(tmp_path / "corpus")


def test_guide_lines_say_who_an_entry_is_for_and_are_not_shown(corpus):
    passages = {p.id: p for p in load_corpus(corpus).passages}
    internal = passages[INTERNAL_PASSAGE]
    assert internal.internal and internal.audience == () and "Public" not in internal.answer
    direct = passages["guide/equipe/ligne-directe-des-grands-comptes"]
    assert direct.audience == ("entreprise",) and not direct.internal and "Forfaits" not in direct.answer
    assert not any(p.internal or p.audience for pid, p in passages.items()
                   if pid not in (INTERNAL_PASSAGE, direct.id))


def test_a_table_column_and_a_page_meta_say_it_too(corpus):
    (corpus / "faq.csv").write_text("question,réponse,public\nComment payer par virement ?,Utilisez l'IBAN.,"
                                    "Pro; Entreprise\nOù est la note interne ?,Dans l'intranet.,interne\n"
                                    "Comment payer par carte ?,En ligne.,Tous\n", encoding="utf-8")
    (corpus / "tarifs.html").write_text('<html><head><meta name="public" content="payant"></head><body>'
                                        "<h1>Tarifs négociés</h1><p>Les remises se demandent au commercial.</p>"
                                        "</body></html>", encoding="utf-8")
    passages = {p.question: p for p in load_corpus(corpus).passages}
    assert passages["Comment payer par virement ?"].audience == ("pro", "entreprise")
    assert passages["Où est la note interne ?"].internal
    assert passages["Comment payer par carte ?"].audience == () and not passages["Comment payer par carte ?"].internal
    assert all(p.audience == ("pro", "entreprise") for p in passages.values() if p.guide == "Tarifs négociés")


@pytest.mark.parametrize("name, text, where", [
    ("guide.md", None, "guide.md:"),
    ("faq.csv", "question,réponse,public\nComment payer ?,Par carte.,premium\n", "faq.csv:2"),
])
def test_an_unknown_audience_is_a_build_error_with_file_and_line(corpus, name, text, where):
    if text is None:
        guide = corpus / "guide.md"
        guide.write_text(guide.read_text(encoding="utf-8").replace("Forfaits : entreprise", "Forfaits : platine"),
                         encoding="utf-8")
    else:
        (corpus / name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_corpus(corpus)
    message = str(caught.value)
    assert where in message and "public « " in message and "interne" in message and "essentiel, pro" in message
    assert caught.value.line > 1


def test_without_declared_plans_only_interne_is_understood(corpus):
    (corpus / "plans.csv").unlink()
    (corpus / "channels.csv").unlink()
    guide = corpus / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("- Forfaits : entreprise\n", ""), encoding="utf-8")
    assert next(p for p in load_corpus(corpus).passages if p.id == INTERNAL_PASSAGE).internal
    guide.write_text(guide.read_text(encoding="utf-8").replace("Public : interne", "Public : pro"), encoding="utf-8")
    with pytest.raises(ContentError, match="déclarez-les dans plans.csv"):
        load_corpus(corpus)
