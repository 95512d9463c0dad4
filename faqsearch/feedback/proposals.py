"""Which phrasings to propose as variants from the visitors' evidence, grouped by entry.

A pair (phrasing, passage) is proposed when its evidence is strong and consistent
(:class:`faqsearch.feedback.evidence.EvidenceRules`), the passage still exists, the phrasing is
not one of the passage's questions already, no editor rejected the pair, it holds no personal data,
and the variants file would accept its row (:func:`faqsearch.content.variants.row_problem`). The
automatic mode takes the subset above the higher thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..content.chunking import PART_SEPARATOR
from ..content.variants import MAX_VARIANT_CHARS, row_problem
from ..records.passage import Passage
from ..text.controls import strip_bidi
from ..text.personal import personal_data
from .evidence import EvidenceRules, PairEvidence, phrasing_key


@dataclass(frozen=True)
class Proposal:
    """A phrasing to attach to a passage, with the evidence behind it; ``auto`` when it clears the
    automatic mode's thresholds too."""

    evidence: PairEvidence
    auto: bool

    @property
    def question(self) -> str:
        return self.evidence.question

    @property
    def passage_id(self) -> str:
        return self.evidence.passage_id


@dataclass(frozen=True)
class EntryProposals:
    """The proposals of one entry, strongest first."""

    entry: str
    title: str
    proposals: tuple[Proposal, ...]


def variant_text(question: str) -> str:
    """A phrasing as the variants file would hold it (direction characters removed, one line)."""
    return " ".join(strip_bidi(question).text.split())[:MAX_VARIANT_CHARS].rstrip()


def is_proposed(e: PairEvidence, rules: EvidenceRules) -> bool:
    return (e.positive >= rules.min_weight and e.clients >= rules.min_clients and e.share >= rules.min_share
            and e.client_share > rules.min_client_share and e.negative <= rules.max_negative_ratio * e.positive)


def is_auto(e: PairEvidence, rules: EvidenceRules) -> bool:
    return (is_proposed(e, rules) and e.positive >= rules.auto_weight and e.clients >= rules.auto_clients
            and e.share >= rules.auto_share)


def variant_target(passage: Passage) -> str:
    """The id a variant of ``passage`` is attached to: a chunk's entry as the content names it
    (variants are applied before long entries are cut, so ``E#2`` is attached as ``E``)."""
    suffix = f"{PART_SEPARATOR}{passage.part}"
    return passage.id[: -len(suffix)] if passage.parts > 1 and passage.id.endswith(suffix) else passage.id


def variant_targets(passages: Sequence[Passage]) -> dict[str, str]:
    """Every passage id that differs from its variant target, mapped to it (see :func:`variant_target`)."""
    return {p.id: variant_target(p) for p in passages if variant_target(p) != p.id}


def known_keys(passages: Sequence[Passage]) -> dict[str, set[str]]:
    """Per variant target, the keys of its question and variants: already learnt."""
    known: dict[str, set[str]] = {}
    for p in passages:
        known.setdefault(variant_target(p), set()).update(phrasing_key(q) for q in (p.question, *p.variants))
    return known


def propose(evidence: Iterable[PairEvidence], passages: Sequence[Passage],
            rejected: Iterable[tuple[str, str]] = (), rules: EvidenceRules = EvidenceRules()) -> list[EntryProposals]:
    """The proposals grouped by entry, the entry with the most evidence first.

    ``rejected`` holds (phrasing key, passage id) pairs an editor turned down; ``evidence`` is
    collected with :func:`variant_targets` of the same passages.
    """
    by_id: dict[str, Passage] = {}
    for p in passages:  # the first chunk of a long entry stands for it
        by_id.setdefault(variant_target(p), p)
    known, refused = known_keys(passages), set(rejected)
    groups: dict[str, list[Proposal]] = {}
    for e in evidence:
        passage = by_id.get(e.passage_id)
        if passage is None or not is_proposed(e, rules) or (e.key, e.passage_id) in refused:
            continue
        if e.key in known[e.passage_id] or personal_data(e.question) or row_problem(e.passage_id, variant_text(e.question)):
            continue
        groups.setdefault(passage.entry, []).append(Proposal(e, is_auto(e, rules)))
    out = []
    for entry, proposals in groups.items():
        proposals.sort(key=lambda p: (-p.evidence.positive, p.question))
        title = by_id[proposals[0].passage_id].question
        out.append(EntryProposals(entry, title, tuple(proposals)))
    out.sort(key=lambda g: (-sum(p.evidence.positive for p in g.proposals), g.entry))
    return out


def automatic(groups: Iterable[EntryProposals]) -> list[Proposal]:
    """The proposals the automatic mode attaches."""
    return [p for g in groups for p in g.proposals if p.auto]
