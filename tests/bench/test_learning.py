"""The measured learning loop (``python -m bench.learning``) and the learned combination, with the fake encoder."""

from __future__ import annotations

import numpy as np

from bench.combination import FEATURES, features, ranking, train
from bench.learning import odd, run
from faqsearch.content.corpus import load_corpus
from faqsearch.evaluation.questions import EvalQuestion
from faqsearch.index.faq_index import FaqIndex
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder

# Worded so that the fake encoder (shared words) does not find them first: they must be learnt.
QUESTIONS = [
    EvalQuestion("q1", "mon patron exige une trace écrite", r"support@zohomail\.com", "e-?mail", "paraphrase"),
    EvalQuestion("q2", "ma boîte veut une preuve écrite", r"support@zohomail\.com", "e-?mail", "paraphrase"),
    EvalQuestion("q3", "qui parle de zoho sur reddit", r"r/Zoho", "communaut", "direct"),
    EvalQuestion("x1", "recette de la tarte aux pommes", "", "", "out_of_scope"),
]


def test_odd_ids_are_attached_and_even_ones_held_out():
    assert odd("e13") and not odd("e14") and odd("q1") and not odd("x")


def test_loop_attaches_only_the_odd_misses_and_leaves_the_corpus_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    before = (SEED_CORPUS / "variants.csv").read_bytes()
    report = run(SEED_CORPUS, FakeEncoder(), QUESTIONS)
    assert (SEED_CORPUS / "variants.csv").read_bytes() == before  # a private copy was changed
    assert set(report.attached) <= {"q1", "q3"} and set(report.held_out) <= {"q2"}
    assert report.attached_fixed == len(report.attached)  # an attached question is now found first
    assert "x1" not in report.attached + report.held_out
    assert any("held out" in line for line in report.lines())


def test_learned_weights_rank_the_training_passage_first():
    corpus = load_corpus(SEED_CORPUS)
    encoder = FakeEncoder()
    index = FaqIndex.build(corpus.passages, encoder, corpus.catalogue, synonyms=corpus.synonyms)
    phone = next(i for i, p in enumerate(index.passages) if p.channel == "telephone")
    q = "numéro de téléphone du support"
    x = features(index, q, encoder.encode_queries([q])[0])
    assert x.shape == (len(index.passages), len(FEATURES)) and x[phone, FEATURES.index("named channel")] == 1.0
    w = train([x], [phone], steps=300)
    assert int(np.argmax(x @ w)) == phone
    assert ranking([[phone, 0]], [{phone}]).hit1 == 1.0 and ranking([[0, phone]], [{phone}]).mrr5 == 0.5


def test_python_m_bench_learning_prints_the_loop(tmp_path, monkeypatch, capsys):
    from bench import learning
    from faqsearch.search import loader

    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    rows = ["id\tquestion\tgold\tchannel\tstyle"] + [f"{q.id}\t{q.question}\t{q.gold}\t{q.channel}\t{q.style}"
                                                     for q in QUESTIONS]
    (tmp_path / "q.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert learning.main([str(tmp_path / "q.tsv"), "--corpus", str(SEED_CORPUS)]) == 0
    assert "held out" in capsys.readouterr().out


def test_the_loop_reads_entry_level_question_files(tmp_path, monkeypatch, capsys):
    from bench import learning
    from faqsearch.search import loader

    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    passages = load_corpus(SEED_CORPUS).passages
    mail = next(p.entry for p in passages if "support@zohomail.com" in p.answer)
    rows = ["qid\tquestion\tgold_passage_id", f"q1\tmon patron exige une trace écrite\t{mail}",
            f"q2\tma boîte veut une preuve écrite\t{mail}", f"q3\tqui parle de zoho sur reddit\tabsent|{mail}"]
    (tmp_path / "entries.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = learning.run(SEED_CORPUS, FakeEncoder(), learning.read_any(tmp_path / "entries.tsv"))
    assert set(report.attached) <= {"q1", "q3"} and set(report.held_out) <= {"q2"} and report.attached
    assert report.attached_fixed == len(report.attached)
    assert report.after.hit1 >= report.before.hit1 and report.after.questions == 3
    assert learning.main([str(tmp_path / "entries.tsv"), "--corpus", str(SEED_CORPUS)]) == 0
    assert "hit@10" in capsys.readouterr().out
