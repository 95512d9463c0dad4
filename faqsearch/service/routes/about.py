"""``GET /v1/site``: what a client of the service can offer its visitors (the help center's name,
its plans, its sections and example questions), read from the index in service and ``site.toml``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ...content.site import SiteConfig, read_site, resolve
from ...errors import ContentError
from ...search.engine import Engine
from ...settings import Settings
from ..apikeys import scope_of


def router(engine: Engine, settings: Settings) -> APIRouter:
    routes = APIRouter()

    @routes.get("/v1/site", summary="Ce que le centre d'aide propose",
                description="Le nom du centre d'aide, ses forfaits (`id`, `label`, dans leur ordre ; vide sans "
                            "`plans.csv`) et le mot qui les nomme (`plan_noun` : « forfait », ou celui que déclare "
                            "`plans.csv`, « profil » par exemple ; vide sans forfaits), ses sections (valeurs de `section` pour /v1/search) et des "
                            "exemples de questions. Les sections des entrées internes "
                            "ne sont données qu'avec une clé d'API.")
    def site(request: Request) -> dict:
        scope = scope_of(request, settings.api_keys)
        index = engine.current()
        try:
            config = read_site(settings.corpus_dir) if settings.corpus_dir.is_dir() else SiteConfig()
        except ContentError:  # a broken site.toml: the page says so to editors; clients get the defaults
            config = SiteConfig()
        shown = resolve(config, [p for p in index.passages if scope.sees(p)])
        plans = engine.catalogue.plans
        return {"name": shown.name, "plans": [{"id": p.id, "label": p.label} for p in plans.plans],
                "plan_noun": plans.noun.singular if plans else "",
                "sections": list(engine.sections(scope)), "examples": list(shown.examples)}

    return routes
