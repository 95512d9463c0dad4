"""The search widget in Debian's Chromium, served by the HTTP service over a hostile corpus.

The guide's title, section and answer carry HTML and scripts, and so does a question: the widget
must show them as text and run none of them (each payload would set ``window.pwned``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bench.http_server import serve_in_thread
from bench.servers import CHROMIUM_ARGS
from faqsearch.build.pipeline import build
from faqsearch.feedback.store import UP, FeedbackStore
from faqsearch.service.app import create_app
from faqsearch.settings import Settings
from tests.conftest import SEED_CORPUS
from tests.ui.test_browser import chromium  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=\"window.pwned='answer';alert('answer')\">"
GUIDE = f"""# Guide du support <img src=x onerror="window.pwned='guide'">

## Joindre le support <script>window.pwned='section'</script>

### Appeler le support téléphonique
- Appelez le support téléphonique {IMG} au numéro de votre pays.
- Canal : telephone

### Écrire au support par e-mail
- Envoyez un e-mail au support <b onmouseover="window.pwned='bold'">en gras</b>.
- Canal : email
"""


def _waited(read, seconds: float = 10.0):
    """``read()`` once it returns something (the widget posts its events without waiting), else its last value."""
    deadline = time.monotonic() + seconds
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


@pytest.fixture
def widget_url(real_encoder, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.md").write_text(GUIDE, encoding="utf-8")
    catalogue = (SEED_CORPUS / "channels.csv").read_text(encoding="utf-8")
    # A catalogue field with markup too: the channel card shows it as text.
    catalogue = catalogue.replace("24/7 (vérifiez", "<img src=x onerror=window.pwned='catalogue'> 24/7 (vérifiez")
    (corpus / "channels.csv").write_text(catalogue, encoding="utf-8")
    (corpus / "plans.csv").write_text((SEED_CORPUS / "plans.csv").read_text(encoding="utf-8"), encoding="utf-8")
    build(corpus, tmp_path / "index", real_encoder)
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, data_dir=tmp_path / "data", rate_limit=0)
    with serve_in_thread(create_app(settings, real_encoder)) as url:
        yield url, settings


def test_widget_answers_while_typing_and_runs_no_script_from_content(chromium: str, widget_url):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, settings = widget_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            dialogs, searches = [], []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: searches.append(r.url) if "/v1/search" in r.url else None)
            page.goto(url + "/widget?plan=premium")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")
            expect(box).to_have_attribute("aria-expanded", "false")

            # Typed key by key: the debounce sends one request for the pause, not one per key.
            box.press_sequentially("Quel est le numéro de téléphone du support ?", delay=20)
            options = page.get_by_role("listbox", name="Réponses du guide").get_by_role("option")
            expect(options.first).to_contain_text("Comment appeler le support téléphonique ?", timeout=30_000)
            assert len(searches) <= 5, searches  # 44 keys: without the debounce, one request per key
            expect(box).to_have_attribute("aria-expanded", "true")
            expect(page.get_by_role("status").first).to_contain_text("Canal recommandé : Support téléphonique")

            card = page.locator("#fsw-channel")
            expect(card.locator(".fsw-channel-name")).to_have_text("Support téléphonique")
            expect(card.get_by_role("link", name="États-Unis : +1 888 900 9646")).to_have_attribute("href", "tel:+18889009646")
            expect(card.locator(".fsw-channel-info")).to_contain_text("<img src=x onerror=")
            # The widget's click handler runs; the test's own handler, added after it, keeps the tel:
            # link from handing the page to the system's dialer (dispatched: the open list covers the card).
            phone = card.get_by_role("link", name="États-Unis : +1 888 900 9646")
            phone.evaluate("a => a.addEventListener('click', event => event.preventDefault())")
            phone.dispatch_event("click")
            store = FeedbackStore.configured(settings.data_dir, "")
            assert _waited(lambda: store.events())[0].kind == "contact"
            box.focus()

            # Keyboard: arrow to the first answer, Enter to read it, Escape to close and then clear.
            box.press("ArrowDown")
            expect(box).to_have_attribute("aria-activedescendant", "fsw-option-0")
            expect(options.first).to_have_attribute("aria-selected", "true")
            box.press("Enter")
            detail = page.locator("#fsw-detail")
            expect(detail).to_be_visible()
            expect(detail.locator(".fsw-answer")).to_contain_text(IMG)  # the markup, as text
            expect(detail.locator(".fsw-detail-section")).to_contain_text("<script>window.pwned='section'</script>")

            detail.get_by_role("button", name="Oui", exact=True).click()
            expect(detail.locator(".fsw-rate-done")).to_have_text("Merci pour votre avis !")
            [rating] = FeedbackStore.configured(settings.data_dir, "").ratings()
            assert rating["rating"] == UP and rating["plan"] == "premium"
            assert rating["passage_id"].endswith("appeler-le-support-telephonique")
            assert re.fullmatch(r"[0-9a-f]{32}", rating["session"])
            [opened] = [e for e in store.events() if e.kind == "open"]
            assert (opened.kind, opened.rank, opened.passage_id, opened.session) == (
                "open", 1, rating["passage_id"], rating["session"])
            assert [(e.target, e.passage_id, e.plan) for e in store.events() if e.kind == "contact"] == [
                ("tel:telephone", rating["passage_id"], "premium")]  # the card's link, used before

            # What the visitor types is never interpreted either.
            box.fill("<script>window.pwned='query';alert('query')</script> écrire un e-mail au support")
            expect(page.get_by_role("status").first).to_contain_text("Canal recommandé", timeout=30_000)
            # The status above may still be the previous answer's: wait for the new one before Escape.
            expect(card.locator(".fsw-channel-name")).not_to_have_text("Support téléphonique", timeout=30_000)
            box.press("Escape")
            expect(box).to_have_attribute("aria-expanded", "false")
            box.press("Escape")
            expect(box).to_have_value("")
            expect(page.locator("#fsw-channel")).to_be_hidden()

            assert page.evaluate("window.pwned") is None
            assert page.locator("img").count() == 0
            assert page.locator("script").count() == 1  # the widget's own
            assert dialogs == []
        finally:
            browser.close()


def test_api_documentation_renders_offline(chromium: str, widget_url):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, _ = widget_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            outside = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url) else None)
            page.goto(url + "/docs")
            expect(page.locator(".opblock-summary-path", has_text="/v1/search")).to_be_visible(timeout=30_000)
            assert outside == []
        finally:
            browser.close()


def test_script_snippet_embeds_the_widget_in_another_page(chromium: str, widget_url):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, _ = widget_url
    # The help page's site is public and the test service is on loopback, which Chromium's
    # local-network protection would block; in production both are public sites.
    local_network = "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[*CHROMIUM_ARGS, local_network])
        try:
            page = browser.new_page(locale="fr-FR")
            # A help page on another site (answered by Playwright, no network): the snippet is pasted in it.
            host = f"""<!doctype html><html lang="fr"><body><h1>Aide</h1>
                <script src="{url}/static/embed.js" data-plan="lite" data-height="500"></script></body></html>"""
            page.route("http://aide.exemple.test/**", lambda route: route.fulfill(body=host, content_type="text/html"))
            page.goto("http://aide.exemple.test/")
            frame = page.frame_locator("iframe[title=\"Rechercher dans l'aide\"]")
            frame.get_by_role("combobox").fill("Comment écrire au support par e-mail ?")
            expect(frame.get_by_role("option").first).to_contain_text("e-mail", timeout=30_000)
            assert page.locator("iframe").get_attribute("src") == f"{url}/widget?plan=lite"
        finally:
            browser.close()


def test_contact_links_are_only_https_mailto_and_tel(chromium: str, tmp_path: Path):  # noqa: F811
    """Whatever a catalogue lets through, the widget builds no link of another scheme."""
    from playwright.sync_api import expect, sync_playwright

    from faqsearch.records.answer import Answer
    from faqsearch.records.channel import Channel, ChannelAdvice
    from tests.corpora import write_corpus
    from tests.fakes import FakeEncoder

    corpus = write_corpus(tmp_path / "corpus")
    build(corpus, tmp_path / "index", FakeEncoder())
    app = create_app(Settings(corpus, tmp_path / "index", tmp_path / "data", rate_limit=0), FakeEncoder())
    hostile = Channel("piege", "Canal piégé", url="javascript:window.pwned='url'", email="a@b.fr?body=x\"><img src=x>",
                      phones=(("Lien", "javascript:window.pwned='tel'"), ("France", "+33 1 23 45 67 89")))
    safe = Channel("aide", "Centre d'aide", url="https://aide.exemple.fr/")
    answer = Answer("q", False, ChannelAdvice(hostile, "Raison.", False, (safe,)))
    app.state.engine.ask = lambda *args, **kwargs: answer
    with serve_in_thread(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url + "/widget")
            page.get_by_role("combobox").fill("contact")
            card = page.locator("#fsw-channel")
            expect(card.locator(".fsw-channel-name")).to_have_text("Canal piégé (non inclus dans votre forfait)")
            hrefs = card.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            assert hrefs == ["tel:+33123456789", "https://aide.exemple.fr/"], hrefs
            expect(card).to_contain_text("javascript:window.pwned='url'")  # shown as text, not a link
            assert page.evaluate("window.pwned") is None
        finally:
            browser.close()


def test_widget_records_a_question_once_the_visitor_settles_on_it(chromium: str, widget_url):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, settings = widget_url
    store = FeedbackStore.configured(settings.data_dir, "")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR")
            posts = []
            page.on("request", lambda r: posts.append(r.post_data_json) if r.url.endswith("/v1/questions") else None)
            page.goto(url + "/widget?plan=lite")
            box = page.get_by_role("combobox", name="Rechercher dans l'aide")

            # Typing: searches, but no prefix is recorded; the pause after the last key records it once.
            box.press_sequentially("Quel est le numéro de téléphone du support ?", delay=20)
            options = page.get_by_role("listbox", name="Réponses du guide").get_by_role("option")
            expect(options.first).to_contain_text("Comment appeler le support téléphonique ?", timeout=30_000)
            deadline = page.evaluate("Date.now()") + 10_000
            while not posts and page.evaluate("Date.now()") < deadline:
                page.wait_for_timeout(100)
            assert [b["question"] for b in posts] == ["Quel est le numéro de téléphone du support ?"]
            assert posts[0]["plan"] == "lite" and re.fullmatch(r"[0-9a-f]{32}", posts[0]["session"])

            # Opening an answer of the same question does not record it a second time.
            box.press("ArrowDown")
            box.press("Enter")
            expect(page.locator("#fsw-detail")).to_be_visible()
            page.wait_for_timeout(2_000)
            assert len(posts) == 1

            # Enter records at once, without waiting for the pause, and only once.
            box.fill("écrire un e-mail au support")
            box.press("Enter")
            page.wait_for_timeout(2_000)
            assert [b["question"] for b in posts[1:]] == ["écrire un e-mail au support"]

            # A question longer than the engine reads is answered from its start, and the visitor is told.
            references = " ".join(f"X{i}Q{i * 7}Z" for i in range(40))  # under 500 characters, many tokens
            box.fill(f"Quel est le numéro de téléphone du support ? Mes références : {references}")
            expect(page.get_by_role("status").first).to_contain_text("seul le début", timeout=30_000)
            box.press("Escape")
            box.press("Escape")
            expect(box).to_have_value("")
            # On a loaded machine the long question may have been answered after the pause and so
            # recorded; either way, what follows must add nothing.
            recorded = len(posts)

            # Typed then abandoned with Escape before the pause: not a question anyone settled on.
            box.fill("Comment résilier")
            box.press("Escape")  # closes the list of the previous question, if still open
            box.press("Escape")  # clears the field
            expect(box).to_have_value("")
            page.wait_for_timeout(2_000)
            assert len(posts) == recorded
        finally:
            browser.close()
    logged = {s.question: s.count for s in store.top_questions() if "Mes références" not in s.question}
    assert logged == {"Quel est le numéro de téléphone du support ?": 1, "écrire un e-mail au support": 1}
