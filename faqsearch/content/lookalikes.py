"""Look-alike entries: reported to editors as build warnings, never refused.

A help center of hundreds of entries always has some: two entries titled alike in one section
("Première demande"), or two questions so close that one wins the other's own question (found by
the build's check, :mod:`faqsearch.build.verify`). Both are worth an editor's look, neither is a
reason to keep the whole help center out of search. Pure logic over passages; the build decides
whether warnings are fatal (``--strict``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from ..records.passage import Passage


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
