"""The editors' dashboard for a period, computed once and shown three ways: the editors' space,
``GET /v1/stats`` (:meth:`Dashboard.to_dict`) and the CSV exports (:meth:`Dashboard.tables`), so
the three always agree.

The counts come from :mod:`faqsearch.analytics.queries`; the passages of the index in service
name the sections and the entries that were never shown (neither the first answer of a question
nor opened within the period).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Sequence

from ..feedback.store import FeedbackStore
from ..records.passage import Passage
from . import queries, rollup
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


def dashboard(store: FeedbackStore, passages: Sequence[Passage], period: Period, top: int = TOP,
              now: date | None = None) -> Dashboard:
    """Every figure of ``period`` (closed days rolled up first, see :mod:`faqsearch.analytics.rollup`);
    ``passages`` are those of the index in service (sections and entries); ``now`` is today (UTC)."""
    if top < 1:
        raise ValueError(f"top must be 1 or more. Currently, top is {top}.")
    rollup.roll_up(store, period, now)
    return store.read(lambda con: _board(con, period, passages, top, now))


def _one(counts: rollup.Counts, figure: str) -> list[int]:
    return counts.get(figure, {}).get("", [0, 0, 0])


def _grouped(con, counts: rollup.Counts, figure: str, top: int) -> tuple[Grouped, ...]:
    """The ``top`` questions of ``figure`` by visitor-days (latest asked first among equals)."""
    ranked = sorted(counts.get(figure, {}).values(), key=lambda v: (-v[0], -v[2]))[:top]
    wording = queries.wordings(con, [v[2] for v in ranked])
    return tuple(Grouped(wording[v[2]], v[0], v[1]) for v in ranked)


def _board(con, period: Period, passages: Sequence[Passage], top: int, now: date | None) -> Dashboard:
    counts = rollup.counts(con, period, now)
    days = tuple(Day(day, n, m) for day, (n, m, _) in sorted(counts.get("day", {}).items()))
    (up, down, _), (sessions, served, _) = _one(counts, "ratings"), _one(counts, "sessions")
    targets = sorted(counts.get("target", {}).items(), key=lambda item: (-item[1][0], item[0]))
    by_passage: dict[str, dict[str, int]] = {}
    for figure, names in (("first", ("first", "confident")), ("events", ("opened", "contacts")), ("rated", ("up", "down"))):
        for passage, values in counts.get(figure, {}).items():
            by_passage.setdefault(passage, {}).update(zip(names, values))
    return Dashboard(
        period=period, questions=sum(d.questions for d in days), confident=sum(d.confident for d in days),
        opened=_one(counts, "opened")[0], up=up, down=down, sessions=sessions, self_served=served,
        contacted=_one(counts, "contacted")[0], per_day=days,
        contacts=tuple(_contact(target, values[0]) for target, values in targets),
        top=_grouped(con, counts, "asked", top), unanswered=_grouped(con, counts, "unanswered", top),
        never_shown=never_shown(passages, by_passage), sections=sections(passages, by_passage))


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
