"""The command line's JSON contract, read by tests and tools."""

from __future__ import annotations

import json

import pytest

from faqsearch import cli
from faqsearch.search import loader

PASSAGE_KEYS = {"id", "guide", "section", "title", "question", "answer", "channel", "plans", "entry_id", "url",
                "audience", "internal",
                "part", "parts"}
ANSWER_KEYS = {"question", "confident", "channel", "results"}
CHANNEL_KEYS = {"id", "name", "contact", "plans", "reason"}
RESULT_KEYS = {"rank", "score", "passage_id", "section", "question", "answer", "channel", "entry_id", "part", "parts"}


@pytest.fixture
def real_cli(monkeypatch, real_encoder):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: real_encoder)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.strip().splitlines()]


def test_passages_json_prints_every_passage(capsys):
    assert cli.main(["passages", "--json"]) == 0
    rows = json_lines(capsys.readouterr().out)
    assert 20 <= len(rows) <= 35
    assert all(set(r) == PASSAGE_KEYS for r in rows)
    assert any("+1 888 900 9646" in r["answer"] and r["channel"] == "telephone" for r in rows)


def test_search_json_contract(real_cli, real_index_root, capsys):
    args = ["search", "Quel est le numéro du support aux États-Unis ?", "--json", "--top-k", "3",
            "--plan", "gratuit", "--index", str(real_index_root)]
    assert cli.main(args) == 0
    [answer] = json_lines(capsys.readouterr().out)
    assert ANSWER_KEYS <= set(answer) and answer["confident"] is True
    assert CHANNEL_KEYS <= set(answer["channel"])
    assert answer["channel"]["id"] == "telephone" and answer["channel"]["available"] is False
    assert answer["channel"]["contact"]["phones"][0] == {"country": "États-Unis", "number": "+1 888 900 9646"}
    assert [r["rank"] for r in answer["results"]] == [1, 2, 3]
    assert all(set(r) == RESULT_KEYS for r in answer["results"])


def test_batch_answers_one_object_per_question(real_cli, real_index_root, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text("Comment créer un ticket ?\n\nComment faire une pâte à crêpes ?\n", encoding="utf-8")
    assert cli.main(["search", "--batch", str(questions), "--json", "--index", str(real_index_root)]) == 0
    answers = json_lines(capsys.readouterr().out)
    assert [a["question"] for a in answers] == ["Comment créer un ticket ?", "Comment faire une pâte à crêpes ?"]
    assert answers[0]["confident"] and answers[0]["channel"]["id"] == "tickets"
    assert not answers[1]["confident"]


def test_human_output_is_french(real_cli, real_index_root, capsys):
    assert cli.main(["search", "Le chat est disponible à quelles heures ?", "--index", str(real_index_root)]) == 0
    out = capsys.readouterr().out
    assert "Canal recommandé : Chat en direct" in out and "24/7" in out


def test_missing_index_is_a_clear_error(real_cli, tmp_path, capsys):
    assert cli.main(["search", "test", "--index", str(tmp_path / "none")]) == 1
    assert "build_index.py" in capsys.readouterr().err


@pytest.mark.parametrize("top_k", ["0", "51"])
def test_an_out_of_range_top_k_is_refused_in_french(top_k, tmp_path, capsys):
    assert cli.main(["search", "support", "--top-k", top_k, "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "--top-k doit être compris entre 1 et 50" in err and f"reçu : {top_k}" in err


def test_a_batch_line_that_is_not_utf8_is_named_by_its_number(tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_bytes("Comment créer un ticket ?\n\nTéléphone ?\n".encode("utf-8").replace("Télé".encode(), "Télé".encode("latin-1")))
    assert cli.main(["search", "--batch", str(questions), "--index", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert f"{questions}:3: la ligne n'est pas en UTF-8" in err and "réenregistrez" in err


def test_a_missing_batch_file_is_a_french_error(tmp_path, capsys):
    assert cli.main(["search", "--batch", str(tmp_path / "absent.txt"), "--index", str(tmp_path / "none")]) == 1
    assert "Le fichier --batch" in capsys.readouterr().err

