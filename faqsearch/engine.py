"""Answering questions: clean the input, search the index, decide confidence, pick the channel.

``Engine`` wraps a :class:`FaqIndex` and follows the index folder: when a rebuild publishes a new
index, the next question is answered from it, while a question already running finishes on the
index it started with.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .channels import Catalogue, parse_plan, recommend
from .corpus import corpus_digest
from .documents import Answer, Hit
from .encoder import Encoder
from .index import FaqIndex, SearchConfig
from .builds import current_build, pointer_stamp

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 50


@dataclass(frozen=True)
class Confidence:
    """When the best passage is trusted as an answer.

    Two independent signals must agree: the best passage's cosine (dense) and the guides'
    vocabulary covering the question (lexical evidence, see :meth:`LexicalIndex.evidence`).
    Calibrated with ``python -m faqsearch eval ../shared/eval/dev.tsv`` and multilingual-e5-small:
    in-scope questions reach a top cosine of 0.84–0.92 with evidence ≥ 2, while off-topic ones
    (recipes, monuments, weather, films) reach 0.75–0.86 with evidence ≤ 1, since they share
    at most a stray word with the guide. A very high cosine alone is also trusted, for
    questions phrased with none of the guide's words; the sweep (``eval --ablation``) keeps every
    dev question right for ``sure_dense`` in 0.86–0.91, and 0.885 sits in the middle of that range.
    """

    min_dense: float = 0.80
    min_evidence: float = 1.5
    sure_dense: float = 0.885

    def __call__(self, hits: Sequence[Hit], evidence: float) -> bool:
        if not hits:
            return False
        best = max(h.dense for h in hits)
        return best >= self.sure_dense or (best >= self.min_dense and evidence >= self.min_evidence)


def clean_question(text: str) -> tuple[str, str]:
    """Strip control characters and extra spaces, cut an over-long question; return (text, notice)."""
    # Cs: lone surrogates (undecodable bytes from a terminal) cannot be encoded for the model.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch not in "\u200d" else ch
                   for ch in str(text))
    text = re.sub(r"\s+", " ", text).strip()
    notice = ""
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rstrip()
        notice = f"Votre question dépassait {MAX_QUESTION_CHARS} caractères : seul le début a été pris en compte."
    return text, notice


class Engine:
    """Questions in, :class:`Answer` objects out."""

    def __init__(self, index: FaqIndex, catalogue: Catalogue | None = None,
                 config: SearchConfig = SearchConfig(), confidence: Confidence = Confidence(),
                 root: Path | None = None, stamp: str = ""):
        self._index = index
        self._catalogue = catalogue or index.catalogue or Catalogue(())
        self.config = config
        self.confidence = confidence
        self.root = Path(root) if root else None
        self._stamp = stamp
        self._failed_stamp = ""  # a new build that failed to load is not retried on every question
        self._lock = threading.Lock()  # guards the (index, catalogue, stamp) triple
        self._reload = threading.Lock()  # one reload at a time; questions keep flowing meanwhile

    @classmethod
    def open(cls, root: Path, encoder: Encoder, **kwargs) -> "Engine":
        """Load the index in service under ``root`` (see :mod:`faqsearch.builds`)."""
        stamp = pointer_stamp(root)
        index = FaqIndex.load(current_build(root), encoder)
        return cls(index, root=root, stamp=stamp, **kwargs)

    @property
    def index(self) -> FaqIndex:
        return self._index

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue

    def refresh(self) -> bool:
        """Load a newly published index if there is one; True when it changed.

        A damaged new index leaves the current one in service.
        """
        if self.root is None:
            return False
        stamp = pointer_stamp(self.root)
        if not stamp or stamp in (self._stamp, self._failed_stamp):
            return False
        with self._reload:
            if stamp == self._stamp:
                return False
            try:
                # Loaded outside ``_lock``: questions go on with the old index while this runs.
                index = FaqIndex.load(current_build(self.root), self._index.encoder)
            except Exception:
                self._failed_stamp = stamp
                raise
            with self._lock:
                self._index, self._catalogue, self._stamp = index, index.catalogue or self._catalogue, stamp
        return True

    def is_stale(self, corpus_dir: Path) -> bool:
        """True when ``corpus_dir`` changed since the index in service was built."""
        return corpus_digest(corpus_dir) != self._index.manifest.get("corpus_hash")

    def ask(self, question: str, plan: str | None = None, top_k: int = 5) -> Answer:
        """Answer one question (wraps :meth:`ask_batch`)."""
        return self.ask_batch([question], plan, top_k)[0]

    def ask_batch(self, questions: Sequence[str], plan: str | None = None, top_k: int = 5) -> list[Answer]:
        """Answer several questions against one consistent index."""
        if not 1 <= top_k <= MAX_TOP_K:
            raise ValueError(f"top_k must be between 1 and {MAX_TOP_K}. Currently, top_k is {top_k}.")
        plan = parse_plan(plan)
        try:
            self.refresh()
        except Exception:  # a broken new build must not stop the one in service
            pass
        with self._lock:  # one snapshot for the whole batch: never an old index with a new catalogue
            index, catalogue = self._index, self._catalogue
        cleaned = [clean_question(q) for q in questions]
        searchable = [i for i, (text, _) in enumerate(cleaned) if re.search(r"\w", text)]
        found = index.search_batch([cleaned[i][0] for i in searchable], top_k, self.config) if searchable else []
        hits_for = dict(zip(searchable, found))
        answers = []
        for i, (text, notice) in enumerate(cleaned):
            hits = tuple(hits_for.get(i, ()))
            if i not in hits_for:
                notice = "Question vide : tapez quelques mots, par exemple « Comment joindre le support par téléphone ? »."
            confident = self.confidence(hits, index.lexical.evidence(text)) if hits else False
            answers.append(Answer(text, confident, recommend(hits, catalogue, plan, confident), hits, notice))
        return answers
