"""The help center's name and example questions: ``corpus/site.toml``, else the corpus itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from faqsearch.content.site import Site, SiteConfig, corpus_examples, parse_site, read_site, resolve
from faqsearch.errors import ContentError
from faqsearch.records.passage import Passage
from tests.conftest import SEED_CORPUS

TABLE = [
    {"id": "F1", "title": "Acte de naissance", "text": "Un acte de naissance se demande en mairie."},
    {"id": "F2", "title": "Carte grise : changement d'adresse", "text": "Déclarez votre nouvelle adresse en ligne."},
    {"id": "F3", "title": "Quel est le barème de l'impôt sur le revenu ?", "text": "Le barème a cinq tranches."},
    {"id": "F4", "title": "Comment se pacser ?", "text": "Le pacs s'enregistre en mairie ou chez un notaire."},
]


def _passage(question: str, guide: str = "Aide") -> Passage:
    return Passage(question.lower(), guide, "", question, question, "Réponse.")


def test_site_toml_sets_name_examples_and_invite():
    config = parse_site('nom = "Aide  Service-Public"\nexemples = ["Où voter ?", "Où voter ?", "Quand payer ?"]\n'
                        'invite = "Comment refaire ma carte grise ?"\n', "corpus/site.toml")
    assert config == SiteConfig("Aide Service-Public", ("Où voter ?", "Quand payer ?"), "Comment refaire ma carte grise ?")
    site = resolve(config, [_passage("Autre question ?", "Guide")])
    assert site.page_title == "Aide Service-Public · Recherche"
    assert site.placeholder == "Posez votre question… ex. Comment refaire ma carte grise ?"
    assert site.examples == ("Où voter ?", "Quand payer ?")


def test_without_site_toml_the_corpus_names_itself_and_gives_its_questions_first():
    passages = [_passage(row["title"], "Service public") for row in TABLE]
    site = resolve(SiteConfig(), passages)
    assert site.name == "Service public" and site.page_title == "Service public · Recherche"
    # Real questions make better examples than bare titles, which come after them.
    assert site.examples == ("Quel est le barème de l'impôt sur le revenu ?", "Comment se pacser ?",
                             "Acte de naissance", "Carte grise : changement d'adresse")
    assert site.placeholder == "Posez votre question… ex. Quel est le barème de l'impôt sur le revenu ?"
    # Several guides: no single title speaks for all of them.
    mixed = resolve(SiteConfig(), [_passage("Un ?", "Guide A"), _passage("Deux ?", "Guide B")])
    assert mixed.name == "" and mixed.page_title == "Recherche dans l'aide"
    assert resolve(SiteConfig(), ()) == Site("", (), "")
    assert Site("", (), "").placeholder == "Posez votre question…"


def test_long_questions_are_not_offered_as_examples():
    long = "Comment " + "vraiment " * 12 + "faire ?"
    assert corpus_examples([_passage(long), _passage("Court ?")]) == ("Court ?",)


@pytest.mark.parametrize("text, line, words", [
    ("nom = Aide sans guillemets\n", 1, ("guillemets",)),
    ('nom = "Aide"\ntitre = "Autre"\n', 0, ("titre", "nom, exemples, invite")),
    ('exemples = "Une seule question ?"\n', 0, ("liste",)),
    ('exemples = ["Bonne ?", ""]\n', 0, ("exemples", "non vide")),
    ('nom = ""\n', 0, ("nom", "non vide")),
    (f'nom = "{"x" * 81}"\n', 0, ("81 caractères", "80")),
])
def test_a_broken_site_toml_says_what_to_fix(text, line, words):
    with pytest.raises(ContentError) as caught:
        parse_site(text, "corpus/site.toml")
    assert caught.value.source == "corpus/site.toml" and caught.value.line == line
    for word in words:
        assert word in str(caught.value)


def test_read_site_of_a_folder(tmp_path):
    assert read_site(tmp_path) == SiteConfig()
    (tmp_path / "site.toml").write_bytes('nom = "Aide"'.encode("latin-1") + b" \xe9")
    with pytest.raises(ContentError, match="UTF-8"):
        read_site(tmp_path)
    # The seed corpus keeps its support wording.
    seed = read_site(SEED_CORPUS)
    assert seed.name == "Aide Zoho Mail" and "Quel est le numéro du support aux États-Unis ?" in seed.examples


# ------------------------------------------------------------------------------------ the page

def _table_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with open(folder / "service-public.jsonl", "w", encoding="utf-8") as out:
        for row in TABLE:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return folder


def test_page_of_another_help_center_speaks_of_it_not_of_the_seed(fake_page, tmp_path):
    at = fake_page(_table_corpus(tmp_path / "sp"))
    assert at.title[0].value == "Trouver de l'aide"
    caption = at.caption[0].value
    assert "Service public" in caption and "canal" not in caption
    assert at.text_input(key="question").placeholder == "Posez votre question… ex. Quel est le barème de l'impôt sur le revenu ?"
    offered = [b.label for b in at.button if b.key and b.key.startswith("examples-start")]
    assert offered[:2] == ["Quel est le barème de l'impôt sur le revenu ?", "Comment se pacser ?"]
    text = "\n".join(e.value for e in list(at.markdown) + list(at.caption))
    assert "Zoho" not in text and "support" not in text


def test_page_follows_site_toml_without_a_rebuild_and_survives_a_broken_one(fake_page, tmp_path):
    corpus = _table_corpus(tmp_path / "sp")
    (corpus / "site.toml").write_text('nom = "Aide aux démarches"\nexemples = ["Comment voter par procuration ?"]\n',
                                      encoding="utf-8")
    at = fake_page(corpus)
    assert "Aide aux démarches" in at.caption[0].value
    assert [b.label for b in at.button if b.key and b.key.startswith("examples-start")] == ["Comment voter par procuration ?"]
    (corpus / "site.toml").write_text('nom = "Aide aux démarches\n', encoding="utf-8")
    at.run()
    assert not at.exception
    assert any("site.toml" in w.value and "guillemets" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "Service public" in at.caption[0].value  # the corpus' own name meanwhile
    at.text_input(key="question").input("Comment se pacser ?").run()
    assert not at.exception and [h for h in at.get("html") if h.value.startswith('<div class="fs-result')]
