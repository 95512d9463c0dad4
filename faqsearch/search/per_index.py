"""A structure derived from an index (suggester, speller, related entries), made once per index
in service and made again when a rebuild publishes a new one."""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

from ..index.faq_index import FaqIndex

T = TypeVar("T")


class PerIndex(Generic[T]):
    """``make(index)`` kept for the last index asked about: built on first use, not at start-up."""

    def __init__(self, make: Callable[[FaqIndex], T]):
        self._make = make
        self._lock = threading.Lock()
        self._index: FaqIndex | None = None
        self._value: T | None = None

    def of(self, index: FaqIndex) -> T:
        with self._lock:
            if self._index is not index or self._value is None:
                self._value, self._index = self._make(index), index
            return self._value
