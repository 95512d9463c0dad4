"""Long answers are cut into chunks that fit the model, on the coarsest boundary available."""

from __future__ import annotations

import pytest

from faqsearch.content.chunking import chunk_passage, chunk_passages, split_text
from faqsearch.content.guides import parse_guide
from faqsearch.embedding.tokenizer import FileTokenizer
from faqsearch.records.passage import Passage
from faqsearch.search.hybrid import search_batch


def word_count(text: str) -> int:
    return len(text.split())


def entry(answer: str, pid: str = "guide/aides/logement") -> Passage:
    return Passage(pid, "Guide", "Aides", "Logement", "Quelles aides pour le logement ?", answer)


def long_answer(paragraphs: int = 40) -> str:
    return "\n\n".join(
        f"Paragraphe {i} : " + " ".join(f"mot{i}x{j}" for j in range(30)) + ".\nSuite du paragraphe {i}."
        for i in range(paragraphs)
    )


def test_a_short_entry_is_left_as_it_is():
    p = entry("Une ligne.\n  - une sous-ligne indentée")
    assert chunk_passage(p, word_count, 50) == [p]
    assert (p.part, p.parts, p.entry) == (1, 1, p.id)


def test_chunks_stay_under_the_limit_and_keep_every_word_in_order():
    text = long_answer()
    chunks = split_text(text, word_count, 100)
    assert len(chunks) > 10
    assert all(word_count(c) <= 100 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_cuts_fall_between_paragraphs_when_paragraphs_fit():
    chunks = split_text(long_answer(), word_count, 100)
    # Every paragraph is 35 words: three fit in a chunk, and none is ever split.
    assert all(c.startswith("Paragraphe ") and c.rstrip().endswith(".") for c in chunks)
    assert all(c.count("Paragraphe ") == c.count("Suite du paragraphe") for c in chunks)


def test_a_paragraph_too_long_is_cut_between_lines_then_sentences_then_words():
    lines = "\n".join(f"Ligne {i} avec quelques mots de plus." for i in range(50))
    assert all(c.startswith("Ligne ") for c in split_text(lines, word_count, 20))
    sentences = " ".join(f"Phrase {i} assez courte." for i in range(50))
    assert all(c.startswith("Phrase ") and c.endswith(".") for c in split_text(sentences, word_count, 20))
    words = " ".join(f"adresse{i}" for i in range(100))
    chunks = split_text(words, word_count, 20)
    assert len(chunks) == 5 and all(word_count(c) == 20 for c in chunks)


def test_chunks_carry_the_entry_its_question_and_their_place():
    p = entry(long_answer(), "guide/aides/logement")
    chunks = chunk_passage(p, word_count, 100)
    n = len(chunks)
    assert [c.id for c in chunks] == [f"guide/aides/logement#{k}" for k in range(1, n + 1)]
    assert {c.entry for c in chunks} == {p.id}
    assert [(c.part, c.parts) for c in chunks] == [(k, n) for k in range(1, n + 1)]
    assert all(c.question == p.question and c.section == p.section for c in chunks)
    # The section and question are embedded with every chunk: the whole text fits.
    assert all(word_count(c.text()) <= 100 for c in chunks)
    assert chunks[0].to_dict()["entry_id"] == p.id and chunks[1].to_dict()["part"] == 2


def test_editing_the_end_of_an_entry_keeps_the_ids_and_text_of_the_chunks_before():
    text = long_answer()
    before = chunk_passage(entry(text), word_count, 100)
    after = chunk_passage(entry(text + "\n\nUn paragraphe ajouté à la fin."), word_count, 100)
    assert before[:-1] == after[: len(before) - 1]


def test_only_long_entries_are_split():
    short, long_ = entry("Court.", "g/a"), entry(long_answer(), "g/b")
    out = chunk_passages([short, long_], word_count, 100)
    assert out[0] is short and all(p.entry == "g/b" for p in out[1:])


def test_a_line_repeated_across_entries_is_counted_once():
    footer = "Cette page vous a-t-elle été utile ? Écrivez-nous depuis le formulaire de contact."
    entries = [entry(long_answer(12) + "\n\n" + footer, f"g/{i}") for i in range(3)]
    counted: list[str] = []

    def counting(text: str) -> int:
        counted.append(text)
        return word_count(text)

    out = chunk_passages(entries, counting, 100)
    assert counted.count(footer) == 1 and len(counted) == len(set(counted))
    assert out == chunk_passages(entries, word_count, 100)  # the same chunks as without the memo


def test_too_small_a_limit_is_refused():
    with pytest.raises(ValueError, match="max_tokens"):
        split_text("du texte", word_count, 2)


def test_a_50k_character_answer_parses_and_every_chunk_fits_the_model():
    from faqsearch.embedding.model_files import convert

    count = FileTokenizer.from_file(convert() / "tokenizer.json", specials=False).count
    body = "\n".join(f"- Point {i} : " + "les démarches administratives se font en ligne. " * 3 for i in range(350))
    guide = f"# Guide long\n\n## Démarches\n\n### Tout savoir\n{body}\n"
    (passage,) = parse_guide(guide, "long", markdown=True)
    assert len(passage.answer) > 50_000
    chunks = chunk_passage(passage, count, 256)
    assert len(chunks) > 20
    assert all(count(c.text()) <= 256 for c in chunks)


def test_a_guide_with_a_50k_character_answer_builds_and_ranks_entries(tmp_path, fake_encoder):
    from faqsearch.build.pipeline import build
    from faqsearch.index.published import current_build
    from faqsearch.index.faq_index import FaqIndex
    from tests.corpora import write_corpus

    body = "\n".join(f"- Étape {i} : remplir le formulaire cerfa numéro {i} puis l'envoyer." for i in range(900))
    extra = f"\n## Démarches longues\n\n### Dossier complet\n{body}\n"
    corpus = write_corpus(tmp_path / "corpus")
    with open(corpus / "guide.md", "a", encoding="utf-8") as fh:
        fh.write(extra)
    report = build(corpus, tmp_path / "index", fake_encoder, cache_dir=tmp_path / "cache", check=False)
    index = FaqIndex.load(current_build(tmp_path / "index"), fake_encoder)
    chunks = [p for p in index.passages if p.parts > 1]
    assert sum(len(p.answer) for p in chunks) > 50_000 and report.passages == len(index.passages)
    assert len({p.entry for p in chunks}) == 1 and len(chunks) == chunks[0].parts > 10
    hits = search_batch(index, ["formulaire cerfa numéro 512 à envoyer"], top_k=5)[0].hits
    entries = [h.passage.entry for h in hits]
    assert len(entries) == len(set(entries))  # one result per entry
    assert hits[0].passage.entry == chunks[0].entry and "cerfa numéro 512 " in hits[0].passage.answer


def test_line_views_for_lists_only():
    listed = entry("- Accès : console.\n- Délai : 24 h.\n  détail de sous-ligne")
    prose = entry("Où s'adresser ?\nÀ la mairie de votre domicile.\nLe délai est de 2 semaines.")
    assert listed.views()[1:] == ["Logement : Accès : console.", "Logement : Délai : 24 h. détail de sous-ligne"]
    assert prose.views() == [prose.text()]
