"""The plans (or audiences) a corpus declares in ``plans.csv``: read once with the other files,
parsed and checked by :mod:`faqsearch.channels.plans`."""

from __future__ import annotations

from ..channels.plans import PLANS_FILE, parse_plans
from ..records.plans import NO_PLANS, Plans
from .files import CorpusFiles
from .lookalikes import BuildWarning


def corpus_plans(files: CorpusFiles, notes: list[BuildWarning]) -> Plans:
    """The plans of the folder's ``plans.csv``; :data:`NO_PLANS` without one."""
    path = files.folder / PLANS_FILE
    return parse_plans(files.text(path, notes), str(path)) if path in files else NO_PLANS
