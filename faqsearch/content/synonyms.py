"""Groups of equivalent terms an editor keeps in ``corpus/synonyms.csv`` (they widen lexical queries)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError


def parse_synonyms(text: str, path: Path) -> tuple[tuple[str, ...], ...]:
    """Groups of equivalent terms, one group per line, terms separated by commas; ``#`` starts a comment."""
    groups = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = tuple(t.strip() for t in line.split(",") if t.strip())
        if len(terms) < 2:
            raise ContentError(f"{path}:{number}: un groupe de synonymes doit avoir au moins deux termes séparés par des virgules.")
        groups.append(terms)
    return tuple(groups)
