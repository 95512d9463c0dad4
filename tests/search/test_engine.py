"""A running engine follows new builds: next question on the new index, running ones finish on the old."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from faqsearch.build.pipeline import build
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.manifest import read_manifest
from faqsearch.index.published import current_build
from faqsearch.search.engine import Engine
from tests.corpora import TOPICS, generation_of, write_corpus
from tests.fakes import FakeEncoder

QUESTIONS = [f"Comment {title.lower()} ?" for title, _ in TOPICS] + [
    "mot de passe oublié", "imap port 993", "", "???", "<b>alias</b>", "' OR 1=1; --", "😀 exporter",
]


def _edition(n: int) -> str:
    return f"Guide de test édition {n}"


def _rebuild(tmp_path: Path, generation: int) -> None:
    write_corpus(tmp_path / "corpus", generation=generation)
    build(tmp_path / "corpus", tmp_path / "index", FakeEncoder(), cache_dir=tmp_path / "cache")


@pytest.fixture
def engine(tmp_path) -> Engine:
    _rebuild(tmp_path, 1)
    return Engine.open(tmp_path / "index", FakeEncoder())


def test_the_next_question_is_answered_from_a_new_build(engine, tmp_path):
    assert generation_of(engine.ask("configurer IMAP")) == {_edition(1)}
    _rebuild(tmp_path, 2)
    assert generation_of(engine.ask("configurer IMAP")) == {_edition(2)}
    assert engine.refresh() is False  # nothing new since
    assert engine.index.manifest["corpus_hash"] == read_manifest(current_build(tmp_path / "index"))["corpus_hash"]


class GatedEncoder(FakeEncoder):
    """Holds any query containing "BLOQUE" until the test opens the gate."""

    def __init__(self):
        super().__init__()
        self.entered, self.gate = threading.Event(), threading.Event()

    def encode_queries(self, texts):
        if any("BLOQUE" in t for t in texts):
            self.entered.set()
            assert self.gate.wait(30)
        return super().encode_queries(texts)


def test_a_search_that_started_on_the_old_index_finishes_on_it(tmp_path):
    _rebuild(tmp_path, 1)
    encoder = GatedEncoder()
    engine = Engine.open(tmp_path / "index", encoder)
    slow: list = []
    running = threading.Thread(target=lambda: slow.append(engine.ask("BLOQUE configurer IMAP")))
    running.start()
    assert encoder.entered.wait(30)  # the search has its index and is embedding the question
    first_build = current_build(tmp_path / "index")
    _rebuild(tmp_path, 2)
    assert generation_of(engine.ask("configurer IMAP")) == {_edition(2)}  # meanwhile, new questions see the new build
    for generation in (3, 4, 5):  # enough builds for cleanup to delete the first one's folder
        _rebuild(tmp_path, generation)
    assert not first_build.exists()
    encoder.gate.set()
    running.join(30)
    assert slow and slow[0].hits and generation_of(slow[0]) == {_edition(1)}


def test_a_broken_new_build_leaves_the_old_one_answering(engine, tmp_path, monkeypatch):
    _rebuild(tmp_path, 2)
    (current_build(tmp_path / "index") / "embeddings.npy").write_bytes(b"\x93NUMPY garbage")
    loads = []
    real_load = FaqIndex.load
    monkeypatch.setattr(FaqIndex, "load", classmethod(lambda cls, *a, **k: loads.append(1) or real_load(*a, **k)))
    for _ in range(3):
        answer = engine.ask("configurer IMAP")
        assert generation_of(answer) == {_edition(1)}
    assert len(loads) == 1  # a broken build is tried once, not on every question
    _rebuild(tmp_path, 3)
    assert generation_of(engine.ask("configurer IMAP")) == {_edition(3)}


class PacedEncoder(FakeEncoder):
    """Takes a few milliseconds per query (as a real model does), so questions overlap the rebuilds."""

    def encode_queries(self, texts):
        time.sleep(0.005)  # releases the GIL: the rebuild runs meanwhile
        return super().encode_queries(texts)


def test_eight_threads_keep_answering_while_rebuilds_swap_the_index(tmp_path):
    _rebuild(tmp_path, 1)
    engine = Engine.open(tmp_path / "index", PacedEncoder())
    threads_n, per_thread, free_until, last_phase = 8, 50, 5, 40
    errors: list[BaseException] = []
    answers: list[tuple[int, set[str]]] = []  # (question number, generations of its hits)
    lock = threading.Lock()
    started, reached_last_phase = threading.Barrier(threads_n + 1), threading.Barrier(threads_n + 1)
    final_swapped = threading.Event()

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                if i == free_until:
                    started.wait(60)  # from here on, the index is being rebuilt and swapped
                if i == last_phase:
                    reached_last_phase.wait(60)
                    assert final_swapped.wait(60)
                if i % 10 == 9:  # a batch is answered from one index too
                    gens = set().union(*(generation_of(a) for a in engine.ask_batch(QUESTIONS[:4])))
                else:
                    gens = generation_of(engine.ask(QUESTIONS[(n + i) % len(QUESTIONS)]))
                with lock:
                    answers.append((i, gens))
        except BaseException as exc:  # noqa: BLE001 — a failure in a thread must reach the test
            with lock:
                errors.append(exc)
            for barrier in (started, reached_last_phase):
                barrier.abort()
            final_swapped.set()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    started.wait(60)
    generation = 1
    # Rebuild again and again while the threads ask questions, until they all reach the last phase.
    waiting = threading.Thread(target=reached_last_phase.wait, args=(60,))
    waiting.start()
    while waiting.is_alive() or generation == 1:
        generation += 1
        _rebuild(tmp_path, generation)
    final = generation + 1
    _rebuild(tmp_path, final)
    final_swapped.set()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert len(answers) == threads_n * per_thread
    assert all(len(gens) <= 1 for _, gens in answers)  # never a mix of two builds in one answer
    assert set().union(*(gens for _, gens in answers)) <= {_edition(g) for g in range(1, final + 1)}
    late = [gens for i, gens in answers if i >= last_phase and gens]
    assert late and all(gens == {_edition(final)} for gens in late)
