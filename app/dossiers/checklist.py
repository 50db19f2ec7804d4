"""What a deposit needs, as a checklist: each item ticked or not, a missing one linked to where
it is met (the upload form, pre-filled).

The items come from the machine's own requirements (app/workflows: `requirements(event,
facts)`), the very list its guard checks: the page and the refusal cannot disagree. The
convention's content (the signataires, the dates of the délibérations…) comes in as
requirements whose `where` is "contenu", linked to the « Contenu de la convention » page;
what the projet de territoire lacks (the cadre) as "projet", linked to the projet's page.
"""
from dataclasses import dataclass

from flask import url_for

from app.documents.forms import AVENANT_PREFIX


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    link: str | None = None  # where to meet it, when it is not met and the user may act
    link_text: str = "Ajouter"


@dataclass(frozen=True)
class Place:
    """Where the documents of a checklist go: a step of a dossier (and an avenant), and the
    page the upload form returns to."""

    dossier_id: int
    etape: str  # the value of the upload form's step field ("adhesion", "avenant-12"…)
    retour: str  # "dossier" or "avenant": where the upload form sends back to


# Requirement.where -> (link text, the link of that requirement for a place)
LINKS = {
    "documents": ("Ajouter ou remplacer un document",
                  lambda place: url_for("documents.index", dossier_id=place.dossier_id)),
    # the convention's content (a step of the dossier: "adhesion" or "cadre")
    "contenu": ("Compléter le contenu de la convention",
                lambda place: url_for("conventions.modifier_contenu", dossier_id=place.dossier_id,
                                      kind=place.etape)),
    # the projet de territoire the convention-cadre formalises
    "projet": ("Compléter le projet de territoire",
               lambda place: url_for("projet.plan", dossier_id=place.dossier_id)),
}


def avenant_place(avenant) -> Place:
    return Place(avenant.dossier_id, f"{AVENANT_PREFIX}{avenant.id}", "avenant")


def checklist(requirements, place: Place, *, may_act: bool) -> list[ChecklistItem]:
    """The requirements as the page shows them; links only for a user who may meet them."""
    return [_item(r, place, may_act) for r in requirements]


def _item(requirement, place: Place, may_act: bool) -> ChecklistItem:
    if requirement.done or not may_act:
        return ChecklistItem(requirement.label, requirement.done)
    if requirement.document is not None:
        kind, code = requirement.document
        link = url_for("documents.upload", dossier_id=place.dossier_id, type=kind,
                       collectivite=code or None, etape=place.etape, retour=place.retour)
        return ChecklistItem(requirement.label, False, link)
    if requirement.where in LINKS:
        text, link = LINKS[requirement.where]
        return ChecklistItem(requirement.label, False, link(place), text)
    return ChecklistItem(requirement.label, False)
