"""The page leads with the answer: the short answer first, its entry named and marked in place; « Vouliez-vous dire »."""

from __future__ import annotations

from faqsearch.records.answer import Hit, ShortAnswer
from faqsearch.records.passage import Passage
from faqsearch.ui.short_answer import short_answer_html, short_answer_passage
from tests.conftest import SEED_CORPUS

ANSWER = "- Accès : la console <b>Support</b>.\n- Horaires : 24/7."
PASSAGE = Passage(id="g/p", guide="g", section="Téléphone", title="t", question="Comment appeler ?", answer=ANSWER)
SHORT = ShortAnswer("g/p", "Horaires : 24/7.", ANSWER.index("Horaires"), len(ANSWER))


def test_the_block_shows_the_words_names_the_entry_and_marks_them_in_the_whole_answer():
    html = short_answer_html(SHORT, PASSAGE)
    assert html.index("Réponse courte") < html.index("Horaires : 24/7.") < html.index("Lire toute la réponse")
    assert "Extrait de la réponse à : <bdi>Comment appeler ?</bdi> · <bdi>Téléphone</bdi>" in html
    assert '&lt;b&gt;Support&lt;/b&gt;.\n- <mark class="fs-short-mark">Horaires : 24/7.</mark></div>' in html
    assert "<b>" not in html


def test_a_short_answer_is_shown_only_when_its_entry_holds_its_text():
    hit = Hit(1, PASSAGE, 1.0)
    assert short_answer_passage(SHORT, [hit]) == PASSAGE
    assert short_answer_passage(None, [hit]) is None
    assert short_answer_passage(ShortAnswer("g/p", "Horaires : 25/7.", SHORT.start, SHORT.end), [hit]) is None
    assert short_answer_passage(ShortAnswer("autre", SHORT.text, SHORT.start, SHORT.end), [hit]) is None


def test_the_page_leads_with_the_short_answer(fake_page):
    at = fake_page(SEED_CORPUS)
    at.text_input(key="question").input("Comment accéder au statut du service ?").run()
    assert not at.exception
    blocks = [h.value for h in at.get("html") if not h.value.lstrip().startswith("<style")]
    assert blocks[0].startswith('<div class="fs-query">')  # the line that says what was asked
    assert blocks[1].startswith('<section class="fs-short"'), blocks[:2]  # then the answer, before the channel
    assert "status.zoho.com" in blocks[1]


def test_the_page_offers_the_corrected_question_and_answers_it_on_a_click(fake_page):
    at = fake_page(SEED_CORPUS)
    at.text_input(key="question").input("numro du suport telefonique").run()
    button = at.button(key="did-you-mean")
    assert button.label == "Vouliez-vous dire : « numéro du support téléphonique » ?"
    assert at.text_input(key="question").value == "numro du suport telefonique"  # never replaced by itself
    button.click().run()
    assert not at.exception
    assert at.text_input(key="question").value == "numéro du support téléphonique"


def test_the_best_answer_has_three_related_questions_that_ask_on_a_click(fake_page):
    at = fake_page(SEED_CORPUS)
    at.text_input(key="question").input("Comment accéder au statut du service ?").run()
    related = [b for b in at.button if b.key and b.key.startswith("related-")]
    assert len(related) == 3
    assert any(" · " in b.label for b in related)  # with their section (the introduction has none)
    question = related[0].label.split(" · ")[0]
    related[0].click().run()
    assert not at.exception
    assert at.text_input(key="question").value.replace("\\", "") == question.replace("\\", "")


def test_a_half_typed_question_is_completed_by_the_guides_questions(fake_page):
    at = fake_page(SEED_CORPUS)
    at.text_input(key="question").input("Comment contacter le support par").run()
    offered = [b for b in at.button if b.key and b.key.startswith("suggestion-")]
    assert offered and all("support par" in b.label for b in offered), [b.label for b in offered]
    text = offered[0].label
    offered[0].click().run()
    assert not at.exception
    assert at.text_input(key="question").value.replace("\\", "") == text.replace("\\", "")
