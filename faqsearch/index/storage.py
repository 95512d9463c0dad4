"""An index on disk: its parts, their files, and the checks on loading.

``write_parts`` writes every part and returns the manifest with their checksums, which the caller
writes last, once (:func:`save` does both; a build checks the parts before writing it); ``load``
checks format, model, checksums and counts, and says how to fix any mismatch (almost always:
rebuild).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..channels.catalogue import Catalogue, parse_catalogue, write_catalogue
from ..channels.plans import PLANS_FILE, parse_plans, plans_text
from ..records.plans import NO_PLANS
from ..records.passage import Passage
from .dense import DenseIndex
from .lexical import LexicalIndex
from .manifest import REBUILD, IndexLoadError, read_manifest, write_manifest

PASSAGES_FILE, LEXICAL_FILE, CATALOGUE_FILE = "passages.parquet", "lexical.npz", "channels.csv"
HEADINGS_FILE = "headings.npz"


@dataclass(frozen=True)
class IndexParts:
    """What an index is made of: its passages, their dense and lexical sides, the BM25 of the
    entries' headings, the channel catalogue (None for a corpus without one) and the manifest."""

    passages: tuple[Passage, ...]
    dense: DenseIndex
    lexical: LexicalIndex
    headings: LexicalIndex
    catalogue: Catalogue | None
    manifest: dict


class ModelMismatchError(IndexLoadError):
    """The index was built with another model than the one searching; the message speaks of the
    command line, ``built_with`` and ``used`` let the page say it its own way."""

    def __init__(self, message: str, built_with: str, used: str):
        super().__init__(message)
        self.built_with, self.used = built_with, used


def passages_frame(passages: Sequence[Passage]) -> pd.DataFrame:
    """The passage table: one row per passage, plans joined with ";", variants with tabs."""
    return pd.DataFrame([p.to_row() for p in passages], columns=list(Passage.__dataclass_fields__)).astype(str)


def frame_passages(frame: pd.DataFrame) -> tuple[Passage, ...]:
    return tuple(Passage.from_row(row) for row in frame.astype(str).to_dict("records"))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_parts(folder: Path, parts: IndexParts) -> dict:
    """Write every part of an index into ``folder`` (created); return its manifest with the
    parts' checksums, not yet written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    passages_frame(parts.passages).to_parquet(folder / PASSAGES_FILE, index=False)
    parts.dense.save(folder)
    parts.lexical.save(folder / LEXICAL_FILE)
    parts.headings.save(folder / HEADINGS_FILE)
    files = [PASSAGES_FILE, LEXICAL_FILE, HEADINGS_FILE, *parts.dense.files()]
    if parts.catalogue is not None and parts.catalogue.channels:  # a corpus without catalogue: no channels.csv
        write_catalogue(parts.catalogue, folder / CATALOGUE_FILE)
        files.append(CATALOGUE_FILE)
    if parts.catalogue is not None and parts.catalogue.plans:  # nor plans.csv without declared plans
        (folder / PLANS_FILE).write_text(plans_text(parts.catalogue.plans), encoding="utf-8")
        files.append(PLANS_FILE)
    # Checksums let ``load`` tell a damaged file from a good one instead of answering wrongly.
    return {**parts.manifest, "files": {name: sha256(folder / name) for name in files}}


def save(folder: Path, parts: IndexParts) -> dict:
    """Write an index into ``folder``, its manifest last; return the manifest as written."""
    manifest = write_parts(folder, parts)
    write_manifest(folder, manifest)
    return manifest


def read_passages(folder: Path) -> tuple[Passage, ...]:
    """Only the passages of the index in ``folder`` (what a rebuild compares against)."""
    read_manifest(folder)
    return frame_passages(pd.read_parquet(Path(folder) / PASSAGES_FILE))


def _read_catalogue(folder: Path) -> Catalogue | None:
    """The index's own copy of the catalogue and its plans (written by :func:`write_parts`); None
    when the corpus had neither."""
    plans_path, path = folder / PLANS_FILE, folder / CATALOGUE_FILE
    plans = parse_plans(plans_path.read_text(encoding="utf-8"), str(plans_path)) if plans_path.is_file() else NO_PLANS
    if path.is_file():
        return parse_catalogue(path.read_text(encoding="utf-8"), str(path), plans)
    return Catalogue((), plans) if plans else None


def _check_files(folder: Path, manifest: dict) -> None:
    for name, digest in (manifest.get("files") or {}).items():
        path = folder / str(name)
        if not path.is_file():
            raise IndexLoadError(f"Le fichier {path} manque : l'index est incomplet, {REBUILD}.")
        if sha256(path) != digest:
            raise IndexLoadError(f"Le fichier {path} est endommagé (somme de contrôle différente) : {REBUILD}.")


def load(folder: Path, model: str, dim: int, manifest: dict | None = None) -> IndexParts:
    """The parts of the index in ``folder``, checked against the model that will search it.

    ``manifest`` is given by a build that checks the parts it wrote before writing the manifest;
    otherwise the one on disk is read.
    """
    folder = Path(folder)
    manifest = read_manifest(folder) if manifest is None else manifest
    _check_model(manifest, model)
    _check_files(folder, manifest)
    parts = _read_parts(folder, manifest)
    _check_shapes(folder, parts, model, dim)
    return parts


def _check_model(manifest: dict, model: str) -> None:
    if manifest.get("model") != model:
        raise ModelMismatchError(
            f"L'index a été construit avec le modèle « {manifest.get('model')} », mais la recherche utilise "
            f"« {model} » : reconstruisez l'index avec `python build_index.py --model {model}` "
            f"ou cherchez avec `--model {manifest.get('model')}`.",
            str(manifest.get("model")), model,
        )


def _read_parts(folder: Path, manifest: dict) -> IndexParts:
    try:
        passages = frame_passages(pd.read_parquet(folder / PASSAGES_FILE))
        dense = DenseIndex.load(folder, manifest.get("dense_index", "exact"))
        lexical = LexicalIndex.load(folder / LEXICAL_FILE)
        headings = LexicalIndex.load(folder / HEADINGS_FILE)
        catalogue = _read_catalogue(folder)
    except Exception as exc:  # any damaged file means the same fix
        raise IndexLoadError(f"L'index {folder} est incomplet ou endommagé ({type(exc).__name__}: {exc}) : "
                             "reconstruisez-le avec `python build_index.py`.") from exc
    return IndexParts(passages, dense, lexical, headings, catalogue, manifest)


def _check_shapes(folder: Path, parts: IndexParts, model: str, dim: int) -> None:
    """The parts hold together: as many passages, entries and vectors everywhere, the dimension
    announced and the model's."""
    passages, dense, manifest = parts.passages, parts.dense, parts.manifest
    counts = {len(passages), dense.passages, parts.lexical.weights.shape[0], manifest.get("passages")}
    if parts.headings.weights.shape[0] != len({p.entry for p in passages}):
        counts.add(-1)  # one heading per entry, or the index does not hold together
    offsets = dense.offsets
    vectors = {int(offsets[-1]) if len(offsets) else -1, dense.size, manifest.get("vectors")}
    if len(counts) != 1 or len(vectors) != 1 or (len(offsets) and np.any(np.diff(offsets) < 1)):
        raise IndexLoadError(f"L'index {folder} est incohérent (nombres de passages {sorted(map(str, counts))}) : "
                             "reconstruisez-le avec `python build_index.py`.")
    if dense.vectors.ndim != 2 or dense.vectors.shape[1] != manifest.get("dimension"):
        raise IndexLoadError(f"L'index {folder} est incohérent (dimension {manifest.get('dimension')} annoncée, "
                             f"{dense.vectors.shape[1:]} trouvée) : reconstruisez-le avec `python build_index.py`.")
    if int(dim) != dense.vectors.shape[1]:
        raise IndexLoadError(
            f"L'index a des vecteurs de dimension {dense.vectors.shape[1]}, mais le modèle « {model} » en "
            f"produit de dimension {dim} : reconstruisez l'index avec `python build_index.py"
            f"{'' if model == manifest.get('model') else ' --model ' + model}`."
        )
