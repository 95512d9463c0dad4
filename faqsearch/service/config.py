"""The service's settings: folders, database, model, browser origins, request limits.

Read from the environment, so that every uvicorn worker process (started from an import string)
rebuilds the same settings; ``python -m faqsearch serve`` turns its options into these variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..search.engine import MAX_TOP_K
from ..ratelimit import Rate

# A request-size guard: a help-center question is a sentence or two, and longer text only costs
# encoding time for everyone. The engine has its own cut, reported in the answer's ``notice``.
MAX_QUERY_CHARS = 500
MAX_BODY_BYTES = 16 * 1024
MAX_PASSAGE_ID_CHARS = 300


@dataclass(frozen=True)
class ServiceSettings:
    """Everything :func:`faqsearch.service.app.create_app` needs besides the model weights.

    ``database_url`` empty means the SQLite file ``feedback.sqlite3`` in ``data_dir`` (the page's).
    ``cors_origins`` are the sites whose scripts may call the API (none by default; the widget,
    served by the service itself, needs none). ``frame_ancestors`` are the sites that may embed
    the widget in an iframe (its Content-Security-Policy). ``search_rate`` and ``write_rate``
    bound the requests of one client address (None: no limit; see :func:`rates`).
    """

    index_root: Path
    corpus_dir: Path
    data_dir: Path
    database_url: str = ""
    model: str = ""
    cors_origins: tuple[str, ...] = ()
    frame_ancestors: tuple[str, ...] = ("*",)
    max_top_k: int = MAX_TOP_K
    max_body_bytes: int = MAX_BODY_BYTES
    search_rate: Rate | None = None
    write_rate: Rate | None = None

    def __post_init__(self):
        for origin in self.cors_origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"Origine CORS invalide : {origin!r}. Attendu par exemple https://aide.exemple.fr "
                                 f"(plusieurs origines séparées par des virgules dans ${settings.CORS_ENV}).")
        if not 1 <= self.max_top_k <= MAX_TOP_K:
            raise ValueError(f"max_top_k must be between 1 and {MAX_TOP_K}. Currently, max_top_k is {self.max_top_k}.")

    @classmethod
    def from_env(cls) -> "ServiceSettings":
        """Folders relative to the current one, as for the command line, unless the variables say otherwise."""
        search_rate, write_rate = rates(settings.rate_limit())
        return cls(
            index_root=settings.index_dir(),
            corpus_dir=settings.corpus_dir(),
            data_dir=settings.data_dir(),
            database_url=settings.database_url(),
            model=settings.model_name(),
            cors_origins=settings.cors_origins(),
            frame_ancestors=settings.widget_ancestors(),
            search_rate=search_rate,
            write_rate=write_rate,
        )


def rates(searches_per_minute: int) -> tuple[Rate | None, Rate | None]:
    """The limits for searches (and passages) and for writes (questions, ratings) from one number:
    bursts of a tenth of a minute's searches, so a visitor typing a long question is never
    stopped; writes, one per question asked, at a tenth of the search rate. 0: no limit."""
    if searches_per_minute <= 0:
        return None, None
    writes = searches_per_minute / 10
    return (Rate(searches_per_minute, max(1, searches_per_minute // 10)),
            Rate(writes, max(1, int(writes // 3))))
