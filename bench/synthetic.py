"""Synthetic corpora for scale measurements: many guides made from varied copies of real passages.

Each synthetic passage copies a real one (its channel and plans too), names another product,
reorders the answer's lines, adds a reference code and a few sentences of filler text, so that
BM25 sees a growing vocabulary and many near-duplicates, as in a large help center.

Embedding 100,000 passages with the real model on 2 cores would take hours, so scale runs use
:func:`synthetic_vectors`: the real vector of the copied passage plus Gaussian noise, normalised.
The generator is deterministic: the same arguments give the same passages and vectors.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from faqsearch.records.passage import Passage
from faqsearch.text.normalize import slug

PRODUCTS = (
    "Zoho Mail", "Zoho CRM", "Zoho Desk", "Zoho Books", "Zoho Projects", "Zoho People", "Zoho Cliq",
    "Zoho WorkDrive", "Zoho Sign", "Zoho Invoice", "Zoho Campaigns", "Zoho Forms", "Zoho Analytics",
    "Zoho Vault", "Zoho Meeting", "Zoho Sprints", "Zoho Recruit", "Zoho Survey", "Zoho Creator", "Zoho Notebook",
)
SUBJECTS = ("l'administrateur", "l'utilisateur", "le compte principal", "l'équipe", "le service client",
            "le responsable informatique", "le technicien", "l'organisation", "le partenaire", "le client")
VERBS = ("vérifie", "configure", "active", "désactive", "consulte", "met à jour", "exporte", "importe",
         "synchronise", "sauvegarde", "restaure", "partage", "supprime", "archive", "renouvelle")
OBJECTS = ("les paramètres du domaine", "la facturation mensuelle", "les journaux d'activité", "les alias",
           "la politique de mots de passe", "les règles de filtrage", "la signature", "les groupes",
           "les quotas de stockage", "les droits d'accès", "la double authentification", "les notifications",
           "le calendrier partagé", "les modèles de réponse", "la migration des données", "les sauvegardes",
           "les intégrations tierces", "le tableau de bord", "les licences", "les rapports d'utilisation")
WHEN = ("chaque semaine", "avant toute migration", "après un changement de forfait", "en fin de mois",
        "lors de l'arrivée d'un collaborateur", "si un message est bloqué", "depuis l'application mobile",
        "dans la console d'administration", "sur demande du support", "en cas de doute")
QUESTION_FORMS = ("{q}", "{q} ({product})", "{product} : {q}", "{q} — {product}")


@dataclass(frozen=True)
class SyntheticCorpus:
    """Passages and, for each, the index of the real passage it was copied from."""

    passages: tuple[Passage, ...]
    origins: np.ndarray  # int64, one per passage

    def __len__(self) -> int:
        return len(self.passages)


def filler(rng: random.Random, sentences: int) -> str:
    """A few plausible but uninformative French sentences."""
    return " ".join(f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                    f"{rng.choice(WHEN)}." for _ in range(sentences))


def vary(passage: Passage, rng: random.Random, guide: str, number: int) -> Passage:
    """A varied copy of ``passage`` for ``guide``: other product, reordered lines, filler text."""
    product = rng.choice(PRODUCTS)
    question = passage.question.replace("Zoho Mail", product)
    question = rng.choice(QUESTION_FORMS).format(q=question, product=product)
    lines = [line for line in passage.answer.replace("Zoho Mail", product).splitlines() if line.strip()]
    if len(lines) > 2 and rng.random() < 0.5:
        head, tail = lines[:1], lines[1:]
        rng.shuffle(tail)
        lines = head + tail
    keep = max(1, round(len(lines) * rng.uniform(0.6, 1.0)))
    lines = lines[:keep]
    # Appended to the last line, so the passage keeps its original's number of lines (and views).
    lines[-1] = f"{lines[-1]} Référence : KB-{number:06d}. {filler(rng, rng.randint(1, 3))}"
    title = f"{passage.title or passage.question} {number}"
    return replace(passage, id=f"{guide}/{slug(title)}", guide=guide, section=passage.section.replace("Zoho Mail", product),
                   title=title, question=question, answer="\n".join(lines), source=f"{guide}.md:{number}")


def generate(seed_passages: Sequence[Passage], n: int, seed: int = 0, per_guide: int = 40) -> SyntheticCorpus:
    """``n`` synthetic passages in guides of ``per_guide`` passages, copied from ``seed_passages``."""
    if not seed_passages:
        raise ValueError("seed_passages must not be empty.")
    if n < 0 or per_guide < 1:
        raise ValueError(f"n must be ≥ 0 and per_guide ≥ 1. Currently, n is {n} and per_guide is {per_guide}.")
    rng = random.Random(seed)
    passages, origins = [], np.empty(n, dtype=np.int64)
    for i in range(n):
        guide = f"guide-synthetique-{i // per_guide:05d}"
        j = rng.randrange(len(seed_passages))
        origins[i] = j
        passages.append(vary(seed_passages[j], rng, guide, i))
    return SyntheticCorpus(tuple(passages), origins)


def synthetic_vectors(seed_vectors: np.ndarray, origins: np.ndarray, noise: float = 0.5, seed: int = 0) -> np.ndarray:
    """For each origin, its real vector plus Gaussian noise of total norm about ``noise``, normalised.

    With ``noise`` 0.5 a copy keeps a cosine of about 0.9 with its original, so copies of one
    passage cluster the way paraphrases do.
    """
    seed_vectors = np.asarray(seed_vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    dim = seed_vectors.shape[1]
    out = np.empty((len(origins), dim), dtype=np.float32)
    step = 8192
    for start in range(0, len(origins), step):
        chunk = origins[start:start + step]
        v = seed_vectors[chunk] + rng.standard_normal((len(chunk), dim), dtype=np.float32) * (noise / np.sqrt(dim))
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        out[start:start + len(chunk)] = v
    return out


def write_tables(passages: Sequence[Passage], folder: Path) -> int:
    """Write ``passages`` into ``folder`` as FAQ tables, one ``.jsonl`` per guide (what an editor
    exports from a help center), so that they are built through the product's reading path;
    returns the number of files written. Ids are the passages' ranks, unique whatever the titles."""
    folder.mkdir(parents=True, exist_ok=True)
    guides: dict[str, list[str]] = {}
    for i, p in enumerate(passages):
        row = {"id": f"p{i:06d}", "section": p.section, "question": p.question, "answer": p.answer,
               "channel": p.channel, "variants": "|".join(p.variants)}
        guides.setdefault(p.guide, []).append(json.dumps(row, ensure_ascii=False) + "\n")
    for guide, rows in guides.items():
        (folder / f"{guide}.jsonl").write_text("".join(rows), encoding="utf-8")
    return len(guides)


class SyntheticEncoder:
    """An encoder without a model, for scale runs through the real build: a text's vector is one
    of ``seed_vectors`` plus noise (as :func:`synthetic_vectors`), both chosen by a hash of the
    text, so a text gets the same vector whatever it is batched with (the embedding cache relies
    on it) and copies stay clustered around a few seed vectors."""

    def __init__(self, seed_vectors: np.ndarray, noise: float = 0.5, name: str = "synthetic-vectors"):
        self.seed_vectors = np.asarray(seed_vectors, dtype=np.float32)
        if self.seed_vectors.ndim != 2 or not len(self.seed_vectors):
            raise ValueError(f"seed_vectors must be a non-empty matrix. Currently, its shape is {self.seed_vectors.shape}.")
        self.noise = noise
        self.name = name
        self.dim = int(self.seed_vectors.shape[1])

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            h = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            out[i] = synthetic_vectors(self.seed_vectors, np.array([h % len(self.seed_vectors)]), self.noise, seed=h)[0]
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts)
