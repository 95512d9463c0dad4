"""The simulated visitors and the learning-from-clicks benchmark (``python -m bench.clicks``), fake encoder."""

from __future__ import annotations

import random

from bench.clicks import Simulation, main, trajectory
from bench.visitors import Log, split, visit
from faqsearch.feedback.evidence import CONTACT, OPEN
from tests.conftest import DEV_SET, SEED_CORPUS
from tests.fakes import FakeEncoder


def test_split_is_fixed_disjoint_and_covers_every_entry():
    gold = [frozenset({"a"})] * 5 + [frozenset({"b"})] * 4
    sim, held = split([f"q{i}" for i in range(9)], gold, 3)
    assert (sim, held) == split([f"q{i}" for i in range(9)], gold, 3)
    assert sorted(sim + held) == list(range(9)) and not set(sim) & set(held)
    assert {gold[i] for i in sim} == {gold[i] for i in held} == {frozenset({"a"}), frozenset({"b"})}


def test_a_visitor_opens_the_right_entry_more_often_at_rank_one_and_noise_opens_anything():
    shown = [("p1", "e1"), ("p2", "e2"), ("p3", "e3"), ("p4", "e4"), ("p5", "e5")]
    rng = random.Random(1)
    top, low, noisy = Log(), Log(), Log()
    for _ in range(400):
        visit(top, "q", frozenset({"e1"}), lambda q: shown, 0.0, rng)
        visit(low, "q", frozenset({"e5"}), lambda q: shown, 0.0, rng)
        visit(noisy, "q", frozenset({"e1"}), lambda q: shown, 1.0, rng)
    assert len(top.events) > 2 * len(low.events) > 0
    assert {e.passage_id for e in top.events} == {"p1"} and {e.rank for e in low.events} == {5}
    assert {e.passage_id for e in noisy.events if e.kind == OPEN} == {p for p, _ in shown}
    assert any(e.kind == CONTACT for e in noisy.events) and noisy.noisy == 400
    assert 0 < len(top.ratings) < len(top.events)


def test_learning_from_simulated_clicks_attaches_right_phrasings_and_measures_the_held_out_half(tmp_path, monkeypatch):
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    sim = Simulation(SEED_CORPUS, [DEV_SET], FakeEncoder(), tmp_path / "cache", tmp_path / "work")
    points = trajectory(sim, "proposals", 0.1, [60, 200], seed=5)
    assert [p.visitors for p in points] == [0, 60, 200]
    assert points[0].attached == 0 and points[-1].attached > 0
    assert points[-1].wrong <= points[-1].attached // 3
    assert (sim.corpus / "variants.csv").read_text(encoding="utf-8").count(",mesure,") >= points[-1].attached


def test_the_command_says_what_is_wrong_in_french(capsys, tmp_path):
    assert main([str(tmp_path / "absent.tsv"), "--modes", "auto"]) == 1
    assert "Erreur" in capsys.readouterr().err
