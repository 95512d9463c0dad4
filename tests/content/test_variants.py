"""Question variants: the guides' "Variante :" lines, corpus/variants.csv, and the question views."""

from __future__ import annotations

import multiprocessing
import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from faqsearch.build.pipeline import build
from faqsearch.content.corpus import load_corpus
from faqsearch.content.guides import parse_guide
from faqsearch.content.variants import VARIANTS_FILE, append_variant, read_variants
from faqsearch.errors import ContentError
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.published import current_build
from faqsearch.index.views import FIELDS, layout
from faqsearch.search.engine import Engine
from faqsearch.search.hybrid import SearchConfig
from faqsearch.search.hybrid import search_batch
from tests.fakes import FakeEncoder

GUIDE = """# Guide

## Section

### Réinitialiser un mot de passe
- Console > Utilisateurs > Réinitialiser.
- Variante : j'ai oublié mon mot de passe
- Variante : reset my password
- Question : Comment réinitialiser un mot de passe ?

### Exporter les e-mails
- Paramètres > Import/Export.
"""

EMAIL_ID = "comment-obtenir-du-support-zoho-mail/support-pour-les-utilisateurs-des-plans-payants-mail-lite-premium/support-par-email"


def test_variant_lines_are_kept_apart_and_never_shown():
    first, second = parse_guide(GUIDE, "g", markdown=True)
    assert first.variants == ("j'ai oublié mon mot de passe", "reset my password")
    assert "Variante" not in first.answer and "oublié" not in first.answer
    assert first.question == "Comment réinitialiser un mot de passe ?"
    assert second.variants == ()


def test_each_variant_frames_the_answer_in_a_passage_view_of_its_own():
    first, second = parse_guide(GUIDE, "g", markdown=True)
    assert first.views() == [first.text(), "j'ai oublié mon mot de passe\n" + first.answer,
                             "reset my password\n" + first.answer]
    assert first.views(variants=False) == [first.text()] and second.views() == [second.text()]
    # A later chunk of a long entry shares the question, and its variants, with the first.
    later = replace(first, entry_id="g/long", part=2, parts=3)
    assert later.views() == [later.text()]
    assert replace(first, variants=(first.question, " ")).views() == [first.text()]  # nothing said twice


def test_variant_passage_views_are_embedded_as_passages_and_can_be_left_out():
    passages = parse_guide(GUIDE, "g", markdown=True)
    with_views, without = layout(passages), layout(passages, variant_views=False)
    assert "reset my password\n" + passages[0].answer in with_views.passage_texts
    assert not any(text.startswith("reset my password\n") for text in without.passage_texts)
    assert with_views.question_texts == without.question_texts  # the question views stay
    assert len(with_views.passage_texts) == len(without.passage_texts) + 2


def test_an_empty_variant_line_is_an_error_with_its_line():
    with pytest.raises(ContentError, match=r"g:7: « Variante : » est vide"):
        parse_guide(GUIDE.replace("- Variante : j'ai oublié mon mot de passe", "- Variante :"), "g", markdown=True)


def test_the_seed_guide_carries_variants_that_the_answers_do_not_show(corpus_copy):
    passages = load_corpus(corpus_copy).passages
    assert sum(len(p.variants) for p in passages) >= 40
    assert not any("Variante" in p.answer for p in passages)
    assert load_corpus(corpus_copy, variants=False).passages[0].variants == ()


def test_variants_file_adds_phrasings_to_the_passage(corpus_copy):
    append_variant(corpus_copy / VARIANTS_FILE, EMAIL_ID, "on peut leur écrire ?", "Alice")
    email = next(p for p in load_corpus(corpus_copy).passages if p.id == EMAIL_ID)
    assert "on peut leur écrire ?" in email.variants


def test_unknown_passage_in_variants_file_names_file_and_line(corpus_copy):
    path = corpus_copy / VARIANTS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + ["guide/inconnu,une question,Bob,"]) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match=rf"variants.csv:{len(lines) + 1}: le passage « guide/inconnu » n'existe pas"):
        load_corpus(corpus_copy)


def test_variants_file_must_be_utf8_and_complete(tmp_path):
    path = tmp_path / VARIANTS_FILE
    path.write_bytes("passage_id,question\nx,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"variants.csv:2: le fichier n'est pas en UTF-8"):
        read_variants(path)
    path.write_text("passage_id,question\nx,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"variants.csv:2: « passage_id » et « question » sont obligatoires"):
        read_variants(path)


def test_append_keeps_who_and_when_and_skips_duplicates(tmp_path):
    path = tmp_path / VARIANTS_FILE
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert append_variant(path, "p/1", "Où est le chat ?", "", when)
    assert not append_variant(path, "p/1", "où est le CHAT", "Bob", when)
    (row,) = read_variants(path)
    assert (row.passage_id, row.question, row.added_by, row.added_at) == ("p/1", "Où est le chat ?", "éditeur",
                                                                          "2026-01-02T03:04:05+00:00")


def _append_many(path: str, who: str) -> None:
    for i in range(25):
        append_variant(Path(path), f"p/{i}", f"question {who} {i}", who)


def test_two_editors_appending_at_once_lose_nothing(tmp_path):
    path = tmp_path / VARIANTS_FILE
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_append_many, args=(str(path), who)) for who in ("alice", "bob")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    rows = read_variants(path)
    assert len(rows) == 50 and {r.added_by for r in rows} == {"alice", "bob"}


def test_views_are_stored_with_their_fields_and_reloaded(corpus_copy, tmp_path):
    encoder = FakeEncoder()
    build(corpus_copy, tmp_path / "index", encoder, cache_dir=tmp_path / "cache")
    index = FaqIndex.load(current_build(tmp_path / "index"), encoder)
    views = sum(len(p.phrasings()) for p in index.passages)
    assert int(index.dense.is_question.sum()) == views
    first = index.passages[0]
    rows = index.dense.offsets[0], index.dense.offsets[1]
    fields = [FIELDS[f] for f in index.dense.fields[rows[0]:rows[1]]]
    assert fields == [f for f, _ in first.field_views()] + ["title"] + ["question"] * len(first.phrasings())


def test_an_attached_question_finds_its_passage_after_rebuild(corpus_copy, tmp_path):
    """The loop in small: a question that found the wrong passage is attached, and then it is found."""
    encoder, root = FakeEncoder(), tmp_path / "index"
    question = "mon patron veut une trace écrite de la demande"
    build(corpus_copy, root, encoder, cache_dir=tmp_path / "cache")
    before = Engine.open(root, encoder).ask(question)
    assert before.hits[0].passage.id != EMAIL_ID
    append_variant(corpus_copy / VARIANTS_FILE, EMAIL_ID, question)
    report = build(corpus_copy, root, encoder, cache_dir=tmp_path / "cache")
    assert report.changed == 1 and report.embedded == 1
    after = Engine.open(root, encoder).ask(question)
    assert after.hits[0].passage.id == EMAIL_ID
    # It is the variant that counts: as a question view alone, or in BM25 alone, it is enough here
    # (the fake encoder's passage view, which mixes in the answer's words, is not).
    passages = FaqIndex.load(current_build(root), encoder).passages
    bare = FaqIndex.build(passages, encoder, variant_views=False, lexical_variants=False)
    assert search_batch(bare, [question], 5, SearchConfig(dense_fields=("text", "line", "variant", "title")))[0].hits[0].passage.id != EMAIL_ID
    assert search_batch(bare, [question], 5)[0].hits[0].passage.id == EMAIL_ID
    in_bm25 = FaqIndex.build(passages, encoder, variant_views=False)
    assert search_batch(in_bm25, [question], 5, SearchConfig(dense_fields=()))[0].hits[0].passage.id == EMAIL_ID


def test_no_variants_build_ignores_every_variant(corpus_copy, tmp_path, monkeypatch):
    encoder, root = FakeEncoder(), tmp_path / "index"
    monkeypatch.setenv("FAQSEARCH_NO_VARIANTS", "1")
    build(corpus_copy, root, encoder, cache_dir=tmp_path / "cache")
    index = FaqIndex.load(current_build(root), encoder)
    assert all(p.variants == () for p in index.passages)
    assert int(index.dense.is_question.sum()) == len(index.passages)  # the question itself only
    assert index.manifest["variants"] == 0
    assert np.all(np.diff(index.dense.offsets) >= 2)


def test_a_linked_variants_file_is_refused(corpus_copy, tmp_path):
    elsewhere = tmp_path / "secret.csv"
    elsewhere.write_text("passage_id,question\n", encoding="utf-8")
    (corpus_copy / VARIANTS_FILE).unlink()
    (corpus_copy / VARIANTS_FILE).symlink_to(elsewhere)
    with pytest.raises(ContentError, match="variants.csv"):
        load_corpus(corpus_copy)


@pytest.mark.parametrize("question, code", [("Rembourser\x1b[31m vite", "U+001B"), ("nul\x00part", "U+0000")])
def test_a_variant_the_build_would_refuse_is_never_written(corpus_copy, question, code):
    path = corpus_copy / VARIANTS_FILE
    before = path.read_bytes()
    with pytest.raises(ValueError, match=rf"variants.csv n'a pas été modifié.*\({re.escape(code)}\)"):
        append_variant(path, EMAIL_ID, question, "Alice")
    assert path.read_bytes() == before
    load_corpus(corpus_copy)  # the next build still reads the folder


@pytest.mark.parametrize("question, kept", [("facture gpj.exe\u202e", "facture gpj.exe"), ("isolé\u2066 ici", "isolé ici")])
def test_a_variant_loses_its_bidirectional_controls_before_it_is_written(corpus_copy, question, kept):
    # The build would remove them with a warning: the editors' file never gets them.
    path = corpus_copy / VARIANTS_FILE
    append_variant(path, EMAIL_ID, question, "Alice")
    text = path.read_text(encoding="utf-8")
    assert kept in text and not any(ch in text for ch in "\u202e\u2066")
    assert not load_corpus(corpus_copy).warnings


def test_the_variants_reader_applies_the_build_s_control_rule(tmp_path):
    path = tmp_path / VARIANTS_FILE
    path.write_text("passage_id,question\np/1,bonjour\np/1,ESC\x1b ici\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"variants.csv:3: caractère de contrôle interdit \(U\+001B\)"):
        read_variants(path)
    path.write_text("passage_id,question,added_by\np/1,bonjour,Al\u202eice\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"variants.csv:2: caractère de contrôle de direction interdit \(U\+202E\)"):
        read_variants(path)


def test_remove_variant_takes_one_phrasing_off_and_keeps_the_others(tmp_path):
    from faqsearch.content.variants import remove_variant

    path = tmp_path / "variants.csv"
    assert not remove_variant(path, "p1", "absent")  # no file yet: nothing to remove
    append_variant(path, "p1", "Première formulation ?", "auto")
    append_variant(path, "p1", "Deuxième formulation", "éditeur")
    assert remove_variant(path, "p1", "premiere formulation")  # compared as the file compares phrasings
    assert [(v.passage_id, v.question, v.added_by) for v in read_variants(path)] == [("p1", "Deuxième formulation", "éditeur")]
    assert not remove_variant(path, "p2", "Deuxième formulation")
