"""What visitors' behaviour after a search says about a (phrasing, passage) pair: learning from clicks.

Pure logic over the recorded visitor events (``open``: an answer opened, with its rank in the list
shown; ``contact``: a link of the channel card used) and the 👍/👎 ratings; nothing here reads a
database. A session gives a pair:

- **positive** evidence when it opened the passage's answer for the phrasing and used no contact
  right after (:attr:`EvidenceRules.contact_window_s`, before opening anything else), plus a bonus
  for a 👍;
- **negative** evidence for a 👎, or for a contact used right after opening that answer.

**Position.** Visitors open the first result far more often than the fourth whatever they look
for, so an open is weighted by the inverse of the chance that its rank is looked at (inverse
propensity weighting under the position-based click model of Joachims, Swaminathan and Schnabel,
2017: a result at rank r is examined with probability (1/r)^η). With η = 1 an open at rank 4
counts four times an open at rank 1; the weight is clipped (:attr:`EvidenceRules.max_weight`) so
that one lucky open far down the list cannot outweigh everybody else.

**Pooling.** Near-identical phrasings pool their evidence: they share a key made by the search's
own analyzer (folded, stop words dropped, Snowball stems), negations kept so that « je peux » and
« je ne peux pas » stay apart.

**Caps.** A session counts once per pair (:attr:`EvidenceRules.session_cap`) and a client (the
service's daily key, or the page's session) at most :attr:`EvidenceRules.client_cap` over all its
sessions; a pair needs :attr:`EvidenceRules.min_clients` distinct clients, a majority of those who
opened anything for the phrasing, so one client never makes a pair on its own.

**Safety.** A phrasing holding personal data (:mod:`faqsearch.text.personal`) is never proposed,
and phrasings are cleaned of control and direction characters before anything else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Protocol, Sequence

from ..text.analyzer import analyzer
from ..text.controls import clean_visitor_text
from ..text.normalize import fold, words
from ..text.personal import personal_data

OPEN, CONTACT = "open", "contact"
UP, DOWN = 1, 0  # the ratings' values (see faqsearch.feedback.store)
# Words the analyzer drops but that turn a phrasing into its opposite.
NEGATIONS = frozenset({"ne", "pas", "sans", "plus", "jamais", "aucun", "aucune", "not", "no"})


class EventLike(Protocol):
    """The fields of a recorded visitor event that the evidence reads (the store's ``Event``)."""

    at: str
    session: str
    client_key: str | None
    kind: str
    question: str
    passage_id: str | None
    rank: int | None


@dataclass(frozen=True)
class RatingLike:
    """A session's 👍 (1) or 👎 (0) on a passage for a question."""

    session: str
    question: str
    passage_id: str
    rating: int
    client_key: str | None = None


@dataclass(frozen=True)
class EvidenceRules:
    """The weights, caps and thresholds of learning from clicks (see the module docstring)."""

    propensity_power: float = 1.0
    max_weight: float = 4.0
    up_bonus: float = 1.0
    contact_window_s: float = 600.0
    session_cap: float = 5.0
    client_cap: float = 5.0
    # A proposal: this much positive weight from this many clients, this share of the phrasing's
    # positive weight and a majority of the visitors who opened anything for it (they agree on one
    # passage), and few negatives. Weight alone is not enough: two visitors opening the same wrong
    # result far down the list by chance weigh as much as eight opening the right one first; three
    # visitors and a majority made such coincidences vanish in the simulation (bench.clicks, split
    # seed 7, 30 % noise: 5 wrong attachments in 1,000 visitors with two visitors and no majority, 0).
    min_weight: float = 3.0
    min_clients: int = 3
    min_share: float = 0.7
    min_client_share: float = 0.5
    max_negative_ratio: float = 0.25
    # The automatic mode attaches only pairs well above the proposals' bar.
    auto_weight: float = 8.0
    auto_clients: int = 4
    auto_share: float = 0.85

    def __post_init__(self) -> None:
        if self.propensity_power < 0 or self.max_weight < 1 or self.min_clients < 1 or self.auto_clients < 1:
            raise ValueError("EvidenceRules: propensity_power ≥ 0, max_weight ≥ 1 and at least one client expected.")
        if not (0 < self.min_share <= 1 and 0 < self.auto_share <= 1):
            raise ValueError("EvidenceRules: min_share and auto_share must be in (0, 1].")

    def open_weight(self, rank: int | None) -> float:
        """The inverse propensity of an open at ``rank`` (1-based), clipped to :attr:`max_weight`."""
        rank = max(int(rank or 1), 1)
        return min(float(rank) ** self.propensity_power, self.max_weight)


@dataclass(frozen=True)
class PairEvidence:
    """The evidence pooled for one phrasing key and one passage, with the counts behind it."""

    key: str
    passage_id: str
    question: str
    phrasings: tuple[str, ...]
    positive: float
    negative: float
    share: float
    clients: int
    client_share: float
    opens: int
    ups: int
    downs: int
    contacts: int


def phrasing_key(question: str) -> str:
    """The pooling key of a phrasing: the analyzer's stems in order, negations kept (see above)."""
    out = []
    for word in words(clean_visitor_text(question)):
        stem = fold(word) if fold(word) in NEGATIONS else analyzer().stem(word)
        if stem:
            out.append(stem)
    return " ".join(out)


def _seconds(at: str) -> float:
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return 0.0


def _client(session: str, client_key: str | None) -> str:
    return f"client:{client_key}" if client_key else f"session:{session}"


@dataclass
class _Session:
    """One session's evidence per pair, before the caps."""

    client: str
    positive: dict[tuple[str, str], float]
    negative: dict[tuple[str, str], float]
    counts: dict[tuple[str, str], list[int]]  # opens, ups, downs, contacts


def _contacted_after(events: Sequence[EventLike], at: int, rules: EvidenceRules) -> bool:
    """True when a contact follows the open ``events[at]`` within the window, before another open."""
    start = _seconds(events[at].at)
    for later in events[at + 1:]:
        if _seconds(later.at) - start > rules.contact_window_s or later.kind == OPEN:
            return False
        # Whichever card the link was on (the channel card speaks of the first result): the answer
        # just opened did not settle the visitor's need.
        if later.kind == CONTACT:
            return True
    return False


def _session_evidence(events: Sequence[EventLike], ratings: Sequence[RatingLike], rules: EvidenceRules,
                      wordings: dict[str, dict[str, int]], targets: Mapping[str, str]) -> _Session:
    first = events[0] if events else ratings[0]
    session = _Session(_client(first.session, first.client_key), defaultdict(float), defaultdict(float),
                       defaultdict(lambda: [0, 0, 0, 0]))
    for i, event in enumerate(events):
        if event.kind != OPEN or not event.passage_id:
            continue
        pair = _pair(event.question, event.passage_id, wordings, targets)
        if pair is None:
            continue
        session.counts[pair][0] += 1
        if _contacted_after(events, i, rules):
            session.counts[pair][3] += 1
            session.negative[pair] = max(session.negative[pair], 1.0)
        else:  # the session counts once per pair: its best open, not the sum of repeated opens
            session.positive[pair] = max(session.positive[pair], rules.open_weight(event.rank))
    for rating in ratings:
        pair = _pair(rating.question, rating.passage_id, wordings, targets)
        if pair is None:
            continue
        if rating.rating == UP:
            session.counts[pair][1] += 1
            session.positive[pair] += rules.up_bonus
        elif rating.rating == DOWN:
            session.counts[pair][2] += 1
            session.negative[pair] = max(session.negative[pair], 1.0)
            session.positive[pair] = 0.0  # the visitor said so: the open was not an answer
    return session


def _pair(question: str, passage_id: str, wordings: dict[str, dict[str, int]],
          targets: Mapping[str, str]) -> tuple[str, str] | None:
    question = clean_visitor_text(question)
    key = phrasing_key(question)
    if not key or not passage_id:
        return None
    counted = wordings.setdefault(key, {})
    counted[question] = counted.get(question, 0) + 1
    passage_id = clean_visitor_text(passage_id)
    return key, targets.get(passage_id, passage_id)


def collect_evidence(events: Iterable[EventLike], ratings: Iterable[RatingLike] = (),
                     rules: EvidenceRules = EvidenceRules(), targets: Mapping[str, str] | None = None) -> list[PairEvidence]:
    """The evidence of every (phrasing key, passage) pair, capped per session and per client.

    ``targets`` maps the passage ids visitors saw to the ids a variant is attached to (the chunks
    of a long entry to the entry: see :func:`faqsearch.feedback.proposals.variant_targets`), so
    that opening any part of an entry is evidence for the entry.
    """
    targets = targets or {}
    by_session: dict[str, tuple[list[EventLike], list[RatingLike]]] = defaultdict(lambda: ([], []))
    for event in events:
        by_session[event.session][0].append(event)
    for rating in ratings:
        by_session[rating.session][1].append(rating)
    wordings: dict[str, dict[str, int]] = {}
    per_client: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(dict)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for session_events, session_ratings in by_session.values():
        session_events.sort(key=lambda e: (_seconds(e.at), e.at))
        session = _session_evidence(session_events, session_ratings, rules, wordings, targets)
        for pair in set(session.positive) | set(session.negative) | set(session.counts):
            totals = per_client[pair].setdefault(session.client, [0.0, 0.0])
            totals[0] += min(session.positive.get(pair, 0.0), rules.session_cap)
            totals[1] += min(session.negative.get(pair, 0.0), rules.session_cap)
            counts[pair] = [a + b for a, b in zip(counts[pair], session.counts.get(pair, [0, 0, 0, 0]))]
    return _pooled(per_client, counts, wordings, rules)


def _supporters(clients: dict[str, list[float]]) -> int:
    return sum(1 for p, _ in clients.values() if p > 0)


def _pooled(per_client: dict, counts: dict, wordings: dict[str, dict[str, int]],
            rules: EvidenceRules) -> list[PairEvidence]:
    positive = {pair: sum(min(p, rules.client_cap) for p, _ in clients.values()) for pair, clients in per_client.items()}
    by_key: dict[str, float] = defaultdict(float)
    supporters: dict[str, set[str]] = defaultdict(set)
    for (key, _), weight in positive.items():
        by_key[key] += weight
    for (key, _), clients in per_client.items():
        supporters[key] |= {c for c, (p, _) in clients.items() if p > 0}
    out = []
    for pair, clients in per_client.items():
        key, passage_id = pair
        # The wording most visitors used stands for the pool (first seen on a tie).
        ranked = sorted(wordings[key].items(), key=lambda item: -item[1])
        out.append(PairEvidence(
            key, passage_id, ranked[0][0], tuple(w for w, _ in ranked), positive[pair],
            sum(min(n, rules.client_cap) for _, n in clients.values()),
            positive[pair] / by_key[key] if by_key[key] else 0.0, _supporters(clients),
            _supporters(clients) / len(supporters[key]) if supporters[key] else 0.0, *counts[pair]))
    out.sort(key=lambda e: (-e.positive, e.key, e.passage_id))
    return out
