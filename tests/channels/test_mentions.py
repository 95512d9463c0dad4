"""The channel and plan a question names, and the card they lead to (seed catalogue, fake encoder)."""

from __future__ import annotations

import json

import pytest

from faqsearch.channels.advice import advise, general_channels
from faqsearch.channels.mentions import find_mentions
from faqsearch.content.corpus import load_corpus
from faqsearch.index.faq_index import FaqIndex
from faqsearch.records.answer import Hit
from faqsearch.search.confidence import Confidence
from faqsearch.search.engine import Engine
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


@pytest.fixture(scope="module")
def catalogue(corpus):
    return corpus.catalogue


@pytest.fixture(scope="module")
def engine(corpus):
    index = FaqIndex.build(corpus.passages, FakeEncoder(), corpus.catalogue, synonyms=corpus.synonyms)
    # The fake encoder's cosines are not the model's: trust every answer, only the card is tested.
    return Engine(index, confidence=Confidence(min_dense=-1.0, min_evidence=0.0))


def passage_of(corpus, channel: str):
    return next(p for p in corpus.passages if p.channel == channel)


@pytest.mark.parametrize("question", [
    "Comment contacter le support par e-mail ?", "support par e-mail", "Comment joindre le support par courriel ?",
    "SUPPORT PAR EMAIL", "je peux envoyer un mail au support ?", "Écrire au support : quel e-mail ?",
])
def test_every_spelling_of_email_names_the_email_channel(catalogue, question):
    assert find_mentions(question, catalogue).channels == ("email",)


@pytest.mark.parametrize("question", ["Comment configurer Zoho Mail sur Outlook ?", "Mail Lite ou Premium ?"])
def test_product_and_plan_names_do_not_name_the_email_channel(catalogue, question):
    assert "email" not in find_mentions(question, catalogue).channels


@pytest.mark.parametrize("question, plans", [
    ("Avec l'offre gratuite, a-t-on le chat ?", ("gratuit",)),
    ("Is phone support free?", ("gratuit",)),
    ("Le chat est-il inclus dans Mail Lite ?", ("lite",)),
    ("Support téléphonique en Premium", ("premium",)),
    ("Faut-il un plan payant pour appeler ?", ("lite", "premium")),
    ("Le forfait payant donne-t-il le chat ?", ("lite", "premium")),
    ("Y a-t-il un numéro gratuit pour appeler ?", ()),
    ("Quelle différence entre gratuit et payant ?", ()),
    ("Comment joindre le support ?", ()),
])
def test_plans_named(catalogue, question, plans):
    assert find_mentions(question, catalogue).plans == plans


def test_the_page_example_about_email_recommends_email(engine):
    """The chat passage, which also speaks of e-mail, may rank first: the card follows the question."""
    for question in ("Comment contacter le support par e-mail ?", "support par e-mail",
                     "Comment joindre le support par courriel ?"):
        advice = engine.ask(question).advice
        assert advice.channel.id == "email", question
        assert advice.named_in_question and advice.available


def test_named_channel_outside_the_named_plan_says_so_and_offers_what_the_plan_has(corpus, catalogue):
    chat = passage_of(corpus, "chat")
    advice = advise("Sur l'offre gratuite, peut-on écrire au support par e-mail ?", [Hit(1, chat, 1.0)],
                    catalogue, None, confident=True)
    assert advice.channel.id == "email" and not advice.available and advice.named_in_question
    assert [c.id for c in advice.alternatives][:2] == ["centre-aide", "forums"]
    assert advice.assumed_plan == "gratuit"
    assert "Forfait supposé d'après votre question : Gratuit" in advice.reason


def test_paid_plan_named_with_phone_keeps_phone(corpus, catalogue):
    escalation = passage_of(corpus, "escalade")
    advice = advise("Faut-il un plan payant pour le support téléphonique ?", [Hit(1, escalation, 1.0)],
                    catalogue, None, confident=True)
    assert advice.channel.id == "telephone" and advice.available
    assert advice.assumed_plan == "payant" and "Mail Lite ou Premium" in advice.reason


def test_premium_named_with_email(corpus, catalogue):
    chat = passage_of(corpus, "chat")
    advice = advise("Le support par e-mail est-il inclus dans Premium ?", [Hit(1, chat, 1.0)], catalogue, None, True)
    assert (advice.channel.id, advice.available, advice.assumed_plan) == ("email", True, "premium")


def test_the_chosen_plan_wins_over_the_named_one(corpus, catalogue):
    chat = passage_of(corpus, "chat")
    advice = advise("Le chat est-il inclus dans Premium ?", [Hit(1, chat, 1.0)], catalogue, "gratuit", True)
    assert advice.channel.id == "chat" and not advice.available and advice.assumed_plan == ""


def test_plan_named_without_channel_applies_to_the_passage_channel(corpus, catalogue):
    phone = passage_of(corpus, "telephone")
    advice = advise("Avec l'offre gratuite, qui joindre ?", [Hit(1, phone, 1.0)], catalogue, None, True)
    assert advice.channel.id == "telephone" and not advice.available
    assert advice.assumed_plan == "gratuit" and not advice.named_in_question


def test_refused_question_naming_a_channel_keeps_the_general_card(corpus, catalogue):
    """An off-topic "numéro de la mairie" must not get a phone-support card."""
    intro = corpus.passages[0]
    advice = advise("Quel est le numéro de la mairie ?", [Hit(1, intro, 0.1)], catalogue, None, confident=False)
    assert advice.channel.general and not advice.named_in_question


def test_several_named_channels_prefer_the_one_the_best_passages_speak_of(corpus, catalogue):
    chat = passage_of(corpus, "chat")
    advice = advise("Chat ou e-mail : lequel répond le plus vite ?", [Hit(1, chat, 1.0)], catalogue, None, True)
    assert advice.channel.id == "chat"


def test_json_contract_gains_fields_and_keeps_the_old_ones(engine):
    answer = json.loads(json.dumps(engine.ask("Le support par e-mail est-il inclus dans l'offre gratuite ?").to_dict()))
    channel = answer["channel"]
    assert {"id", "name", "contact", "plans", "reason", "available", "availability", "response_time",
            "alternatives"} <= set(channel)
    assert channel["id"] == "email" and channel["available"] is False
    assert channel["named_in_question"] is True and channel["assumed_plan"] == "gratuit"
    plain = engine.ask("Comment obtenir de l'aide ?").to_dict()["channel"]
    assert plain["assumed_plan"] is None


def test_one_rule_refuses_a_channel_whether_named_or_found(corpus, catalogue):
    """The card of a channel the plan may not use offers the same general channels, in the same
    words, whether the question names the channel or the best passage is about it."""
    phone = passage_of(corpus, "telephone")
    found = advise("Comment obtenir de l'aide ?", [Hit(1, phone, 1.0)], catalogue, "gratuit", True)
    named = advise("Puis-je appeler le support par téléphone ?", [Hit(1, phone, 1.0)], catalogue, "gratuit", True)
    assert not found.available and not named.available and named.named_in_question
    assert found.alternatives == named.alternatives == general_channels(catalogue, ("gratuit",))
    assert found.reason.split(" ; ")[1].replace("votre", "ce") == named.reason.split(" ; ")[1]
