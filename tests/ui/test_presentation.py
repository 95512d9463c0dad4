"""Display rules of the page: escaping, highlighting, relevance labels, links, cards."""

from __future__ import annotations

import pytest

from faqsearch.channels.plans import parse_plans
from faqsearch.records.answer import Hit
from faqsearch.records.channel import Channel, ChannelAdvice
from faqsearch.records.passage import Passage
from faqsearch.ui import cards
from faqsearch.ui import presentation as pres
from tests.conftest import SEED_CORPUS

PLANS = parse_plans((SEED_CORPUS / "plans.csv").read_text(encoding="utf-8"), "plans.csv")

PHONE = Channel("telephone", "Support téléphonique", phones=(("États-Unis", "+1 888 900 9646"),),
                availability="24/7", plans=("lite", "premium"), response_time="Immédiat")
HELP = Channel("centre-aide", "Centre d'aide en ligne", url="https://www.zoho.com/mail/help/", general=True)
FORUMS = Channel("forums", "Forums communautaires", url="help.zoho.com/portal", general=True)


def test_escape_neutralises_markup():
    assert pres.escape('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_escape_markdown_leaves_no_syntax():
    out = pres.escape_markdown("**gras** <b>x</b> [lien](javascript:x) $x$ :red[rouge] :smile: `code` ~~barré~~")
    for ch in "*<>[]$`~":
        assert ch not in out
    assert ":red" not in out and ":smile" not in out and "javascript:" not in out
    assert "gras" in out and "rouge" in out


def test_escape_markdown_leaves_no_bare_address_for_markdown_to_link():
    # Streamlit's Markdown finds http(s)://, www. and e-mail addresses in the decoded text.
    out = pres.escape_markdown("voir https://evil.example, HTTP://x.example, www.evil.example ou a.b@evil.example")
    visible = out.replace(pres.WORD_JOINER, "")
    assert visible == "voir https://evil.example, HTTP://x.example, www.evil.example ou a.b@evil.example"
    for marker in ("https://", "HTTP://", "www.", "@evil"):
        assert marker not in out


def test_escape_markdown_neutralises_line_starts_only():
    assert pres.escape_markdown("- a\n1. b\n# c") == "&#45; a\n1&#46; b\n&#35; c"
    assert pres.escape_markdown("Modèle : e5-small (v1.0)") == "Modèle : e5-small (v1.0)"


def test_message_markdown_keeps_code_spans_and_escapes_the_rest():
    out = pres.message_markdown("Aucun index dans /tmp/a_b : lancez `python build_index.py` **vite**")
    assert "`python build_index.py`" in out
    assert "a&#95;b" in out and "**" not in out
    assert pres.message_markdown("un ` seul") == "un &#96; seul"


def test_highlight_marks_query_words_ignoring_case_and_accents():
    out = pres.highlight("Appelez le support TÉLÉPHONIQUE au numéro +1 888 900 9646.", "telephonique numero 888")
    assert "<mark>TÉLÉPHONIQUE</mark>" in out
    assert "<mark>numéro</mark>" in out
    assert "<mark>888</mark>" in out
    assert "<mark>Appelez</mark>" not in out


def test_highlight_matches_stems_not_just_exact_words():
    assert "<mark>téléphone</mark>" in pres.highlight("Par téléphone", "support téléphonique")


def test_highlight_ignores_stop_words():
    out = pres.highlight("Le support de la console", "le de la")
    assert "<mark>" not in out


def test_highlight_escapes_text_and_query():
    out = pres.highlight("Tapez <script>alert(1)</script> & **gras**", "<script> alert gras")
    assert "<script>" not in out
    assert "&lt;" in out and "&amp;" in out
    assert "<mark>alert</mark>" in out and "<mark>gras</mark>" in out
    assert out.count("<mark>") == out.count("</mark>")


def test_highlight_keeps_line_breaks():
    assert pres.highlight("a\nb", "") == "a<br>b"


def test_answer_html_turns_bullets_and_steps_into_lines():
    out = pres.answer_html("- Accès : console\n  1. Décrivez <b>\nFin", "accès")
    assert '<div class="fs-bullet"><mark>Accès</mark> : console</div>' in out
    assert '<div class="fs-step">1. Décrivez &lt;b&gt;</div>' in out
    assert '<div class="fs-line">Fin</div>' in out


@pytest.mark.parametrize("rank,score,top,confident,label", [
    (1, 1.0, 1.0, True, "Très pertinent"),
    (2, 0.97, 1.0, True, "Très pertinent"),
    (2, 0.8, 1.0, True, "Pertinent"),
    (3, 0.3, 1.0, True, "Peut-être"),
    (1, 1.0, 1.0, False, "Peu fiable"),
])
def test_relevance_labels(rank, score, top, confident, label):
    assert cards.relevance(rank, score, top, confident).label == label


def test_relevance_dots_show_the_level():
    assert cards.relevance(1, 1.0, 1.0, True).dots == "●●●"
    assert cards.relevance(1, 1.0, 1.0, False).dots == "○○○"


def test_links_are_real_uris():
    assert cards.phone_href("+1 888 900 9646") == "tel:+18889009646"
    assert cards.phone_href("+44 (0) 808-178") == "tel:+440808178"
    assert cards.phone_href("appelez-nous") == ""
    assert cards.email_href("support@zohomail.com") == "mailto:support@zohomail.com"
    assert cards.email_href('x" onclick="y@z.com') == ""
    assert cards.web_href("status.zoho.com") == "https://status.zoho.com"
    assert cards.web_href("https://www.zoho.com/mail/help/") == "https://www.zoho.com/mail/help/"
    assert cards.web_href("javascript:alert(1)") == ""
    assert cards.web_href("ftp://example.com") == ""


def test_channel_links_cover_every_contact():
    channel = Channel("x", "X", url="https://a.example/", email="a@b.fr", phones=(("France", "+33 1 23 45 67 89"),),
                      console_path="Console > Support")
    links = cards.channel_links(channel)
    assert [l.kind for l in links] == ["web", "email", "phone", "console"]
    assert [l.href for l in links] == ["https://a.example/", "mailto:a@b.fr", "tel:+33123456789", ""]
    assert links[2].label == "France : +33 1 23 45 67 89"


def test_link_html_opens_web_pages_in_a_new_tab_and_escapes():
    web = cards.link_html(cards.Link("web", "<b>site</b>", "https://a.example/?q=1&r=2"))
    assert 'href="https://a.example/?q=1&amp;r=2"' in web and 'target="_blank"' in web and "<b>" not in web
    assert "target" not in cards.link_html(cards.Link("phone", "US", "tel:+1888"))
    assert "<a" not in cards.link_html(cards.Link("console", "Console > Support"))


def test_channel_card_shows_contact_plans_and_response_time():
    card = cards.channel_card_html(ChannelAdvice(PHONE, "Parce que <vous> demandez un numéro."), "premium", plans=PLANS)
    assert "Canal recommandé" in card and "Support téléphonique" in card
    assert 'href="tel:+18889009646"' in card
    assert "Mail Lite et Premium" in card and "Immédiat" in card and "24/7" in card
    assert "&lt;vous&gt;" in card
    assert "pas inclus" not in card


def test_channel_card_when_the_plan_cannot_use_the_channel():
    advice = ChannelAdvice(PHONE, "Réservé aux forfaits payants.", available=False, alternatives=(HELP, FORUMS))
    card = cards.channel_card_html(advice, "gratuit", plans=PLANS)
    assert "pas inclus dans le forfait Gratuit" in card
    assert "Avec votre forfait, utilisez plutôt" in card
    assert 'href="https://www.zoho.com/mail/help/"' in card and 'href="https://help.zoho.com/portal"' in card


def test_channel_card_names_the_plan_the_question_named_when_none_was_chosen():
    advice = ChannelAdvice(PHONE, "Réservé aux forfaits payants.", available=False, alternatives=(HELP,),
                           assumed_plan="gratuit")
    card = cards.channel_card_html(advice, None, plans=PLANS)
    assert "pas inclus dans le forfait Gratuit" in card and "tous les forfaits." not in card


def test_general_card_is_titled_for_the_plan():
    card = cards.channel_card_html(ChannelAdvice(HELP, "Canaux généraux.", alternatives=(FORUMS,)), "gratuit",
                                   general=True, plans=PLANS)
    assert "Canaux généraux du forfait Gratuit" in card and "Canal recommandé" not in card


def test_result_card_escapes_corpus_text_and_highlights():
    passage = Passage("g/s/t", "Guide", "Section <i>", "Titre", "Comment <b>appeler</b> ?",
                      "- Appelez le +1 888 900 9646", channel="telephone")
    card = cards.result_card_html(Hit(1, passage, 1.0, 0.9, 5.0), "appeler le support", 1.0, True, PHONE)
    assert "<bdi>Guide</bdi> › <bdi>Section &lt;i&gt;</bdi>" in card
    assert "Comment &lt;b&gt;appeler&lt;/b&gt; ?" in card
    assert "<mark>Appelez</mark>" in card
    assert "Très pertinent" in card and "Support téléphonique" in card


def test_labels():
    assert cards.plan_label("lite", PLANS) == "Mail Lite"
    assert cards.plan_label(None, PLANS) == "tous les forfaits"
    assert pres.built_at_label("2026-11-26T10:02:21+00:00") == "26/11/2026 à 10:02 UTC"
    assert pres.built_at_label("") == "inconnue"
    assert pres.seconds_label(0.042) == "0,04 s"
    assert pres.shorten("un deux trois quatre", 10) == "un deux…"
    assert pres.plan_choices([p.label for p in PLANS.plans]) == ("Gratuit", "Mail Lite", "Premium", "Je ne sais pas")


def test_answer_html_keeps_nested_lists_indented():
    out = pres.answer_html("- Numéros :\n  - États-Unis : +1 888\n- Horaires : 24/7", "")
    assert out.count("margin-left") == 1
    assert 'style="margin-left:1.25em">États-Unis' in out
