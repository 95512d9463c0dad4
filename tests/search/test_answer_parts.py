"""The parts of an answer: lines, items with their sub-lines, numbered steps together, sentences."""

from __future__ import annotations

from faqsearch.search.answer_parts import answer_parts, is_how_to

ANSWER = """- Accès : Console > Support.
- Numéros (exemples) :
  - États-Unis : +1 888 900 9646
  - Espagne : +34 900 868 318
- Processus :
  1. Décrivez votre problème (ex. "Erreur IMAP").
  2. Joignez des captures.
- Horaires : 24/7. Vérifiez votre fuseau (ex. Paris)."""


def _texts(answer: str, how_to: bool = False) -> dict[str, str]:
    return {answer[p.start:p.end]: p.kind for p in answer_parts(answer, how_to)}


def test_every_part_is_a_span_of_the_answer_without_its_list_marker():
    parts = answer_parts(ANSWER)
    assert parts and all(0 <= p.start < p.end <= len(ANSWER) for p in parts)
    texts = _texts(ANSWER)
    assert texts["Accès : Console > Support."] == "line"
    assert texts["États-Unis : +1 888 900 9646"] == "line"
    assert not any(t.startswith(("-", " ")) for t in texts)


def test_a_sub_line_knows_the_line_it_hangs_from_and_an_item_holds_its_sub_lines():
    us = next(p for p in answer_parts(ANSWER) if ANSWER[p.start:p.end].startswith("États-Unis"))
    assert us.context == "Numéros (exemples) :"
    item = next(p for p in answer_parts(ANSWER) if p.kind == "item" and ANSWER[p.start:p.end].startswith("Numéros"))
    assert ANSWER[item.start:item.end].endswith("+34 900 868 318")
    assert "Numéros (exemples) :" not in _texts(ANSWER)  # a label alone answers nothing


def test_numbered_steps_are_one_part_for_a_how_to_question_and_one_each_otherwise():
    steps = [t for t, kind in _texts(ANSWER, how_to=True).items() if kind == "steps"]
    assert steps == ['Décrivez votre problème (ex. "Erreur IMAP").\n  2. Joignez des captures.']
    assert "Joignez des captures." not in _texts(ANSWER, how_to=True)
    assert "Joignez des captures." in _texts(ANSWER)
    assert not any(kind == "steps" for kind in _texts(ANSWER).values())


def test_sentences_are_split_but_never_after_an_abbreviation():
    texts = _texts(ANSWER)
    assert texts["Horaires : 24/7."] == "sentence"
    assert texts["Vérifiez votre fuseau (ex. Paris)."] == "sentence"
    assert not any(t.endswith("(ex.") for t in texts)


def test_prose_and_a_one_sentence_answer():
    assert list(_texts("Une seule phrase.")) == ["Une seule phrase."]
    prose = "Première phrase ici. Deuxième phrase là.\n\nUn autre paragraphe."
    assert set(_texts(prose)) == {"Première phrase ici. Deuxième phrase là.", "Première phrase ici.",
                                  "Deuxième phrase là.", "Un autre paragraphe."}
    assert answer_parts("   \n") == []


def test_how_to_questions():
    assert is_how_to("Comment créer un ticket ?") and is_how_to("how do I reset it")
    assert not is_how_to("Quel numéro appeler ?")
