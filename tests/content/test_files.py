"""A build reads each corpus file once, and the digest is that of the bytes it parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqsearch.content import files
from faqsearch.content.corpus import load_corpus
from faqsearch.content.files import content_files, corpus_digest
from faqsearch.errors import ContentError


def test_each_file_is_read_once_and_hashed_as_read(corpus_copy: Path, monkeypatch):
    reads: list[str] = []
    real = files.read_content_bytes
    monkeypatch.setattr(files, "read_content_bytes", lambda path, folder: reads.append(Path(path).name) or real(path, folder))
    corpus = load_corpus(corpus_copy)
    assert sorted(reads) == sorted(p.name for p in content_files(corpus_copy))  # once each
    assert len(reads) == len(set(reads)) >= 3
    assert corpus.digest == corpus_digest(corpus_copy)


def test_a_file_that_cannot_be_read_is_refused_when_parsed_and_still_counts_in_the_digest(corpus_copy: Path):
    before = corpus_digest(corpus_copy)
    guide = next(corpus_copy.glob("*.txt"))
    guide.rename(corpus_copy / "ailleurs.bak")
    guide.symlink_to(corpus_copy / "ailleurs.bak")
    read = files.read_folder(corpus_copy)
    assert guide in read and read.digest != before
    with pytest.raises(ContentError, match="lien symbolique"):
        read.text(guide)
