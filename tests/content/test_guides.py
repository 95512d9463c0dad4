"""The guide parser on the real seed page and on Markdown guides."""

from __future__ import annotations

import re

import pytest

from faqsearch.content.guides import parse_guide
from faqsearch.errors import ContentError
from tests.conftest import SEED_CORPUS

SEED = SEED_CORPUS / "comment-obtenir-du-support-zoho-mail.txt"
CHROME = ("Comment faire (FAQ)", "Temps estimé", "Article Rating", "S’abonner", "S'abonner", "Notifier de",
          "Commentaires", "Partager ce document", "Ou copier le lien", "SOMMAIRE", "Nous aimerions avoir votre avis",
          "Afficher tous les commentaires", "votes")


@pytest.fixture(scope="module")
def seed():
    return parse_guide(SEED.read_text(encoding="utf-8"), SEED.stem, source=str(SEED))


def by_title(passages, title):
    return next(p for p in passages if p.title == title)


def test_seed_gives_a_reasonable_number_of_short_passages(seed):
    assert 20 <= len(seed) <= 35
    assert all(len(p.answer) <= 1000 for p in seed)
    assert len({p.id for p in seed}) == len(seed)


def test_no_page_chrome_in_any_passage(seed):
    for p in seed:
        text = p.section + p.title + p.question + p.answer
        for chrome in CHROME:
            assert chrome not in text, (chrome, p.id)


def test_every_question_is_a_natural_french_question(seed):
    for p in seed:
        assert p.question.endswith(" ?"), p.question
        assert p.question[0].isupper()
    assert by_title(seed, "Support par chat en direct").question == "Comment contacter le support par chat en direct ?"
    assert by_title(seed, "Support téléphonique").question == "Comment contacter le support téléphonique ?"


def test_phone_numbers_stay_in_the_phone_passage(seed):
    phone = by_title(seed, "Support téléphonique")
    for number in ("+1 888 900 9646", "+44 808 178 5526", "+34 900 868 318"):
        assert number in phone.answer
    assert "France : Pas de numéro local direct" in phone.answer
    assert phone.section == "Support pour les utilisateurs des plans payants (Mail Lite, Premium)"


def test_numbered_steps_stay_inside_their_item_and_are_not_sections(seed):
    email = by_title(seed, "Support par email")
    assert re.search(r"1\. Décrivez votre problème.*\n.*2\. Fournissez.*\n.*3\. Attendez", email.answer)
    sections = {p.section for p in seed}
    assert not any(s.startswith(("Décrivez", "Fournissez", "Attendez")) for s in sections)
    assert "Support pour les administrateurs" in sections


def test_section_introductions_and_conclusion_become_passages(seed):
    paid = [p for p in seed if p.title.startswith("Support pour les utilisateurs des plans payants")]
    assert paid and "1,99 €/mois" in paid[0].answer
    conclusion = by_title(seed, "Conclusion")
    assert conclusion.question.startswith("En résumé")


def test_curly_quotes_and_apostrophes_are_straightened(seed):
    aide = by_title(seed, "Centre d'aide en ligne")
    assert '"configurer MX"' in aide.answer
    assert all("’" not in p.answer and "“" not in p.answer for p in seed)


def test_ids_are_stable_when_the_guide_changes_elsewhere(seed):
    text = SEED.read_text(encoding="utf-8")
    edited = text.replace("1. Support pour les utilisateurs du plan gratuit\n",
                          "1. Support pour les utilisateurs du plan gratuit\n\nUne phrase ajoutée.\n")
    edited = edited.replace("  • Vidéos et tutoriels :", "  • Nouvel élément :\n  • Texte nouveau.\n  • Vidéos et tutoriels :")
    after = parse_guide(edited, SEED.stem)
    assert {p.id for p in seed} <= {p.id for p in after}
    assert by_title(after, "Support téléphonique").id == by_title(seed, "Support téléphonique").id


MARKDOWN = """# Guide de la messagerie

Ce guide explique comment régler votre boîte.

## Réglages du compte

Quelques réglages utiles :

### Changer la signature
- Ouvrez **Paramètres** > Signature.
- Enregistrez.

## Sécurité

- Mot de passe :
  - Question : Comment changer mon mot de passe ?
  - Allez dans [Sécurité](https://accounts.example.com).
  - Étapes :
    1. Saisissez l'ancien mot de passe.
    2. Saisissez le nouveau.

## Joindre le support

- Chat :
  - Canal : chat
  - Cliquez sur l'icône Aide.
"""


def test_markdown_guide_headings_bullets_and_overrides():
    passages = parse_guide(MARKDOWN, "messagerie", markdown=True)
    titles = [p.title for p in passages]
    assert titles == ["Introduction", "Réglages du compte", "Changer la signature", "Mot de passe", "Chat"]
    assert passages[3].section == "Sécurité"
    assert passages[0].question == "De quoi parle le guide « Guide de la messagerie » ?"
    signature = passages[2]
    assert signature.section == "Réglages du compte"
    assert "Ouvrez Paramètres > Signature." in signature.answer  # emphasis removed
    password = passages[3]
    assert password.question == "Comment changer mon mot de passe ?"
    assert "Question" not in password.answer
    assert "Sécurité (https://accounts.example.com)" in password.answer
    assert "1. Saisissez l'ancien mot de passe." in password.answer
    assert passages[4].channel == "chat" and "Canal" not in passages[4].answer
    assert passages[2].id == "messagerie/reglages-du-compte/changer-la-signature"


@pytest.mark.parametrize("text, markdown, message", [
    ("", False, "pas de titre"),
    ("# Titre\n\n## Section\n\n### Élément vide\n\n### Autre\n- texte\n", True, "n'a pas de texte"),
    ("Titre seul\n", False, "aucun passage"),
])
def test_unusable_guides_raise_a_clear_error(text, markdown, message):
    with pytest.raises(ContentError, match=message) as err:
        parse_guide(text, "g", markdown=markdown, source="corpus/g.md")
    assert err.value.source == "corpus/g.md" and err.value.line >= 1
