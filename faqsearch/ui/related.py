"""« Questions liées » on the page: under the best answer, the entries nearest to it; a click
asks the question of one."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ..records.passage import Passage
from ..records.scope import VISITOR, Scope
from ..search.engine import Engine
from . import presentation as pres

def related_questions(engine: Engine, passage: Passage, ask: Callable[[str], None], scope: Scope = VISITOR,
                      plan: str | None = None, count: int = 3) -> None:
    """The ``count`` entries nearest to ``passage``'s that ``scope`` may see, each a button with its section."""
    near = engine.related_to(passage.id, count, scope, plan) or []
    if not near:
        return
    st.caption("Questions liées")
    for i, entry in enumerate(near):
        section = f" · {pres.escape_markdown(entry.section)}" if entry.section else ""
        st.button(f"{pres.escape_markdown(entry.question)}{section}", key=f"related-{i}", on_click=ask,
                  args=(entry.question,), type="tertiary", icon="↪️")
