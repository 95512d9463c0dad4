"""python -m bench.fields on a small corpus with the fake encoder: every table, every corpus."""

from __future__ import annotations

import json

from bench import fields
from faqsearch.index.views import FIELDS
from tests.bench.test_ablation import QUESTIONS, write_questions
from tests.conftest import SEED_CORPUS
from tests.fakes import FakeEncoder


def _faq(folder, entries) -> None:
    folder.mkdir()
    with open(folder / "faq.jsonl", "w", encoding="utf-8") as fh:
        for pid, question, answer in entries:
            fh.write(json.dumps({"id": pid, "question": question, "answer": answer}, ensure_ascii=False) + "\n")


def test_fields_fit_and_confidence_tables_cover_every_corpus(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fields, "load_encoder", lambda settings: FakeEncoder())
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(fields, "GRID", {"title_offset": (None, 0.03), "question_offset": (0.1,), "alpha": (0.6,),
                                         "heading_weight": (0.35,)})
    write_questions(tmp_path / "seed.tsv", QUESTIONS)
    _faq(tmp_path / "faq", [("a", "Comment payer ma cotisation ?", "Par carte ou par virement."),
                            ("b", "Comment résilier mon contrat ?", "Écrivez-nous avec votre numéro."),
                            ("c", "Où trouver ma facture ?", "Dans votre espace, rubrique factures.")])
    (tmp_path / "faq.tsv").write_text("qid\tquestion\tgold_passage_id\nq1\tpayer la cotisation\ta\n"
                                      "q2\tje veux résilier\tb\n", encoding="utf-8")
    argv = [f"seed={SEED_CORPUS}:{tmp_path / 'seed.tsv'}", f"faq={tmp_path / 'faq'}:{tmp_path / 'faq.tsv'}",
            "--work", str(tmp_path / "work"), "--confidence"]
    assert fields.main(argv) == 0
    out = capsys.readouterr().out
    for field in FIELDS:
        assert f"| dense: {field} |" in out
    variant_row = next(line for line in out.splitlines() if line.startswith("| dense: variant |"))
    seed_cell, faq_cell = variant_row.strip("| ").split(" | ")[1:]
    assert faq_cell == "—" and seed_cell != "—"  # the FAQ has no variants, the seed guide has
    assert "fit on all (" in out and "\n| seed | " in out and "\n| faq | " in out
    confidence = out.split("## Confidence")[1]
    assert "\n| seed | " in confidence and "/2 (" in confidence.split("\n| seed | ")[1].split("\n")[0]  # 2 in scope
    assert "/10 |" in confidence.split("\n| faq | ")[1].split("\n")[0]  # the ten off-topic questions


def test_a_corpus_is_named_with_its_folder_and_questions():
    assert fields.parse_spec("sp=/data/sp:q1.tsv,q2.tsv")[0] == "sp"
    try:
        fields.parse_spec("sp/data")
    except ValueError as exc:
        assert "NOM=DOSSIER:QUESTIONS" in str(exc)
    else:
        raise AssertionError("a malformed corpus must be refused")
