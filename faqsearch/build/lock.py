"""One build at a time per index folder."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .report import BuildError

LOCK_FILE = ".build.lock"


class BuildBusy(BuildError):
    """Another build of the same index is running. The message speaks to the command line; the
    page says it its own way."""


@contextmanager
def build_lock(root: Path, wait: bool = False) -> Iterator[None]:
    """Hold the build lock of ``root``; without ``wait``, refuse at once if another build holds it.

    ``flock`` is released by the kernel when its holder dies, so a killed build never leaves a
    stale lock behind.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise BuildBusy(f"Une autre reconstruction de l'index {root} est en cours : attendez qu'elle se "
                            "termine, ou relancez avec --wait pour l'attendre.") from exc
        yield
    finally:
        os.close(fd)
