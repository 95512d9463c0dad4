"""The passage: one question-answer unit of a help center, as every layer of the engine sees it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# A list item: a bullet, or a number followed by "." or ")".
_LIST_ITEM = re.compile(r"^\s*(?:[-•*–]\s|\d{1,2}[.)]\s)")


@dataclass(frozen=True)
class Passage:
    """One question-answer unit cut from a guide.

    ``id`` is derived from guide, section and title (never from position) so that it survives
    edits elsewhere in the guide; ``source`` is ``file:line`` for messages to editors.
    ``entry_id`` names the help-center entry the passage comes from: a long entry is cut into
    several passages (chunks) that share it, and results are ranked by entry; empty means the
    passage is a whole entry of its own (``entry`` then is ``id``). ``variants`` are other
    phrasings of the question: indexed, never shown. ``url`` is the entry's page, when known.
    ``part`` / ``parts`` place a chunk in its entry (chunk 2 of 5); a whole entry is 1 of 1.
    ``plans`` are the plans its channel is open to; ``audience`` the declared plans (or audiences)
    the entry is written for, empty for everyone; ``internal`` marks an entry for the support
    team only (signed-in editors, clients of the service holding an API key).
    """

    id: str
    guide: str
    section: str
    title: str
    question: str
    answer: str
    channel: str = ""
    plans: tuple[str, ...] = ()
    source: str = ""
    entry_id: str = ""
    url: str = ""
    variants: tuple[str, ...] = ()
    part: int = 1
    parts: int = 1
    audience: tuple[str, ...] = ()
    internal: bool = False

    def __post_init__(self):
        # The passage table stores every column as text: a chunk's place comes back as a number.
        object.__setattr__(self, "part", int(self.part))
        object.__setattr__(self, "parts", int(self.parts))
        if not 1 <= self.part <= self.parts:
            raise ValueError(f"part must be between 1 and parts ({self.parts}). Currently, part is {self.part}.")

    @property
    def entry(self) -> str:
        """The id of the entry this passage belongs to."""
        return self.entry_id or self.id

    def text(self) -> str:
        """The text that is indexed: section and question give context the answer lacks."""
        return "\n".join(part for part in (self.section, self.question, self.answer) if part)

    def phrasings(self) -> list[str]:
        """The question and its variants, each once, blanks left out."""
        return [q for q in dict.fromkeys([self.question, *self.variants]) if q.strip()]

    def views(self, variants: bool = True) -> list[str]:
        """The texts embedded as passages for this passage (see :meth:`field_views`)."""
        return [text for _, text in self.field_views(variants)]

    def field_views(self, variants: bool = True) -> list[tuple[str, str]]:
        """The texts embedded for this passage, each with its field: the whole passage ("text");
        for a multi-line answer, each top-level line (with its sub-lines) prefixed by the item title
        ("line"); then, with ``variants``, the answer under each other phrasing of its question
        ("variant").

        A question about one detail ("how long until the e-mail reply?") matches its line better
        than the whole item, whose vector averages several topics; the passage scores its best view.
        Only a list gets line views: its items are separate topics, while the lines of prose are
        sentences of one topic, and short ones ("Où s'adresser ?") matched every question (the
        63 one-chunk pages of the service-public set lost dense hit@1 with them,
        docs/benchmarks/external.md#what-won). A chunk of a long entry has its text only: the
        chunks already split the entry by topic, and a vector per line tripled the text embedded
        for a long help center.

        The question weighs heavily in a passage's vector, so the same answer under an English or
        familiar phrasing lands where such questions do (document expansion, as doc2query does for
        BM25; docs/benchmarks/variants.md#variant-views): more right first answers on both seed
        sets and on held-out variants; without the section, which the main view already carries.
        """
        own = [("text", self.text())] + [("line", line) for line in self._line_views()]
        if not variants or self.part > 1:
            return own
        return own + [("variant", f"{v}\n{self.answer}") for v in self.phrasings() if v != self.question]

    def _line_views(self) -> list[str]:
        if self.parts > 1:
            return []
        groups: list[str] = []
        listed = True
        for line in self.answer.splitlines():
            if line.startswith((" ", "\t")) and groups:
                groups[-1] += " " + line.strip()
            elif line.strip():
                listed = listed and bool(_LIST_ITEM.match(line))
                groups.append(line.strip().lstrip("-• ").strip())
        head = self.title or self.question
        return [f"{head} : {g}" for g in groups] if len(groups) > 1 and listed else []

    def to_dict(self) -> dict:
        """JSON-ready fields of the passage contract."""
        return {
            "id": self.id, "guide": self.guide, "section": self.section, "title": self.title,
            "question": self.question, "answer": self.answer, "channel": self.channel,
            "plans": list(self.plans), "entry_id": self.entry, "url": self.url,
            "part": self.part, "parts": self.parts, "audience": list(self.audience), "internal": self.internal,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Passage":
        """The passage of a :meth:`to_dict` object (unknown keys are ignored)."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["plans"] = tuple(fields.get("plans") or ())
        fields["variants"] = tuple(fields.get("variants") or ())
        fields["audience"] = tuple(fields.get("audience") or ())
        if fields.get("entry_id") == fields.get("id"):
            fields["entry_id"] = ""  # to_dict writes the entry of a whole-entry passage as its own id
        return cls(**fields)

    def to_row(self) -> dict[str, str]:
        """Every field as text, for the passage table: plans joined with ";", variants with tabs
        (whole sentences: no question holds a tab)."""
        return {**asdict(self), "plans": ";".join(self.plans), "variants": "\t".join(self.variants),
                "audience": ";".join(self.audience), "internal": "1" if self.internal else ""}

    @classmethod
    def from_row(cls, row: dict[str, str]) -> "Passage":
        """The passage of a :meth:`to_row` row."""
        # An index written before audiences has neither column: everyone's, not internal.
        return cls(**{**row, "plans": tuple(p for p in row["plans"].split(";") if p),
                      "variants": tuple(v for v in row["variants"].split("\t") if v),
                      "audience": tuple(a for a in row.get("audience", "").split(";") if a),
                      "internal": row.get("internal", "") == "1"})
