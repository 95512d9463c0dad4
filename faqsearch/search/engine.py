"""Answering questions: clean the input, search the index, decide confidence, pick the channel.

``Engine`` wraps a :class:`FaqIndex` and follows the index folder: when a rebuild publishes a new
index, the next question is answered from it, while a question already running finishes on the
index it started with.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from ..channels.advice import advise
from ..channels.catalogue import Catalogue
from ..channels.mentions import find_mentions, rerank
from ..channels.plans import parse_plan
from ..embedding.encoder import Encoder
from ..embedding.tokenizer import ModelTokenizer, query_tokenizer
from ..index.faq_index import FaqIndex
from ..index.published import current_build, pointer_stamp
from ..records.answer import Answer, Hit
from ..records.scope import VISITOR, Scope, Visibility
from .confidence import Confidence
from .hybrid import SearchConfig, search_batch
from .per_index import PerIndex
from .questions import clean_question, fit_to_model
from .short_answer import ShortAnswers
from .related import Related, RelatedIndex
from .spelling import Spelling
from .suggest import Suggestion, Suggestions

log = logging.getLogger(__name__)

EMPTY_QUESTION = "Question vide : tapez quelques mots, par exemple « Comment joindre le support par téléphone ? »."
MAX_TOP_K = 50
RERANK_POOL = 10


class Engine:
    """Questions in, :class:`Answer` objects out."""

    def __init__(self, index: FaqIndex, config: SearchConfig = SearchConfig(),
                 confidence: Confidence = Confidence(), root: Path | None = None, stamp: str = "",
                 tokenizer: ModelTokenizer | None = None, short_answers: ShortAnswers | None = None):
        self._index = index
        self.short_answers = short_answers or ShortAnswers()
        # Derived from the index in service on first use, then followed across rebuilds.
        self.spelling, self.suggestions, self.related = Spelling(), Suggestions(), RelatedIndex()
        self.visibility = PerIndex(lambda index: Visibility(index.passages))
        self.config = config
        self.confidence = confidence
        self.root = Path(root) if root else None
        self._stamp = stamp
        self._failed_stamp = ""  # a new build that failed to load is not retried on every question
        self._lock = threading.Lock()  # guards the (index, stamp) pair
        self._reload = threading.Lock()  # one reload at a time; questions keep flowing meanwhile
        # What cuts questions to the model's tokens; None: the index's model's, looked up on first use.
        self._query_tokenizer = tokenizer
        self._tokenizer_known = tokenizer is not None

    @classmethod
    def open(cls, root: Path, encoder: Encoder, **kwargs) -> "Engine":
        """Load the index in service under ``root`` (see :mod:`faqsearch.index.published`)."""
        stamp = pointer_stamp(root)
        index = FaqIndex.load(current_build(root), encoder)
        return cls(index, root=root, stamp=stamp, **kwargs)

    @property
    def index(self) -> FaqIndex:
        return self._index

    @property
    def catalogue(self) -> Catalogue:
        """The channel catalogue of the index in service (empty when the corpus has none)."""
        return self._index.catalogue or Catalogue(())

    def sections(self, scope: Scope = VISITOR) -> tuple[str, ...]:
        """The sections of the index in service that ``scope`` may see, in corpus order (the filters
        a client can offer)."""
        return _sections(self.current(), scope)

    @property
    def build_id(self) -> str:
        """The name of the build in service (its folder under ``index/builds/``); "" when not known."""
        with self._lock:
            return self._stamp.split(":", 1)[0]

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
                self._index, self._stamp = index, stamp
        return True

    def current(self) -> FaqIndex:
        """The newest published index, loaded if it just appeared; the one in service if the new
        one is damaged (the only place that looks for a newer build)."""
        try:
            self.refresh()
        except Exception:  # a broken new build must not stop the one in service
            pass
        with self._lock:
            return self._index

    def _tokenizer(self, index: FaqIndex) -> ModelTokenizer | None:
        """The tokenizer of the index's model (None for a model without one, such as a test's)."""
        if not self._tokenizer_known:
            try:
                self._query_tokenizer = query_tokenizer(index.encoder.name)
            except Exception:  # an unreadable tokenizer file: the character cap still bounds the question
                log.exception("query tokenizer unavailable")
            self._tokenizer_known = True
        return self._query_tokenizer

    def suggest(self, typed: str, limit: int = 5, scope: Scope = VISITOR, plan: str | None = None) -> list[Suggestion]:
        """Questions of the index in service completing ``typed`` (see :mod:`faqsearch.search.suggest`)."""
        return self.suggestions.of(self.current()).suggest(typed, limit, scope, plan)

    def related_to(self, passage_id: str, count: int = 3, scope: Scope = VISITOR,
                   plan: str | None = None) -> list[Related] | None:
        """The entries nearest to ``passage_id``'s (see :mod:`faqsearch.search.related`)."""
        return self.related.of(self.current()).near(passage_id, count, scope, plan)

    def ask(self, question: str, plan: str | None = None, top_k: int = 5, scope: Scope = VISITOR) -> Answer:
        """Answer one question (wraps :meth:`ask_batch`)."""
        return self.ask_batch([question], plan, top_k, scope)[0]

    def ask_batch(self, questions: Sequence[str], plan: str | None = None, top_k: int = 5,
                  scope: Scope = VISITOR) -> list[Answer]:
        """Answer several questions against one consistent index, with only the entries ``scope``
        may see on that plan (a visitor never gets an internal entry).

        ``plan`` is the user's plan as typed or chosen (a declared plan's id, label or word; "Je ne
        sais pas" or None when unknown).
        """
        if not 1 <= top_k <= MAX_TOP_K:
            raise ValueError(f"top_k doit être entre 1 et {MAX_TOP_K} (valeur reçue : {top_k}).")
        index = self.current()  # one index for the whole batch, even if a rebuild lands meanwhile
        catalogue = index.catalogue or Catalogue(())
        plan = parse_plan(plan, catalogue.plans)
        _check_section(index, scope)
        tokenizer = self._tokenizer(index)
        cleaned = [fit_to_model(*clean_question(q), tokenizer) for q in questions]
        searchable = [i for i, (text, _) in enumerate(cleaned) if re.search(r"\w", text)]
        # A few more than asked: a passage about a channel the question names may move up.
        pool = max(top_k, RERANK_POOL)
        texts = [cleaned[i][0] for i in searchable]
        # Encoded here: the short answer compares the same vector with the parts of the best entry.
        vectors = index.encoder.encode_queries(texts) if texts else None
        hidden = self.visibility.of(index).hidden(scope, plan)
        # Enough entries that ``pool`` of them remain once those the asker may not see are left out.
        found = search_batch(index, texts, pool + hidden, self.config, vectors) if searchable else []
        if hidden:
            found = [replace(r, hits=_seen(r.hits, scope, plan)[:pool]) for r in found]
        results = dict(zip(searchable, zip(found, vectors if texts else ())))
        answers = []
        for i, (text, notice) in enumerate(cleaned):
            if i not in results:
                answers.append(Answer(text, False, None, (), EMPTY_QUESTION, plan))
                continue
            result, vector = results[i]
            named = find_mentions(text, catalogue)  # read once, for the ranking and for the card
            hits = rerank(text, result.hits, catalogue, self.config.named_channel_bonus, top_k, named)
            confident = self.confidence(hits, result.evidence)
            advice = advise(text, hits, catalogue, plan, confident, named)
            short = self.short_answers.choose(index.encoder, text, vector, hits[0].passage) if confident else None
            fixed = self.spelling.of(index).correct(text)
            answers.append(Answer(text, confident, advice, hits, notice, plan, short, fixed))
        return answers


def _seen(hits: Sequence[Hit], scope: Scope, plan: str | None) -> tuple[Hit, ...]:
    """The hits ``scope`` may see on ``plan``, ranked again from 1."""
    return tuple(replace(h, rank=i + 1) for i, h in enumerate(h for h in hits if scope.sees(h.passage, plan)))


def _sections(index: FaqIndex, scope: Scope) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.section for p in index.passages if p.section and replace(scope, section="").sees(p)))


def _check_section(index: FaqIndex, scope: Scope) -> None:
    """A section filter must name a section of the index: a typo must not silently find nothing."""
    if scope.section and not any(scope.sees(p) for p in index.passages):
        known = _sections(index, replace(scope, section=""))
        raise ValueError(f"Section inconnue : « {scope.section[:80]} ». Sections : {' ; '.join(known[:20]) or 'aucune'}"
                         + (" ; …" if len(known) > 20 else "") + ".")
