"""The cards of the page, as pure HTML: the recommended channel and each passage found.

Every string a user or the corpus supplies goes through :func:`escape` (see
:mod:`faqsearch.ui.presentation`), and through :func:`isolate` inside the page's own sentences;
the only markup in the output is the markup written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..channels.plans import plans_label
from ..records.answer import Hit
from ..records.channel import Channel, ChannelAdvice
from ..records.plans import NO_PLANS, Plans
from . import excerpt
from .presentation import escape, isolate, long_answer_html, source_link_html, split_url

CHANNEL_ICONS = {
    "centre-aide": "📚", "forums": "👥", "documentation": "📘", "email": "✉️", "chat": "💬",
    "telephone": "📞", "tickets": "🎫", "videos": "▶️", "base-connaissances": "🗂️", "statut": "🟢",
    "console-admin": "🛠️", "escalade": "⬆️", "partenaires": "🤝", "communautes-externes": "🌐",
}
DEFAULT_ICON = "🛟"


# ------------------------------------------------------------------------------- relevance
@dataclass(frozen=True)
class Relevance:
    """A relevance a person understands: a label and a level from 0 (unreliable) to 3."""

    label: str
    level: int

    @property
    def dots(self) -> str:
        return "●" * self.level + "○" * (3 - self.level)


def relevance(rank: int, score: float, top_score: float, confident: bool) -> Relevance:
    """Relevance of the passage at ``rank`` from its fused score relative to the best one.

    Fused scores are relative to the candidates of one question (the best is often exactly 1),
    so the ratio to the best score, not the raw value, says how close a passage comes; nothing is
    "pertinent" when the engine is not confident.
    """
    if not confident:
        return Relevance("Peu fiable", 0)
    ratio = score / top_score if top_score > 0 else 0.0
    if rank == 1 or ratio >= 0.95:
        return Relevance("Très pertinent", 3)
    if ratio >= 0.7:
        return Relevance("Pertinent", 2)
    return Relevance("Peut-être", 1)


# ----------------------------------------------------------------------------------- links
@dataclass(frozen=True)
class Link:
    """One way to reach a channel: ``href`` is empty for a path in the console (not a link)."""

    kind: str  # "web", "email", "phone" or "console"
    label: str
    href: str = ""


def phone_href(number: str) -> str:
    """``tel:`` URI of a written phone number: "+1 888 900 9646" -> "tel:+18889009646"."""
    digits = re.sub(r"[^\d+]", "", number)
    digits = digits[0] + digits[1:].replace("+", "") if digits else ""
    return f"tel:{digits}" if re.fullmatch(r"\+?\d{3,}", digits) else ""


def web_href(url: str) -> str:
    """An ``http(s)`` URL, "https://" added to a bare domain; empty for any other scheme."""
    url = url.strip()
    if url and "://" not in url and not url.lower().startswith(("javascript:", "data:", "vbscript:")):
        url = "https://" + url
    parts = split_url(url)
    return url if parts is not None and parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def email_href(address: str) -> str:
    """``mailto:`` URI of a plain e-mail address; empty when it does not look like one."""
    address = address.strip()
    return f"mailto:{address}" if re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", address) else ""


def channel_links(channel: Channel) -> list[Link]:
    """How to reach ``channel``: web page, e-mail, each phone number, then the console path."""
    links: list[Link] = []
    if channel.url:
        href = web_href(channel.url)
        label = re.sub(r"^https?://", "", channel.url.strip()).rstrip("/")
        links.append(Link("web", label, href))
    if channel.email:
        links.append(Link("email", channel.email.strip(), email_href(channel.email)))
    for country, number in channel.phones:
        links.append(Link("phone", f"{country} : {number}" if country else number, phone_href(number)))
    if channel.console_path:
        links.append(Link("console", channel.console_path))
    return links


def link_html(link: Link) -> str:
    """One contact as HTML: an anchor for real links (new tab for web pages), plain text otherwise."""
    icon = {"web": "🔗", "email": "✉️", "phone": "📞", "console": "🧭"}.get(link.kind, "•")
    if not link.href:
        return f'<span class="fs-contact">{icon} {isolate(link.label)}</span>'
    target = ' target="_blank" rel="noopener noreferrer"' if link.kind == "web" else ""
    return f'<a class="fs-contact" href="{escape(link.href)}"{target}>{icon} {isolate(link.label)}</a>'


# ----------------------------------------------------------------------------------- plans
def plan_label(plan: str | None, plans: Plans = NO_PLANS) -> str:
    """The declared label of ``plan``; "tous les forfaits" (in the help center's words) when the
    plan is unknown."""
    return plans.label(plan) if plan else plans.noun.every


def channel_plans(channel: Channel, plans: Plans = NO_PLANS) -> str:
    """The plans a channel is open to, in words ("" when the help center declares none)."""
    return plans_label(channel.plans, plans) if channel.plans and plans else ""


def channel_icon(channel_id: str) -> str:
    return CHANNEL_ICONS.get(channel_id, DEFAULT_ICON)


# ------------------------------------------------------------------------------ HTML cards
def channel_card_html(advice: ChannelAdvice, plan: str | None, general: bool = False,
                      plans: Plans = NO_PLANS) -> str:
    """The "Canal recommandé" card: name, why, how to reach it, when, for whom, how fast.

    When the plan cannot use the channel, the card says so and lists what the plan can use;
    ``general`` titles it as the general channels offered when the guide has no answer. ``plans``
    are the help center's declared plans, whose labels the card uses.
    """
    c = advice.channel
    style = " fs-general" if general else ("" if advice.available else " fs-unavailable")
    noun = plans.noun
    kicker = ("Canaux généraux" + (f" {noun.of_the} {escape(plan_label(plan, plans))}" if plan else "") if general
              else "Canal recommandé")
    parts = [
        f'<div class="fs-card fs-channel{style}">',
        f'<div class="fs-kicker">{kicker}</div>',
        f'<div class="fs-channel-name">{channel_icon(c.id)} {isolate(c.name)}</div>',
        f'<p class="fs-reason">{escape(advice.reason)}</p>',
    ]
    if not advice.available:
        # With no plan chosen, the plan the question named is the one the channel was refused for.
        refused_for = plan_label(plan, plans) if plan else plans.label(advice.assumed_plan)
        parts.append(f'<p class="fs-warning">⚠️ Ce canal n\'est pas inclus dans {noun.the} {escape(refused_for)}.</p>')
    links = channel_links(c)
    if links:
        parts.append('<div class="fs-contacts">' + "".join(link_html(link) for link in links) + "</div>")
    facts = [("Disponibilité", c.availability), (noun.heading, channel_plans(c, plans)), ("Délai de réponse", c.response_time)]
    parts.append('<dl class="fs-facts">' + "".join(
        f"<div><dt>{escape(k)}</dt><dd>{isolate(v)}</dd></div>" for k, v in facts if v) + "</dl>")
    if advice.alternatives:
        title = (f"Avec votre {noun.singular}, utilisez plutôt" if not advice.available else "Autres canaux possibles")
        parts.append(f'<div class="fs-alternatives"><div class="fs-kicker">{title}</div>')
        for alt in advice.alternatives:
            alt_links = "".join(link_html(link) for link in channel_links(alt))
            parts.append(f'<div class="fs-alt"><span class="fs-alt-name">{channel_icon(alt.id)} {isolate(alt.name)}</span>'
                         f"{alt_links}</div>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def result_card_html(hit: Hit, query: str, top_score: float, confident: bool,
                     channel: Channel | None, entry_answer: str = "", plans: Plans = NO_PLANS) -> str:
    """One passage: breadcrumb, question as title, relevance, highlighted answer (see
    :func:`long_answer_html`; ``entry_answer`` is the whole entry of a chunk), link to its page,
    its channel."""
    p = hit.passage
    rel = relevance(hit.rank, hit.score, top_score, confident)
    breadcrumb = " › ".join(isolate(part) for part in (p.guide, p.section) if part)
    parts = [
        '<div class="fs-result">',
        f'<div class="fs-breadcrumb">{breadcrumb}</div>' if breadcrumb else "",
        '<div class="fs-result-head">',
        f'<span class="fs-title">{escape(p.question)}</span>',
        f'<span class="fs-relevance fs-level-{rel.level}" title="Rang {hit.rank}">'
        f'<span class="fs-dots">{rel.dots}</span> {escape(rel.label)}</span>',
        "</div>",
        long_answer_html(excerpt.without_title_line(p.answer, p.question), query, p.url,
                         excerpt.without_title_line(entry_answer, p.question) if entry_answer else "", p.question),
        source_link_html(p.url),
    ]
    if channel is not None:
        for_plans = channel_plans(channel, plans)
        parts.append(f'<div class="fs-passage-channel">Canal : {channel_icon(channel.id)} {isolate(channel.name)}'
                     + (f' <span class="fs-muted">· {escape(for_plans)}</span>' if for_plans else "") + "</div>")
    parts.append("</div>")
    return "".join(parts)
