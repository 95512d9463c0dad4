"""The manifest of an index on disk: what it was built from and with, its files' checksums and
the build's warnings. Written last, once: a folder with a manifest is a complete, checked index."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..content.lookalikes import BuildWarning

# 3: the FAISS graph is written only when it is searched (HNSW); passages have entry ids,
# URLs and variants. 4: the BM25 of the entries' headings (see faqsearch.index.headings).
# 5: every view has a field (faqsearch.index.views), titles embedded as passages among them.
FORMAT = 5
MANIFEST = "manifest.json"
REBUILD = "reconstruisez l'index avec `python build_index.py`"


class IndexLoadError(RuntimeError):
    """The index cannot be used as it is; the message says how to fix it (usually: rebuild)."""


def new_manifest(model: str, dimension: int, passages: int, vectors: int, variants: int, corpus_hash: str,
                 dense_index: str, started: float) -> dict:
    """What an index just built says of itself (its files' checksums are added when it is written)."""
    return {
        "format": FORMAT, "version": __version__, "model": model, "dimension": dimension,
        "passages": passages, "vectors": vectors, "corpus_hash": corpus_hash,
        "dense_index": dense_index, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 3),
        "variants": variants,
    }


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest`` into ``folder`` in one rename: readers see no manifest or a whole one."""
    path = Path(folder) / MANIFEST
    draft = path.with_name(MANIFEST + ".part")
    draft.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(draft, path)


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise IndexLoadError(f"Aucun index dans {folder} : lancez `python build_index.py` pour le construire.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"Le manifeste {path} est illisible ({exc}) : {REBUILD}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexLoadError(f"L'index {folder} a un format inconnu : reconstruisez-le avec `python build_index.py`.")
    return manifest


def with_warnings(manifest: dict, warnings: list[BuildWarning]) -> dict:
    """``manifest`` with the build's warnings, for the editors' tab."""
    return {**manifest, "warnings": [w.to_dict() for w in warnings]}


def manifest_warnings(manifest: dict) -> tuple[BuildWarning, ...]:
    """The warnings recorded in an index's manifest (none for an index built before they were)."""
    found = manifest.get("warnings")
    return tuple(BuildWarning.from_dict(w) for w in found if isinstance(w, dict)) if isinstance(found, list) else ()
