"""Other phrasings of passages' questions kept in ``corpus/variants.csv`` (written from the editors' tab).

The guides stay as editors wrote them: a question a visitor asked is attached to the passage that
answers it as one row of ``passage_id, question, added_by, added_at``. Reading validates the file
like any content (file:line in French); appending applies the same rule first (:func:`row_problem`),
so a row that the build would refuse is never written. Appending is atomic and serialised by a
file lock, so two editors attaching at the same moment both keep their row.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import ContentError
from ..records.passage import Passage
from ..text.controls import bidi_problem, control_problem, strip_bidi
from ..text.normalize import fold

VARIANTS_FILE = "variants.csv"
COLUMNS = ("passage_id", "question", "added_by", "added_at")
MAX_VARIANT_CHARS = 300
DEFAULT_AUTHOR = "éditeur"


@dataclass(frozen=True)
class Variant:
    """One phrasing attached to a passage, with who attached it and when (UTC, ISO 8601)."""

    passage_id: str
    question: str
    added_by: str = DEFAULT_AUTHOR
    added_at: str = ""
    line: int = 0


def _key(question: str) -> str:
    return " ".join(fold(question).split()).rstrip(" ?!.")


def read_variants(path: Path) -> tuple[Variant, ...]:
    """Read ``variants.csv`` (UTF-8); raise :class:`ContentError` naming the line to fix."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError.at(path, line, "le fichier n'est pas en UTF-8 : réenregistrez-le en UTF-8.") from exc
    return parse_variants(text, path)


def parse_variants(text: str, path: Path | str) -> tuple[Variant, ...]:
    """The rows of a variants file's ``text``; ``path`` names it in errors."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:2] if c not in (reader.fieldnames or [])]
    if missing:
        raise ContentError.at(path, 1, f"colonnes manquantes : {', '.join(missing)} "
                            f"(colonnes attendues : {', '.join(COLUMNS)}).")
    out = []
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        problem = row_problem(row.get("passage_id", ""), row.get("question", ""), row.get("added_by", ""))
        if problem:
            raise ContentError.at(path, line, problem)
        out.append(Variant(row["passage_id"], row["question"], row.get("added_by") or DEFAULT_AUTHOR,
                           row.get("added_at", ""), line))
    return tuple(out)


def row_problem(passage_id: str, question: str, added_by: str = "") -> str:
    """Why a row of the variants file is refused, in French; "" when it is fine.

    The one rule of the reader (hence of every build) and of :func:`append_variant`, so that the
    editors' tab never writes a file that the next build refuses.
    """
    if not passage_id or not question:
        return "« passage_id » et « question » sont obligatoires : complétez la ligne ou supprimez-la."
    if len(question) > MAX_VARIANT_CHARS or "\t" in question:
        return f"la question dépasse {MAX_VARIANT_CHARS} caractères ou contient une tabulation : raccourcissez-la."
    for value in (passage_id, question, added_by):
        problem = control_problem(value)[1] or bidi_problem(value)
        if problem:
            return problem
    return ""


def apply_variants(passages: Sequence[Passage], variants: Sequence[Variant], source: str) -> list[Passage]:
    """``passages`` with the file's variants added to their own; an unknown passage id is an error."""
    known = {p.id for p in passages}
    extra: dict[str, list[str]] = {}
    for v in variants:
        if v.passage_id not in known:
            raise ContentError.at(source, v.line, f"le passage « {v.passage_id} » n'existe pas (titre renommé ou "
                                "élément supprimé ?) : corrigez l'identifiant (voir `python -m faqsearch passages`) "
                                "ou supprimez la ligne.")
        extra.setdefault(v.passage_id, []).append(v.question)
    out = []
    for p in passages:
        if p.id not in extra:
            out.append(p)
            continue
        seen = {_key(p.question)} | {_key(q) for q in p.variants}
        added = []
        for q in extra[p.id]:
            if _key(q) not in seen:
                seen.add(_key(q))
                added.append(q)
        out.append(replace(p, variants=p.variants + tuple(added)))
    return out


def without_variants(passages: Sequence[Passage]) -> list[Passage]:
    """The passages with no variant at all (to measure what the editors' phrasings bring)."""
    return [replace(p, variants=()) for p in passages]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path.with_name("." + path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def append_variant(path: Path, passage_id: str, question: str, added_by: str = "",
                   now: datetime | None = None) -> bool:
    """Attach ``question`` to ``passage_id`` in the variants file; False if it was already there.

    The file is rewritten whole to a temporary file and renamed over the old one under a lock, so a
    crash leaves either the old or the new file, and concurrent editors are serialised.
    """
    # Bidirectional controls would be removed by the next build, with a warning: never written.
    question = " ".join(strip_bidi(str(question)).text.split())
    passage_id, added_by = str(passage_id).strip(), str(added_by).strip() or DEFAULT_AUTHOR
    if not passage_id or not question:
        raise ValueError("Choisissez un passage et une question non vide.")
    if len(question) > MAX_VARIANT_CHARS:
        question = question[:MAX_VARIANT_CHARS].rstrip()
    problem = row_problem(passage_id, question, added_by)
    if problem:  # refused before anything is written: the file stays one that builds accept
        raise ValueError(f"{VARIANTS_FILE} n'a pas été modifié, la ligne serait refusée par la construction : {problem}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    with _locked(path):
        rows = list(read_variants(path)) if path.is_file() else []
        if any(r.passage_id == passage_id and _key(r.question) == _key(question) for r in rows):
            return False
        rows.append(Variant(passage_id, question, added_by, stamp))
        _write(path, rows)
    return True


def remove_variant(path: Path, passage_id: str, question: str) -> bool:
    """Take ``question`` (as the file compares phrasings) off ``passage_id`` in the variants file;
    False if it was not there. Atomic and serialised like :func:`append_variant`."""
    path = Path(path)
    if not path.is_file():
        return False
    with _locked(path):
        rows = list(read_variants(path))
        kept = [r for r in rows if not (r.passage_id == passage_id and _key(r.question) == _key(question))]
        if len(kept) == len(rows):
            return False
        _write(path, kept)
    return True


def _write(path: Path, rows: Sequence[Variant]) -> None:
    """Write the whole file to a temporary file renamed over the old one: the old or the new, never half."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows((r.passage_id, r.question, r.added_by, r.added_at) for r in rows)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
