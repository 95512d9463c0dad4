"""The database behind the feedback store: its tables, and how to reach SQLite or PostgreSQL.

Every table is declared on :data:`METADATA`, and :func:`create_schema` creates what is missing:
a new table is one more ``Table(...)`` here, nothing else. SQLite (a local file, the default) and
PostgreSQL (several machines) are reached through the same SQLAlchemy Core statements.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (Column, Float, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, event, text)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

BUSY_TIMEOUT_S = 30.0

METADATA = MetaData()

QUESTIONS = Table(
    "questions", METADATA,
    Column("id", Integer, primary_key=True),
    Column("asked_at", Text, nullable=False),
    Column("session", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("normalized", Text, nullable=False),
    Column("plan", String(16)),
    Column("confident", Integer, nullable=False),
    Column("top_passage", Text),
    Column("results", Integer, nullable=False),
    Column("latency_ms", Float),
    Index("questions_normalized", "normalized"),
)

RATINGS = Table(
    "ratings", METADATA,
    Column("id", Integer, primary_key=True),
    Column("rated_at", Text, nullable=False),
    Column("session", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("passage_id", Text, nullable=False),
    Column("plan", String(16)),
    Column("rating", Integer, nullable=False),
    UniqueConstraint("session", "question", "passage_id"),
    Index("ratings_rating", "rating"),
)


# Questions an editor dismissed from the "to learn" list (see :meth:`FeedbackStore.dismiss`).
DISMISSED = Table(
    "dismissed_questions", METADATA,
    Column("normalized", Text, primary_key=True),
    Column("question", Text, nullable=False),
    Column("dismissed_by", Text, nullable=False),
    Column("dismissed_at", Text, nullable=False),
)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def connect(url: str) -> Engine:
    """An engine for ``url``; raises ``ValueError`` with a French message for a malformed URL.

    SQLite gets a fresh connection per operation (no pool): a pooled connection would keep
    writing into a file that was deleted meanwhile, and those rows would be lost. Every new
    connection turns on WAL, so a file recreated after a deletion is as safe for several writers.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        # pool_pre_ping: a server restarted behind a long-lived worker is reconnected, not an error.
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except (ArgumentError, ValueError) as exc:
        raise ValueError(f"Adresse de base de données invalide ({exc}) : attendu par exemple "
                         "postgresql+psycopg://utilisateur:motdepasse@hote/base ou sqlite:////chemin/feedback.sqlite3.") from exc
    except ModuleNotFoundError as exc:
        raise ValueError(f"Le pilote de la base {url.split(':', 1)[0]} n'est pas installé ({exc.name}) : "
                         "pour PostgreSQL, utilisez postgresql+psycopg://… (paquet psycopg).") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL is a property of the file: a no-op once set, needed again for a recreated file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL, much faster
    finally:
        cursor.close()


# Any constant: the key of the PostgreSQL advisory lock that serialises schema creation.
SCHEMA_LOCK_KEY = 7_041_932


def create_schema(engine: Engine) -> None:
    """Create the tables and indexes that are missing (existing ones and their rows are kept).

    Several processes (workers, replicas) may start at once on a new database: on PostgreSQL they
    take turns under an advisory lock, so the later ones find the tables instead of colliding on
    them; SQLite callers retry (see :meth:`FeedbackStore._prepare`).
    """
    with engine.begin() as con:
        if con.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        METADATA.create_all(con, checkfirst=True)
