"""The formats help centers export: FAQ tables (CSV, JSON Lines) and saved HTML pages."""

from __future__ import annotations

import json

import pytest

from faqsearch.build.pipeline import build
from faqsearch.content.corpus import load_corpus
from faqsearch.content.files import corpus_digest, guide_files
from faqsearch.content.pages import parse_page
from faqsearch.content.tables import read_table
from faqsearch.errors import ContentError
from faqsearch.index.manifest import read_manifest
from faqsearch.index.published import current_build
from faqsearch.index.storage import read_passages
from faqsearch.search.engine import Engine
from faqsearch.search.staleness import stale_reason
from tests.conftest import SHARED
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

FRENCH_CSV = (
    "\ufeffTitre,Réponse,Catégorie,Lien,variants\n"
    "Comment payer ma cotisation ?,Par carte ou par virement.,Paiement,https://aide.example.org/payer,"
    "Moyens de paiement ?|Payer en ligne\n"
    'Comment résilier ?,"Écrivez-nous.\n\nAvec votre numéro d\'adhérent, ""en recommandé"".",Contrat,,\n'
    "Où trouver mon reçu ?,Dans l'espace client.,Paiement,,\n"
)


def test_csv_with_french_columns_bom_and_an_answer_over_several_lines():
    passages = read_table(FRENCH_CSV, "faq-adherents", "corpus/faq-adherents.csv").passages
    assert [p.question for p in passages] == ["Comment payer ma cotisation ?", "Comment résilier ?", "Où trouver mon reçu ?"]
    pay, cancel, receipt = passages
    assert pay.section == "Paiement" and pay.title == pay.question and pay.answer == "Par carte ou par virement."
    assert pay.url == "https://aide.example.org/payer"
    assert pay.variants == ("Moyens de paiement ?", "Payer en ligne")
    assert pay.id == "faq-adherents/paiement/comment-payer-ma-cotisation"
    assert pay.guide == "Faq adherents" and pay.channel == "" and pay.entry == pay.id
    assert cancel.answer == 'Écrivez-nous.\n\nAvec votre numéro d\'adhérent, "en recommandé".'
    # Each passage points at the line its record starts on (the second record spans three lines).
    assert [p.source for p in passages] == ["corpus/faq-adherents.csv:2", "corpus/faq-adherents.csv:3",
                                            "corpus/faq-adherents.csv:6"]


def test_semicolon_csv_from_french_excel_is_detected():
    text = "QUESTION;Réponse;Rubrique;id\r\nComment payer, en ligne ?;Par carte, ou virement.;Paiement;P-1\r\n;;;\r\n"
    [passage] = read_table(text, "faq", "corpus/faq.csv").passages
    assert passage.question == "Comment payer, en ligne ?" and passage.answer == "Par carte, ou virement."
    assert passage.id == "faq/P-1" and passage.section == "Paiement"


def test_jsonl_with_the_service_public_fields_reads_as_is():
    lines = [
        {"id": "F1427", "title": "Acte de naissance", "text": "Un acte de naissance peut…\nDe quoi s'agit-il ?"},
        {"id": 1428, "title": "Passeport", "text": "Le passeport…", "variants": ["Obtenir un passeport", "Refaire son passeport"]},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    first, second = read_table(text, "passages", "corpus/passages.jsonl", suffix=".jsonl").passages
    assert first.id == "passages/F1427" and first.question == first.title == "Acte de naissance"
    assert first.answer == "Un acte de naissance peut…\nDe quoi s'agit-il ?" and first.source == "corpus/passages.jsonl:1"
    assert second.id == "passages/1428" and second.variants == ("Obtenir un passeport", "Refaire son passeport")


def test_an_export_with_columns_nobody_reads_builds_and_names_them(tmp_path):
    """A help center's export carries more than questions and answers: the table builds, and the
    build's warnings say which columns were left out (``--strict`` would stop on them)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "export.csv").write_text("Subject,Body,Author,Created at,Category,Category_id\n"
                                       "Comment payer ?,Par carte.,Léa,2024-01-02,Paiement,7\n", encoding="utf-8")
    (corpus / "articles.jsonl").write_text(
        '{"title": "Comment annuler ?", "content": "Par écrit.", "tags": ["compte"]}\n'
        '{"title": "Comment résilier ?", "content": "En ligne.", "views": 12}\n', encoding="utf-8")
    loaded = load_corpus(corpus)
    assert {p.question: p.answer for p in loaded.passages} == {
        "Comment payer ?": "Par carte.", "Comment annuler ?": "Par écrit.", "Comment résilier ?": "En ligne."}
    assert next(p for p in loaded.passages if p.question == "Comment payer ?").section == "Paiement"
    said = {(w.file.rsplit("/", 1)[-1], w.line, w.message.split(" :")[0]) for w in loaded.warnings}
    # "Category_id" starts like a known name but is another column, not a misspelling.
    assert said == {("export.csv", 1, "colonne « Author » ignorée"), ("export.csv", 1, "colonne « Created at » ignorée"),
                    ("export.csv", 1, "colonne « Category_id » ignorée"),
                    ("articles.jsonl", 1, "colonne « tags » ignorée"), ("articles.jsonl", 2, "colonne « views » ignorée")}
    report = build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    assert any("« Author » ignorée" in str(w) for w in report.warnings)


def test_a_json_export_with_html_bodies_reads_as_text(tmp_path):
    """A help center's JSON export: an object holding the list of articles, bodies in HTML."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    articles = {"count": 2, "articles": [
        {"id": 11, "title": "Qu&#39;est-ce qu&#39;un avoir ?", "section": "Factures",
         "body": "<p>Un avoir annule une facture.</p><ul><li>en <b>totalité</b> ;</li><li>ou en partie.</li></ul>"
                 "<p>Voir <a href='https://aide.exemple.fr/avoirs'>les avoirs</a>.</p><script>x()</script>"},
        {"id": 12, "title": "Comment payer ?", "body": "Par carte.", "author_id": 3},
    ]}
    (corpus / "export.json").write_text(json.dumps(articles, ensure_ascii=False, indent=2), encoding="utf-8")
    loaded = load_corpus(corpus)
    first, second = loaded.passages
    assert first.id == "export/11" and first.question == "Qu'est-ce qu'un avoir ?" and first.section == "Factures"
    assert first.answer == ("Un avoir annule une facture.\n- en totalité ;\n- ou en partie.\n"
                            "Voir les avoirs (https://aide.exemple.fr/avoirs).")
    assert second.answer == "Par carte." and second.source.endswith("export.json:10")  # the line its object starts on
    assert [w.message.split(" :")[0] for w in loaded.warnings] == ["colonne « author_id » ignorée"]
    # A plain array reads the same; a problem names the line of its object.
    (corpus / "export.json").write_text('[\n  {"question": "Comment payer ?", "answer": "Par carte."},\n'
                                        '  {"question": "Comment annuler ?", "answer": ""}\n]\n', encoding="utf-8")
    with pytest.raises(ContentError, match=r"export\.json:3: la réponse .* est vide"):
        load_corpus(corpus)
    for broken, words in (('{"a": [{"question": "Q", "answer": "R"}], "b": [{"x": 1}]}', "une seule liste"),
                          ('[{"question": "Q", "answer": "R"},]', "JSON invalide"), ("[]", "liste non vide")):
        (corpus / "export.json").write_text(broken, encoding="utf-8")
        with pytest.raises(ContentError, match=words):
            load_corpus(corpus)


def test_a_file_no_reader_takes_is_named_in_a_warning(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "faq.xml").write_text("<faq><q>Comment payer ?</q></faq>", encoding="utf-8")
    (corpus / "export.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / ".brouillon.json").write_text("{}", encoding="utf-8")  # hidden: the editor's own
    (corpus / "README.txt").write_text("Ce dossier contient le guide.", encoding="utf-8")
    (corpus / "site.toml").write_text('nom = "Aide"\n', encoding="utf-8")
    warned = {w.file.rsplit("/", 1)[-1]: w.message for w in load_corpus(corpus).warnings}
    assert set(warned) == {"faq.xml", "export.xlsx"}
    assert warned["faq.xml"].startswith("fichier non lu") and ".json" in warned["faq.xml"]


def test_reserved_tables_are_not_read_as_entries(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "synonyms.csv").write_text("panne, hors service\n", encoding="utf-8")
    (corpus / "variants.csv").write_text("passage_id,question,added_by,added_at\n", encoding="utf-8")
    (corpus / "faq.csv").write_text(FRENCH_CSV, encoding="utf-8")
    (corpus / "faq.jsonl").write_text('{"question": "Comment fermer un compte ?", "answer": "Écrivez-nous."}\n',
                                      encoding="utf-8")
    (corpus / "aide.htm").write_text("<h1>Comment se connecter ?</h1><p>Avec votre e-mail.</p>", encoding="utf-8")
    assert [p.name for p in guide_files(corpus)] == ["aide.htm", "faq.csv", "faq.jsonl", "guide.md"]
    passages = load_corpus(corpus).passages
    assert len(passages) == 8 + 3 + 1 + 1


PAGE = """<!doctype html><html><head><title>Gérer son compte | Aide Exemple</title>
<link rel="canonical" href="https://aide.example.org/compte">
<script>var tracking = "script-secret";</script><style>.menu { color: red }</style></head>
<body>
<header><div class="logo">Bandeau du site</div><nav><a href="/">Accueil du site</a></nav></header>
<div role="navigation"><a href="/x">Menu latéral</a></div>
<main>
<h1>Gérer son compte</h1>
<p>Cette page explique comment <a href="/aide/compte">gérer</a> votre compte.</p>
<h2>Connexion</h2>
<h3>Comment réinitialiser mon mot de passe ?</h3>
<ol><li>Ouvrez la page de connexion.</li><li>Cliquez sur <b>Mot de passe oublié</b>.
  <ul><li>Un e-mail arrive.</li><li>Suivez le lien.</li></ul></li>
</ol>
<p>Le lien expire après une heure.</p>
<h3>Comptes multiples</h3>
<ul><li>Un compte par adresse</li><li>Pour changer :<ul><li>Menu Profil</li></ul></li></ul>
<h2>Questions fréquentes</h2>
<details><summary>Puis-je changer d'adresse ?</summary><p>Oui, dans Profil.</p></details>
<dl><dt>Combien ça coûte ?</dt><dd>C'est gratuit.</dd></dl>
<form><label>Cette page vous a-t-elle aidé ?</label><button>Oui</button></form>
<aside>Articles liés</aside>
<noscript>Activez JavaScript</noscript>
</main>
<footer>© 2026 Mentions légales</footer>
</body></html>"""


def test_html_page_drops_chrome_and_keeps_lists_steps_and_faq_patterns():
    passages = parse_page(PAGE, "compte", "corpus/compte.html")
    everything = "\n".join(f"{p.section}\n{p.question}\n{p.answer}" for p in passages)
    for chrome in ("script-secret", "color: red", "Bandeau", "Accueil du site", "Menu latéral", "Articles liés",
                   "Mentions légales", "Activez JavaScript", "vous a-t-elle aidé", "Aide Exemple"):
        assert chrome not in everything
    by_question = {p.question: p for p in passages}
    assert list(by_question) == ["Gérer son compte", "Comment réinitialiser mon mot de passe ?", "Comptes multiples",
                                 "Puis-je changer d'adresse ?", "Combien ça coûte ?"]
    reset = by_question["Comment réinitialiser mon mot de passe ?"]
    assert reset.section == "Connexion" and reset.guide == "Gérer son compte"
    assert reset.answer == ("1. Ouvrez la page de connexion.\n2. Cliquez sur Mot de passe oublié.\n"
                            "  - Un e-mail arrive.\n  - Suivez le lien.\nLe lien expire après une heure.")
    assert by_question["Comptes multiples"].answer == "- Un compte par adresse\n- Pour changer :\n  - Menu Profil"
    assert by_question["Puis-je changer d'adresse ?"].answer == "Oui, dans Profil."
    assert by_question["Combien ça coûte ?"].section == "Questions fréquentes"
    # Links keep their target (made absolute from the page's URL), like the Markdown reader.
    assert by_question["Gérer son compte"].answer == (
        "Cette page explique comment gérer (https://aide.example.org/aide/compte) votre compte.")
    assert {p.url for p in passages} == {"https://aide.example.org/compte"}
    assert reset.id == "compte/connexion/comment-reinitialiser-mon-mot-de-passe"
    assert reset.source == f"corpus/compte.html:{PAGE[:PAGE.index('<h3>Comment')].count(chr(10)) + 1}"


def test_a_page_with_one_title_and_text_is_one_entry():
    page = ("<html><head><title>Passeport | Service-Public</title><meta property='og:url' "
            "content='https://www.example.fr/F21089'></head><body><h1>Passeport : première demande</h1>"
            "<p>Le passeport est délivré en mairie.</p><ul><li>Photo</li><li>Justificatif</li></ul></body></html>")
    [entry] = parse_page(page, "F21089", "corpus/F21089.html")
    assert entry.question == entry.title == entry.guide == "Passeport : première demande"
    assert entry.answer == "Le passeport est délivré en mairie.\n- Photo\n- Justificatif"
    assert entry.url == "https://www.example.fr/F21089" and entry.id == "f21089/passeport-premiere-demande"
    # Without a <h1>, the <title> (without the site's name) is the title.
    [untitled] = parse_page("<!doctype html><title>Carte grise | Site</title><p>Texte.</p><!-- note -->", "cg", "cg.html")
    assert untitled.question == "Carte grise" and untitled.answer == "Texte."


def test_definition_lists_wrapped_in_divs_and_nested_ones_read_once():
    page = ("<h1>FAQ</h1><dl><div><dt>Faut-il un compte ?</dt><dd>Oui.<dl><dt>Cas</dt><dd>Mineurs</dd></dl></dd></div>"
            "<dt>Est-ce payant ?</dt><dd>Non.</dd></dl>")
    assert [(p.question, p.answer) for p in parse_page(page, "faq", "faq.html")] == [
        ("Faut-il un compte ?", "Oui.\nCas\nMineurs"), ("Est-ce payant ?", "Non.")]


@pytest.mark.parametrize("name, content", [
    ("long.csv", lambda answer: "question,answer\nQuelle est la procédure complète ?,\"" + answer + "\"\n"),
    ("long.jsonl", lambda answer: json.dumps({"question": "Quelle est la procédure complète ?", "answer": answer}) + "\n"),
    ("long.html", lambda answer: "<h1>Quelle est la procédure complète ?</h1>"
                                 + "".join(f"<p>{line}</p>" for line in answer.split("\n"))),
])
def test_a_50k_character_answer_reads_whole_and_builds(tmp_path, name, content):
    lines = [f"Étape {i} de la procédure : remplissez le formulaire numéro {i} et joignez la pièce {i}." for i in range(700)]
    answer = "\n".join(lines)
    assert len(answer) > 50_000
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / name).write_text(content(answer), encoding="utf-8")
    [long] = [p for p in load_corpus(corpus).passages if p.source.startswith(str(corpus / name))]
    assert long.answer == answer
    report = build(corpus, tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    # The 8 guide items stay whole; the long entry is cut into chunks that share its entry id.
    chunks = [p for p in read_passages(current_build(tmp_path / "index")) if p.entry == long.id]
    assert report.passages == 8 + len(chunks) and len(chunks) > 1
    assert "\n".join(c.answer for c in chunks).count("Étape") == 700


def test_imported_entries_are_searched_and_the_digest_follows_them(tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "faq.csv").write_text(FRENCH_CSV, encoding="utf-8")
    (corpus / "compte.html").write_text(PAGE, encoding="utf-8")
    before = corpus_digest(corpus)
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    engine = Engine.open(root, FakeEncoder())
    assert engine.ask("Comment résilier ?").hits[0].passage.id == "faq/contrat/comment-resilier"
    best = engine.ask("Puis-je changer d'adresse ?").hits[0].passage
    assert best.question == "Puis-je changer d'adresse ?" and best.url == "https://aide.example.org/compte"
    assert best.to_dict()["url"] == "https://aide.example.org/compte"
    assert not stale_reason(corpus, read_manifest(current_build(root)))
    for name in ("faq.csv", "compte.html"):
        path = corpus / name
        path.write_text(path.read_text(encoding="utf-8").replace("Comment", "Comment donc"), encoding="utf-8")
        assert corpus_digest(corpus) != before and stale_reason(corpus, read_manifest(current_build(root)))
        before = corpus_digest(corpus)


def test_a_table_channel_must_exist_in_the_catalogue(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "faq.csv").write_text("question,answer,canal\nComment écrire ?,Par e-mail.,email\n"
                                    "Comment appeler ?,Par téléphone.,hotline\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"faq\.csv:3: le canal « hotline » n'existe pas"):
        load_corpus(corpus)
    (corpus / "faq.csv").write_text("question,answer,canal\nComment écrire ?,Par e-mail.,email\n", encoding="utf-8")
    [written] = [p for p in load_corpus(corpus).passages if p.guide == "Faq"]
    assert written.channel == "email"


def test_service_public_file_reads_as_a_faq_table():
    path = SHARED / "external" / "service-public" / "passages.jsonl"
    passages = read_table(path.read_text(encoding="utf-8"), path.stem, str(path), suffix=".jsonl").passages
    assert len(passages) == 941 and len({p.id for p in passages}) == 941
    assert max(len(p.answer) for p in passages) > 80_000


def test_the_lead_paragraph_of_an_article_header_is_kept():
    page = ("<html><body><header><p>Bandeau du site</p></header><main><article>"
            "<header><h1>Carte grise : changement d'adresse</h1><p class='lead'>Vous devez déclarer votre "
            "nouvelle adresse dans le mois qui suit le déménagement.</p><time>12/03/2026</time>"
            "<nav><a href='/'>Accueil</a></nav></header>"
            "<p>La démarche est gratuite.</p></article></main></body></html>")
    [entry] = parse_page(page, "cg", "corpus/cg.html")
    assert entry.question == "Carte grise : changement d'adresse"
    assert entry.answer == ("Vous devez déclarer votre nouvelle adresse dans le mois qui suit le déménagement.\n"
                            "La démarche est gratuite.")


def test_broken_addresses_in_a_page_are_dropped_not_fatal():
    page = ("<html><head><link rel='canonical' href='http://[bad'></head><body><h1>Titre</h1>"
            "<p>Voir <a href='http://[::1/x'>ici</a> et <a href='javascript:alert(1)'>là</a>.</p></body></html>")
    [entry] = parse_page(page, "p", "corpus/p.html")
    assert entry.url == "" and entry.answer == "Voir ici et là."
    canonical = parse_page(page.replace("http://[bad", "/relative"), "p", "corpus/p.html")[0]
    assert canonical.url == ""  # a relative canonical address names no page
