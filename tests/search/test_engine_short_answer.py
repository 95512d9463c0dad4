"""The engine gives a short answer with a confident answer only, taken from the best entry."""

from __future__ import annotations

import json

from faqsearch.build.pipeline import build
from faqsearch.records.answer_text import format_answer
from faqsearch.search.confidence import Confidence
from faqsearch.search.engine import Engine
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

TRUSTING = Confidence(min_dense=-1.0, min_evidence=0.0, sure_dense=-1.0)
DOUBTING = Confidence(min_dense=2.0, min_evidence=99.0, sure_dense=2.0)


def _engine(tmp_path, confidence: Confidence) -> Engine:
    write_corpus(tmp_path / "corpus")
    build(tmp_path / "corpus", tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    return Engine.open(tmp_path / "index", FakeEncoder(), confidence=confidence)


def test_a_confident_answer_leads_with_a_span_of_its_best_entry(tmp_path):
    answer = _engine(tmp_path, TRUSTING).ask("Comment configurer IMAP ?")
    data = json.loads(json.dumps(answer.to_dict()))
    short = data["short_answer"]
    best = answer.hits[0].passage
    assert short["passage_id"] == best.id
    assert short["text"] == best.answer[short["start"]:short["end"]]
    assert "imap.zoho.eu port 993" in short["text"]


def test_no_short_answer_without_confidence_or_question(tmp_path):
    engine = _engine(tmp_path, DOUBTING)
    assert engine.ask("Comment configurer IMAP ?").to_dict()["short_answer"] is None
    assert engine.ask("???").short is None


def test_the_command_line_shows_the_short_answer_before_the_entries(tmp_path):
    answer = _engine(tmp_path, TRUSTING).ask("Comment configurer IMAP ?")
    text = format_answer(answer)
    assert text.index("Réponse courte : ") < text.index("1. ")
    assert answer.short.text.splitlines()[0] in text
