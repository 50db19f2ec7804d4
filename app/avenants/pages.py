"""How an avenant's steps read: its action pages, its checklist, who acts next."""
from flask import url_for

from app.avenants import lifecycle
from app.avenants.models import AvenantEtat as A
from app.documents.models import Etape
from app.dossiers.actions import ActionPage, SignedFile
from app.dossiers.checklist import avenant_place, checklist
from app.dossiers.forms import FieldText
from app.dossiers.pages import REDEPOSIT_REASON
from app.dossiers.presentation import NBSP, prefecture

EXPECTED = {A.REDACTION: "deposer", A.DEPOSE: "signer", A.A_COMPLETER: "redeposer"}
NEXT_DEPOSIT = {A.REDACTION: "deposer", A.A_COMPLETER: "redeposer"}
NEXT_STEP = {
    A.REDACTION: "Ajouter le projet d'avenant, puis le déposer auprès de la préfecture.",
    A.DEPOSE: "La préfecture instruit l'avenant, puis enregistre l'avenant signé.",
    A.A_COMPLETER: "Compléter l'avenant comme demandé, puis le déposer à nouveau.",
    A.SIGNE: "L'avenant est signé\u00a0: il modifie la convention-cadre.",
}

INTRO = {
    "deposer": "Vous déposez l'avenant n° {n} auprès de {prefecture}, qui l'instruit. Les documents "
               "déposés ne pourront plus être retirés.",
    "demander_complements": "L'avenant revient aux porteurs{nbsp}: votre motif leur est affiché sur sa page "
                            "jusqu'à leur nouveau dépôt.",
    "redeposer": "Vous déposez à nouveau l'avenant n° {n} auprès de {prefecture}. Dites ce qui a changé depuis "
                 "la demande de compléments{nbsp}: la préfecture le lira dans l'historique.",
    "signer": "Vous enregistrez l'avenant n° {n} signé par toutes les parties{nbsp}: il modifie désormais la "
              "convention-cadre.",
}
DONE = {
    "deposer": "Avenant n° {n} déposé. {Prefecture} l'instruit désormais.",
    "demander_complements": "Compléments demandés sur l'avenant n° {n}. La commune, l'EPCI ou le chef de projet "
                            "le complète et le dépose à nouveau.",
    "redeposer": "Avenant n° {n} déposé à nouveau. {Prefecture} l'instruit désormais.",
    "signer": "Signature de l'avenant n° {n} enregistrée. Il modifie désormais la convention-cadre.",
}
REASONS = {
    "redeposer": REDEPOSIT_REASON,
    "demander_complements": FieldText(
        "Motif", "Ce que les porteurs doivent compléter. Il leur est affiché sur la page de l'avenant "
                 "jusqu'à leur nouveau dépôt, puis reste dans l'historique."),
}


def _say(text: str, avenant) -> str:
    name = prefecture(avenant.dossier)
    return text.format(n=avenant.numero, prefecture=name, Prefecture=name[0].upper() + name[1:], nbsp=NBSP)


def deposit_checklist(avenant, *, may_act: bool) -> list:
    event = NEXT_DEPOSIT.get(avenant.etat)
    if event is None:
        return []
    facts = lifecycle.facts_of(avenant)
    return checklist(lifecycle.MACHINE.requirements(event, facts), avenant_place(avenant), may_act=may_act)


def action_page(avenant, event: str, *, may_upload: bool) -> ActionPage:
    rule = lifecycle.MACHINE.events.get(event)
    facts = lifecycle.facts_of(avenant)
    texts = {"reason": REASONS[event]} if event in REASONS else {}
    if event == "signer":
        texts["signed_file"] = FieldText(
            "Avenant signé (PDF)",
            "Facultatif\u00a0: l'avenant signé est déjà parmi ses documents." if facts.signed_document
            else f"Le PDF de l'avenant portant toutes les signatures. Taille maximale{NBSP}: 20{NBSP}Mo.",
        )
    back = url_for("avenants.show", dossier_id=avenant.dossier_id, numero=avenant.numero)
    return ActionPage(
        title=f"{rule.label} n° {avenant.numero}" if rule else event, back=back,
        parent=(f"Avenant n° {avenant.numero}", back),
        signed_file=SignedFile(Etape.AVENANT, f"Avenant n° {avenant.numero} signé", avenant),
        state=lambda: avenant.etat.label, intro=_say(INTRO[event], avenant) if event in INTRO else "",
        checklist=tuple(checklist(lifecycle.MACHINE.requirements(event, facts), avenant_place(avenant),
                                  may_act=may_upload)),
        texts=texts, file_required=event == "signer" and not facts.signed_document,
        done=lambda: _say(DONE[event], avenant),
    )


def pending_complements(avenant, entries):
    """The request for compléments the avenant answers now, from its timeline (newest first)."""
    if avenant.etat != A.A_COMPLETER:
        return None
    return next((e for e in entries if e.event == "demander_complements"), None)
