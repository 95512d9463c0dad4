"""The editors' dashboard for a period, computed once and shown three ways: the editors' space,
``GET /v1/stats`` (:meth:`Dashboard.to_dict`) and the CSV exports (:meth:`Dashboard.tables`), so
the three always agree.

The counts come from :mod:`faqsearch.analytics.queries`; the passages of the index in service
name the sections and the entries that were never shown (neither the first answer of a question
nor opened within the period).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

from ..feedback.store import FeedbackStore
from ..records.passage import Passage
from . import queries
from .period import Period

TOP = 20


@dataclass(frozen=True)
class Day:
    day: str
    questions: int
    confident: int


@dataclass(frozen=True)
class Grouped:
    """A question as the visitors asked it most lately; ``visitors`` counts visitor-days."""

    question: str
    visitors: int
    confident: int


@dataclass(frozen=True)
class Contact:
    """One way of reaching a channel (``link``: tel, mailto, url) and how often it was used."""

    channel: str
    link: str
    contacts: int


@dataclass(frozen=True)
class Section:
    section: str
    entries: int
    first: int  # questions whose first answer was in the section
    confident: int
    opened: int
    contacts: int
    up: int
    down: int


@dataclass(frozen=True)
class Entry:
    entry: str
    section: str
    title: str


def share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to a thousandth; None when there is nothing to divide."""
    return round(part / whole, 3) if whole else None


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the period. Shares are None when their denominator is 0."""

    period: Period
    questions: int
    confident: int
    opened: int
    up: int
    down: int
    sessions: int
    self_served: int
    contacted: int
    per_day: tuple[Day, ...]
    contacts: tuple[Contact, ...]
    top: tuple[Grouped, ...]
    unanswered: tuple[Grouped, ...]
    never_shown: tuple[Entry, ...]
    sections: tuple[Section, ...]

    @property
    def confident_share(self) -> float | None:
        return share(self.confident, self.questions)

    @property
    def opened_share(self) -> float | None:
        return share(self.opened, self.questions)

    @property
    def self_service_rate(self) -> float | None:
        return share(self.self_served, self.sessions)

    def to_dict(self) -> dict:
        """The JSON of ``GET /v1/stats``."""
        data = {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}
        data["period"] = self.period.to_dict()
        data.update(confident_share=self.confident_share, opened_share=self.opened_share,
                    self_service_rate=self.self_service_rate)
        return data

    def tables(self) -> dict[str, list[dict]]:
        """The tables the editors export to CSV, by file name, with French column names (:data:`TABLES`)."""
        return {name: [{label: getattr(item, field) for field, label in names.items()} for item in getattr(self, attr)]
                for name, (attr, names) in TABLES.items()}


_GROUPED = {"question": "question", "visitors": "visiteurs-jours", "confident": "dont répondues"}
# File name: (the Dashboard's field, its items' fields and their column names).
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "questions-par-jour": ("per_day", {"day": "jour", "questions": "questions", "confident": "répondues avec confiance"}),
    "questions-frequentes": ("top", _GROUPED),
    "questions-sans-reponse": ("unanswered", _GROUPED),
    "contacts-par-canal": ("contacts", {"channel": "canal", "link": "lien", "contacts": "contacts"}),
    "entrees-jamais-montrees": ("never_shown", {"entry": "entrée", "section": "section", "title": "titre"}),
    "par-section": ("sections", {"section": "section", "entries": "entrées", "first": "première réponse",
                                 "confident": "dont sûres", "opened": "ouvertes", "contacts": "contacts",
                                 "up": "👍", "down": "👎"}),
}


def columns(table: str) -> list[str]:
    """The column names of one of :data:`TABLES`."""
    return list(TABLES[table][1].values())


def dashboard(store: FeedbackStore, passages: Sequence[Passage], period: Period, top: int = TOP) -> Dashboard:
    """Every figure of ``period``, read in one transaction of ``store``; ``passages`` are those of
    the index in service (sections and entries)."""
    if top < 1:
        raise ValueError(f"top must be 1 or more. Currently, top is {top}.")

    def work(con) -> Dashboard:
        days = queries.per_day(con, period)
        up, down = queries.ratings(con, period)
        sessions, served, contacted = queries.sessions(con, period)
        by_passage = queries.per_passage(con, period)
        return Dashboard(
            period=period, questions=sum(day[1] for day in days), confident=sum(day[2] for day in days),
            opened=queries.opened_questions(con, period), up=up, down=down, sessions=sessions,
            self_served=served, contacted=contacted, per_day=tuple(Day(*day) for day in days),
            contacts=tuple(_contact(target, n) for target, n in queries.contacts(con, period)),
            top=tuple(Grouped(*g) for g in queries.grouped(con, period, False, top)),
            unanswered=tuple(Grouped(*g) for g in queries.grouped(con, period, True, top)),
            never_shown=never_shown(passages, by_passage), sections=sections(passages, by_passage))

    return store.read(work)


def _contact(target: str, contacts: int) -> Contact:
    link, _, channel = target.partition(":")
    return Contact(channel, link, contacts)


def never_shown(passages: Sequence[Passage], counts: dict[str, dict[str, int]]) -> tuple[Entry, ...]:
    """The entries none of whose passages was a first answer or opened, in the guide's order."""
    seen = {p for p, c in counts.items() if c.get("first") or c.get("opened")}
    shown = {p.entry for p in passages if p.id in seen}
    out: dict[str, Entry] = {}
    for p in passages:
        if p.entry not in shown and p.entry not in out:
            out[p.entry] = Entry(p.entry, p.section, p.title)
    return tuple(out.values())


def sections(passages: Sequence[Passage], counts: dict[str, dict[str, int]]) -> tuple[Section, ...]:
    """The figures of each section of the guide, in the guide's order."""
    names = ("first", "confident", "opened", "contacts", "up", "down")
    totals: dict[str, dict[str, int]] = {}
    entries: dict[str, set[str]] = {}
    for p in passages:
        total = totals.setdefault(p.section, dict.fromkeys(names, 0))
        entries.setdefault(p.section, set()).add(p.entry)
        for name, value in counts.get(p.id, {}).items():
            total[name] += value
    return tuple(Section(section, len(entries[section]), **total) for section, total in totals.items())
