"""An index on disk: its files, the manifest that describes them, and the checks on loading.

``save`` writes every part, then checksums, then the manifest last (a folder with a manifest is
a complete index); ``load`` checks format, model, checksums and counts, and says how to fix any
mismatch (almost always: rebuild).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .dense import DenseIndex
from ..channels.catalogue import Catalogue, parse_catalogue, write_catalogue
from ..records.passage import Passage
from .lexical import LexicalIndex

# 3: the FAISS graph is written only when it is searched (HNSW); passages have entry ids,
# URLs and variants. 4: the BM25 of the entries' headings (see faqsearch.index.headings).
FORMAT = 4
MANIFEST = "manifest.json"
PASSAGES_FILE, LEXICAL_FILE, CATALOGUE_FILE = "passages.parquet", "lexical.npz", "channels.csv"
HEADINGS_FILE = "headings.npz"
REBUILD = "reconstruisez l'index avec `python build_index.py`"


class IndexLoadError(RuntimeError):
    """The index cannot be used as it is; the message says how to fix it (usually: rebuild)."""


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


def save(folder: Path, passages: Sequence[Passage], dense: DenseIndex, lexical: LexicalIndex,
         catalogue: Catalogue | None, manifest: dict, headings: LexicalIndex) -> dict:
    """Write an index into ``folder`` (created); return the manifest as written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    passages_frame(passages).to_parquet(folder / PASSAGES_FILE, index=False)
    dense.save(folder)
    lexical.save(folder / LEXICAL_FILE)
    headings.save(folder / HEADINGS_FILE)
    files = [PASSAGES_FILE, LEXICAL_FILE, HEADINGS_FILE, *dense.files()]
    if catalogue is not None and catalogue.channels:  # a corpus without catalogue: no channels.csv
        write_catalogue(catalogue, folder / CATALOGUE_FILE)
        files.append(CATALOGUE_FILE)
    # Checksums let ``load`` tell a damaged file from a good one instead of answering wrongly.
    manifest = {**manifest, "files": {name: sha256(folder / name) for name in files}}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


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


def read_passages(folder: Path) -> tuple[Passage, ...]:
    """Only the passages of the index in ``folder`` (what a rebuild compares against)."""
    read_manifest(folder)
    return frame_passages(pd.read_parquet(Path(folder) / PASSAGES_FILE))


def _read_catalogue(path: Path) -> Catalogue:
    """The index's own copy of the catalogue (written by :func:`write_catalogue`)."""
    return parse_catalogue(path.read_text(encoding="utf-8"), str(path))


def _check_files(folder: Path, manifest: dict) -> None:
    for name, digest in (manifest.get("files") or {}).items():
        path = folder / str(name)
        if not path.is_file():
            raise IndexLoadError(f"Le fichier {path} manque : l'index est incomplet, {REBUILD}.")
        if sha256(path) != digest:
            raise IndexLoadError(f"Le fichier {path} est endommagé (somme de contrôle différente) : {REBUILD}.")


def load(folder: Path, model: str, dim: int):
    """(passages, dense, lexical, catalogue, manifest, headings) of the index in ``folder``, checked
    against the model that will search it."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest.get("model") != model:
        raise ModelMismatchError(
            f"L'index a été construit avec le modèle « {manifest.get('model')} », mais la recherche utilise "
            f"« {model} » : reconstruisez l'index avec `python build_index.py --model {model}` "
            f"ou cherchez avec `--model {manifest.get('model')}`.",
            str(manifest.get("model")), model,
        )
    _check_files(folder, manifest)
    try:
        passages = frame_passages(pd.read_parquet(folder / PASSAGES_FILE))
        dense = DenseIndex.load(folder, manifest.get("dense_index", "exact"))
        lexical = LexicalIndex.load(folder / LEXICAL_FILE)
        headings = LexicalIndex.load(folder / HEADINGS_FILE)
        catalogue = _read_catalogue(folder / CATALOGUE_FILE) if (folder / CATALOGUE_FILE).is_file() else None
    except Exception as exc:  # any damaged file means the same fix
        raise IndexLoadError(f"L'index {folder} est incomplet ou endommagé ({type(exc).__name__}: {exc}) : "
                             "reconstruisez-le avec `python build_index.py`.") from exc
    counts = {len(passages), dense.passages, lexical.weights.shape[0], manifest.get("passages")}
    if headings.weights.shape[0] != len({p.entry for p in passages}):
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
    return passages, dense, lexical, catalogue, manifest, headings
