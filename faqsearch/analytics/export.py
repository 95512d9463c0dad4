"""The dashboard's tables as CSV files that a spreadsheet opens safely.

Visitors' questions are text anyone typed: a cell that starts like a formula (``=``, ``+``, ``-``,
``@``) would be run by a spreadsheet, so it is written with a leading apostrophe, read as text.
UTF-8 with a byte-order mark, so that accents survive a double-click in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from typing import Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """``value``, text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Sequence[dict], columns: Sequence[str]) -> bytes:
    """``rows`` as a CSV file with ``columns`` as its header (the header alone when there is no row)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: cell(row.get(name, "")) for name in columns})
    return ("\ufeff" + out.getvalue()).encode("utf-8")
