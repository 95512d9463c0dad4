"""The engine the page, the HTTP service and the command line answer with, loaded one way.

The encoder comes from the settings (model, backend, precision); a page or a service warms it up so
that its first visitor does not wait for the weights, and searches on one torch thread; the engine
opens the newest published build and follows the later ones by itself (:meth:`Engine.current`).
"""

from __future__ import annotations

from ..embedding.encoder import Encoder, make_encoder
from ..embedding.sentence_transformers import SentenceTransformerEncoder
from ..settings import Settings
from .engine import Engine

# One torch thread per search when the sentence-transformers backend is used: a short query gains
# nothing from intra-op parallelism, and when the cores are busy (another session, a rebuild, other
# programs) OpenMP's spin-waiting made a query take ~1 s with 2 threads against ~50 ms with 1,
# measured on the 2-core target machine.
SEARCH_THREADS = 1
WARM_UP = "préchauffage"


def load_encoder(settings: Settings, warm: bool = True) -> Encoder:
    """The encoder of ``settings``; ``warm`` (a long-lived page or service, not a one-shot command)
    loads its weights now and gives torch one thread per search."""
    encoder = make_encoder(settings.model, settings.backend, settings.precision)
    if warm:
        if isinstance(encoder, SentenceTransformerEncoder):
            import torch  # only this backend has loaded it, and only it needs the setting

            torch.set_num_threads(SEARCH_THREADS)
        encoder.encode_queries([WARM_UP])  # load the weights now, not during the first question
    return encoder


def open_engine(settings: Settings, encoder: Encoder | None = None) -> Engine:
    """The engine over the newest build published under ``settings.index_dir`` (raises
    ``IndexLoadError``); ``encoder`` defaults to :func:`load_encoder`'s."""
    return Engine.open(settings.index_dir, encoder if encoder is not None else load_encoder(settings))
