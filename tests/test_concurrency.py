"""A running engine follows new builds: next question on the new index, running ones finish on the old."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from faqsearch.build import build
from faqsearch.engine import Engine
from faqsearch.index import FaqIndex
from faqsearch.store import current_build
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
    assert engine.index.manifest["corpus_hash"] == FaqIndex.read_manifest(current_build(tmp_path / "index"))["corpus_hash"]


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
    _rebuild(tmp_path, 2)
    assert generation_of(engine.ask("configurer IMAP")) == {_edition(2)}  # meanwhile, new questions see the new build
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


def test_eight_threads_keep_answering_while_a_rebuild_swaps_the_index(engine, tmp_path):
    threads_n, per_thread = 8, 50
    errors: list[BaseException] = []
    answers: list[tuple[int, int, set[str]]] = []  # (thread, question number, generations of its hits)
    lock = threading.Lock()
    swapped = threading.Event()
    half_done = threading.Barrier(threads_n + 1)

    def worker(n: int) -> None:
        try:
            for i in range(per_thread):
                if i == per_thread // 2:
                    half_done.wait(60)
                    assert swapped.wait(60)
                if i % 10 == 9:  # a batch is answered from one index too
                    batch = engine.ask_batch(QUESTIONS[:4])
                    gens = set().union(*(generation_of(a) for a in batch))
                else:
                    gens = generation_of(engine.ask(QUESTIONS[(n + i) % len(QUESTIONS)]))
                with lock:
                    answers.append((n, i, gens))
        except BaseException as exc:  # noqa: BLE001 — every failure must be reported, not lost in a thread
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    _rebuild(tmp_path, 2)  # while the first halves are being answered
    half_done.wait(60)
    swapped.set()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert len(answers) == threads_n * per_thread
    assert all(len(gens) <= 1 for _, _, gens in answers)  # never a mix of two builds in one answer
    seen = set().union(*(gens for _, _, gens in answers))
    assert seen <= {_edition(1), _edition(2)}
    late = [gens for _, i, gens in answers if i >= per_thread // 2 and gens]
    assert late and all(gens == {_edition(2)} for gens in late)
