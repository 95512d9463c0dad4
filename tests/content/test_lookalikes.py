"""Look-alike entries are reported, not refused: distinct stable ids and warnings naming both places."""

from __future__ import annotations

from pathlib import Path

from faqsearch.build.pipeline import build
from faqsearch.build.verify import self_retrieval_warnings
from faqsearch.content.corpus import load_corpus
from faqsearch.content.lookalikes import BuildWarning, disambiguate, split_source
from faqsearch.records.answer import Hit
from faqsearch.records.passage import Passage
from tests.corpora import guide_markdown, write_corpus
from tests.editors import EDITORS_TAB, allow_editors, sign_in
from tests.fakes import FakeEncoder


def _append(corpus: Path, text: str) -> None:
    path = corpus / "guide.md"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_same_title_twice_in_a_section_gives_two_ids_and_a_warning_naming_both_places(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    first_line = guide_markdown().splitlines().index("### Configurer IMAP") + 1
    _append(corpus, "\n### Configurer IMAP\n- Sur mobile, choisissez le port 993 dans l'application.\n")
    loaded = load_corpus(corpus)
    imap = [p for p in loaded.passages if p.title == "Configurer IMAP"]
    assert [p.id for p in imap] == ["guide/questions-courantes/configurer-imap", "guide/questions-courantes/configurer-imap-2"]
    assert "port 993 dans l'application" in imap[1].answer
    [warning] = loaded.warnings
    second_line = int(imap[1].source.rsplit(":", 1)[1])
    assert warning.file == str(corpus / "guide.md") and warning.line == second_line
    assert f"{corpus / 'guide.md'}:{first_line}" in warning.message  # the other place
    assert "« Configurer IMAP »" in warning.message and "configurer-imap-2" in warning.message
    # The build goes through and reports it.
    report = build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    assert warning in report.warnings and report.passages == 9


def test_suffixes_follow_file_order_and_survive_edits_elsewhere(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    _append(corpus, "\n### Configurer IMAP\n- Deuxième.\n\n### Configurer IMAP\n- Troisième.\n")
    ids = {p.answer: p.id for p in load_corpus(corpus).passages if p.title == "Configurer IMAP"}
    assert ids["- Deuxième."].endswith("configurer-imap-2") and ids["- Troisième."].endswith("configurer-imap-3")
    # A new item elsewhere and an edited answer change no id.
    path = corpus / "guide.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Questions courantes\n",
                                                             "## Questions courantes\n\n### Nouveau sujet\n- Texte.\n"),
                    encoding="utf-8")
    again = {p.answer: p.id for p in load_corpus(corpus).passages if p.title == "Configurer IMAP"}
    assert again == ids
    assert len(load_corpus(corpus).warnings) == 2


def test_a_suffix_never_takes_an_id_already_used():
    a = Passage("g/s/titre", "G", "S", "Titre", "Titre ?", "a", source="f.md:1")
    taken = Passage("g/s/titre-2", "G", "S", "Titre 2", "Titre 2 ?", "b", source="f.md:2")
    again = Passage("g/s/titre", "G", "S", "Titre", "Titre ?", "c", source="f.md:3")
    out, warnings = disambiguate([a, taken, again])
    assert [p.id for p in out] == ["g/s/titre", "g/s/titre-2", "g/s/titre-3"]
    assert len(warnings) == 1 and warnings[0].line == 3 and "f.md:1" in warnings[0].message
    # The same title in two sections is two ids already: nothing to say.
    other = Passage("g/t/titre", "G", "T", "Titre", "Titre ?", "d", source="f.md:9")
    assert disambiguate([a, other])[1] == []


def test_a_table_with_the_same_question_twice_warns_with_both_rows(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "faq.csv").write_text("question,answer,section\nPremière demande,En mairie.,Passeport\n"
                                    "Première demande,En préfecture.,Passeport\nPremière demande,En ligne.,Permis\n",
                                    encoding="utf-8")
    loaded = load_corpus(corpus)
    ids = [p.id for p in loaded.passages if p.guide == "Faq"]
    assert ids == ["faq/passeport/premiere-demande", "faq/passeport/premiere-demande-2", "faq/permis/premiere-demande"]
    [warning] = loaded.warnings
    assert (warning.file, warning.line) == (str(corpus / "faq.csv"), 3) and f"{corpus / 'faq.csv'}:2" in warning.message


def test_warning_text_and_round_trip():
    warning = BuildWarning("corpus/a.md", 12, "titre en double")
    assert str(warning) == "corpus/a.md:12: titre en double"
    assert str(BuildWarning("corpus/a.md", 0, "x")) == "corpus/a.md: x"
    assert BuildWarning.from_dict(warning.to_dict()) == warning
    assert BuildWarning.from_dict({"file": "f", "line": "?"}) == BuildWarning("f", 0, "")
    assert split_source("C:/corpus/a.md:7") == ("C:/corpus/a.md", 7) and split_source("a.md") == ("a.md", 0)


def _editor_warnings(at) -> tuple[list[str], list]:
    at.session_state["tab"] = EDITORS_TAB
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [w.value for w in at.warning], [t.value for t in at.dataframe if "Avertissement" in t.value]


def test_editors_tab_shows_the_warnings_of_the_index_in_service_and_of_a_rebuild(fake_page, tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus")
    _append(corpus, "\n### Configurer IMAP\n- Sur mobile, choisissez le port 993 dans l'application.\n")
    allow_editors(monkeypatch)
    at = sign_in(fake_page(corpus))
    notes, [table] = _editor_warnings(at)
    assert any("1 avertissement pour l'index en service" in n for n in notes)
    [row] = table.to_dict("records")
    assert row["Fichier"] == str(corpus / "guide.md") and row["Ligne"] != "" and "« Configurer IMAP »" in row["Avertissement"]
    # After a rebuild from the tab, its report lists them.
    _append(corpus, "\n### Configurer IMAP\n- Sur tablette.\n")
    at.button(key="rebuild-editor").click().run()
    notes, [table] = _editor_warnings(at)
    assert any("2 avertissements pour la dernière reconstruction" in n for n in notes)
    assert len(table) == 2


def _hit(passage: Passage) -> Hit:
    return Hit(1, passage, 1.0)


def test_self_retrieval_speaks_of_a_title_as_a_title_and_in_the_terms_of_its_format():
    parent = Passage("sp/f1", "Service public", "", "Contrat d'apprentissage : fin", "Contrat d'apprentissage : fin",
                     "Le contrat prend fin à son terme.", source="corpus/sp.jsonl:1")
    short = Passage("sp/f2", "Service public", "", "Fin", "Fin", "La fin du bail.", source="corpus/sp.jsonl:2")
    asked = Passage("faq/q", "FAQ", "", "Comment résilier ?", "Comment résilier ?", "Écrivez-nous.",
                    source="corpus/faq.html:12")
    guide = Passage("g/x", "Guide", "S", "Résilier", "Comment résilier ?", "Par e-mail.", source="corpus/guide.md:4")
    warnings = self_retrieval_warnings([short, asked, guide], lambda qs: [[_hit(parent)] for _ in qs], 10)
    assert [w.line for w in warnings] == [2, 12, 4]
    table, page, md = (w.message for w in warnings)
    assert table.startswith("le titre « Fin » ne retrouve pas") and "colonne variants" in table
    assert "« Contrat d'apprentissage : fin » (corpus/sp.jsonl:1) passe devant" in table
    assert "ne dit pas de quoi il s'agit" in table  # a one-word title lacks its subject
    assert page.startswith("la question « Comment résilier ? »") and "titre de la page" in page
    assert "Question : …" in md and "ne dit pas" not in md
    # A long title that is not a question is still just a title, without the advice for short ones.
    [long] = self_retrieval_warnings([parent], lambda qs: [[_hit(short)]], 10)
    assert long.message.startswith("le titre « Contrat d'apprentissage : fin »") and "ne dit pas" not in long.message
