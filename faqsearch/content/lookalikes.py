"""Look-alike entries: reported to editors as build warnings, never refused.

A help center of hundreds of entries always has some: two entries titled alike in one section
("Première demande"), or two questions so close that one wins the other's own question. Both
are worth an editor's look, neither is a reason to keep the whole help center out of search.
Pure logic over passages and search results; the build decides whether warnings are fatal
(``--strict``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from ..records.passage import Hit, Passage

# How many of the top results an entry's own question must reach (the build's self-retrieval check).
SELF_RETRIEVAL_TOP_K = 3


@dataclass(frozen=True)
class BuildWarning:
    """Something an editor should look at, which does not stop the build (unless ``--strict``).

    ``file`` and ``line`` say where (``line`` 0: the whole file); ``message`` is French.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line > 0 else f"{self.file}: {self.message}"

    def to_dict(self) -> dict:
        """JSON-ready form (the ``--json`` report and the index manifest)."""
        return {"file": self.file, "line": self.line, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict) -> "BuildWarning":
        """Read back :meth:`to_dict`; tolerant of a hand-edited manifest (missing fields are blank)."""
        try:
            line = int(data.get("line") or 0)
        except (TypeError, ValueError):
            line = 0
        return cls(str(data.get("file", "")), line, str(data.get("message", "")))


def split_source(source: str) -> tuple[str, int]:
    """``"corpus/guide.md:12"`` -> ``("corpus/guide.md", 12)``; no line number gives 0."""
    path, sep, line = source.rpartition(":")
    return (path, int(line)) if sep and line.isdigit() else (source, 0)


def disambiguate(passages: Sequence[Passage]) -> tuple[list[Passage], list[BuildWarning]]:
    """Give every passage of one file a distinct id, warning about each renamed one.

    Ids come from guide, section and title, so the same title twice in one section gives the same
    id. The first passage (in file order) keeps it; the later ones get ``-2``, ``-3``… (the first
    suffix no other passage uses), which stays the same from build to build as long as their order
    in the file does. Passages of *different* files that share an id are left alone: that is two
    files with the same name stem, which the corpus reports as an error.
    """
    taken = {p.id for p in passages}
    first: dict[tuple[str, str], Passage] = {}
    out: list[Passage] = []
    warnings: list[BuildWarning] = []
    for passage in passages:
        file, line = split_source(passage.source)
        key = (file, passage.id)
        if key not in first:
            first[key] = passage
            out.append(passage)
            continue
        n = 2
        while f"{passage.id}-{n}" in taken:
            n += 1
        new_id = f"{passage.id}-{n}"
        taken.add(new_id)
        where = f" dans la section « {passage.section} »" if passage.section else ""
        warnings.append(BuildWarning(file, line, (
            f"le titre « {passage.title} » apparaît deux fois{where} (l'autre est en {first[key].source}) : "
            f"ce passage reçoit l'identifiant « {new_id} ». Si ce sont deux questions différentes, "
            "donnez-leur des titres distincts.")))
        out.append(replace(passage, id=new_id))
    return out, warnings


def self_retrieval_warnings(passages: Sequence[Passage], search: Callable[[list[str]], list[list[Hit]]],
                            sample: int) -> list[BuildWarning]:
    """Entries whose own question does not bring them into the top results, with the entry that wins.

    ``search`` answers a batch of questions (the new index's ``search_batch`` with top 3). One
    question per entry (its first passage's), for the first ``sample`` entries.
    """
    entries: dict[str, Passage] = {}
    for passage in passages:
        entries.setdefault(passage.entry, passage)
        if len(entries) >= sample:
            break
    heads = list(entries.values())
    if not heads:
        return []
    warnings = []
    for passage, hits in zip(heads, search([p.question for p in heads])):
        if passage.entry in {h.passage.entry for h in hits}:
            continue
        file, line = split_source(passage.source)
        winner = f" : « {hits[0].passage.question} » ({hits[0].passage.source}) passe devant" if hits else ""
        asked = "la question" if is_question(passage.question) else "le titre"
        warnings.append(BuildWarning(file, line, (
            f"{asked} « {passage.question} » ne retrouve pas son propre passage parmi les "
            f"{SELF_RETRIEVAL_TOP_K} premiers{winner}. {how_to_fix(passage)}")))
    return warnings


def is_question(text: str) -> bool:
    """True for a question as a visitor would type it; false for a bare title ("Fin",
    "Carte grise : changement d'adresse"), which help centers use verbatim as questions."""
    return text.rstrip().endswith("?")


def how_to_fix(passage: Passage) -> str:
    """What an editor can change to make an entry distinct, in the terms of its file's format.

    A bare title is often a sub-page's ("Fin", "Première demande") and lacks the subject its
    parent page gave it: saying it first fixes the title for searchers and for the check alike.
    """
    file, _ = split_source(passage.source)
    suffix = file.rsplit(".", 1)[-1].lower() if "." in file else ""
    if suffix in ("csv", "jsonl"):
        where = "la colonne question, ou d'autres formulations dans la colonne variants"
    elif suffix in ("html", "htm"):
        where = "le titre de la page ou de l'élément"
    else:
        where = "le titre, « Question : … » ou d'autres formulations"
    advice = f"Rendez-les plus distincts ({where})."
    if not is_question(passage.question) and len(passage.question.split()) <= 3:
        advice += (f" Un titre aussi court que « {passage.question} » ne dit pas de quoi il s'agit : "
                   "nommez le sujet (« Carte grise : perte » plutôt que « Perte »).")
    return advice
