"""The phrasings learnt from clicks as the editors' space and the command line see them: proposals read
from the feedback store, and the automatic mode's attachments to ``variants.csv``.

Both paths go through here, so that the page and ``python -m faqsearch learn`` (run by hand or by a
scheduler) propose and attach exactly the same pairs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from ..content.corpus import load_corpus
from ..content.variants import VARIANTS_FILE, append_variant
from ..records.passage import Passage
from ..settings import Settings
from .evidence import EvidenceRules, RatingLike, collect_evidence
from .proposals import EntryProposals, Proposal, automatic, propose, variant_targets, variant_text
from .rejections import rejected
from .store import FeedbackStore

AUTO = "auto"  # the author of the variants the automatic mode attaches


def current_proposals(store: FeedbackStore, passages: Sequence[Passage],
                      rules: EvidenceRules = EvidenceRules()) -> list[EntryProposals]:
    """The proposals from every recorded event and rating, against ``passages`` (the index in service)."""
    ratings = [RatingLike(r["session"], r["question"], r["passage_id"], int(r["rating"])) for r in store.ratings()]
    evidence = collect_evidence(store.events(), ratings, rules, variant_targets(passages))
    return propose(evidence, passages, rejected(store), rules)


def attach(path: Path, chosen: Sequence[Proposal], by: str) -> int:
    """Write the ``chosen`` phrasings to the variants file at ``path``; how many were new."""
    return sum(append_variant(path, p.passage_id, variant_text(p.question), by) for p in chosen)


def attach_automatic(path: Path, groups: Sequence[EntryProposals]) -> int:
    """The automatic mode: attach the proposals above its thresholds as ``auto``; how many were new."""
    return attach(path, automatic(groups), AUTO)


def describe(groups: Sequence[EntryProposals]) -> list[str]:
    """The proposals as lines of text, entry by entry, with the counts behind each."""
    if not groups:
        return ["Aucune formulation à proposer pour l'instant."]
    lines = []
    for group in groups:
        lines.append(f"{group.title} [{group.entry}]")
        for p in group.proposals:
            e = p.evidence
            lines.append(f"  « {p.question} » : {e.clients} visiteur(s), {e.opens} ouverture(s), {e.ups} 👍, "
                         f"{e.downs} 👎, {e.contacts} contact(s), poids {e.positive:.1f}" + (" (auto)" if p.auto else ""))
    return lines


def learn(settings: Settings, auto: bool, rebuild: Callable[[], str]) -> list[str]:
    """``python -m faqsearch learn``: the proposals, and with ``auto`` the automatic attachments
    followed by ``rebuild()`` (whose summary ends the lines) when any was new."""
    store = FeedbackStore.configured(settings.data_dir, settings.database_url)
    # The corpus as it is now: phrasings attached since the last build are known already.
    groups = current_proposals(store, load_corpus(settings.corpus_dir).passages)
    lines = describe(groups)
    if auto:
        added = attach_automatic(settings.corpus_dir / VARIANTS_FILE, groups)
        lines.append(f"{added} formulation(s) rattachée(s) automatiquement dans {VARIANTS_FILE}.")
        if added:
            lines.append(rebuild())
    return lines
