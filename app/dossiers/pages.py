"""What the dossier page and its action pages show beyond the dossier's own fields: the
checklist of the next deposit, the action page of each event (its wording, its dates)."""
from datetime import timedelta

from flask import url_for

from app.core.formatting import date_fr
from app.dossiers import lifecycle, presentation
from app.dossiers.actions import ActionPage, SignedFile
from app.dossiers.checklist import Place, checklist
from app.dossiers.forms import FieldText

NBSP = "\u00a0"

REDEPOSIT_REASON = FieldText(
    "Ce qui a changé depuis la demande de compléments",
    "Par exemple\u00a0: la délibération datée et signée est jointe, le plan de financement est précisé. "
    "La préfecture le lira dans l'historique du dossier.",
    "Indiquez ce qui a changé depuis la demande de compléments\u00a0: ce sera conservé dans "
    "l'historique du dossier.",
)
COMPLEMENTS_REASON = FieldText(
    "Motif",
    "Ce que les porteurs doivent compléter. Il leur est affiché dans la «\u00a0Prochaine étape\u00a0» "
    "du dossier jusqu'à leur nouveau dépôt, puis reste dans l'historique.",
)
REASONS = {
    "redeposer_adhesion": REDEPOSIT_REASON, "redeposer_cadre": REDEPOSIT_REASON,
    "demander_complements_adhesion": COMPLEMENTS_REASON, "demander_complements_cadre": COMPLEMENTS_REASON,
    "prolonger_delai": FieldText("Motif de la prolongation"),
    "declarer_sortie": FieldText("Motif de la sortie du programme"),
}
SIGNED_FILES = {
    "signer_adhesion": "Convention d'adhésion signée (PDF)",
    "signer_cadre": "Convention-cadre signée (PDF)",
}


def place(dossier) -> Place:
    return Place(dossier.id, dossier.current_step().value, "dossier")


def deposit_checklist(dossier, facts, *, may_act: bool):
    """(event label, checklist) of the deposit the dossier prepares now, or (None, [])."""
    event = lifecycle.NEXT_DEPOSIT.get(dossier.etat)
    if event is None:
        return None, []
    items = checklist(lifecycle.MACHINE.requirements(event, facts), place(dossier), may_act=may_act)
    return lifecycle.EVENTS[event].label, items


def action_page(dossier, event: str, *, may_upload: bool) -> ActionPage:
    rule = lifecycle.MACHINE.events.get(event)
    title = rule.label if rule else event
    facts = lifecycle.facts_of(dossier)
    texts, details = {}, ()
    if event in REASONS:
        texts["reason"] = REASONS[event]
    if event in SIGNED_FILES:
        texts["signed_file"] = _signed_file_text(SIGNED_FILES[event], facts.signed_document)
    if event == "prolonger_delai":
        details, texts["new_deadline"] = _extension(dossier, facts)
    return ActionPage(
        title=title, back=url_for("dossiers.show", dossier_id=dossier.id),
        signed_file=SignedFile(dossier.current_step(), "Convention signée"),
        state=lambda: dossier.etat.label, intro=presentation.intro(dossier, event), details=details,
        checklist=tuple(checklist(lifecycle.MACHINE.requirements(event, facts), place(dossier),
                                  may_act=may_upload)),
        texts=texts, file_required=event in SIGNED_FILES and not facts.signed_document,
        done=lambda: presentation.done(dossier, event),
    )


def _signed_file_text(label: str, already: bool) -> FieldText:
    if already:
        return FieldText(label, "Facultatif\u00a0: le PDF signé est déjà parmi les documents du dossier. "
                                "Joignez-en un autre pour l'ajouter.")
    return FieldText(label, "Le PDF portant toutes les signatures. Taille maximale\u00a0: 20\u00a0Mo.")


def _extension(dossier, facts):
    """The dates an extension works with, and the new deadline's field worded with its limit."""
    current, end = facts.current_deadline, facts.programme_end
    if current is None:  # the rule has not started: the machine refuses, the page stays plain
        return (), FieldText("Nouvelle date limite de signature de la convention-cadre")
    limit = min(end, facts.max_deadline)
    details = (
        ("Échéance actuelle", date_fr(current) + (" (déjà prolongée)" if dossier.echeance_prorogee_le else "")),
        ("Fin du programme", date_fr(end)),
        ("Nouvelle date limite possible", f"au plus tard le {date_fr(limit)}" if limit > current else "aucune"),
    )
    text = FieldText(
        "Nouvelle date limite de signature de la convention-cadre",
        f"Au plus tard le {date_fr(limit)}{NBSP}: ni après la fin du programme, ni plus de "
        f"{facts.max_extension_months}{NBSP}mois après l'échéance actuelle.",
        render_kw={"min": (current + timedelta(days=1)).isoformat(), "max": limit.isoformat()},
    )
    return details, text
