"""The JSON bodies the service accepts: a rating, and a question the visitor settled on.

Unknown fields are refused (a typo in a field name would otherwise be silently ignored), and the
``session`` is an opaque token chosen by the client. Neither the visitor's address nor their user
agent is stored: only a keyed hash of the address that changes every day, so that one client
repeating a question counts once (:mod:`faqsearch.service.clientkey`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .limits import MAX_PASSAGE_ID_CHARS, MAX_QUERY_CHARS

# A plan id as the corpus may declare one; whether it is declared is checked against the index in
# service (:mod:`faqsearch.service.plans`).
Plan = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
SESSION = dict(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class FeedbackIn(BaseModel):
    """A 👍 or 👎 on a passage returned for a question."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000, description="La question posée, telle que tapée (les "
                          "caractères de contrôle et de direction sont retirés).")
    passage_id: str = Field(min_length=1, max_length=MAX_PASSAGE_ID_CHARS,
                            description="`passage_id` d'un résultat de /v1/search (un passage de l'index en service).")
    rating: Literal["up", "down"] = Field(description="`up` (👍) ou `down` (👎).")
    plan: Plan | None = Field(default=None, description="Forfait de la personne, si connu.")
    session: str | None = Field(**SESSION, description="Identifiant anonyme du visiteur : un second avis du même "
                                                       "visiteur remplace le premier.")


class QuestionIn(BaseModel):
    """A question the visitor settled on (stopped typing, pressed Enter, opened an answer)."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="La question, telle que tapée.")
    plan: Plan | None = Field(default=None, description="Forfait de la personne, si connu.")
    session: str | None = Field(**SESSION, description="Identifiant anonyme du visiteur (aléatoire, choisi par le "
                                                       "client), comme pour /v1/feedback.")


class EventIn(BaseModel):
    """What a visitor did with an answer: opened it, or used a link of its card."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["open", "contact"] = Field(description="`open` (une réponse ouverte) ou `contact` (un lien ou "
                                                         "un contact de la carte utilisé).")
    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="La question à laquelle la "
                          "réponse a été donnée, telle que tapée.")
    passage_id: str | None = Field(default=None, min_length=1, max_length=MAX_PASSAGE_ID_CHARS,
                                   description="`passage_id` de la réponse ouverte (obligatoire pour `open`), ou du "
                                               "passage dont la carte a servi (absent pour la carte générale).")
    rank: int | None = Field(default=None, ge=1, le=1000, description="Position (1 pour la première) de la réponse "
                             "ouverte dans la liste montrée ; pour `open` seulement.")
    target: str | None = Field(default=None, max_length=80, pattern=r"^(tel|mailto|url):[A-Za-z0-9][A-Za-z0-9_.-]*$",
                               description="Pour `contact` : le genre de lien (`tel`, `mailto`, `url`), deux-points, "
                                           "puis l'identifiant du canal, par exemple `tel:telephone`.")
    plan: Plan | None = Field(default=None, description="Forfait de la personne, si connu.")
    session: str | None = Field(**SESSION, description="Identifiant anonyme du visiteur, comme pour /v1/questions.")
