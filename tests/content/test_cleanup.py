"""Bidirectional control characters (a right-to-left override shows "gpj.exe" as "exe.jpg") never
reach a served answer: every reader removes them, and a build warning names the file and line."""

from __future__ import annotations

import json
import re

import pytest

from faqsearch.content.cleanup import clean_passages
from faqsearch.content.corpus import load_corpus
from faqsearch.records.passage import Passage
from faqsearch.text.controls import BIDI_CONTROLS, strip_bidi
from tests.corpora import write_corpus

RLO = "\u202e"
CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _nothing_bidi(corpus) -> None:
    for p in corpus.passages:
        for text in (p.guide, p.section, p.title, p.question, p.answer, p.url, *p.variants):
            assert not BIDI_CONTROLS.search(text), (p.id, text)
    for channel in corpus.catalogue.channels:
        assert not any(BIDI_CONTROLS.search(str(v)) for v in vars(channel).values()), channel.id


def _warning(corpus, name: str):
    found = [w for w in corpus.warnings if w.file.endswith(name) and "bidirectionnels" in w.message]
    assert len(found) == 1, corpus.warnings
    return found[0]


def test_every_control_is_removed_and_nothing_else():
    stripped = strip_bidi(f"a{CONTROLS}b\nc\nd{RLO}e")
    assert stripped.text == "ab\nc\nde" and stripped.lines == (1, 3) and len(stripped.characters) == len(CONTROLS)
    assert strip_bidi("العربية עברית 👩‍💻").text == "العربية עברית 👩‍💻"  # right-to-left letters stay


def test_a_guide_loses_its_controls_with_a_warning_naming_the_line(tmp_path):
    folder = write_corpus(tmp_path / "corpus")
    guide = folder / "guide.md"
    lines = guide.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("Ouvrez", f"Ouvrez facture{RLO}gpj.exe")
    guide.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(folder)
    _nothing_bidi(corpus)
    assert any("facturegpj.exe" in p.answer for p in corpus.passages)
    warning = _warning(corpus, "guide.md")
    assert warning.line == 6 and "U+202E" in warning.message and "ligne 6" in warning.message


def test_tables_lose_controls_written_as_they_are_or_as_escapes(tmp_path):
    folder = write_corpus(tmp_path / "corpus")
    (folder / "faq.csv").write_text(f"question,answer\nPayer{RLO} ?,Par carte.\nRésilier ?,Écrivez-nous.\n",
                                    encoding="utf-8")
    # json.dumps writes \u202e escapes: the file itself holds no control, the decoded text does.
    (folder / "export.json").write_text(json.dumps([
        {"question": "Changer d'adresse ?", "answer": "Dans Profil."},
        {"question": "Fermer le compte ?", "answer": f"Envoyez facture{RLO}fdp.exe", "variants": [f"clore{RLO}"]},
    ], indent=1), encoding="utf-8")
    corpus = load_corpus(folder)
    _nothing_bidi(corpus)
    assert _warning(corpus, "faq.csv").line == 2
    assert _warning(corpus, "export.json").line == 6  # where the object starts


def test_html_pages_lose_controls_written_as_entities(tmp_path):
    folder = write_corpus(tmp_path / "corpus")
    (folder / "aide.html").write_text("<html><body><h1>Aide</h1>\n<h3>Ouvrir la facture</h3>\n"
                                      "<p>Ouvrez facture&#x202E;fdp.exe puis &rlm;validez.</p></body></html>",
                                      encoding="utf-8")
    corpus = load_corpus(folder)
    _nothing_bidi(corpus)
    assert any(p.answer == "Ouvrez facturefdp.exe puis validez." for p in corpus.passages)
    assert _warning(corpus, "aide.html").line == 2


def test_the_catalogue_and_variants_lose_their_controls(tmp_path):
    folder = write_corpus(tmp_path / "corpus")
    catalogue = folder / "channels.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Support", f"Support{RLO}", 1), encoding="utf-8")
    passage = load_corpus(folder).passages[0]
    (folder / "variants.csv").write_text(f"passage_id,question\n{passage.id},je veux{RLO} changer\n", encoding="utf-8")
    corpus = load_corpus(folder)
    _nothing_bidi(corpus)
    assert "je veux changer" in next(p for p in corpus.passages if p.id == passage.id).variants
    assert _warning(corpus, "variants.csv").line == 2
    assert _warning(corpus, "channels.csv").line > 1


def test_one_warning_per_file_lists_the_lines():
    passages = [Passage(f"faq/{n}", "Faq", "", f"Q{n}{RLO}", f"Q{n}", "R", source=f"corpus/faq.json:{n}")
                for n in range(1, 14)]
    cleaned, [warning] = clean_passages(passages)
    assert [p.title for p in cleaned] == [f"Q{n}" for n in range(1, 14)]
    assert warning.line == 1 and re.search(r"lignes 1, 2, .*10 et 3 autres", warning.message)


@pytest.mark.parametrize("text", ["plain", "https://aide.example.org"])
def test_clean_passages_leaves_clean_passages_alone(text):
    passage = Passage("faq/1", "Faq", "", text, text, text, url="https://aide.example.org", source="faq.csv:2")
    assert clean_passages([passage]) == ([passage], [])


def test_an_attached_question_is_written_without_controls(tmp_path):
    from faqsearch.content.variants import append_variant, read_variants

    path = tmp_path / "variants.csv"
    assert append_variant(path, "guide/p", f"facture{RLO}gpj.exe ?", "éditrice")
    assert [v.question for v in read_variants(path)] == ["facturegpj.exe ?"]


def test_the_site_settings_lose_their_controls(tmp_path):
    from faqsearch.content.site import SITE_FILE, read_site

    (tmp_path / SITE_FILE).write_text(f'nom = "Aide{RLO} de test"\nexemples = ["Payer{RLO} ?"]\n', encoding="utf-8")
    site = read_site(tmp_path)
    assert (site.name, site.examples) == ("Aide de test", ("Payer ?",))
