"""What notifies whom, subscribed in create_app to the signals of the lower layers.

- a deposit (adhésion, cadre, avenant) → the préfecture of the département;
- "à compléter" → the commune(s), EPCI and chef de projet, with the reason;
- a validation, a signature → the porteurs (every signatory collectivité, the chef de projet);
- an extension, a sortie, a clôture → the dossier's members (porteurs and préfecture);
- a new document on a dossier under instruction → the préfecture;
- a role granted → that user.
"""
from app.auth.roles import Role
from app.avenants.models import Avenant
from app.core.db import db
from app.dossiers.models import Dossier
from app.core.signals import document_added, role_granted, transition_recorded
from app.notifications.recipients import MEMBERS, PORTEURS, PREFECTURE
from app.notifications.services import Message, is_quiet, notify, path_for
from app.workflows.states import AvenantEtat, DossierEtat


# (machine, event) -> (kind, roles told, title; {numero} is the avenant's)
EVENTS = {
    ("dossier", "deposer_adhesion"): ("depot", PREFECTURE, "Convention d'adhésion déposée"),
    ("dossier", "redeposer_adhesion"): ("depot", PREFECTURE, "Convention d'adhésion déposée à nouveau"),
    ("dossier", "deposer_cadre"): ("depot", PREFECTURE, "Convention-cadre déposée"),
    ("dossier", "redeposer_cadre"): ("depot", PREFECTURE, "Convention-cadre déposée à nouveau"),
    ("dossier", "demander_complements_adhesion"): ("a_completer", PORTEURS, "Convention d'adhésion à compléter"),
    ("dossier", "demander_complements_cadre"): ("a_completer", PORTEURS, "Convention-cadre à compléter"),
    ("dossier", "valider_adhesion"): ("validation", PORTEURS, "Convention d'adhésion validée"),
    ("dossier", "valider_cadre"): ("validation", PORTEURS, "Convention-cadre validée"),
    ("dossier", "signer_adhesion"): ("signature", PORTEURS, "Convention d'adhésion signée"),
    ("dossier", "signer_cadre"): ("signature", PORTEURS, "Convention-cadre signée"),
    ("dossier", "prolonger_delai"): ("prolongation", MEMBERS, "Délai de la convention-cadre prolongé"),
    ("dossier", "declarer_sortie"): ("sortie", MEMBERS, "Sortie du programme"),
    ("dossier", "cloturer"): ("sortie", MEMBERS, "Dossier clôturé"),
    ("avenant", "deposer"): ("depot", PREFECTURE, "Avenant n° {numero} déposé"),
    ("avenant", "redeposer"): ("depot", PREFECTURE, "Avenant n° {numero} déposé à nouveau"),
    ("avenant", "demander_complements"): ("a_completer", PORTEURS, "Avenant n° {numero} à compléter"),
    ("avenant", "signer"): ("signature", PORTEURS, "Avenant n° {numero} signé"),
}

UNDER_INSTRUCTION = {DossierEtat.ADHESION_DEPOSEE, DossierEtat.CADRE_DEPOSEE}


def on_transition(machine: str, *, subject, event: str, user, entry, **_):
    if is_quiet():
        return
    known = EVENTS.get((machine, event))
    if known is None:
        return
    kind, roles, title = known
    if machine == "avenant":
        dossier, url = subject.dossier, path_for("avenants.show", dossier_id=subject.dossier_id,
                                                 numero=subject.numero)
        title = title.format(numero=subject.numero)
    else:
        dossier, url = subject, path_for("dossiers.show", dossier_id=subject.id)
    notify(Message(kind, title, url, dossier, {"entry": entry, "actor": user}), roles=roles, actor=user)


def on_document(sender, *, dossier_id, document, version, user, **_):
    """A document added while the préfecture instructs: it should know."""
    if is_quiet():
        return
    dossier = db.session.get(Dossier, dossier_id)
    avenant = db.session.get(Avenant, document.avenant_id) if document.avenant_id else None
    instructing = dossier.etat in UNDER_INSTRUCTION or (
        avenant is not None and avenant.etat == AvenantEtat.DEPOSE)
    if not instructing:
        return
    notify(Message("document", f"Nouveau document : {document.titre}",
                   path_for("documents.index", dossier_id=dossier.id), dossier,
                   {"document": document, "version": version, "actor": user}),
           roles=PREFECTURE, actor=user)


def on_role_granted(sender, *, grant, by, **_):
    notify(Message("role", f"Nouveau rôle : {grant.role.label}", path_for("dossiers.index"), None,
                   {"grant": grant, "by": by}), users=[grant.user_id], actor=None)


def subscribe() -> None:
    transition_recorded.connect(on_transition)
    document_added.connect(on_document)
    role_granted.connect(on_role_granted)
