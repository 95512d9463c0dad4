"""A help center with its own plans (essentiel, pro, entreprise) builds, and the command line, the
service and the page offer those plans with their labels, never another help center's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.search import loader
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.corpora import write_own_plans_corpus
from tests.fakes import FakeEncoder

NAMING_PRO = "Le chat en direct est-il inclus dans l'offre Pro ?"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_own_plans_corpus(tmp_path / "corpus")


@pytest.fixture
def fake_cli(monkeypatch):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())


def test_cli_uses_the_declared_plans(fake_cli, corpus, tmp_path, capsys):
    common = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert cli.main(["build", *common]) == 0
    capsys.readouterr()
    assert cli.main(["search", NAMING_PRO, "--json", *common]) == 0
    channel = json.loads(capsys.readouterr().out)["channel"]
    assert channel["assumed_plan"] == "pro" and "Forfait supposé d'après votre question : Pro." in channel["reason"]
    assert channel["plans"] == ["essentiel", "pro", "entreprise"]  # the general channel open to Pro
    assert cli.main(["search", "Support téléphonique : appeler ?", "--plan", "Essentiel", *common]) == 0
    out = capsys.readouterr().out
    assert "non inclus dans votre forfait" in out and "Pro et Entreprise" in out
    assert cli.main(["search", "téléphone", "--plan", "premium", *common]) == 1
    assert "Forfait inconnu : 'premium'. Choisissez parmi : essentiel, pro, entreprise." in capsys.readouterr().err


def test_service_validates_and_documents_the_declared_plans(corpus, tmp_path):
    build(corpus, tmp_path / "index", FakeEncoder())
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)
    with TestClient(create_app(settings, FakeEncoder()), raise_server_exceptions=False) as client:
        found = client.get("/v1/search", params={"q": "Support téléphonique : appeler ?", "plan": "entreprise"})
        assert found.status_code == 200 and found.json()["channel"]["id"] == "telephone"
        assert found.json()["channel"]["available"]
        refused = client.get("/v1/search", params={"q": "téléphone", "plan": "lite"})
        assert refused.status_code == 422 and "essentiel, pro, entreprise" in refused.json()["detail"]
        logged = client.post("/v1/questions", json={"question": NAMING_PRO, "plan": "pro"})
        assert logged.status_code == 201
        assert client.post("/v1/questions", json={"question": NAMING_PRO, "plan": "premium"}).status_code == 422
        plan = next(p for p in client.get("/openapi.json").json()["paths"]["/v1/search"]["get"]["parameters"]
                    if p["name"] == "plan")
        assert "`pro` (Pro)" in plan["description"] and plan["schema"]["enum"] == ["essentiel", "pro", "entreprise"]


def test_page_offers_the_declared_plans_and_their_labels(fake_page, corpus):
    at = fake_page(corpus)
    assert at.sidebar.radio(key="plan").options == ["Essentiel", "Pro", "Entreprise", "Je ne sais pas"]
    at.sidebar.radio(key="plan").set_value("Essentiel").run()
    at.text_input(key="question").input("Comment faire une pâte à crêpes ?").run()
    cards = "\n".join(h.value for h in at.get("html"))
    assert "Canaux généraux du forfait Essentiel" in cards and "forfait : Essentiel" in cards
    for other in ("Gratuit", "Mail Lite", "Premium"):
        assert other not in cards


def test_a_wrong_plans_file_stops_the_build_with_its_file_and_line(corpus):
    from faqsearch.content.corpus import load_corpus
    from faqsearch.errors import ContentError

    (corpus / "plans.csv").write_text("id,label\nessentiel,Essentiel\nPro,Pro\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_corpus(corpus)
    assert str(caught.value).startswith(f"{corpus / 'plans.csv'}:3: identifiant « Pro »")
    (corpus / "plans.csv").unlink()  # the catalogue still names plans: it says to declare them
    with pytest.raises(ContentError, match="channels.csv:2: forfait « essentiel » .* déclarez-les dans plans.csv"):
        load_corpus(corpus)
