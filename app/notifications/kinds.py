"""The kinds of notification: what each says, whether it may be turned off, its default.

A later feature (fiches action, comités, avis) adds its kinds here, with one template each
in templates/notifications/kinds/<name>.txt (the body, shown in the application and mailed).
"""
from dataclasses import dataclass

from app.notifications.models import Delivery


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # on the preferences page
    required: bool = False  # an e-mail the user cannot turn off (digest allowed)
    default: Delivery = Delivery.IMMEDIATE

    @property
    def template(self) -> str:
        return f"notifications/kinds/{self.name}.txt"


KINDS = {kind.name: kind for kind in (
    Kind("depot", "Une convention ou un avenant est déposé pour instruction"),
    Kind("a_completer", "La préfecture demande des compléments", required=True),
    Kind("validation", "Une convention ou un avenant est validé"),
    Kind("signature", "Une signature est enregistrée"),
    Kind("prolongation", "Le délai de 18 mois est prolongé"),
    Kind("sortie", "Un dossier sort du programme ou est clôturé"),
    Kind("document", "Un document est ajouté à un dossier en instruction", default=Delivery.DIGEST),
    Kind("role", "Un rôle vous est attribué"),
    Kind("alerte_echeance", "L'échéance des 18 mois approche ou est dépassée", required=True),
    Kind("alerte_instruction", "Un dossier attend son instruction depuis longtemps", required=True),
    Kind("alerte_complements", "Des compléments demandés restent sans réponse", required=True),
    Kind("fiche_soumise", "Une fiche action est soumise au comité de projet"),
    Kind("rapport_pret", "Le rapport «\u00a0point d'avancement\u00a0» que vous avez demandé est prêt"),
    Kind("export_pret", "Le grand export XLSX que vous avez demandé est prêt"),
    Kind("avis_partenaire", "Un partenaire donne son avis sur une fiche action"),
    Kind("decision_financement", "Un financeur enregistre sa décision ou son versement"),
)}


def delivery_for(kind: Kind, chosen: Delivery | None) -> Delivery:
    """What the user chose, within what the kind allows."""
    if chosen is None:
        return kind.default
    if chosen == Delivery.OFF and kind.required:
        return Delivery.DIGEST
    return chosen
