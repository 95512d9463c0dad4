"""A disk that fills up while a build writes: said in French, with the folder, as a :class:`BuildError`."""

from __future__ import annotations

import errno
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .report import BuildError

# A write that failed with less free space than this left on its disk failed for want of it
# (FAISS says only "write error"; numpy, "355584 requested and 223200 written").
FULL_BELOW_BYTES = 1 << 20
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written|No space left on device")


def is_disk_full(exc: BaseException, folder: Path) -> bool:
    """Whether ``exc``, raised while writing into ``folder``, means that its disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if _SHORT_WRITE.search(str(exc)):
        return True
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


@contextmanager
def disk_space(folder: Path, what: str) -> Iterator[None]:
    """Turn a full disk while ``what`` is written into ``folder`` into a :class:`BuildError` that
    says so, where, and that the index in service did not change (nothing is published before
    every file is written)."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        if isinstance(exc, BuildError) or not is_disk_full(exc, folder):
            raise
        try:
            free = f"{shutil.disk_usage(folder).free / 2**20:.1f} Mo libres"
        except OSError:
            free = "espace libre inconnu"
        raise BuildError(f"Le disque est plein : impossible d'écrire {what} dans {folder} ({free}). Libérez de la "
                         "place sur ce disque (anciennes constructions, caches, journaux), puis relancez la "
                         "reconstruction. L'index en service n'a pas été modifié.") from exc
