"""The channel catalogue, the channel of each passage and the plan rules."""

from __future__ import annotations

import pytest

from faqsearch.channels.advice import recommend
from faqsearch.channels.assignment import assign_channels
from faqsearch.channels.catalogue import Catalogue
from faqsearch.channels.plans import parse_plan, plans_label
from faqsearch.content.corpus import load_corpus
from faqsearch.records.answer import Hit
from faqsearch.records.passage import Passage
from tests.conftest import SEED_CORPUS

REQUIRED = {"centre-aide", "forums", "documentation", "email", "chat", "telephone", "tickets", "videos",
            "base-connaissances", "statut", "console-admin", "escalade", "partenaires", "communautes-externes"}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_corpus(SEED_CORPUS).catalogue


@pytest.fixture(scope="module")
def seed_passages():
    return load_corpus(SEED_CORPUS).passages


def hit(passage: Passage, rank: int = 1) -> Hit:
    return Hit(rank, passage, 1.0 / rank, 0.9, 5.0)


def test_catalogue_has_every_channel_of_the_guide_with_contacts(catalogue):
    assert REQUIRED <= catalogue.ids()
    phone = catalogue.get("telephone")
    assert ("États-Unis", "+1 888 900 9646") in phone.phones
    assert phone.plans == ("lite", "premium")
    assert catalogue.get("email").email == "support@zohomail.com"
    assert catalogue.get("statut").url == "https://status.zoho.com"
    assert catalogue.get("centre-aide").open_to("gratuit")


def test_each_channel_passage_gets_its_channel(seed_passages):
    channel_of = {p.title: p.channel for p in seed_passages}
    assert channel_of["Support téléphonique"] == "telephone"
    assert channel_of["Support par chat en direct"] == "chat"
    assert channel_of["Support par email"] == "email"
    assert channel_of["Tickets de support"] == "tickets"
    assert channel_of["Statut du service"] == "statut"
    assert channel_of["Journaux d'audit"] == "console-admin"
    assert channel_of["Escalader si nécessaire"] == "escalade"
    assert channel_of["Communautés externes"] == "communautes-externes"
    phone = next(p for p in seed_passages if p.channel == "telephone")
    assert phone.plans == ("lite", "premium")


def test_free_plan_asking_for_phone_is_pointed_to_help_center_and_forums(catalogue, seed_passages):
    phone = next(p for p in seed_passages if p.channel == "telephone")
    advice = recommend([hit(phone)], catalogue, "gratuit", confident=True)
    assert advice.channel.id == "telephone" and not advice.available
    assert [c.id for c in advice.alternatives][:2] == ["centre-aide", "forums"]
    assert "Mail Lite et Premium" in advice.reason and "Gratuit" in advice.reason
    paid = recommend([hit(phone)], catalogue, "premium", confident=True)
    assert paid.available and paid.channel.id == "telephone" and not paid.alternatives


def test_not_confident_offers_the_general_channels_of_the_plan(catalogue, seed_passages):
    advice = recommend([hit(seed_passages[0])], catalogue, "gratuit", confident=False)
    assert advice.channel.id == "centre-aide"
    assert all(c.open_to("gratuit") for c in advice.alternatives)
    assert "ne semble pas couvrir" in advice.reason
    paid = recommend([], catalogue, "lite", confident=False)
    assert {"email", "chat"} <= {c.id for c in paid.alternatives}


def test_an_overview_first_gets_the_general_channels_not_the_next_hits(catalogue):
    overview = Passage("g/s/a", "G", "S", "A", "Q ?", "texte", "")
    chat = Passage("g/s/b", "G", "S", "B", "Q2 ?", "texte", "chat", ("lite", "premium"))
    advice = recommend([hit(overview), hit(chat, 2)], catalogue, "gratuit", True)
    assert advice.channel.general and advice.channel.open_to("gratuit") and advice.channel.id != "chat"
    assert "Aucun canal précis" in advice.reason
    # The best passage's own channel is the card's.
    assert recommend([hit(chat), hit(overview, 2)], catalogue, None, True).channel.id == "chat"


def test_plans_are_parsed_from_user_words(catalogue):
    plans = catalogue.plans
    assert parse_plan("Gratuit", plans) == "gratuit"
    assert parse_plan("Mail Lite", plans) == "lite"
    assert parse_plan("free", plans) == "gratuit"
    assert parse_plan("Je ne sais pas", plans) is None and parse_plan(None, plans) is None
    with pytest.raises(ValueError, match="Forfait inconnu.*gratuit, lite, premium"):
        parse_plan("entreprise", plans)
    assert plans_label(("gratuit", "lite", "premium"), plans) == "tous les forfaits"
    assert plans_label(("lite", "premium"), plans) == "Mail Lite et Premium"


def test_assign_keeps_an_explicit_channel(catalogue):
    p = Passage("g/s/x", "G", "S", "Support téléphonique", "Q ?", "appelez", channel="chat")
    assert assign_channels([p], catalogue)[0].channel == "chat"
