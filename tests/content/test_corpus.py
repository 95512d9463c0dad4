"""Corpus problems stop the build before the index in service is touched, naming file, line and fix."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import pytest

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.content.corpus import load_corpus
from faqsearch.errors import ContentError
from faqsearch.index.published import BUILDS
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from tests.corpora import guide_markdown, write_corpus
from tests.fakes import FakeEncoder

CATALOGUE_HEADER = "id,name,keywords,url,email,phones,console_path,availability,plans,response_time,best_for,general\n"
CATALOGUE_ROWS = (
    "centre-aide,Centre d'aide,centre d'aide,https://example.org/aide,,,,24/7,gratuit;lite;premium,,,oui\n"
    "email,Support par e-mail,e-mail,,support@example.org,,,24/7,lite;premium,,,oui\n"
)


def _append_to_guide(corpus: Path, text: str) -> None:
    path = corpus / "guide.md"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _not_utf8(corpus: Path) -> None:
    (corpus / "guide.md").write_bytes("# Guide\n\n## Section\n### Élément\n- été\n".encode("latin-1"))


def _catalogue_not_utf8(corpus: Path) -> None:
    (corpus / "channels.csv").write_bytes((CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat é,,,,,,,lite,,,non\n")
                                          .encode("latin-1"))


def _no_guide(corpus: Path) -> None:
    (corpus / "guide.md").unlink()


def _empty_guide(corpus: Path) -> None:
    (corpus / "vide.md").write_text("\n  \n", encoding="utf-8")


def _item_without_text(corpus: Path) -> None:
    _append_to_guide(corpus, "\n## Divers\n\n- Élément vide :\n- Élément plein :\n  - Du texte.\n")


def _heading_item_without_text(corpus: Path) -> None:
    _append_to_guide(corpus, "\n### Titre sans texte\n\n### Autre titre\n- Du texte.\n")


def _same_id_in_two_files(corpus: Path) -> None:
    (corpus / "guide.markdown").write_text((corpus / "guide.md").read_text(encoding="utf-8"), encoding="utf-8")


def _unknown_channel(corpus: Path) -> None:
    _append_to_guide(corpus, "\n### Appeler la hotline\n- Composez le numéro.\n- Canal : hotline-inexistante\n")


def _empty_channel_line(corpus: Path) -> None:
    _append_to_guide(corpus, "\n### Appeler la hotline\n- Composez le numéro.\n- Canal :\n")


def _empty_question_line(corpus: Path) -> None:
    _append_to_guide(corpus, "\n## Divers\n\n- Appeler :\n  - Composez le numéro.\n  - Question:\n")


def _catalogue_row_without_name(corpus: Path) -> None:
    (corpus / "channels.csv").write_text(CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,,chat,,,,,24/7,lite,,,non\n",
                                         encoding="utf-8")


def _catalogue_without_plans_column(corpus: Path) -> None:
    (corpus / "channels.csv").write_text("id,name\ncentre-aide,Centre d'aide\n", encoding="utf-8")


def _unknown_plan(corpus: Path) -> None:
    (corpus / "channels.csv").write_text(CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat,chat,,,,,24/7,lite;platine,,,non\n",
                                         encoding="utf-8")


def _channel_without_catalogue(corpus: Path) -> None:
    (corpus / "channels.csv").unlink()
    _append_to_guide(corpus, "\n### Écrire au support\n- Décrivez le problème.\n- Canal : email\n")


def _table(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def write(corpus: Path) -> None:
        (corpus / name).write_bytes(text.encode(encoding))
    return write


TABLE_OK = "question,answer\nComment payer ?,Par carte.\n"


def _guide_linked_to_a_server_file(corpus: Path) -> None:
    secret = corpus.parent / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(secret)


def _catalogue_linked(corpus: Path) -> None:
    elsewhere = corpus.parent / "channels-elsewhere.csv"
    (corpus / "channels.csv").rename(elsewhere)
    (corpus / "channels.csv").symlink_to(elsewhere)


def _synonyms_linked_inside(corpus: Path) -> None:
    (corpus / "notes").mkdir()
    (corpus / "notes" / "synonymes").write_text("panne, down\n", encoding="utf-8")
    (corpus / "synonyms.csv").symlink_to(corpus / "notes" / "synonymes")


def _folder_named_like_a_guide(corpus: Path) -> None:
    (corpus / "archives.md").mkdir()


def _pipe_named_like_a_guide(corpus: Path) -> None:
    os.mkfifo(corpus / "tube.md")


def _nul_in_an_item_header(corpus: Path) -> None:
    _append_to_guide(corpus, "\n### Appeler la\x00 hotline\n- Composez le numéro.\n")


def _nul_in_an_answer(corpus: Path) -> None:
    _append_to_guide(corpus, "\n### Appeler la hotline\n- Composez\x00 le numéro.\n")


def _escape_in_the_catalogue(corpus: Path) -> None:
    (corpus / "channels.csv").write_text(CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat\x1b[31m,,,,,,,lite,,,non\n",
                                         encoding="utf-8")


def _bell_in_the_synonyms(corpus: Path) -> None:
    (corpus / "synonyms.csv").write_text("# commentaire\npanne, down\x07\n", encoding="utf-8")


def _colliding_guide_names(corpus: Path) -> None:
    (corpus / "Mon Guide.md").write_text("# Autre\n\n## Section\n\n### Élément unique\n- Du texte.\n", encoding="utf-8")
    (corpus / "mon-guide.md").write_text("# Autre\n\n## Section\n\n### Élément unique\n- Du texte.\n", encoding="utf-8")


def _catalogue(corpus: Path, text: str) -> None:
    (corpus / "channels.csv").write_text(text, encoding="utf-8")


def _catalogue_without_general_column(corpus: Path) -> None:
    _catalogue(corpus, "id,name,keywords,url,email,phones,console_path,availability,plans,response_time,best_for\n"
               "centre-aide,Centre d'aide,centre d'aide,https://example.org/aide,,,,24/7,gratuit;lite;premium,,\n")


def _catalogue_row_cut_short(corpus: Path) -> None:
    _catalogue(corpus, CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat,chat,,,,,24/7,lite\n")


def _catalogue_javascript_url(corpus: Path) -> None:
    _catalogue(corpus, CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat,chat,javascript:alert(1),,,,24/7,lite,,,non\n")


def _catalogue_malformed_email(corpus: Path) -> None:
    _catalogue(corpus, CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat,chat,,support@@exemple,,,24/7,lite,,,non\n")


def _catalogue_phone_that_is_not_one(corpus: Path) -> None:
    _catalogue(corpus, CATALOGUE_HEADER + CATALOGUE_ROWS + "chat,Chat,chat,,,France=appelez-nous,,24/7,lite,,,non\n")


def _catalogue_from_french_excel(corpus: Path) -> None:
    _catalogue(corpus, (CATALOGUE_HEADER + CATALOGUE_ROWS).replace(";", "|").replace(",", ";").replace("|", ","))


# (break the corpus, file named in the message, line or None, words the message must contain)
CASES: dict[str, tuple[Callable[[Path], None], str, int | None, tuple[str, ...]]] = {
    "guide not UTF-8": (_not_utf8, "guide.md", 4, ("UTF-8", "réenregistrez")),
    "catalogue not UTF-8": (_catalogue_not_utf8, "channels.csv", 4, ("UTF-8", "réenregistrez")),
    "no guide": (_no_guide, "corpus", None, ("aucun guide", "ajoutez")),
    "empty guide": (_empty_guide, "vide.md", 1, ("vide", "supprimez")),
    "item without text": (_item_without_text, "guide.md", 31, ("Élément vide", "n'a pas de texte", "ajoutez")),
    "### item without text": (_heading_item_without_text, "guide.md", 29, ("Titre sans texte", "pas de texte")),
    "same id in two files": (_same_id_in_two_files, "guide.md", 5, ("même identifiant", "guide.markdown:5", "renommez")),
    "unknown channel": (_unknown_channel, "guide.md", 29, ("hotline-inexistante", "centre-aide", "ajoutez-le")),
    "empty Canal line": (_empty_channel_line, "guide.md", 31, ("« Canal : » est vide", "Appeler la hotline", "Canal : email")),
    "empty Question line": (_empty_question_line, "guide.md", 33, ("« Question : » est vide", "complétez-le")),
    "catalogue row without name": (_catalogue_row_without_name, "channels.csv", 4, ("« name »", "chat", "remplissez")),
    "catalogue without plans column": (_catalogue_without_plans_column, "channels.csv", 1, ("plans", "colonnes")),
    "unknown plan": (_unknown_plan, "channels.csv", 4, ("platine", "gratuit, lite, premium")),
    "channel without catalogue": (_channel_without_catalogue, "guide.md", 29, ("« email »", "pas de catalogue", "docs/contenu.md")),
    # FAQ tables and pages: the row (CSV: the line its record starts on) and what to do.
    "table row without answer": (_table("faq.csv", TABLE_OK + "Comment annuler ?,\n"), "faq.csv", 3,
                                 ("réponse", "« answer »", "Comment annuler ?", "supprimez la ligne")),
    "table answer over lines, then no answer": (
        _table("faq.csv", TABLE_OK + 'Comment résilier ?,"Écrivez-nous.\n\nAvec votre numéro."\nEt ensuite ?,\n'),
        "faq.csv", 6, ("réponse", "Et ensuite ?")),
    "table empty question": (_table("faq.csv", TABLE_OK + ",Une réponse orpheline.\n"), "faq.csv", 3,
                             ("question", "vide")),
    "table not UTF-8": (_table("faq.csv", TABLE_OK + "Où est le reçu ?,Dans l'espace client.\n", "latin-1"),
                        "faq.csv", 3, ("UTF-8", "réenregistrez")),
    "table misspelt column": (_table("faq.csv", "question,reponce,auteur\nComment payer ?,Par carte.,Léa\n"), "faq.csv", 1,
                              ("colonne inconnue « reponce »", "vouliez-vous écrire « réponse » ?",
                               "question, title, titre", "answer, text, réponse")),
    "table without answer column": (_table("faq.csv", "titre;rubrique\nComment payer ?;Paiement\n"), "faq.csv", 1,
                                    ("il manque une colonne", "answer, text, réponse, contenu")),
    "table duplicate id": (_table("faq.csv", "id,question,answer\nA1,Comment payer ?,Par carte.\nA1,Comment annuler ?,Par écrit.\n"),
                           "faq.csv", 3, ("« A1 »", "deux fois", "faq.csv:2")),
    "table too many values": (_table("faq.csv", TABLE_OK + "Comment payer, vraiment ?,Par carte, ou virement.\n"), "faq.csv", 3,
                              ("valeurs pour 2 colonnes", "guillemets")),
    "table with a header only": (_table("faq.csv", "question;réponse\n\n"), "faq.csv", 2, ("aucune entrée", "supprimez")),
    "jsonl invalid line": (_table("faq.jsonl", '{"question": "Comment payer ?", "answer": "Par carte."}\n{"question": "Et"\n'),
                           "faq.jsonl", 2, ("JSON invalide",)),
    "jsonl unknown key": (_table("faq.jsonl", '{"question": "Comment payer ?", "answer": "Par carte."}\n\n'
                                 '{"question": "Comment annuler ?", "answr": "Par écrit."}\n'),
                          "faq.jsonl", 3, ("colonne inconnue « answr »", "answer, text")),
    "jsonl without answer": (_table("faq.jsonl", '{"title": "Comment payer ?", "text": ""}\n'), "faq.jsonl", 1,
                             ("réponse", "« text »")),
    "page not UTF-8": (_table("page.html", "<html><body>\n<h1>Aide</h1>\n<p>Réponse</p></body></html>", "latin-1"),
                       "page.html", 3, ("UTF-8",)),
    "page without title": (_table("page.html", "<html><body><p>Du texte sans titre.</p></body></html>"), "page.html", 1,
                           ("pas de titre", "<h1>")),
    "guide linked to a server file": (_guide_linked_to_a_server_file, "passwd.txt", None, ("lien symbolique", "copie")),
    "catalogue linked": (_catalogue_linked, "channels.csv", None, ("lien symbolique",)),
    "synonyms linked": (_synonyms_linked_inside, "synonyms.csv", None, ("lien symbolique",)),
    "folder named like a guide": (_folder_named_like_a_guide, "archives.md", None, ("pas un fichier ordinaire", "supprimez")),
    "pipe named like a guide": (_pipe_named_like_a_guide, "tube.md", None, ("pas un fichier ordinaire",)),
    "NUL in an item header": (_nul_in_an_item_header, "guide.md", 29, ("caractère de contrôle", "U+0000", "supprimez")),
    "NUL in an answer": (_nul_in_an_answer, "guide.md", 30, ("caractère de contrôle", "U+0000")),
    "escape in the catalogue": (_escape_in_the_catalogue, "channels.csv", 4, ("caractère de contrôle", "U+001B")),
    "bell in the synonyms": (_bell_in_the_synonyms, "synonyms.csv", 2, ("caractère de contrôle", "U+0007")),
    "colliding guide names": (_colliding_guide_names, "Mon Guide.md", None, ("mon-guide.md", "même identifiant de guide", "renommez l'un des deux fichiers")),
    "catalogue without the general column": (_catalogue_without_general_column, "channels.csv", 1,
                                             ("colonnes manquantes : general", "même vides")),
    "catalogue row cut short": (_catalogue_row_cut_short, "channels.csv", 4, ("9 champs sur 12", "complétez")),
    "javascript url": (_catalogue_javascript_url, "channels.csv", 4, ("javascript:alert(1)", "https://")),
    "malformed e-mail": (_catalogue_malformed_email, "channels.csv", 4, ("support@@exemple", "nom@domaine.fr")),
    "phone that is not one": (_catalogue_phone_that_is_not_one, "channels.csv", 4, ("appelez-nous", "+33")),
    "catalogue from French Excel": (_catalogue_from_french_excel, "channels.csv", 1,
                                    ("points-virgules", "Excel", "délimité par des virgules")),
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_corpus_problem_stops_the_build_and_says_where_and_what(case, tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    served, before = Engine.open(root, FakeEncoder()), _snapshot(root)
    breaker, filename, line, words = CASES[case]
    breaker(corpus)
    with pytest.raises(ContentError) as caught:
        build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert filename in message
    if line is not None:
        assert re.search(rf"{re.escape(filename)}:{line}:", message), message
    for word in words:
        assert word in message, message
    # Nothing under the index changed, and the index in service still answers.
    assert _snapshot(root) == before
    assert not list((root / BUILDS).glob(".staging-*"))
    answer = Engine.open(root, FakeEncoder()).ask("Comment configurer IMAP ?")
    assert answer.hits[0].passage.title == "Configurer IMAP" == served.ask("configurer IMAP").hits[0].passage.title


def test_the_line_of_a_non_utf8_byte_is_found(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    text = guide_markdown()
    broken = text.encode("utf-8").replace("Réinitialiser".encode("utf-8"), "Réinitialiser".encode("cp1252"))
    (corpus / "guide.md").write_bytes(broken)
    expected = text[: text.index("Réinitialiser")].count("\n") + 1
    with pytest.raises(ContentError, match=rf"guide\.md:{expected}: le fichier n'est pas en UTF-8"):
        load_corpus(corpus)


def test_two_file_names_alike_under_unicode_normalisation_are_told_apart(tmp_path):
    import unicodedata

    corpus = write_corpus(tmp_path / "corpus")
    composed, decomposed = (unicodedata.normalize(form, "Guide été.md") for form in ("NFC", "NFD"))
    for name in (composed, decomposed):
        (corpus / name).write_text("# Été\n\n## Section\n\n### Élément\n- Du texte.\n", encoding="utf-8")
    with pytest.raises(ContentError, match="même identifiant de guide") as caught:
        load_corpus(corpus)
    message = str(caught.value)
    assert "« Guide \\u00e9t\\u00e9.md »" in message and "« Guide e\\u0301te\\u0301.md »" in message, message
    assert "renommez l'un des deux fichiers" in message


def test_missing_corpus_folder(tmp_path):
    with pytest.raises(ContentError, match="n'existe pas"):
        load_corpus(tmp_path / "absent")


def test_a_good_corpus_loads_with_channels_checked(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", catalogue=CATALOGUE_HEADER + CATALOGUE_ROWS)
    _append_to_guide(corpus, "\n### Écrire au support\n- Décrivez le problème.\n- Canal : email\n")
    passages = load_corpus(corpus).passages
    (written,) = [p for p in passages if p.title == "Écrire au support"]
    assert written.channel == "email" and written.plans == ("lite", "premium")
    assert "Canal" not in written.answer


def test_cli_build_reports_a_corpus_error_and_exits_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    corpus = write_corpus(tmp_path / "corpus")
    _unknown_channel(corpus)
    code = cli.main(["build", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.startswith("Erreur : ") and "guide.md:29:" in captured.err
    assert not (tmp_path / "index").exists()


def test_an_unknown_plan_at_search_time_is_a_clear_error(tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    with pytest.raises(ValueError, match="Forfait inconnu.*gratuit, lite, premium"):
        Engine.open(root, FakeEncoder()).ask("support", plan="platine")


def test_only_readme_exactly_is_documentation(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "README.md").write_text("# Ce dossier\n\n## Contenu\n\n### Documentation\n- Pas un guide.\n", encoding="utf-8")
    (corpus / "README-facturation.md").write_text(
        "# Facturation\n\n## Paiement\n\n### Payer par virement\n- Indiquez la référence de la facture.\n",
        encoding="utf-8")
    guides = {p.guide for p in load_corpus(corpus).passages}
    assert "Facturation" in guides and "Ce dossier" not in guides


def test_the_seed_catalogue_and_a_written_back_catalogue_are_valid(tmp_path):
    from faqsearch.channels.catalogue import parse_catalogue, write_catalogue
    from faqsearch.channels.plans import parse_plans
    from tests.conftest import SEED_CORPUS

    plans = parse_plans((SEED_CORPUS / "plans.csv").read_text(encoding="utf-8"), "plans.csv")

    def read_catalogue(path):
        return parse_catalogue(path.read_text(encoding="utf-8"), str(path), plans)

    seed = read_catalogue(SEED_CORPUS / "channels.csv")
    assert seed.get("telephone").phones[0] == ("États-Unis", "+1 888 900 9646")
    write_catalogue(seed, tmp_path / "channels.csv")  # what an index folder keeps
    assert read_catalogue(tmp_path / "channels.csv") == seed


def test_a_symlinked_guide_never_reaches_the_passages_or_the_digest(tmp_path):
    from faqsearch.content.files import corpus_digest

    corpus = write_corpus(tmp_path / "corpus")
    before = corpus_digest(corpus)
    _guide_linked_to_a_server_file(corpus)
    assert corpus_digest(corpus) != before  # the page says the index is stale, the build refuses
    with pytest.raises(ContentError, match="lien symbolique"):
        load_corpus(corpus)
