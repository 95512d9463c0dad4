"""What the page shows, as pure functions: safe HTML and Markdown, highlighted answers, labels.

Nothing here imports Streamlit, so every rule of the display is unit-tested without a browser.
Every string a user or the corpus supplies goes through :func:`escape` before it is placed in
HTML; the only markup in the output is the markup this module writes itself.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Sequence
from urllib.parse import SplitResult, urlsplit

from ..text.analyzer import analyzer
from . import excerpt

# The last plan choice of the page, after the declared plans: every plan.
UNKNOWN_PLAN = "Je ne sais pas"
# The first section choice of the page, before the help center's sections: no filter.
ALL_SECTIONS = "Toutes les sections"

# Characters that open Markdown or HTML anywhere in a line (Streamlit adds $ for LaTeX and ~ for
# strikethrough); each is written as a numeric character reference, which Markdown shows literally.
_MD_INLINE = re.compile(r"[\\`*_{}\[\]<>!|~$&]|:(?=\w)")  # ":" before a word opens :emoji: and :red[…]
# Characters that only mean something at the start of a line: headings, lists, quotes, rules.
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])", re.MULTILINE)
# Bare addresses that Streamlit's Markdown (GitHub's "autolinks") turns into links: http(s)://…,
# www.…, name@domain. They are found in the decoded text, so character references do not stop
# them; an invisible word joiner inside the marker does (after "http", after "www", after "@").
_AUTOLINK = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def section_filter(choice: str | None) -> str:
    """The section the page's choice narrows the search to; "" for every section."""
    return "" if not choice or choice == ALL_SECTIONS else choice


def plan_choices(labels: Sequence[str]) -> tuple[str, ...]:
    """The page's plan choices: the declared plans' labels in their order, then "Je ne sais pas"."""
    return (*labels, UNKNOWN_PLAN)


def escape(text: object) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and quotes cannot open markup."""
    return html.escape(str(text), quote=True)


def isolate(text: object) -> str:
    """Corpus or visitor text as HTML inside the page's own sentences: escaped, and in a ``<bdi>``,
    so that its direction (Arabic, Hebrew, or a stray right-to-left override) stays inside it and
    cannot reverse the words around it."""
    return f"<bdi>{escape(text)}</bdi>"


def isolate_text(text: object) -> str:
    """:func:`isolate` for plain-text widgets (a select box's options, Markdown): the text between
    FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, the characters ``<bdi>`` stands for."""
    return f"\u2068{text}\u2069"


def escape_markdown(text: object) -> str:
    """``text`` for ``st.markdown``: shown as typed, neither Markdown nor HTML applies, and no bare
    address becomes a link. Visitors' own words are better shown with ``st.text``, which reads nothing."""
    out = _MD_INLINE.sub(lambda m: f"&#{ord(m.group()[0])};", _AUTOLINK.sub(WORD_JOINER, str(text)))
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + f"&#{ord(m.group(2)[-1])};", out)


def message_markdown(text: object) -> str:
    """A program message for ``st.markdown``: escaped like :func:`escape_markdown`, except that
    `code` spans stay code (their content is literal in Markdown, so it needs no escaping).
    """
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span at all
        return escape_markdown(text)
    return "".join(escape_markdown(part) if i % 2 == 0 else f"`{part}`" for i, part in enumerate(parts))


def shorten(text: str, limit: int = 140) -> str:
    """``text`` cut at a word boundary with an ellipsis when longer than ``limit`` characters."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.") + "…"


# ------------------------------------------------------------------------------ highlighting
def query_terms(query: str) -> frozenset[str]:
    """The keys of the words of ``query`` that are worth highlighting (the index's own analyzer)."""
    return frozenset(analyzer().stems(query))


def highlight(text: str, query: str, tag: str = "mark") -> str:
    """``text`` as escaped HTML, with the words of ``query`` wrapped in ``<mark>``.

    Matching ignores case and accents and compares stems; line breaks become ``<br>``.
    """
    terms = query_terms(query)
    out: list[str] = []
    last = 0
    for start, end, key in analyzer().spans(text) if terms else ():
        if key in terms:
            out.append(escape(text[last:start]))
            out.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
            last = end
    out.append(escape(text[last:]))
    return "".join(out).replace("\r\n", "\n").replace("\n", "<br>")


_BULLET = re.compile(r"^\s*[-•*·]\s+")
_STEP = re.compile(r"^\s*\d{1,2}[.)]\s+")


def answer_html(text: str, query: str, subheadings: bool = False) -> str:
    """A passage's answer as HTML lines: "- " items become bullets, "1. " steps are indented.

    The guide's structure stays readable; every line is highlighted and escaped by :func:`highlight`.
    ``subheadings`` bolds the lines that title what follows (long pages imported as flat text).
    """
    lines = []
    source = [line for line in str(text).splitlines() if line.strip()]
    for i, line in enumerate(source):
        if subheadings and excerpt.is_subheading(line, source[i + 1] if i + 1 < len(source) else ""):
            lines.append(f'<div class="fs-subhead">{highlight(line.strip(), query)}</div>')
            continue
        # Nested sub-lists ("Numéros :" then one line per country) keep their indentation.
        depth = min((len(line) - len(line.lstrip(" "))) // 2, 4)
        if _BULLET.match(line):
            kind, line = "fs-bullet", _BULLET.sub("", line, count=1)
        elif _STEP.match(line):
            kind, line = "fs-step", line.strip()
        else:
            kind, line = "fs-line", line.strip()
        # Steps are indented by their own style; only nested bullets need the depth.
        indent = f' style="margin-left:{1.25 * depth:.2f}em"' if depth and kind == "fs-bullet" else ""
        lines.append(f'<div class="{kind}"{indent}>{highlight(line, query)}</div>')
    return "".join(lines)


# How much of a very long answer "Voir toute la réponse" prints; the page source has the rest.
MAX_FULL_ANSWER_CHARS = 20_000


def long_answer_html(answer: str, query: str, url: str = "", whole: str = "", title: str = "") -> str:
    """The answer block of a card: a short answer whole; a long one by its excerpt closest to
    the question (see :mod:`faqsearch.ui.excerpt`), where it sits, and the whole answer folded
    under "Voir toute la réponse" (a ``<details>``: no script, opens in place). ``url``, the
    entry's page, is where the rest of an answer too long to print is read.

    ``whole`` is the entry's answer when ``answer`` is one chunk of it: the chunk (the part of
    the entry that search found closest) is then the excerpt, placed in the entry's answer.
    ``title`` is the entry's question: its words are what the whole answer is about, so the
    excerpt is chosen by the question's other words when it has some.
    """
    if whole and whole.strip() != answer.strip():
        cut = excerpt.locate(answer, whole)
        own = excerpt.answer_lines(answer)
        lines = excerpt.answer_lines(whole)
    else:
        lines = excerpt.answer_lines(answer)
        keys = query_terms(query)
        cut = excerpt.choose(lines, keys - query_terms(title) or keys)
        if cut.whole:
            return f'<div class="fs-answer">{answer_html(answer, query)}</div>'
        own = lines[cut.start:cut.end]
    shown = [shorten(line, 2 * excerpt.EXCERPT_CHARS) for line in own]
    gap = '<div class="fs-gap" aria-hidden="true">[…]</div>'
    left, width = 100 * cut.offset / cut.chars, 100 * sum(len(x) + 1 for x in own) / cut.chars
    parts = [
        f'<div class="fs-where"><span class="fs-where-label">Extrait · {escape(cut.where)}</span>'
        f'<span class="fs-where-bar" aria-hidden="true"><span style="left:{left:.0f}%;width:{max(width, 2):.0f}%"></span></span></div>',
        '<div class="fs-answer fs-excerpt">', gap if cut.start > 0 else "",
        answer_html("\n".join(shown), query, subheadings=True), gap if cut.end < cut.total else "", "</div>",
    ]
    full = "\n".join(lines)
    words = number_label(len(full.split()))
    rest = ""
    if len(full) > MAX_FULL_ANSWER_CHARS:
        kept = full[:MAX_FULL_ANSWER_CHARS].rsplit("\n", 1)[0]
        more = number_label(len(full[len(kept):].split()))
        rest = (f'<div class="fs-gap">[…] La suite ({more} mots) est sur la page d\'origine.</div>' if source_href(url)
                else f'<div class="fs-gap">[…] La suite ({more} mots) n\'est pas affichée ici.</div>')
        full = kept
    parts.append(f'<details class="fs-more"><summary>Voir toute la réponse ({words} mots)</summary>'
                 f'<div class="fs-answer">{answer_html(full, query, subheadings=True)}{rest}</div></details>')
    return "".join(parts)


def number_label(n: int) -> str:
    """"12 345": French digit groups, with a narrow no-break space."""
    return f"{n:,}".replace(",", "\u202f")


def source_href(url: str) -> str:
    """``url`` when it is an absolute http(s) address without spaces; else "" (no link at all:
    a passage's page address comes from the corpus and must not become a script or a local file)."""
    url = str(url or "").strip()
    parts = split_url(url)
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or re.search(r"[\s\x00-\x1f\x7f]", url):
        return ""
    return url


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None for an address it refuses (a broken "[IPv6]" host raises)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def source_link_html(url: str) -> str:
    """The link to the entry's page on the help center, opened in a new tab; "" without a valid URL."""
    href = source_href(url)
    if not href:
        return ""
    label = shorten(re.sub(r"^https?://", "", href, flags=re.IGNORECASE).rstrip("/"), 70)
    return (f'<a class="fs-source" href="{escape(href)}" target="_blank" rel="noopener noreferrer">'
            f"🔗 Page d'origine : {isolate(label)}</a>")


# ------------------------------------------------------------------------------ index info
def built_at_label(value: str) -> str:
    """"26/11/2026 à 10:02 UTC" from the manifest's ISO time; the raw value if it does not parse."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "inconnue")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%d/%m/%Y à %H:%M") + (" UTC" if moment.tzinfo is not None else "")


def seconds_label(seconds: float) -> str:
    """"0,04 s": French decimal comma."""
    return f"{seconds:.2f} s".replace(".", ",")


def rephrasing_tips(channels: bool = True) -> Sequence[str]:
    """Advice shown when the guide does not seem to cover a question; ``channels`` False for a
    corpus without a channel catalogue, where support channels mean nothing."""
    if not channels:
        return (
            "Décrivez ce que vous voulez faire avec les mots les plus simples possibles.",
            "Posez une seule question à la fois, en une phrase courte.",
            "Vérifiez l'orthographe des mots importants.",
        )
    return (
        "Décrivez ce que vous voulez faire avec les mots du support : « contacter », « téléphone », "
        "« e-mail », « chat », « ticket », « panne »…",
        "Posez une seule question à la fois, en une phrase courte.",
        "Vérifiez l'orthographe des mots importants (produit, canal, pays).",
    )
