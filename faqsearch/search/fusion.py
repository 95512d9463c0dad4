"""Fusing dense and lexical evidence into one ranking. Pure functions over score arrays."""

from __future__ import annotations

import numpy as np

RRF_K = 60


def ranks(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """1-based rank of each candidate by descending score (ties share the better rank)."""
    order = np.argsort(-scores[candidates], kind="stable")
    out = np.empty(len(candidates), dtype=np.float64)
    out[order] = np.arange(1, len(candidates) + 1)
    return out


def rrf(dense: np.ndarray, lexical: np.ndarray, candidates: np.ndarray, k: int = RRF_K,
        lexical_weight: float = 1.0) -> np.ndarray:
    """Reciprocal rank fusion; passages with no lexical overlap get no lexical share."""
    lex = lexical[candidates]
    lex_part = np.where(lex > 0, 1.0 / (k + ranks(lexical, candidates)), 0.0)
    return 1.0 / (k + ranks(dense, candidates)) + lexical_weight * lex_part


def blend(dense: np.ndarray, lexical: np.ndarray, candidates: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """``alpha`` × dense + (1 − ``alpha``) × lexical, each min-max normalised over the candidates.

    BM25 is divided by its maximum rather than min-max scaled, so a query with weak lexical
    overlap everywhere keeps weak lexical scores instead of being stretched to 1.
    """
    d = dense[candidates].astype(np.float64)
    span = d.max() - d.min() if len(d) else 0.0
    d = (d - d.min()) / span if span > 1e-9 else np.zeros_like(d)
    lex = lexical[candidates].astype(np.float64)
    top = lex.max() if len(lex) else 0.0
    lex = lex / top if top > 0 else np.zeros_like(lex)
    return alpha * d + (1.0 - alpha) * lex
