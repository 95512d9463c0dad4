"""The database behind the feedback store: its tables, and how to reach SQLite or PostgreSQL.

Every table is declared on :data:`METADATA`, and :func:`create_schema` creates what is missing:
a new table is one more ``Table(...)`` here, nothing else; a new nullable column is added to the
tables of an existing database the same way. SQLite (a local file, the default) and PostgreSQL
(several machines) are reached through the same SQLAlchemy Core statements, within the bounds
of :class:`faqsearch.feedback.deadline.DatabaseLimits`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (Column, Float, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
                        create_engine, event, inspect, text)
from sqlalchemy.engine import Connection, Engine, URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from .deadline import DatabaseLimits, transaction

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
    # A keyed hash of the visitor's address (see faqsearch.service.clientkey), never the address:
    # one client repeating a question counts once. Empty for the page, whose sessions count.
    Column("client_key", Text),
    Index("questions_normalized", "normalized"),
    # The dashboard's figures are counted over a period (faqsearch.analytics).
    Index("questions_asked_at", "asked_at"),
    # "Was an answer opened after this question?" matches a session's events with its questions.
    Index("questions_session", "session", "normalized"),
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
    Column("client_key", Text),
    UniqueConstraint("session", "question", "passage_id"),
    Index("ratings_rating", "rating"),
    Index("ratings_rated_at", "rated_at"),
)


# What visitors did with an answer (see :mod:`faqsearch.feedback.events`): opened it, or used a
# link of its card. Like the questions, no address and no user agent: a random session, a client key.
EVENTS = Table(
    "events", METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("session", Text, nullable=False),
    Column("client_key", Text),
    Column("kind", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("normalized", Text, nullable=False),
    Column("passage_id", Text),
    Column("rank", Integer),
    Column("target", Text),
    Column("plan", String(16)),
    Index("events_at", "at"),
    Index("events_normalized", "normalized", "passage_id"),
)


# The dashboard's counts of each closed day (faqsearch.analytics.rollup), so that a long period adds
# up a row per day and key instead of reading every question and event again; DAYS_ROLLED says
# which days are complete. Purged with the rows they count.
DAILY = Table(
    "daily_figures", METADATA,
    Column("day", String(10), primary_key=True),
    Column("figure", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("m", Integer, nullable=False),
    Column("last", Integer, nullable=False),
)

DAYS_ROLLED = Table(
    "daily_rolled", METADATA,
    Column("day", String(10), primary_key=True),
    Column("rolled_at", Text, nullable=False),
)


# Questions an editor dismissed from the "to learn" list (see :meth:`FeedbackStore.dismiss`).
DISMISSED = Table(
    "dismissed_questions", METADATA,
    Column("normalized", Text, primary_key=True),
    Column("question", Text, nullable=False),
    Column("dismissed_by", Text, nullable=False),
    Column("dismissed_at", Text, nullable=False),
)

# (phrasing, passage) pairs an editor turned down among the phrasings learnt from visitors' clicks
# (see :mod:`faqsearch.feedback.rejections`): never proposed again, never attached automatically.
REJECTED_PAIRS = Table(
    "rejected_pairs", METADATA,
    Column("key", Text, primary_key=True),
    Column("passage_id", Text, primary_key=True),
    Column("question", Text, nullable=False),
    Column("rejected_by", Text, nullable=False),
    Column("rejected_at", Text, nullable=False),
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


def connect(url: str, limits: DatabaseLimits = DatabaseLimits()) -> Engine:
    """An engine for ``url``; raises ``ValueError`` with a French message for a malformed URL.

    SQLite gets a fresh connection per operation (no pool): a pooled connection would keep
    writing into a file that was deleted meanwhile, and those rows would be lost. Every new
    connection turns on WAL, so a file recreated after a deletion is as safe for several writers.
    PostgreSQL connections are pooled and bounded by ``limits``. No ping before each use (it
    would be one more unbounded read on a frozen server): a connection that a restarted server
    closed fails its first statement, and the store tries again on a new one.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        if parsed.get_backend_name() != "postgresql":
            return create_engine(parsed)
        pool = max(limits.concurrent, 2)
        return create_engine(parsed, pool_size=pool // 2, max_overflow=pool - pool // 2,
                             pool_timeout=limits.pool_s, connect_args=postgres_arguments(parsed, limits))
    except (ArgumentError, ValueError) as exc:
        raise ValueError(f"Adresse de base de données invalide ({exc}) : attendu par exemple "
                         "postgresql+psycopg://utilisateur:motdepasse@hote/base ou sqlite:////chemin/feedback.sqlite3.") from exc
    except ModuleNotFoundError as exc:
        raise ValueError(f"Le pilote de la base {url.split(':', 1)[0]} n'est pas installé ({exc.name}) : "
                         "pour PostgreSQL, utilisez postgresql+psycopg://… (paquet psycopg).") from exc


# A host that vanished is noticed after about idle + interval × count seconds of silence.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 5, 2, 3


def _ms(seconds: float) -> int:
    """PostgreSQL and libpq count milliseconds; 0 would mean no limit at all."""
    return max(1, round(seconds * 1000))


def postgres_arguments(parsed: URL, limits: DatabaseLimits) -> dict:
    """psycopg's connection arguments for ``limits``; those the URL sets itself are left to it."""
    given = set(parsed.query)
    bounds = f"-c statement_timeout={_ms(limits.statement_s)} -c lock_timeout={_ms(limits.lock_s)}"
    options = " ".join(filter(None, (str(parsed.query.get("options") or ""), bounds)))
    wanted = {"connect_timeout": max(2, round(limits.connect_s)),  # libpq's own minimum is 2 s
              "keepalives": 1, "keepalives_idle": KEEPALIVE_IDLE_S, "keepalives_interval": KEEPALIVE_INTERVAL_S,
              "keepalives_count": KEEPALIVE_COUNT, "tcp_user_timeout": _ms(limits.operation_s)}
    return {**{k: v for k, v in wanted.items() if k not in given}, "options": options}


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


def create_schema(engine: Engine, seconds: float = DatabaseLimits().operation_s) -> None:
    """Create the tables, columns and indexes that are missing (existing ones and their rows are kept).

    Several processes (workers, replicas) may start at once on a new database: on PostgreSQL they
    take turns under an advisory lock, so the later ones find the tables instead of colliding on
    them; SQLite callers retry (see :meth:`FeedbackStore._prepare`).
    """
    with transaction(engine, seconds) as con:
        if con.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        METADATA.create_all(con, checkfirst=True)
        add_missing_columns(con)
        add_missing_indexes(con)


def add_missing_columns(con: Connection) -> None:
    """``ALTER TABLE … ADD COLUMN`` for each column of :data:`METADATA` that a table made by an
    older version lacks. Only nullable columns are ever added, so existing rows stay valid."""
    inspector = inspect(con)
    for table in METADATA.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"column {table.name}.{column.name} cannot be added to existing rows: make it nullable")
            kind = column.type.compile(dialect=con.dialect)
            con.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))


def add_missing_indexes(con: Connection) -> None:
    """Create the indexes of :data:`METADATA` that a table made by an older version lacks
    (``create_all`` only indexes the tables it creates)."""
    inspector = inspect(con)
    for table in METADATA.sorted_tables:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(con)
