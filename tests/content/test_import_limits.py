"""Imports at their limits: nesting too deep, very long CSV values, addresses that are no web page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faqsearch.content.corpus import load_corpus, parse_file
from faqsearch.content.files import decode_content, read_content_bytes
from faqsearch.content.jsontext import MAX_JSON_DEPTH
from faqsearch.content.tables import MAX_CSV_FIELD_CHARS, read_table
from faqsearch.errors import ContentError
from tests.corpora import write_corpus

DEPTH = 10_000  # exhausted Python's recursion in the JSON decoder and in the HTML reader


def read_file(path: Path):
    """The passages and warnings of one content file, read as a build reads it."""
    return parse_file(path, decode_content(read_content_bytes(path, path.parent), path))


def _error(path: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        read_file(path)
    return caught.value


def test_a_json_export_nested_too_deep_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{"articles": [\n  {"title": "Payer", "body": "Par carte."},\n  {"title": ' + "[" * DEPTH
                    + "]" * DEPTH + "}\n]}\n", encoding="utf-8")
    error = _error(path)
    assert (error.source, error.line) == (str(path), 3)
    assert f"plus de {MAX_JSON_DEPTH} niveaux" in error.message and "recursion" not in str(error)


def test_a_json_lines_table_nested_too_deep_names_its_line(tmp_path):
    path = tmp_path / "faq.jsonl"
    path.write_text('{"question": "Payer ?", "answer": "Par carte."}\n'
                    '{"question": "Résilier ?", "answer": ' + "{\"a\": " * DEPTH + "1" + "}" * DEPTH + "}\n",
                    encoding="utf-8")
    error = _error(path)
    assert (error.source, error.line) == (str(path), 2) and "imbriqué" in error.message


def test_an_html_page_nested_too_deep_names_its_line(tmp_path):
    path = tmp_path / "aide.html"
    path.write_text("<html><body><h1>Aide</h1>\n<p>Début.</p>\n" + "<div>" * DEPTH + "texte" + "</div>" * DEPTH
                    + "</body></html>", encoding="utf-8")
    error = _error(path)
    assert (error.source, error.line) == (str(path), 3)
    assert "imbriqué" in error.message and "recursion" not in str(error)


def test_an_html_answer_nested_too_deep_names_its_row(tmp_path):
    path = tmp_path / "faq.jsonl"
    rows = [{"question": "Payer ?", "answer": "Par carte."},
            {"question": "Résilier ?", "answer": "<div>" * DEPTH + "Écrivez-nous." + "</div>" * DEPTH}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    error = _error(path)
    assert (error.source, error.line) == (str(path), 2) and "imbriqué" in error.message


def test_usual_nesting_is_read(tmp_path):
    path = tmp_path / "aide.html"
    path.write_text("<html><body><h1>Aide</h1>" + "<div>" * 40 + "<p>Texte profond.</p>" + "</div>" * 40
                    + "</body></html>", encoding="utf-8")
    [entry] = read_file(path)[0]
    assert entry.answer == "Texte profond."


def test_a_csv_answer_longer_than_csvs_default_limit_is_read_whole():
    answer = "Une très longue réponse. " * 8000  # 200,000 characters; csv refused 131,072 by default
    [entry] = read_table(f'question,answer\nLongue ?,"{answer}"\n', "faq", "corpus/faq.csv").passages
    assert entry.answer == answer.strip() and len(entry.answer) > 131_072


def test_a_csv_value_beyond_the_bound_says_a_quote_was_left_open():
    text = 'question,answer\nPayer ?,"Par carte.\n' + "x" * (MAX_CSV_FIELD_CHARS + 10)
    with pytest.raises(ContentError) as caught:
        read_table(text, "faq", "corpus/faq.csv")
    assert caught.value.line == 2 and "guillemet" in caught.value.message
    assert "field" not in caught.value.message  # French only


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_only_web_addresses_are_kept_as_an_entrys_page_with_a_warning(tmp_path, suffix):
    folder = write_corpus(tmp_path / "corpus")
    rows = [("Payer ?", "Par carte.", "javascript:alert(document.cookie)"),
            ("Résilier ?", "Écrivez-nous.", "data:text/html,<script>alert(1)</script>"),
            ("Changer d'adresse ?", "Dans Profil.", "https://aide.example.org/adresse"),
            ("Fermer le compte ?", "Dans Sécurité.", "/relative/page")]
    if suffix == ".csv":
        text = "question,answer,url\n" + "".join(f'"{q}","{a}","{u}"\n' for q, a, u in rows)
    else:
        text = "".join(json.dumps({"question": q, "answer": a, "url": u}) + "\n" for q, a, u in rows)
    (folder / f"faq{suffix}").write_text(text, encoding="utf-8")
    corpus = load_corpus(folder)
    urls = {p.question: p.url for p in corpus.passages if p.guide == "Faq"}
    assert urls == {"Payer ?": "", "Résilier ?": "", "Changer d'adresse ?": "https://aide.example.org/adresse",
                    "Fermer le compte ?": ""}
    [warning] = [w for w in corpus.warnings if w.file.endswith(f"faq{suffix}")]
    first = 2 if suffix == ".csv" else 1
    assert warning.line == first and "javascript:alert" in warning.message
    assert f"lignes {first}, {first + 1}, {first + 3}" in warning.message and "https://" in warning.message


def test_the_catalogue_applies_the_same_address_rule(tmp_path):
    folder = write_corpus(tmp_path / "corpus")
    catalogue = folder / "channels.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("https://", "javascript://", 1), encoding="utf-8")
    with pytest.raises(ContentError, match="n'est pas une adresse web"):
        load_corpus(folder)
    # A broken IPv6 host was an uncaught ValueError of urllib.
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("javascript://", "http://[bad", 1),
                         encoding="utf-8")
    with pytest.raises(ContentError, match="n'est pas une adresse web"):
        load_corpus(folder)


def test_half_a_character_from_a_json_escape_is_refused_with_its_line(tmp_path):
    path = tmp_path / "faq.jsonl"
    path.write_text('{"question": "Payer ?", "answer": "Par carte."}\n'
                    '{"question": "Résilier ?", "answer": "Écrivez-nous \\ud800."}\n', encoding="utf-8")
    error = _error(path)
    assert (error.source, error.line) == (str(path), 2) and "\\ud800" in error.message and "answer" in error.message
