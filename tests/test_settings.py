from pathlib import Path

from faqsearch import settings


def test_folders_default_beside_the_base_and_follow_the_environment(monkeypatch, tmp_path: Path):
    for env in (settings.CORPUS_ENV, settings.INDEX_ENV, settings.DATA_ENV):
        monkeypatch.delenv(env, raising=False)
    assert settings.corpus_dir(tmp_path) == tmp_path / "corpus"
    assert settings.index_dir(tmp_path) == tmp_path / "index"
    assert settings.data_dir(tmp_path) == tmp_path / "data"
    monkeypatch.setenv(settings.DATA_ENV, str(tmp_path / "ailleurs"))
    assert settings.data_dir(tmp_path) == tmp_path / "ailleurs"


def test_model_backend_and_caches(monkeypatch, tmp_path: Path):
    monkeypatch.delenv(settings.MODEL_ENV, raising=False)
    monkeypatch.delenv(settings.CACHE_ENV, raising=False)
    monkeypatch.delenv(settings.EMBED_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert settings.model_name() == settings.DEFAULT_MODEL
    assert settings.cache_dir() == tmp_path / "xdg" / "faqsearch"
    assert settings.embed_cache_dir() == tmp_path / "xdg" / "faqsearch" / "embeddings"
    monkeypatch.setenv(settings.MODEL_ENV, "/modeles/autre")
    monkeypatch.setenv(settings.BACKEND_ENV, " Torch ")
    assert settings.model_name() == "/modeles/autre" and settings.backend() == "torch"
