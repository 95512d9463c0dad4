"""The heading field: an entry's section, question and opening line, matched apart from its body."""

from __future__ import annotations

import numpy as np
import pytest

from faqsearch.index.faq_index import FaqIndex
from faqsearch.index.headings import LEAD_CHARS, entry_headings, heading_text, with_headings
from faqsearch.index.manifest import IndexLoadError
from faqsearch.records.passage import Passage
from faqsearch.search.hybrid import SearchConfig
from faqsearch.search.hybrid import search_batch


def passage(pid: str, question: str, answer: str, entry: str = "", part: int = 1, parts: int = 1,
            section: str = "") -> Passage:
    return Passage(pid, "g", section, question, question, answer, entry_id=entry, part=part, parts=parts)


def test_heading_is_section_question_and_opening_line():
    p = passage("a", "Première demande", "\n\nPasseport d'un majeur : première demande :\nOù faire la demande ?",
                section="Papiers")
    assert heading_text(p) == "Papiers\nPremière demande\nPasseport d'un majeur : première demande :"
    long = passage("b", "Titre", "mot " * 200)
    lead = heading_text(long).split("\n")[1]
    assert len(lead) <= LEAD_CHARS and lead.endswith("mot")  # cut between words
    assert heading_text(passage("c", "Seule la question", "")) == "Seule la question"


def test_one_heading_per_entry_from_its_first_chunk():
    passages = [passage("a", "A ?", "a1"), passage("b#1", "B ?", "début de b", "b", 1, 2),
                passage("b#2", "B ?", "suite de b", "b", 2, 2), passage("c", "C ?", "c1")]
    assert entry_headings(passages) == ["A ?\na1", "B ?\ndébut de b", "C ?\nc1"]


def test_with_headings_scales_each_side_and_maps_entries_to_passages():
    lexical = np.array([[8.0, 4.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    headings = np.array([[0.0, 3.0], [2.0, 0.0]], dtype=np.float32)  # entries 0 and 1
    owner = np.array([0, 1, 1])
    out = with_headings(lexical, headings, owner, weight=0.5)
    assert np.allclose(out[0], [1.0, 0.5 + 0.5, 0.0 + 0.5])
    assert np.allclose(out[1], [0.5, 0.0, 0.0])  # no body match: the heading alone, no division by zero


def test_an_entry_about_the_words_beats_a_long_page_that_repeats_them(fake_encoder):
    """Lexical only: the page about renewing a passport wins over a page that mentions it often."""
    about = [passage("renouveler#1", "Renouvellement", "Passeport : renouvellement d'un passeport expiré :\n"
                     "Présentez l'ancien titre en mairie.", "renouveler", 1, 2),
             passage("renouveler#2", "Renouvellement", "Le délai dépend de la saison.", "renouveler", 2, 2)]
    mentions = [passage("voyage", "Voyager à l'étranger", "Vérifiez vos documents avant de partir.\n"
                        + "Un passeport expiré ou un passeport abîmé peut être refusé ; renouvellement "
                          "du passeport : prévoyez le passeport à temps. " * 3)]
    index = FaqIndex.build(about + mentions, fake_encoder)
    query = ["renouvellement passeport expiré"]
    lexical_only = SearchConfig(dense_fields=())
    assert search_batch(index, query, 2, lexical_only)[0].hits[0].passage.entry == "renouveler"
    without = SearchConfig(dense_fields=(), heading_weight=0.0)
    assert search_batch(index, query, 2, without)[0].hits[0].passage.entry == "voyage"


def test_headings_are_saved_checked_and_loaded(fake_encoder, tmp_path):
    passages = [passage("a", "Support par chat", "Le chat est ouvert en semaine."),
                passage("b", "Support par téléphone", "Appelez le numéro gratuit.")]
    folder = FaqIndex.build(passages, fake_encoder).save(tmp_path / "index")
    loaded = FaqIndex.load(folder, fake_encoder)
    assert loaded.headings is not None and loaded.headings.weights.shape[0] == 2
    assert search_batch(loaded, ["chat"], 1, SearchConfig(dense_fields=()))[0].hits[0].passage.id == "a"
    (folder / "headings.npz").unlink()
    with pytest.raises(IndexLoadError, match="headings.npz manque"):
        FaqIndex.load(folder, fake_encoder)


def test_heading_weight_is_validated():
    with pytest.raises(ValueError, match="heading_weight"):
        SearchConfig(heading_weight=-1)
