"""Fine-tuning bench: training pairs, batches without false negatives, the cache key and folder,
and the held-out split that keeps test phrasings out of training and out of the index."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.ablation import variant_index
from bench.training import (MARKER, Pair, TuneSettings, batches, is_tuned, model_key, prompted, save_model,
                            training_pairs, tuned_model, tuned_model_dir)
from bench.tuned import split_entries
from faqsearch.content.corpus import load_corpus
from faqsearch.records.passage import Passage
from tests.conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(SEED_CORPUS)


def test_pairs_are_each_question_and_variant_with_the_passage_text(corpus):
    pairs = training_pairs(corpus.passages)
    assert len(pairs) == sum(1 + len(p.variants) for p in corpus.passages)
    phone = next(p for p in corpus.passages if p.variants and "téléphon" in p.question)
    mine = [pair for pair in pairs if pair.passage_id == phone.id]
    assert [m.query for m in mine] == [phone.question, *phone.variants]
    assert {m.passage for m in mine} == {phone.text()}


def test_without_variants_each_passage_gives_its_question_only():
    plain = load_corpus(SEED_CORPUS, variants=False)
    pairs = training_pairs(plain.passages)
    assert [p.query for p in pairs] == [p.question for p in plain.passages]


def test_a_chunked_entry_pairs_its_question_with_its_first_chunk_only():
    chunks = [Passage(f"e#{k}", "g", "", "T", "Quelle aide ?", f"morceau {k}", entry_id="e", part=k, parts=3,
                      variants=("Autre question ?",)) for k in (1, 2, 3)]
    pairs = training_pairs(chunks)
    assert [(p.query, p.passage_id) for p in pairs] == [("Quelle aide ?", "e#1"), ("Autre question ?", "e#1")]
    assert all("morceau 1" in p.passage for p in pairs)


def test_prompts_go_on_each_side():
    assert prompted([Pair("q", "p", "x")], "query: ", "passage: ") == [("query: q", "passage: p")]


def test_batches_hold_every_pair_once_and_never_one_passage_twice(corpus):
    pairs = training_pairs(corpus.passages)
    cut = batches(pairs, 16, seed=3)
    assert sorted((p.query, p.passage_id) for b in cut for p in b) == sorted((p.query, p.passage_id) for p in pairs)
    for batch in cut:
        assert 1 <= len(batch) <= 16
        assert len({p.passage_id for p in batch}) == len(batch)
    assert cut == batches(pairs, 16, seed=3)
    assert cut != batches(pairs, 16, seed=4)


def test_settings_refuse_what_cannot_train():
    with pytest.raises(ValueError, match="in-batch negatives"):
        TuneSettings(batch_size=1)
    with pytest.raises(ValueError, match="epochs"):
        TuneSettings(epochs=0)


def test_the_key_changes_with_pairs_and_settings(corpus, tmp_path):
    pairs = training_pairs(corpus.passages)
    key = model_key(pairs, TuneSettings(), "m")
    assert key == model_key(list(pairs), TuneSettings(), "m")
    assert key != model_key(pairs[:-1], TuneSettings(), "m")
    assert key != model_key(pairs, TuneSettings(epochs=4), "m")
    assert key != model_key(pairs, TuneSettings(), "other")
    assert tuned_model_dir(key, tmp_path).parent == tmp_path / "tuned"


class _Model:
    """Stands for a sentence-transformers model: ``save`` writes its files, or fails halfway."""

    def __init__(self, fail: bool = False):
        self.fail = fail

    def save(self, path: str):
        from pathlib import Path

        (Path(path) / "model.safetensors").write_bytes(b"weights")
        if self.fail:
            raise OSError("disque plein")


def test_a_saved_model_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "tuned" / "m"
    with pytest.raises(OSError):
        save_model(_Model(fail=True), target, {})
    assert not target.exists() and list((tmp_path / "tuned").iterdir()) == []
    save_model(_Model(), target, {"pairs": 3})
    assert is_tuned(target) and (target / MARKER).read_text(encoding="utf-8").count('"pairs": 3')


def test_a_cached_model_is_found_without_training(corpus, tmp_path):
    pairs = training_pairs(corpus.passages)[:4]
    first = tuned_model_dir(model_key(pairs, TuneSettings(), "intfloat/multilingual-e5-small"), tmp_path)
    save_model(_Model(), first, {})
    found = tuned_model(pairs, TuneSettings(), tmp_path, log=lambda *_: pytest.fail("trained again"))
    assert found.path == first and found.minutes is None


def test_held_out_variants_stay_out_of_training_and_of_the_index(corpus, fake_encoder):
    seen = []
    for fold in (0, 1):
        kept, tests = split_entries(corpus.passages, fold)
        assert [p.id for p in kept] == [p.id for p in corpus.passages]
        held = {q.question for q in tests}
        seen += sorted(held)
        assert held and not held & {p.query for p in training_pairs(kept)}
        assert {p.question for p in kept} == {p.question for p in corpus.passages}  # every entry still learnt
        index = variant_index(replace(corpus, passages=tuple(kept)), fake_encoder)
        assert not held & {v for p in index.passages for v in p.variants}
        for q in tests:
            assert q.question in next(p for p in corpus.passages if p.entry == q.gold[0]).variants
    assert sorted(seen) == sorted(v for p in corpus.passages for v in p.variants)  # two folds: every variant once
    with pytest.raises(ValueError, match="fold"):
        split_entries(corpus.passages, 2)


def test_training_needs_two_passages_and_says_so_in_french():
    from bench.training import train

    with pytest.raises(ValueError, match="au moins deux passages"):
        train([Pair("q", "p", "a"), Pair("q2", "p", "a")])


def test_the_command_refuses_bad_arguments_in_french(capsys):
    from bench.finetune import main

    with pytest.raises(SystemExit):
        main(["eval", "introuvable.tsv"])
    assert "fichier de questions introuvable" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "0"])
    assert "--epochs doit valoir au moins 1" in capsys.readouterr().err
