"""Entry-level evaluation: gold entry ids, any chunk of a gold entry counts, hit@k and MRR@10."""

from __future__ import annotations

import pytest

from faqsearch import cli
from faqsearch.evaluation.metrics import score_entries
from faqsearch.evaluation.questions import EntryQuestion, is_entry_file, read_entry_questions, read_questions
from faqsearch.search import loader
from tests.conftest import DEV_SET, SEED_CORPUS

HEADER = "qid\tquestion\tgold_passage_id\n"


def test_scores_count_an_entry_once_and_accept_any_gold():
    questions = [EntryQuestion("1", "a", ("E1",)), EntryQuestion("2", "b", ("E7", "E3")),
                 EntryQuestion("3", "c", ("E9",))]
    rankings = [["faq/E1", "E2"], ["E2", "E2", "E2", "E3"], [f"E{i}" for i in range(20, 40)] + ["E9"]]
    m = score_entries(questions, rankings)
    # Question 1: a table's row E1 is indexed as faq/E1. Question 2: E2 three times is one entry,
    # so E3 is second; question 3 is beyond rank 10.
    assert (m.hit1, m.hit3, m.hit10) == (pytest.approx(1 / 3), pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert m.mrr10 == pytest.approx((1 + 1 / 2) / 3)


def test_the_header_tells_the_two_formats_apart(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text(HEADER + "q1\tComment faire ?\tF1|F2\n", encoding="utf-8")
    assert is_entry_file(path) and not is_entry_file(DEV_SET)
    assert read_entry_questions(path) == [EntryQuestion("q1", "Comment faire ?", ("F1", "F2"))]
    assert read_questions(DEV_SET)  # the dev-set format still reads


def test_a_row_without_gold_names_its_line(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text(HEADER + "q1\tComment faire ?\tF1\nq2\tEt ça ?\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.tsv:3:"):
        read_entry_questions(path)


def test_cli_prints_the_three_methods(monkeypatch, fake_encoder, tmp_path, capsys):
    from faqsearch.build.pipeline import build

    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: fake_encoder)
    build(SEED_CORPUS, tmp_path / "index", fake_encoder, cache_dir=tmp_path / "cache", check=False)
    guide = "comment-obtenir-du-support-zoho-mail/support-pour-les-utilisateurs-du-plan-gratuit"
    path = tmp_path / "q.tsv"
    path.write_text(HEADER + f"a\tOù se trouvent les forums communautaires ?\t{guide}/forums-communautaires\n"
                    f"b\tLa documentation technique, où est-elle ?\tinconnu|{guide}/documentation-technique\n",
                    encoding="utf-8")
    assert cli.main(["eval", str(path), "--index", str(tmp_path / "index")]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {"lexical", "dense", "hybrid"}
    assert "hit@1 1.000" in lines["lexical"] and "MRR@10" in lines["hybrid"]


def test_cli_names_a_missing_file(capsys, tmp_path):
    assert cli.main(["eval", str(tmp_path / "absent.tsv")]) == 1
    assert "introuvable" in capsys.readouterr().err
