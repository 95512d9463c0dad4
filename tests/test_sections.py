"""Searching one section: the engine, the command line, the service (``section``, ``GET /v1/site``)
and the page; an unknown section is refused with the list of sections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.records.scope import STAFF, VISITOR
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import INTERNAL_QUESTION, write_audience_corpus
from tests.fakes import FakeEncoder

KEY = "cle-de-test-des-outils-de-l-equipe"
# Asked in « Nous joindre », the IMAP entry of « Questions courantes » cannot come back.
QUESTION = "Comment configurer IMAP ?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = write_audience_corpus(tmp_path / "corpus")
    (corpus / "site.toml").write_text('nom = "Aide Exemple"\nexemples = ["Comment configurer IMAP ?"]\n',
                                      encoding="utf-8")
    return corpus


@pytest.fixture
def root(corpus: Path, tmp_path: Path) -> Path:
    build(corpus, tmp_path / "index", FakeEncoder())
    return tmp_path / "index"


def test_engine_searches_one_section_and_lists_what_each_asker_may_see(root):
    engine = Engine.open(root, FakeEncoder())
    assert engine.sections() == ("Questions courantes", "Nous joindre", "Équipe")
    everywhere = engine.ask(QUESTION)
    assert everywhere.hits[0].passage.section == "Questions courantes"
    narrowed = engine.ask(QUESTION, scope=VISITOR.within("nous JOINDRE"), top_k=50)
    assert narrowed.hits and {h.passage.section for h in narrowed.hits} == {"Nous joindre"}
    staff = engine.ask(INTERNAL_QUESTION, scope=STAFF.within("Équipe"), top_k=50)
    assert {h.passage.section for h in staff.hits} == {"Équipe"} and len(staff.hits) == 2
    with pytest.raises(ValueError, match="Section inconnue : « Tarifs ». Sections : Questions courantes ; Nous joindre"):
        engine.ask(QUESTION, scope=VISITOR.within("Tarifs"))


def test_cli_section(monkeypatch, corpus, root, capsys):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    common = ["--corpus", str(corpus), "--index", str(root), "--json", "--top-k", "50"]
    assert cli.main(["search", QUESTION, "--section", "Nous joindre", *common]) == 0
    assert {r["section"] for r in json.loads(capsys.readouterr().out)["results"]} == {"Nous joindre"}
    assert cli.main(["search", QUESTION, "--section", "Tarifs", *common]) == 1
    assert "Section inconnue" in capsys.readouterr().err


@pytest.fixture
def client(corpus, root, tmp_path):
    settings = Settings(index_dir=root, corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0, api_keys=(KEY,))
    with TestClient(create_app(settings, FakeEncoder()), raise_server_exceptions=False) as c:
        yield c


def test_service_section_filter_and_site(client):
    found = client.get("/v1/search", params={"q": QUESTION, "section": "Nous joindre", "top_k": 50})
    assert found.status_code == 200 and {r["section"] for r in found.json()["results"]} == {"Nous joindre"}
    refused = client.get("/v1/search", params={"q": QUESTION, "section": "Tarifs"})
    assert refused.status_code == 422 and "Questions courantes ; Nous joindre" in refused.json()["detail"]
    site = client.get("/v1/site").json()
    assert site == {"name": "Aide Exemple", "plans": [{"id": "essentiel", "label": "Essentiel"},
                                                      {"id": "pro", "label": "Pro"},
                                                      {"id": "entreprise", "label": "Entreprise"}],
                    "plan_noun": "forfait", "sections": ["Questions courantes", "Nous joindre", "Équipe"],
                    "examples": ["Comment configurer IMAP ?"]}
    assert "/v1/site" in client.get("/openapi.json").json()["paths"]


def test_site_leaves_out_sections_of_internal_entries_only(client, corpus):
    guide = corpus / "guide.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("- Forfaits : entreprise\n", "- Public : interne\n"),
                     encoding="utf-8")
    build(corpus, Path(client.app.state.engine.root), FakeEncoder())
    assert client.get("/v1/site").json()["sections"] == ["Questions courantes", "Nous joindre"]
    staff = client.get("/v1/site", headers={"Authorization": f"Bearer {KEY}"}).json()
    assert staff["sections"][-1] == "Équipe"


def test_page_offers_the_sections_and_searches_the_one_chosen(fake_page, corpus):
    at = fake_page(corpus)
    box = at.sidebar.selectbox(key="section")
    assert box.options == ["Toutes les sections", "Questions courantes", "Nous joindre", "Équipe"]
    box.set_value("Nous joindre").run()
    at.text_input(key="question").input(QUESTION).run()
    crumbs = [h.value for h in at.get("html") if h.value.startswith('<div class="fs-result')]
    assert crumbs and all("<bdi>Nous joindre</bdi>" in c for c in crumbs)
