"""The plans the service accepts: the ones the help center in service declares (``plans.csv``).

Checked on each request against the index in service rather than fixed in the schema, so that a
rebuild that declares other plans is followed without a restart; ``/docs`` lists the plans
declared when the service started.
"""

from __future__ import annotations

from fastapi import HTTPException

from ..search.engine import Engine


def checked_plan(engine: Engine, plan: str | None) -> str | None:
    """``plan`` when the help center in service declares it (None stays None); a French 422 otherwise."""
    if plan is None:
        return None
    declared = engine.catalogue.plans.ids()
    if plan in declared:
        return plan
    if not declared:
        raise HTTPException(422, f"Forfait « {plan[:40]} » : ce centre d'aide ne déclare aucun forfait ; "
                                 "retirez le paramètre « plan ».")
    raise HTTPException(422, f"{engine.catalogue.plans.noun.unknown} « {plan[:40]} » (paramètre « plan ») : utilisez "
                             f"{', '.join(declared)}, ou ne l'indiquez pas.")


def plan_doc(engine: Engine) -> dict:
    """What ``/docs`` says of the ``plan`` parameter: the declared plans and their labels, in the
    help center's word for them."""
    plans = engine.catalogue.plans
    if not plans:
        return {"description": "Forfait : ce centre d'aide n'en déclare aucun (paramètre à omettre)."}
    labels = ", ".join(f"`{p.id}` ({p.label})" for p in plans.plans)
    return {"description": f"{plans.noun.title} de la personne, si connu : {labels}.",
            "json_schema_extra": {"enum": list(plans.ids())}}
