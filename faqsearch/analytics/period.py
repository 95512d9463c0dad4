"""The period the dashboard's figures cover: whole UTC days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# Ten years: beyond any retention setting, and a guard against a year typed with five digits.
MAX_DAYS = 3660
DEFAULT_DAYS = 30


def today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class Period:
    """From ``since`` to ``until``, both days included (UTC)."""

    since: date
    until: date

    def __post_init__(self):
        if self.since > self.until:
            raise ValueError(f"La période commence le {self.since:%d/%m/%Y}, après sa fin le {self.until:%d/%m/%Y} : "
                             "choisissez un début avant la fin.")
        if (self.until - self.since).days >= MAX_DAYS:
            raise ValueError(f"La période couvre plus de {MAX_DAYS} jours : choisissez des dates plus proches.")

    @classmethod
    def last(cls, days: int = DEFAULT_DAYS, until: date | None = None) -> "Period":
        """The ``days`` days ending with ``until`` (today when not given)."""
        if days < 1:
            raise ValueError(f"days must be 1 or more. Currently, days is {days}.")
        end = until or today()
        return cls(end - timedelta(days=days - 1), end)

    @classmethod
    def parse(cls, since: str | None, until: str | None) -> "Period":
        """The period of two ISO dates (``2026-11-30``); a missing end is today, a missing start
        :data:`DEFAULT_DAYS` days before the end. Raises ``ValueError`` in French."""
        end = _day(until, "until") if until else today()
        start = _day(since, "since") if since else end - timedelta(days=DEFAULT_DAYS - 1)
        return cls(start, end)

    @property
    def days(self) -> list[date]:
        return [self.since + timedelta(days=i) for i in range((self.until - self.since).days + 1)]

    def to_dict(self) -> dict:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"La date « {name} » doit s'écrire AAAA-MM-JJ, par exemple 2026-11-30 ; "
                         f"valeur reçue : {text[:40]!r}.") from None
