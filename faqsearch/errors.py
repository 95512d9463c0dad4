"""The one error an editor fixes: content (a guide, the catalogue, synonyms) that cannot be used as it is."""

from __future__ import annotations


class ContentError(ValueError):
    """A problem in ``corpus/``; the message names the file and line and says what to change.

    ``source`` and ``line`` are kept apart too, for tools that point at the place (the page).
    """

    def __init__(self, message: str, source: str = "", line: int = 0):
        self.message, self.source, self.line = message, source, line
        where = f"{source}:{line}: " if source and line else (f"{source}: " if source else "")
        super().__init__(where + message)

    @classmethod
    def at(cls, source: object, line: int, message: str) -> "ContentError":
        """The error at ``source:line``."""
        return cls(message, str(source), line)
