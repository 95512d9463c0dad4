"""The page isolates text from the corpus inside its own sentences: a right-to-left override left
in an index (built before the readers removed them) reverses nothing around it."""

from __future__ import annotations

import re

from faqsearch.records.answer import Hit
from faqsearch.records.channel import Channel, ChannelAdvice
from faqsearch.records.passage import Passage
from faqsearch.ui import cards
from faqsearch.ui import presentation as pres

RLO = "\u202e"
CHAT = Channel("chat", f"Chat{RLO} en direct", url="https://chat.example.org", email="aide@example.org",
               phones=((f"France{RLO}", "+33 1 23 45 67 89"),), console_path=f"Admin{RLO} > Support",
               availability=f"24/7{RLO}", response_time=f"2 h{RLO}", plans=("premium",))
MAIL = Channel("email", f"E-mail{RLO}", email="aide@example.org")


def _outside_bdi(html: str) -> str:
    """What is left of ``html`` once every ``<bdi>…</bdi>`` is taken out."""
    return re.sub(r"<bdi>.*?</bdi>", "", html, flags=re.DOTALL)


def test_isolate_escapes_and_wraps():
    assert pres.isolate(f"<b>{RLO}x") == f"<bdi>&lt;b&gt;{RLO}x</bdi>"
    assert pres.isolate_text("Factures") == "\u2068Factures\u2069"


def test_the_channel_card_isolates_every_catalogue_text():
    card = cards.channel_card_html(ChannelAdvice(CHAT, "Le guide le propose.", False, alternatives=(MAIL,)), "lite")
    for text in (CHAT.name, "France", CHAT.console_path.replace(">", "&gt;"), CHAT.availability, CHAT.response_time,
                 MAIL.name):
        assert f"<bdi>{text}" in card, text
    assert RLO not in _outside_bdi(card)


def test_the_result_card_isolates_the_guide_section_and_channel_names():
    passage = Passage("guide/p", f"Guide{RLO}", f"Factures{RLO}", "Ouvrir ?", "Ouvrir ?", "Ouvrez-la.",
                      url="https://aide.example.org/facture")
    card = cards.result_card_html(Hit(1, passage, 0.9), "ouvrir", 0.9, True, CHAT)
    assert f"<bdi>Guide{RLO}</bdi> › <bdi>Factures{RLO}</bdi>" in card
    assert f"Canal : 💬 <bdi>{CHAT.name}</bdi>" in card
    assert RLO not in _outside_bdi(card)


def test_a_passage_offered_to_editors_is_isolated_in_its_option():
    from faqsearch.ui.learning_page import _label

    passage = Passage("guide/p", "Guide", f"Factures{RLO}", f"Ouvrir{RLO} ?", f"Ouvrir{RLO} ?", "Ouvrez-la.")
    assert _label(passage, passage.id) == f"\u2068Ouvrir{RLO} ?\u2069 — \u2068Factures{RLO}\u2069"
    assert _label(None, "guide/disparu") == "guide/disparu"
