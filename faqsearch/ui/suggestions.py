"""Suggestions on the page: the questions of the guides that complete what was typed.

The page's field sends its text on Enter (Streamlit has no keystroke events), so the
suggestions come with the answer: a half-typed question still finds the entry's own words, one
click away.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ..records.answer import Answer
from ..records.scope import VISITOR, Scope
from ..search.engine import Engine
from . import presentation as pres

def suggestions(engine: Engine, answer: Answer, ask: Callable[[str], None], scope: Scope = VISITOR,
                count: int = 3) -> None:
    """Up to ``count`` questions completing ``answer.question``, other than the best entry's,
    among the entries ``scope`` may see."""
    shown = answer.hits[0].passage.entry if answer.confident and answer.hits else None
    found = [s for s in engine.suggest(answer.question, count + 1, scope, answer.plan)
             if s.entry_id != shown and s.text.casefold() != answer.question.casefold()][:count]
    if not found:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("Suggestions :")
        for i, suggestion in enumerate(found):
            st.button(pres.escape_markdown(suggestion.text), key=f"suggestion-{i}", on_click=ask,
                      args=(suggestion.text,), type="tertiary", icon="🔎")
