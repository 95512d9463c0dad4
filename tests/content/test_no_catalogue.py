"""A corpus without ``channels.csv`` nor ``plans.csv`` (a general FAQ) builds and serves, and never
speaks of channels or plans."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.content.corpus import load_corpus
from faqsearch.index.published import current_build
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from tests.conftest import SEED_CORPUS
from tests.corpora import TOPICS, write_corpus
from tests.fakes import FakeEncoder

QUESTION = TOPICS[2][0]  # "Configurer IMAP"
# The fake encoder is sure of a question that repeats a passage word for word: the confident page.
SURE_QUESTION = f"Questions courantes Comment configurer IMAP ? {TOPICS[2][1]} (édition 1)"


def _without_catalogue(folder: Path) -> Path:
    corpus = write_corpus(folder)
    (corpus / "channels.csv").unlink()
    (corpus / "plans.csv").unlink()
    return corpus


def test_passages_get_no_channel_and_no_plan(tmp_path):
    corpus = _without_catalogue(tmp_path / "corpus")
    loaded = load_corpus(corpus)
    assert not loaded.catalogue.channels and len(loaded.passages) == len(TOPICS)
    # "Signaler une panne" names the status page, which the seed catalogue would turn into a channel.
    assert all(p.channel == "" and p.plans == () for p in loaded.passages)
    assert not loaded.catalogue.plans


def test_engine_gives_no_advice_and_the_index_has_no_catalogue(tmp_path):
    corpus, root = _without_catalogue(tmp_path / "corpus"), tmp_path / "index"
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    assert not (current_build(root) / "channels.csv").exists() and not (current_build(root) / "plans.csv").exists()
    engine = Engine.open(root, FakeEncoder())
    for question in (QUESTION, "Comment faire une pâte à crêpes ?"):
        answer = engine.ask(question)
        assert answer.hits and answer.advice is None and answer.to_dict()["channel"] is None
    with pytest.raises(ValueError, match="ne déclare aucun forfait"):
        engine.ask(QUESTION, plan="gratuit")


def test_removing_the_catalogue_drops_the_channels_of_a_running_engine(tmp_path):
    corpus, root = write_corpus(tmp_path / "corpus"), tmp_path / "index"
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    engine = Engine.open(root, FakeEncoder())
    assert engine.catalogue.channels and engine.ask("Comment faire une pâte à crêpes ?").advice is not None
    (corpus / "channels.csv").unlink()
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    assert engine.ask("Comment faire une pâte à crêpes ?").advice is None and not engine.catalogue.channels


@pytest.fixture
def fake_cli(monkeypatch):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())


def test_cli_says_nothing_about_channels(fake_cli, tmp_path, capsys):
    corpus = _without_catalogue(tmp_path / "corpus")
    common = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert cli.main(["build", *common]) == 0
    capsys.readouterr()
    assert cli.main(["search", QUESTION, "--json", *common]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["channel"] is None and answer["results"]
    for question in (QUESTION, "Comment faire une pâte à crêpes ?"):
        assert cli.main(["search", question, *common]) == 0
        out = capsys.readouterr().out
        assert "canal" not in out.lower() and "Question :" in out
    assert cli.main(["passages", "--corpus", str(corpus)]) == 0
    assert "canal" not in capsys.readouterr().out.lower()


# ------------------------------------------------------------------------------------ the page


def _page_text(at: AppTest) -> str:
    parts = [h.value for h in at.get("html") if not h.value.lstrip().startswith("<style")]
    parts += [e.value for e in list(at.markdown) + list(at.caption) + list(at.warning) + list(at.info)]
    return "\n".join(parts)


def test_page_without_catalogue_offers_the_corpus_own_questions_as_examples(fake_page, tmp_path):
    at = fake_page(_without_catalogue(tmp_path / "general"))
    offered = [b.label for b in at.button if b.key and b.key.startswith("examples-start")]
    assert offered == ["Comment changer de forfait ?", "Comment réinitialiser le mot de passe ?",
                       "Comment configurer IMAP ?", "Comment exporter les messages ?"]
    next(b for b in at.button if b.label == "Comment configurer IMAP ?").click().run()
    assert at.text_input(key="question").value == "Comment configurer IMAP ?"


@pytest.mark.parametrize("question, confident", [(SURE_QUESTION, True), ("Comment faire une pâte à crêpes ?", False)])
def test_page_without_catalogue_has_no_plan_no_channel_card_no_channel_line(fake_page, tmp_path, question, confident):
    at = fake_page(_without_catalogue(tmp_path / "general"))
    assert not at.sidebar.radio  # no plan selector
    at.text_input(key="question").input(question).run()
    assert not at.exception
    results = [h.value for h in at.get("html") if h.value.startswith('<div class="fs-result')]
    assert results and bool(at.feedback) == confident  # passages offered as answers are rated
    text = _page_text(at)
    assert "fs-card" not in text and "fs-passage-channel" not in text
    for word in ("Canal", "canal", "Canaux", "· forfait"):  # the guide itself speaks of "forfait"
        assert word not in text


def test_page_with_a_catalogue_keeps_plans_and_channels(fake_page, tmp_path):
    corpus = tmp_path / "seed"
    shutil.copytree(SEED_CORPUS, corpus)
    at = fake_page(corpus)
    assert at.sidebar.radio(key="plan").options == ["Gratuit", "Mail Lite", "Premium", "Je ne sais pas"]
    at.text_input(key="question").input("Comment faire une pâte à crêpes ?").run()
    assert "Canaux généraux" in _page_text(at) and "forfait" in _page_text(at)
