"""Plans declared by a help center (``plans.csv``): parsed and checked, named in questions, used by
the catalogue and the card; nothing of another help center's plans is assumed."""

from __future__ import annotations

import pytest

from faqsearch.channels.advice import advise
from faqsearch.channels.catalogue import parse_catalogue
from faqsearch.channels.mentions import find_mentions
from faqsearch.channels.plans import named_plans, parse_plan, parse_plans, plans_text
from faqsearch.errors import ContentError
from faqsearch.records.answer import Hit
from faqsearch.records.passage import Passage

PLANS_CSV = """id,label,words,not_words,plans
essentiel,Essentiel,essentiel;offre de base;basic,,
pro,Pro,pro;professionnel,utilisation pro,
entreprise,Entreprise,entreprise;business,,
payant,payant,payant;paid,,pro;entreprise
"""
HEADER = "id,name,keywords,url,email,phones,console_path,availability,plans,response_time,best_for,general\n"
CHANNELS_CSV = HEADER + (
    "aide,Centre d'aide,centre d'aide;faq,https://aide.exemple.fr/,,,,24/7,essentiel;pro;entreprise,,,oui\n"
    "telephone,Support téléphonique,telephon;appel,,,France=+33 1 23 45 67 89,,9h-18h,payant,,,non\n"
    "chat,Chat,chat,,,,,24/7,entreprise,,,oui\n"
)


@pytest.fixture(scope="module")
def plans():
    return parse_plans(PLANS_CSV, "plans.csv")


@pytest.fixture(scope="module")
def catalogue(plans):
    return parse_catalogue(CHANNELS_CSV, "channels.csv", plans)


def test_declared_plans_keep_their_order_labels_and_groups(plans):
    assert plans.ids() == ("essentiel", "pro", "entreprise")
    assert plans.label("pro") == "Pro" and plans.group_of(("pro", "entreprise")).id == "payant"
    assert parse_plans(plans_text(plans), "copie") == plans  # what the index keeps


def test_a_catalogue_with_its_own_plans_builds_and_groups_stand_for_their_plans(catalogue):
    assert catalogue.get("telephone").plans == ("pro", "entreprise")
    assert catalogue.get("chat").open_to("entreprise") and not catalogue.get("chat").open_to("pro")


@pytest.mark.parametrize("question, expected", [
    ("Le téléphone est-il inclus dans l'offre Pro ?", ("pro",)),
    ("Avec l'offre de base, puis-je appeler ?", ("essentiel",)),
    ("En business, quel chat ?", ("entreprise",)),
    ("Avec une offre payante ?", ()),  # « payante » is not a declared word
    ("Les offres payants ont-elles le téléphone ?", ("pro", "entreprise")),
    ("Essentiel ou Pro : qui a le téléphone ?", ()),  # a comparison, not the user's plan
    ("Pro et Entreprise ont-ils le chat ?", ("pro", "entreprise")),  # both in one group
    ("Une utilisation pro du chat ?", ()),  # not_words: « utilisation pro » names no plan
])
def test_a_question_names_the_declared_plans(catalogue, question, expected):
    assert find_mentions(question, catalogue).plans == expected


def test_offre_pro_is_assumed_and_the_card_uses_the_declared_labels(catalogue):
    phone = Passage("g/s/t", "G", "S", "Support téléphonique", "Q ?", "appelez", "telephone", ("pro", "entreprise"))
    advice = advise("Le chat est-il inclus dans l'offre Pro ?", [Hit(1, phone, 1.0)], catalogue, None, True)
    assert advice.channel.id == "chat" and not advice.available and advice.assumed_plan == "pro"
    assert "réservé aux forfaits Entreprise" in advice.reason and "ouvert au forfait Pro" in advice.reason
    assert "Forfait supposé d'après votre question : Pro." in advice.reason
    several = advise("Les offres payants ont-elles le chat ?", [Hit(1, phone, 1.0)], catalogue, None, True)
    assert several.assumed_plan == "payant" and "payant (Pro ou Entreprise)" in several.reason


def test_the_users_plan_is_read_by_id_label_or_word(plans):
    assert parse_plan("Pro", plans) == "pro" and parse_plan("business", plans) == "entreprise"
    assert parse_plan("je ne sais pas", plans) is None
    with pytest.raises(ValueError, match="Forfait inconnu.*essentiel, pro, entreprise"):
        parse_plan("premium", plans)


def test_without_a_declaration_nothing_names_a_plan():
    empty = parse_catalogue(HEADER + "aide,Aide,aide,,,,,24/7,,,,oui\n", "channels.csv")
    assert not empty.plans and find_mentions("offre Pro gratuite premium", empty).plans == ()
    assert named_plans("offre Pro", empty.plans) == ()
    with pytest.raises(ValueError, match="ne déclare aucun forfait"):
        parse_plan("pro", empty.plans)


@pytest.mark.parametrize("text, line, words", [
    ("id,label\nPro Max,Pro\n", 2, ("identifiant « Pro Max »", "minuscules")),
    ("id,label\npro,\n", 2, ("« label »", "vide")),
    ("id,label\npro,Pro\npro,Pro bis\n", 3, ("« pro »", "deux fois")),
    ("id,label,plans\npro,Pro,\npayant,payant,pro;or\n", 3, ("groupe « payant »", "« or »")),
    ("id,label,plans\npro,Pro,\npayant,payant,pro\n", 3, ("au moins deux",)),
    ("id,label\n", 1, ("aucun forfait",)),
    ("label\nPro\n", 1, ("colonnes manquantes : id",)),
])
def test_a_wrong_declaration_names_its_line_and_the_fix(text, line, words):
    with pytest.raises(ContentError) as caught:
        parse_plans(text, "plans.csv")
    assert caught.value.line == line
    for word in words:
        assert word in str(caught.value)


def test_the_catalogue_refuses_an_undeclared_plan_and_plans_without_a_declaration(plans):
    with pytest.raises(ContentError, match="forfait inconnu « premium » pour « chat » : utilisez essentiel, pro, "
                                           "entreprise, payant") as caught:
        parse_catalogue(HEADER + "chat,Chat,chat,,,,,24/7,premium,,,oui\n", "channels.csv", plans)
    assert caught.value.line == 2
    with pytest.raises(ContentError, match="ne déclare aucun forfait.*plans.csv"):
        parse_catalogue(HEADER + "chat,Chat,chat,,,,,24/7,pro,,,oui\n", "channels.csv")
    with pytest.raises(ContentError, match="« plans » est vide"):
        parse_catalogue(HEADER + "chat,Chat,chat,,,,,24/7,,,,oui\n", "channels.csv", plans)


@pytest.mark.parametrize("declaration, phrases", [
    ("", ("forfait", "forfaits", "au forfait", "du forfait", "ce forfait", "tous les forfaits", "Forfait supposé")),
    ("# appellation : un profil\n", ("profil", "profils", "au profil", "du profil", "ce profil", "tous les profils",
                                     "Profil supposé")),
    ("# Nos offres\n# appellation : une formule\n", ("formule", "formules", "à la formule", "de la formule",
                                                     "cette formule", "toutes les formules", "Formule supposée")),
    ("# appellation : un abonnement\n", ("abonnement", "abonnements", "à l'abonnement", "de l'abonnement",
                                         "cet abonnement", "tous les abonnements", "Abonnement supposé")),
    ("# appellation : un journal, des journaux\n", ("journal", "journaux", "au journal", "du journal", "ce journal",
                                                    "tous les journaux", "Journal supposé")),
])
def test_the_help_center_says_what_it_calls_its_plans(declaration, phrases):
    parsed = parse_plans(declaration + PLANS_CSV, "plans.csv")
    noun = parsed.noun
    assert (noun.singular, noun.plural, noun.to_the, noun.of_the, noun.this, noun.every, noun.assumed) == phrases
    assert noun.unknown == phrases[-1].replace("supposé", "inconnu")
    assert parsed.plans == parse_plans(PLANS_CSV, "plans.csv").plans
    assert parse_plans(plans_text(parsed), "copie") == parsed  # the index's copy keeps the word
    assert plans_text(parse_plans(PLANS_CSV, "plans.csv")).startswith("id,")  # the seed's copy is unchanged


def test_a_wrong_word_for_plans_or_a_wrong_row_after_it_names_its_line():
    with pytest.raises(ContentError, match="écrivez « # appellation : un profil »") as caught:
        parse_plans("# Nos publics\n# appellation : profil\n" + PLANS_CSV, "plans.csv")
    assert caught.value.line == 2
    with pytest.raises(ContentError, match="deux fois") as caught:
        parse_plans("# appellation : un profil\nid,label\npro,Pro\npro,Pro bis\n", "plans.csv")
    assert caught.value.line == 4 and str(caught.value).startswith("plans.csv:4:")


def test_the_card_speaks_of_the_plans_in_the_help_centers_word():
    catalogue = parse_catalogue(CHANNELS_CSV, "channels.csv", parse_plans("# appellation : une formule\n" + PLANS_CSV,
                                                                          "plans.csv"))
    phone = Passage("g/s/t", "G", "S", "Support téléphonique", "Q ?", "appelez", "telephone", ("pro", "entreprise"))
    advice = advise("Le chat est-il inclus dans l'offre de base ?", [Hit(1, phone, 1.0)], catalogue, None, True)
    assert advice.reason == ("Chat est réservé aux formules Entreprise ; il n'est pas ouvert à la formule Essentiel. "
                             "Avec cette formule, utilisez plutôt : Centre d'aide. Formule supposée d'après votre "
                             "question : Essentiel.")
