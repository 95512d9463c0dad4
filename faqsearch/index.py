"""The hybrid passage index: FAISS vectors + BM25 + the passage table, saved with a manifest.

``FaqIndex`` is the central object: ``build`` it from passages and an encoder, ``search`` it
(the single query wraps ``search_batch``), ``save`` it to a folder and ``load`` it back; ``load``
checks the manifest against the encoder and says how to fix a mismatch.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import __version__
from .ann import DenseIndex
from .channels import Catalogue, read_catalogue
from .documents import PLANS, Hit, Passage
from .encoder import Encoder
from .fusion import blend, rrf
from .lexical import LexicalIndex

FORMAT = 2
MANIFEST = "manifest.json"
FILES = (MANIFEST, "passages.parquet", "embeddings.npy", "offsets.npy", "dense.faiss", "lexical.npz", "channels.csv")
# Up to this many vectors, scoring every passage exactly is cheaper than an ANN lookup.
EXHAUSTIVE_VECTORS = 20_000


def lexical_text(passage: Passage) -> str:
    """What BM25 sees: section, question and answer. Repeating the title as a field boost gained
    nothing on the dev set and let a title word as common as "Zoho" ("Partenaires Zoho") win
    questions about other channels."""
    return passage.text()


class IndexLoadError(RuntimeError):
    """The index cannot be used as it is; the message says how to fix it (usually: rebuild)."""


@dataclass(frozen=True)
class SearchConfig:
    """How dense and lexical evidence are combined (defaults measured by ``faqsearch eval``).

    ``fusion`` is "rrf" or "blend"; ``candidates`` passages are taken from each retriever before
    fusion; ``lexical_weight`` scales the BM25 share of RRF.
    """

    fusion: str = "blend"
    alpha: float = 0.55
    rrf_k: int = 60
    lexical_weight: float = 1.0
    candidates: int = 100
    use_lexical: bool = True
    use_dense: bool = True

    def __post_init__(self):
        if self.fusion not in ("rrf", "blend"):
            raise ValueError(f"fusion must be 'rrf' or 'blend'. Currently, fusion is {self.fusion!r}.")
        if self.candidates < 1:
            raise ValueError(f"candidates must be greater than 0. Currently, candidates is {self.candidates}.")
        if not (self.use_lexical or self.use_dense):
            raise ValueError("At least one of use_lexical and use_dense must be True.")


def passages_frame(passages: Sequence[Passage]) -> pd.DataFrame:
    """The passage table: one row per passage, plans joined with ";"."""
    # Variants are whole sentences: a tab, which no question holds, separates them.
    rows = [{**asdict(p), "plans": ";".join(p.plans), "variants": "\t".join(p.variants)} for p in passages]
    columns = [f for f in Passage.__dataclass_fields__]
    return pd.DataFrame(rows, columns=columns).astype(str)


def frame_passages(frame: pd.DataFrame) -> tuple[Passage, ...]:
    return tuple(
        Passage(**{**row, "plans": tuple(p for p in row["plans"].split(";") if p) or PLANS,
                   "variants": tuple(v for v in row["variants"].split("\t") if v)})
        for row in frame.astype(str).to_dict("records")
    )


class FaqIndex:
    """Passages, their vectors and BM25 weights, searchable together.

    Each passage has one or more vectors (its "views", see :meth:`Passage.views`), stored
    contiguously: the views of passage ``i`` are rows ``offsets[i]:offsets[i + 1]`` of
    ``embeddings``, and a passage's dense score is the best score of its views.
    """

    def __init__(self, passages: Sequence[Passage], embeddings: np.ndarray, dense: DenseIndex,
                 lexical: LexicalIndex, encoder: Encoder, manifest: dict, catalogue: Catalogue | None = None,
                 offsets: np.ndarray | None = None):
        self.passages = tuple(passages)
        self.embeddings = embeddings
        self.offsets = np.arange(len(self.passages) + 1, dtype=np.int64) if offsets is None else offsets.astype(np.int64)
        self.owner = np.repeat(np.arange(len(self.passages)), np.diff(self.offsets))
        self.dense = dense
        self.lexical = lexical
        self.encoder = encoder
        self.manifest = manifest
        self.catalogue = catalogue

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, passages: Sequence[Passage], encoder: Encoder, catalogue: Catalogue | None = None,
              corpus_hash: str = "", embed: Callable[[list[str]], np.ndarray] | None = None,
              dense_kind: str | None = None, synonyms: Sequence[Sequence[str]] = ()) -> "FaqIndex":
        """Embed and index ``passages``. ``embed`` may replace ``encoder.encode_passages`` (a cache);
        ``synonyms`` are groups of equivalent terms that widen lexical queries."""
        if not passages:
            raise ValueError("passages must not be empty: add at least one guide to the corpus.")
        views = [p.views() for p in passages]
        offsets = np.concatenate([[0], np.cumsum([len(v) for v in views])]).astype(np.int64)
        started = time.perf_counter()
        vectors = (embed or encoder.encode_passages)([text for group in views for text in group])
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # Normalise so inner product equals cosine, whatever the encoder returned.
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        dense = DenseIndex.build(vectors, dense_kind)
        lexical = LexicalIndex.build([lexical_text(p) for p in passages], synonyms=synonyms)
        manifest = {
            "format": FORMAT, "version": __version__, "model": encoder.name, "dimension": int(vectors.shape[1]),
            "passages": len(passages), "vectors": int(vectors.shape[0]), "corpus_hash": corpus_hash,
            "dense_index": dense.kind, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 3),
        }
        return cls(passages, vectors, dense, lexical, encoder, manifest, catalogue, offsets)

    # ----------------------------------------------------------------- search
    def search(self, query: str, top_k: int = 5, config: SearchConfig = SearchConfig()) -> list[Hit]:
        """The ``top_k`` passages for one query."""
        return self.search_batch([query], top_k, config)[0]

    def search_batch(self, queries: Sequence[str], top_k: int = 5,
                     config: SearchConfig = SearchConfig()) -> list[list[Hit]]:
        """The ``top_k`` passages for each query, best first."""
        if top_k < 1:
            raise ValueError(f"top_k must be greater than 0. Currently, top_k is {top_k}.")
        if not queries:
            return []
        n = len(self.passages)
        qvecs = self.encoder.encode_queries(list(queries))
        lexical = self.lexical.scores(queries) if config.use_lexical else np.zeros((len(queries), n), np.float32)
        pool = min(n, max(config.candidates, top_k))
        exhaustive = self.embeddings.shape[0] <= EXHAUSTIVE_VECTORS
        if not exhaustive:
            # Several views may belong to one passage: ask for more views than passages wanted.
            _, view_ids = self.dense.search(qvecs, min(self.embeddings.shape[0], 4 * pool))
        results = []
        for qi in range(len(queries)):
            if exhaustive:
                dense = self.passage_scores(self.embeddings @ qvecs[qi])
                candidates = np.arange(n)
            else:
                lex_top = np.argpartition(-lexical[qi], pool - 1)[:pool] if pool < n else np.arange(n)
                from_dense = self.owner[view_ids[qi][view_ids[qi] >= 0]]
                candidates = np.unique(np.concatenate([from_dense, lex_top[lexical[qi][lex_top] > 0]]))
                dense = np.zeros(n, dtype=np.float32)
                dense[candidates] = self.candidate_scores(candidates, qvecs[qi])
            results.append(self._fuse(dense, lexical[qi], candidates, top_k, config))
        return results

    def passage_scores(self, view_scores: np.ndarray) -> np.ndarray:
        """Best view score of every passage."""
        return np.maximum.reduceat(view_scores, self.offsets[:-1]).astype(np.float32)

    def candidate_scores(self, candidates: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Best view score of the given passages only (exact, from the stored vectors)."""
        starts, ends = self.offsets[candidates], self.offsets[candidates + 1]
        lengths = ends - starts
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
        return np.maximum.reduceat(self.embeddings[rows] @ query, first).astype(np.float32)

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, candidates: np.ndarray, top_k: int,
              config: SearchConfig) -> list[Hit]:
        if not config.use_lexical:
            fused = dense[candidates].astype(np.float64)
        elif not config.use_dense:
            fused = lexical[candidates].astype(np.float64)
        elif config.fusion == "rrf":
            fused = rrf(dense, lexical, candidates, config.rrf_k, config.lexical_weight)
        else:
            fused = blend(dense, lexical, candidates, config.alpha)
        order = np.argsort(-fused, kind="stable")[:top_k]
        return [
            Hit(rank + 1, self.passages[int(candidates[i])], float(fused[i]),
                float(dense[candidates[i]]), float(lexical[candidates[i]]))
            for rank, i in enumerate(order)
        ]

    # ------------------------------------------------------------- save/load
    def passage_table(self) -> pd.DataFrame:
        return passages_frame(self.passages)

    def save(self, folder: Path) -> Path:
        """Write every file of the index into ``folder`` (created; an existing one is overwritten)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.passage_table().to_parquet(folder / "passages.parquet", index=False)
        for name, array in (("embeddings.npy", self.embeddings), ("offsets.npy", self.offsets)):
            with open(folder / name, "wb") as fh:
                np.save(fh, array, allow_pickle=False)
        self.dense.save(folder / "dense.faiss")
        self.lexical.save(folder / "lexical.npz")
        if self.catalogue is not None:
            _write_catalogue(self.catalogue, folder / "channels.csv")
        # Checksums let ``load`` tell a damaged file from a good one instead of answering wrongly.
        self.manifest["files"] = {name: _sha256(folder / name) for name in FILES[1:] if (folder / name).is_file()}
        # The manifest goes last: a folder with a manifest is a complete index.
        (folder / MANIFEST).write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        return folder

    @staticmethod
    def read_manifest(folder: Path) -> dict:
        path = Path(folder) / MANIFEST
        if not path.is_file():
            raise IndexLoadError(f"Aucun index dans {folder} : lancez `python build_index.py` pour le construire.")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexLoadError(f"Le manifeste {path} est illisible ({exc}) : reconstruisez l'index avec `python build_index.py`.") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise IndexLoadError(f"L'index {folder} a un format inconnu : reconstruisez-le avec `python build_index.py`.")
        return manifest

    @classmethod
    def load(cls, folder: Path, encoder: Encoder, check_model: bool = True) -> "FaqIndex":
        """Load an index saved by :meth:`save`, checking it was built with ``encoder``'s model."""
        folder = Path(folder)
        manifest = cls.read_manifest(folder)
        if check_model and manifest.get("model") != encoder.name:
            raise IndexLoadError(
                f"L'index a été construit avec le modèle « {manifest.get('model')} », mais la recherche utilise "
                f"« {encoder.name} » : reconstruisez l'index avec `python build_index.py --model {encoder.name}` "
                f"ou cherchez avec `--model {manifest.get('model')}`."
            )
        for name, digest in (manifest.get("files") or {}).items():
            path = folder / str(name)
            if not path.is_file():
                raise IndexLoadError(f"Le fichier {path} manque : l'index est incomplet, reconstruisez-le avec "
                                     "`python build_index.py`.")
            if _sha256(path) != digest:
                raise IndexLoadError(f"Le fichier {path} est endommagé (somme de contrôle différente) : "
                                     "reconstruisez l'index avec `python build_index.py`.")
        try:
            frame = pd.read_parquet(folder / "passages.parquet")
            passages = frame_passages(frame)
            with open(folder / "embeddings.npy", "rb") as fh:
                embeddings = np.load(fh, allow_pickle=False)
            with open(folder / "offsets.npy", "rb") as fh:
                offsets = np.load(fh, allow_pickle=False)
            dense = DenseIndex.load(folder / "dense.faiss")
            lexical = LexicalIndex.load(folder / "lexical.npz")
            catalogue = read_catalogue(folder / "channels.csv") if (folder / "channels.csv").is_file() else None
        except Exception as exc:  # any damaged file means the same fix
            raise IndexLoadError(f"L'index {folder} est incomplet ou endommagé ({type(exc).__name__}: {exc}) : "
                              "reconstruisez-le avec `python build_index.py`.") from exc
        counts = {len(passages), len(offsets) - 1, lexical.weights.shape[0], manifest.get("passages")}
        vectors = {int(offsets[-1]) if len(offsets) else -1, embeddings.shape[0], dense.size, manifest.get("vectors")}
        if len(counts) != 1 or len(vectors) != 1 or (len(offsets) and np.any(np.diff(offsets) < 1)):
            raise IndexLoadError(f"L'index {folder} est incohérent (nombres de passages {sorted(map(str, counts))}) : "
                              "reconstruisez-le avec `python build_index.py`.")
        if embeddings.ndim != 2 or embeddings.shape[1] != manifest.get("dimension") or dense.index.d != embeddings.shape[1]:
            raise IndexLoadError(f"L'index {folder} est incohérent (dimension {manifest.get('dimension')} annoncée, "
                                 f"{embeddings.shape[1:]} trouvée) : reconstruisez-le avec `python build_index.py`.")
        if check_model and int(encoder.dim) != embeddings.shape[1]:
            raise IndexLoadError(
                f"L'index a des vecteurs de dimension {embeddings.shape[1]}, mais le modèle « {encoder.name} » en "
                f"produit de dimension {encoder.dim} : reconstruisez l'index avec `python build_index.py"
                f"{'' if encoder.name == manifest.get('model') else ' --model ' + encoder.name}`."
            )
        return cls(passages, embeddings, dense, lexical, encoder, manifest, catalogue, offsets)


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_catalogue(catalogue: Catalogue, path: Path) -> None:
    from .channels import COLUMNS

    rows = []
    for c in catalogue.channels:
        rows.append({
            "id": c.id, "name": c.name, "keywords": ";".join(c.keywords), "url": c.url, "email": c.email,
            "phones": "; ".join(f"{k}={v}" for k, v in c.phones), "console_path": c.console_path,
            "availability": c.availability, "plans": ";".join(c.plans), "response_time": c.response_time,
            "best_for": c.best_for, "general": "oui" if c.general else "non",
        })
    pd.DataFrame(rows, columns=list(COLUMNS)).to_csv(path, index=False)
