"""Memory that Python and torch freed, handed back to the system."""

from __future__ import annotations


def return_freed_memory() -> None:
    """Hand memory freed by Python and torch back to the system (glibc keeps it otherwise)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused by the process instead
        pass
