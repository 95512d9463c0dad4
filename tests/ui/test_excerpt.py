"""Long answers on a result card: the excerpt closest to the question, where it sits, the rest folded."""

from __future__ import annotations

import re

from faqsearch.records.answer import Hit
from faqsearch.records.passage import Passage
from faqsearch.ui import excerpt
from faqsearch.ui import cards
from faqsearch.ui import presentation as pres

# A page like a public-service one: an intro that names the topic everywhere, then details.
INTRO = ["Acte de naissance : demande de copie.",
         "Un acte de naissance peut être demandé en copie intégrale ou en extrait, selon le besoin."]
FILLER = [f"Paragraphe {i} sur la demande d'un acte de naissance en mairie, avec les pièces à fournir." for i in range(30)]
ABROAD = ["Personne née à l'étranger", "La demande se fait auprès du service central d'état civil à Nantes."]
PAGE = INTRO + FILLER[:15] + ABROAD + FILLER[15:]


def test_short_answers_are_whole():
    lines = ["- Accès : console", "- Délai : 24 h"]
    cut = excerpt.choose(lines, pres.query_terms("délai"))
    assert cut.whole and (cut.start, cut.end) == (0, 2)
    assert pres.long_answer_html("- Accès : console\n- Délai : 24 h", "délai") == (
        f'<div class="fs-answer">{pres.answer_html("- Accès : console" + chr(10) + "- Délai : 24 h", "délai")}</div>')


def test_the_excerpt_is_where_the_precise_words_of_the_question_are():
    cut = excerpt.choose(PAGE, pres.query_terms("acte de naissance pour une personne née à l'étranger"))
    # "acte" and "naissance" are on every line; "étranger" only under its heading, which leads the excerpt.
    assert PAGE[cut.start] == "Personne née à l'étranger" and PAGE[cut.start + 1] == ABROAD[1]
    assert cut.where == "Milieu de la réponse" and not cut.whole
    assert sum(len(line) + 1 for line in PAGE[cut.start:cut.end]) <= excerpt.EXCERPT_CHARS
    # No precise word: the top of the answer, which usually sums it up.
    top = excerpt.choose(PAGE, pres.query_terms("acte de naissance"))
    assert top.start == 0 and top.where == "Début de la réponse"
    last = excerpt.choose(PAGE + ["Le délai est de trois semaines."], pres.query_terms("quel délai ?"))
    assert last.where == "Fin de la réponse" and last.end == len(PAGE) + 1


def test_long_answer_card_shows_the_excerpt_its_place_and_folds_the_whole_answer():
    html = pres.long_answer_html("\n".join(PAGE), "née à l'étranger")
    shown, folded = html.split("<details", 1)
    assert "Extrait · Milieu de la réponse" in shown and "service central" in shown
    assert "Paragraphe 20" not in shown and shown.count("[…]") == 2
    assert re.search(r'style="left:\d+%;width:\d+%"', shown)
    assert '<summary>Voir toute la réponse (' in folded and "Paragraphe 29" in folded and "<mark>" in folded


def test_a_huge_answer_is_folded_up_to_a_limit_that_points_to_the_page():
    huge = "\n".join(f"Ligne {i} : un texte assez long pour remplir la page d'aide publique." for i in range(800))
    html = pres.long_answer_html(huge, "ligne", "https://aide.example.org/page")
    assert len(huge) > pres.MAX_FULL_ANSWER_CHARS and len(html) < 3 * pres.MAX_FULL_ANSWER_CHARS
    assert "Ligne 799" not in html and "est sur la page d&#x27;origine" not in html
    assert "est sur la page d'origine" in html
    # Without a page to send the reader to, the card says the rest is not shown.
    assert "n'est pas affichée ici" in pres.long_answer_html(huge, "ligne")


def test_source_link_only_for_http_pages_escaped():
    link = pres.source_link_html('https://www.service-public.fr/particuliers/vosdroits/F1427?a=1&b="x"')
    assert link.startswith('<a class="fs-source" href="https://www.service-public.fr/particuliers/vosdroits/F1427?a=1&amp;b=&quot;x&quot;"')
    assert 'target="_blank" rel="noopener noreferrer"' in link and "Page d'origine : <bdi>www.service-public.fr/" in link
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd",
                "//evil.example/x", "www.example.org/page", "https://exa mple.org", "https://x.org/\nline", "", "https://", "http://[::1", "https://[x]/"):
        assert pres.source_link_html(bad) == "", bad
    assert cards.web_href("http://[::1") == ""  # a channel's address as well: no error, no link


def test_result_card_of_an_imported_page_links_to_it_and_keeps_the_title_as_question():
    passage = Passage("sp/f12118", "Service public", "", "Carte grise : changement d'adresse",
                      "Carte grise : changement d'adresse", "\n".join(PAGE), url="https://www.service-public.fr/F12118")
    card = cards.result_card_html(Hit(1, passage, 1.0), "changer l'adresse de ma carte grise", 1.0, True, None)
    assert '<span class="fs-title">Carte grise : changement d&#x27;adresse</span>' in card
    assert 'href="https://www.service-public.fr/F12118"' in card and "<details" in card
    seed_like = Passage("g/x", "Guide", "S", "Tél", "Comment appeler ?", "+1 888 900 9646")
    assert "fs-source" not in cards.result_card_html(Hit(1, seed_like, 1.0), "appeler", 1.0, True, None)


def test_subheadings_of_flat_pages_are_recognised_and_bolded_only_in_long_answers():
    assert excerpt.is_subheading("Copie intégrale", "La copie intégrale reproduit l'acte tel qu'il figure au registre.")
    assert excerpt.is_subheading("De quoi s'agit-il ?", "Un acte se demande en ligne.")
    assert excerpt.is_subheading("Coût", "Gratuit.")
    assert excerpt.is_subheading("De quoi s'agit-il ?", "Copie intégrale")  # a question heads a subheading
    for line, following in (("Service central d'état civil", "11, rue de la Maison Blanche"),  # an address
                            ("Gratuit.", "Délai d'obtention"), ("à ses parents", "et aux mentions marginales."),
                            ("Numéros :", "- France : 01 23"), ("Dernière ligne", ""),
                            ("Envoyer un mail à scec@example.fr", "pour obtenir une copie d'un acte d'une personne née ailleurs.")):
        assert not excerpt.is_subheading(line, following), line
    html = pres.long_answer_html("\n".join(PAGE), "née à l'étranger")
    assert "<div class=\"fs-subhead\">Personne <mark>née</mark> à l&#x27;<mark>étranger</mark></div>" in html
    assert "fs-subhead" not in pres.answer_html("Coût\nGratuit.", "")  # the guides' short answers are unchanged


def test_a_line_that_continues_the_previous_one_brings_it_and_short_lines_stop_early():
    lines = FILLER[:20] + ["Envoyez votre demande par courrier à l'adresse suivante, en précisant",
                           "votre date de naissance et le nom de vos parents."] + FILLER[20:]
    cut = excerpt.choose(lines, pres.query_terms("date de naissance des parents"))
    assert lines[cut.start].startswith("Envoyez")
    address = FILLER[:20] + ["Adresse pour le pacs"] + [f"Ligne {i} de l'adresse" for i in range(20)] + FILLER[20:]
    short = excerpt.choose(address, pres.query_terms("adresse pour le pacs"))
    assert short.start == 20 and short.end - short.start == excerpt.MAX_EXCERPT_LINES


def test_a_chunk_of_a_long_entry_is_its_excerpt_placed_in_the_whole_entry():
    chunks = ["\n".join(PAGE[:12]), "\n".join(PAGE[12:30]), "\n".join(PAGE[30:])]
    parts = [Passage(f"sp/f1427#{k}", "Service public", "", "Acte de naissance", "Acte de naissance", text,
                     entry_id="sp/f1427", url="https://www.service-public.fr/F1427") for k, text in enumerate(chunks, 1)]
    other = Passage("sp/f2", "Service public", "", "Pacs", "Pacs", "Le pacs se conclut en mairie.")
    index = [parts[0], other, parts[1], parts[2]]
    whole = excerpt.entry_answer(index, parts[1])
    assert whole == "\n".join(PAGE) and excerpt.entry_answer(index, other) == ""
    card = cards.result_card_html(Hit(1, parts[1], 1.0), "née à l'étranger", 1.0, True, None, whole)
    shown, folded = card.split("<details", 1)
    # The chunk search found is shown whole (it holds "Personne née à l'étranger"), placed in the middle.
    assert "Extrait · Milieu de la réponse" in shown and "service central" in shown
    assert pres.escape(PAGE[12]) in shown and pres.escape(PAGE[29]) in shown
    assert pres.escape(PAGE[11]) not in shown and pres.escape(PAGE[30]) not in shown and shown.count("[…]") == 2
    assert pres.escape(PAGE[0]) in folded and pres.escape(PAGE[-1]) in folded
    place = excerpt.locate(chunks[2], whole)
    assert (place.start, place.end, place.total) == (30, len(PAGE), len(PAGE)) and place.where == "Fin de la réponse"


def test_a_first_line_that_repeats_the_title_is_not_shown_twice():
    assert excerpt.without_title_line("Se pacser : \n\nLe pacte civil de solidarité…", "Se pacser") == "Le pacte civil de solidarité…"
    assert excerpt.without_title_line("se PACSER\nTexte.", "Se pacser ?") == "Texte."
    kept = "Acte de naissance : demande de copie intégrale ou d'extrait :\nUn acte…"
    assert excerpt.without_title_line(kept, "Acte de naissance") == kept
    assert excerpt.without_title_line("Se pacser :", "Se pacser") == "Se pacser :"  # nothing else to show
    card = cards.result_card_html(Hit(1, Passage("p", "G", "", "Se pacser", "Se pacser", "Se pacser :\nEn mairie."), 1.0),
                                 "pacs", 1.0, True, None)
    assert "Se pacser :" not in card and "En mairie." in card


def test_the_excerpt_is_chosen_by_the_words_the_title_does_not_already_say():
    lines = FILLER[:10] + ["Les partenaires ne doivent pas être déjà pacsés."] + FILLER[10:20] + \
        ["Si l'un des partenaires est étranger, il doit être majeur selon la loi de son pays."] + FILLER[20:]
    answer = "\n".join(lines)
    # "pacser" is the entry's subject: the excerpt follows "étranger", the word that makes the question precise.
    html = pres.long_answer_html(answer, "comment se pacser quand on est étranger ?", title="Se pacser")
    assert "partenaires est <mark>étranger</mark>" in html.split("<details", 1)[0]
    alone = pres.long_answer_html(answer, "se pacser", title="Se pacser")  # only the subject: still used
    assert "<mark>pacsés</mark>" in alone.split("<details", 1)[0]
