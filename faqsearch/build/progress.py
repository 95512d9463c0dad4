"""Progress of a long embedding, with an estimate of the time left (for the CLI and the page).

Texts are encoded in blocks so that a help center of thousands of long entries reports how far
it is, instead of one silent call that lasts half an hour.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

BLOCK = 128


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` texts encoded after ``elapsed`` seconds."""

    done: int
    total: int
    elapsed: float

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def remaining(self) -> float | None:
        """Seconds left at the pace so far; None before the first block gives a pace."""
        if not self.done or not self.elapsed:
            return None
        return self.elapsed / self.done * (self.total - self.done)

    def label(self) -> str:
        """"Encodage : 256/6 857 textes (4 %), encore environ 12 min"."""
        count = f"{self.done:,}/{self.total:,}".replace(",", "\u202f")  # French thousands: a thin space
        text = f"Encodage : {count} textes ({round(100 * self.fraction)} %)"
        left = self.remaining
        if left is not None and self.done < self.total:
            text += f", encore environ {duration(left)}"
        return text


def duration(seconds: float) -> str:
    """"45 s", "12 min", "1 h 05"."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"


def encode_in_blocks(texts: Sequence[str], encode: Callable[[list[str]], np.ndarray],
                     report: Callable[[Progress], None] | None, block: int = BLOCK) -> np.ndarray:
    """``encode(texts)`` block by block, telling ``report`` after each one."""
    if report is None or len(texts) <= block:
        out = encode(list(texts))
        if report is not None:
            report(Progress(len(texts), len(texts), 0.0))
        return out
    # Similar lengths in a block waste less padding; longest first, so that the time left is
    # overestimated at the start and shrinks, rather than growing. Results keep the caller's order.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    started = time.perf_counter()
    out = None
    for start in range(0, len(order), block):
        rows = order[start:start + block]
        part = np.asarray(encode([texts[i] for i in rows]), dtype=np.float32)
        if out is None:  # each block goes straight to its rows: no list of blocks, no second matrix
            out = np.empty((len(texts),) + part.shape[1:], dtype=np.float32)
        out[rows] = part
        report(Progress(min(start + block, len(order)), len(order), time.perf_counter() - started))
    return out
