"""A disk that fills up during a rebuild: a French message that says so and where, and the
index in service keeps answering."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.build.report import BuildError
from faqsearch.embedding.cache import EmbeddingCache
from faqsearch.index.dense import DenseIndex
from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.published import BUILDS, STAGING_PREFIX, current_build
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder


def _numpy_short_write(self, folder: Path) -> None:
    """What numpy raises when the disk fills up under it: no errno, English counts."""
    (Path(folder) / "embeddings.npy").write_bytes(b"\0" * 1024)
    raise OSError("355584 requested and 223200 written")


def _no_space(*args, **kwargs) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def served(tmp_path):
    """A corpus built once (generation 1), then edited (generation 2): the next build has to write."""
    corpus, root = write_corpus(tmp_path / "corpus", generation=1), tmp_path / "index"
    build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    write_corpus(corpus, generation=2)
    return corpus, root, current_build(root)


def _assert_still_serving(root: Path, before: Path) -> None:
    assert current_build(root) == before
    assert not list((root / BUILDS).glob(STAGING_PREFIX + "*"))  # the partial files are gone
    answer = Engine(FaqIndex.load(before, FakeEncoder()), root=root).ask("Configurer IMAP")
    assert answer.hits and "édition 1" in answer.hits[0].passage.answer


@pytest.mark.parametrize("where, patch", [
    ("index", (DenseIndex, "save", _numpy_short_write)),
    ("index", (pd.DataFrame, "to_parquet", _no_space)),
    ("cache", (EmbeddingCache, "save", _no_space)),
])
def test_a_full_disk_stops_the_build_and_says_where(served, monkeypatch, tmp_path, where, patch):
    corpus, root, before = served
    monkeypatch.setattr(*patch)
    with pytest.raises(BuildError) as caught:
        build(corpus, root, FakeEncoder(), cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert message.startswith("Le disque est plein")
    assert str(root / BUILDS if where == "index" else tmp_path / "cache") in message
    assert "L'index en service n'a pas été modifié" in message and "requested" not in message
    _assert_still_serving(root, before)


def test_the_command_line_prints_the_french_message(served, monkeypatch, capsys, tmp_path):
    corpus, root, before = served
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    monkeypatch.setattr(DenseIndex, "save", _numpy_short_write)
    monkeypatch.setenv("FAQSEARCH_EMBED_CACHE", str(tmp_path / "cache"))
    assert cli.main(["build", "--corpus", str(corpus), "--index", str(root)]) != 0
    err = capsys.readouterr().err
    assert "Le disque est plein" in err and "Traceback" not in err
    _assert_still_serving(root, before)
