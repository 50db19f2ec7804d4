"""What the projet listens to, subscribed once by create_app:

- a fiche submitted to the comité de projet → its porteurs and the préfecture are told;
- the convention-cadre signed (it is valant ORT) → each commune of the dossier is engaged in
  an ORT from the signature's date, unless an ORT signed otherwise gave it an earlier date;
- a convention-cadre about to be deposited → what its projet de territoire still lacks.
"""
from app.core.signals import projet_gaps, transition_recorded
from app.notifications.recipients import MEMBERS
from app.notifications.services import Message, notify, path_for
from app.projet import revitalisation
from app.projet.convention import cadre_gaps


def on_fiche_submitted(machine: str, *, subject, event: str, user, entry, **_):
    if machine != "fiche" or event != "soumettre":
        return
    url = path_for("projet.fiche", dossier_id=subject.dossier_id, numero=subject.numero)
    notify(Message("fiche_soumise", f"Fiche action {subject.code} soumise au comité de projet", url,
                   subject.dossier, {"entry": entry, "actor": user, "fiche": subject}),
           roles=MEMBERS, actor=user)


def on_cadre_signed(machine: str, *, subject, event: str, user, entry, **_):
    if machine == "dossier" and event == "signer_cadre":
        revitalisation.engage_ort(subject, entry.effective_on)


def subscribe() -> None:
    transition_recorded.connect(on_fiche_submitted)
    transition_recorded.connect(on_cadre_signed)
    projet_gaps.connect(cadre_gaps)
