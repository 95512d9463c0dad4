"""The dashboard's figures, counted by SQLite and by PostgreSQL on a small history whose every
figure is known."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert

from faqsearch.analytics.figures import dashboard
from faqsearch.analytics.period import Period
from faqsearch.feedback.database import EVENTS, QUESTIONS, RATINGS
from faqsearch.feedback.store import DOWN, UP, FeedbackStore, normalize_question
from faqsearch.records.passage import Passage

PASSAGES = (
    Passage(id="g/tel", guide="g", section="Téléphone", title="Appeler", question="Comment appeler ?", answer="a"),
    Passage(id="g/mail", guide="g", section="E-mail", title="Écrire", question="Comment écrire ?", answer="b"),
    Passage(id="g/long-1", guide="g", section="E-mail", title="Long", question="Long ?", answer="c",
            entry_id="g/long", part=1, parts=2),
    Passage(id="g/long-2", guide="g", section="E-mail", title="Long", question="Long ?", answer="d",
            entry_id="g/long", part=2, parts=2),
    Passage(id="g/status", guide="g", section="Statut", title="Statut", question="Statut ?", answer="e"),
)
DAY1, DAY2, DAY3 = "2026-11-01", "2026-11-02", "2026-11-03"


def _question(con, day: str, session: str, question: str, confident: bool, top: str) -> None:
    con.execute(insert(QUESTIONS).values(asked_at=f"{day}T10:00:00+00:00", session=session, question=question,
                                         normalized=normalize_question(question), confident=int(confident),
                                         top_passage=top, results=5))


def _event(con, day: str, session: str, question: str, kind: str, passage: str | None, target: str | None = None):
    con.execute(insert(EVENTS).values(at=f"{day}T10:01:00+00:00", session=session, question=question,
                                      normalized=normalize_question(question), kind=kind, passage_id=passage,
                                      rank=1 if kind == "open" else None, target=target))


def _history(con) -> None:
    _question(con, DAY1, "a", "Comment appeler ?", True, "g/tel")
    _event(con, DAY1, "a", "Comment appeler ?", "open", "g/tel")  # a: served itself
    _question(con, DAY1, "b", "comment appeler", True, "g/tel")
    _event(con, DAY1, "b", "comment appeler", "open", "g/tel")
    _event(con, DAY1, "b", "comment appeler", "contact", "g/tel", "tel:telephone")  # b: opened, then called
    _question(con, DAY2, "c", "Crêpes ?", False, "g/status")
    _event(con, DAY2, "c", "Crêpes ?", "contact", None, "url:tickets")  # c: the general card
    _question(con, DAY2, "d", "crepes", False, "g/status")
    _question(con, DAY2, "e", "Long ?", True, "g/long-2")
    _event(con, DAY2, "e", "Long ?", "open", "g/long-2")
    _event(con, DAY2, "e", "Long ?", "contact", "g/long-2", "tel:telephone")
    _question(con, DAY3, "f", "Comment appeler ?", True, "g/tel")  # outside the period below
    _event(con, DAY3, "f", "Comment appeler ?", "open", "g/mail")
    for day, session, passage, rating in ((DAY1, "a", "g/tel", UP), (DAY2, "e", "g/long-2", DOWN), (DAY3, "f", "g/tel", UP)):
        con.execute(insert(RATINGS).values(rated_at=f"{day}T10:02:00+00:00", session=session, question="q",
                                           passage_id=passage, rating=rating))


@pytest.fixture
def store(database_url: str) -> FeedbackStore:
    store = FeedbackStore.from_url(database_url)
    store.read(_history)
    yield store
    store.close()


def test_every_figure_of_a_period(store: FeedbackStore):
    board = dashboard(store, PASSAGES, Period(date(2026, 11, 1), date(2026, 11, 2)))
    assert [(d.day, d.questions, d.confident) for d in board.per_day] == [(DAY1, 2, 2), (DAY2, 3, 1)]
    assert (board.questions, board.confident, board.confident_share) == (5, 3, 0.6)
    assert (board.up, board.down) == (1, 1)
    assert (board.opened, board.opened_share) == (3, 0.6)  # a, b and e opened an answer to their question
    assert (board.sessions, board.self_served, board.contacted, board.self_service_rate) == (5, 1, 3, 0.2)
    assert [(c.channel, c.link, c.contacts) for c in board.contacts] == [("telephone", "tel", 2), ("tickets", "url", 1)]
    assert [(g.question, g.visitors, g.confident) for g in board.top] == [
        ("crepes", 2, 0), ("comment appeler", 2, 2), ("Long ?", 1, 1)]
    assert [(g.question, g.visitors) for g in board.unanswered] == [("crepes", 2)]
    assert [e.entry for e in board.never_shown] == ["g/mail"]  # g/status was a first answer, g/mail only on day 3
    assert [(s.section, s.entries, s.first, s.confident, s.opened, s.contacts, s.up, s.down) for s in board.sections] == [
        ("Téléphone", 1, 2, 2, 2, 1, 1, 0), ("E-mail", 2, 1, 1, 1, 1, 0, 1), ("Statut", 1, 2, 0, 0, 0, 0, 0)]


def test_the_json_and_the_csv_tables_say_the_same(store: FeedbackStore):
    board = dashboard(store, PASSAGES, Period(date(2026, 11, 1), date(2026, 11, 3)))
    data = board.to_dict()
    assert data["period"] == {"since": DAY1, "until": DAY3}
    assert data["questions"] == 6 and data["self_service_rate"] == round(2 / 6, 3)
    tables = board.tables()
    assert [row["jour"] for row in tables["questions-par-jour"]] == [DAY1, DAY2, DAY3]
    assert tables["questions-frequentes"][0] == {"question": "Comment appeler ?", "visiteurs-jours": 3,
                                                 "dont répondues": 3}
    assert tables["entrees-jamais-montrees"] == []
    assert set(tables) == {"questions-par-jour", "questions-frequentes", "questions-sans-reponse",
                           "contacts-par-canal", "entrees-jamais-montrees", "par-section"}


def test_an_empty_period_has_no_shares(store: FeedbackStore):
    board = dashboard(store, PASSAGES, Period(date(2025, 1, 1), date(2025, 1, 31)))
    assert (board.questions, board.confident_share, board.opened_share, board.self_service_rate) == (0, None, None, None)
    assert len(board.never_shown) == 4 and board.per_day == ()


@pytest.mark.parametrize("since, until, words", [
    ("2026-11-30", "2026-11-01", "avant la fin"),
    ("30/11/2026", None, "AAAA-MM-JJ"),
    ("1990-01-01", "2026-01-01", "plus de"),
])
def test_a_bad_period_is_refused_in_french(since, until, words):
    with pytest.raises(ValueError, match=words):
        Period.parse(since, until)


def test_a_missing_end_is_today_and_a_missing_start_thirty_days_before():
    period = Period.parse(None, "2026-12-03")
    assert (period.since, period.until, len(period.days)) == (date(2026, 11, 4), date(2026, 12, 3), 30)


def test_rolled_up_days_give_the_figures_counted_live(store: FeedbackStore):
    from faqsearch.analytics import rollup

    period = Period(date(2026, 11, 1), date(2026, 11, 3))
    live = dashboard(store, PASSAGES, period, now=date(2026, 11, 3))  # every day still open: counted live
    assert rollup.roll_up(store, period, now=date(2026, 11, 3)) == 0
    rolled = dashboard(store, PASSAGES, period, now=date(2026, 12, 3))  # every day closed: rolled up once
    assert rolled == live
    assert rollup.roll_up(store, period, now=date(2026, 12, 3)) == 0  # already done, never twice
    half = dashboard(store, PASSAGES, period, now=date(2026, 11, 4))  # day 1 rolled, days 2 and 3 live
    assert half == live


def test_the_purge_takes_the_daily_counts_of_the_days_it_empties(store: FeedbackStore):
    from sqlalchemy import func, select

    from faqsearch.feedback.database import DAILY, DAYS_ROLLED

    dashboard(store, PASSAGES, Period(date(2026, 11, 1), date(2026, 11, 3)), now=date(2026, 12, 3))
    assert store.read(lambda con: con.execute(select(func.count()).select_from(DAYS_ROLLED)).scalar_one()) == 3
    store.retention_days = 1
    store.purge(now=datetime(2026, 11, 3, 12, tzinfo=timezone.utc))  # keeps 2026-11-02 12:00 onwards
    days = store.read(lambda con: sorted({r[0] for r in con.execute(select(DAILY.c.day))}))
    assert days == ["2026-11-02", "2026-11-03"]
