"""Whether an index still matches its corpus: the one check behind the page's warning, the
service's health, ``search`` and ``build --check``."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..content.files import current_digest


def stale_reason(corpus_dir: Path, manifest: Mapping) -> str:
    """Why the index described by ``manifest`` no longer matches ``corpus_dir`` (French), or ""
    when it does. Files are hashed again only when their size or time changed."""
    if manifest.get("corpus_hash") == current_digest(corpus_dir):
        return ""
    return (f"Le corpus {corpus_dir} a changé depuis la construction de l'index "
            f"({manifest.get('built_at', 'date inconnue')}) : lancez `python build_index.py`.")
