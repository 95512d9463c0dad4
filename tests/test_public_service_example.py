"""The second worked example (``tests/examples/guichet``, docs/exemple-guichet.md): a town's
public-service help desk with its own channels (a phone line, desks in person, online procedures,
desks for businesses and associations) and audiences instead of plans."""

from __future__ import annotations

import pytest

from faqsearch.content.corpus import load_corpus
from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.scope import STAFF
from faqsearch.search.confidence import Confidence
from faqsearch.search.engine import Engine
from faqsearch.ui.cards import channel_card_html
from tests.conftest import ROOT
from tests.fakes import FakeEncoder

EXAMPLE = ROOT / "tests" / "examples" / "guichet"
SUBSIDY = "guichet/associations/demander-une-subvention"
COMPLAINT = "guichet/agents-du-guichet/reclamation-d-un-usager"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(EXAMPLE)


@pytest.fixture(scope="module")
def engine(corpus):
    index = FaqIndex.build(corpus.passages, FakeEncoder(), corpus.catalogue, synonyms=corpus.synonyms)
    # The fake encoder's cosines are not the model's: trust every answer, the rules are what is tested.
    return Engine(index, confidence=Confidence(min_dense=-1.0, min_evidence=0.0))


def ids(answer) -> list[str]:
    return [h.passage.id for h in answer.hits]


def test_the_example_declares_audiences_channels_and_who_each_entry_is_for(corpus):
    plans = corpus.catalogue.plans
    assert [(p.id, p.label) for p in plans.plans] == [
        ("particulier", "Particulier"), ("professionnel", "Professionnel"), ("association", "Association")]
    assert corpus.catalogue.get("point-entreprises").plans == ("professionnel",)
    by_id = {p.id: p for p in corpus.passages}
    assert by_id[SUBSIDY].audience == ("association",) and by_id[COMPLAINT].internal
    assert by_id["guichet/associations/reserver-une-salle-municipale"].audience == ("particulier", "association")
    assert not corpus.warnings


@pytest.mark.parametrize("question, audience", [
    ("Je suis artisan, où déclarer mon activité ?", "professionnel"),
    ("Notre association peut-elle réserver une salle ?", "association"),
    ("À titre personnel, comment refaire mon passeport ?", "particulier"),
    ("Quel numéro appeler pour une démarche ?", None),
])
def test_a_question_naming_an_audience_assumes_it(engine, question, audience):
    advice = engine.ask(question).advice
    assert (advice.assumed_plan or None) == audience


def test_a_desk_for_businesses_is_not_offered_to_an_association(engine):
    advice = engine.ask("Notre association peut-elle aller au point accueil entreprises ?").advice
    assert advice.channel.id == "point-entreprises" and not advice.available
    assert advice.reason == ("Point accueil entreprises est réservé aux profils Professionnel ; il n'est pas ouvert "
                             "au profil Association. Avec ce profil, utilisez plutôt : Démarches en ligne et ligne "
                             "d'information. Profil supposé d'après votre question : Association.")
    assert [c.id for c in advice.alternatives] == ["en-ligne", "telephone"]
    assert engine.ask("Artisan : le point accueil entreprises me reçoit-il ?").advice.available


def test_each_audience_gets_its_own_entries_and_visitors_never_the_agents(engine):
    question = "Comment demander une subvention ?"
    assert ids(engine.ask(question, "association"))[0] == SUBSIDY
    assert SUBSIDY not in ids(engine.ask(question, "particulier", top_k=50))
    complaint = "Comment traiter la réclamation d'un usager ?"
    assert COMPLAINT not in ids(engine.ask(complaint, top_k=50))
    assert ids(engine.ask(complaint, scope=STAFF))[0] == COMPLAINT


def test_the_page_offers_the_audiences_and_the_help_desks_name(fake_page):
    at = fake_page(EXAMPLE)
    assert at.sidebar.radio(key="plan").options == ["Particulier", "Professionnel", "Association", "Je ne sais pas"]
    assert at.sidebar.radio(key="plan").label == "Votre profil"  # the example's own word for its plans
    assert any("Guichet des démarches de Valbourg" in c.value for c in at.caption)


def test_the_card_speaks_of_profiles_as_the_example_declares(engine, corpus):
    advice = engine.ask("Notre association peut-elle aller au point accueil entreprises ?", "association").advice
    card = channel_card_html(advice, "association", plans=corpus.catalogue.plans)
    assert "Ce canal n'est pas inclus dans le profil Association." in card
    assert "<dt>Profils</dt>" in card and "Avec votre profil, utilisez plutôt" in card
    assert "forfait" not in card.lower() and "forfait" not in advice.reason
    general = channel_card_html(engine.ask("Quel numéro appeler ?", "association").advice, "association", True,
                                corpus.catalogue.plans)
    assert "Canaux généraux du profil Association" in general


def test_the_command_line_refuses_an_undeclared_profile_in_the_examples_word(corpus):
    from faqsearch.channels.plans import parse_plan

    with pytest.raises(ValueError, match="Profil inconnu : 'pro'. Choisissez parmi : particulier, professionnel"):
        parse_plan("pro", corpus.catalogue.plans)
