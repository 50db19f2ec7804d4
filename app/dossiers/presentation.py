"""How a dossier's lifecycle reads to its users: the next step, what an action does, what
happened once it is done, and which button is the expected one."""
from datetime import date

from app.core.formatting import date_fr
from app.dossiers.echeance import programme_end
from app.dossiers.models import DossierEtat as E
from app.referentiel.noms import prefecture_de

NBSP = "\u00a0"

NEXT_STEP = {
    E.LABELLISE: "La commune, l'EPCI ou le chef de projet commence la rédaction de la convention d'adhésion.",
    E.ADHESION_REDACTION: "Rédiger le contenu de la convention (ses signataires), puis la déposer avec la "
                          "délibération de chaque collectivité signataire.",
    E.ADHESION_DEPOSEE: "La préfecture instruit la convention d'adhésion.",
    E.ADHESION_A_COMPLETER: "Compléter le dossier comme demandé, puis déposer à nouveau la convention d'adhésion.",
    E.ADHESION_VALIDEE: "Recueillir les signatures\u00a0; la préfecture enregistre ensuite la convention signée.",
    E.ADHESION_SIGNEE: "Élaborer le projet de territoire et commencer la convention-cadre avant l'échéance des 18 mois.",
    E.CADRE_REDACTION: "Rédiger le contenu de la convention-cadre (signataires, partenaires, projet de territoire), "
                       "puis la déposer avec le diagnostic, le projet de convention et les délibérations.",
    E.CADRE_DEPOSEE: "La préfecture instruit la convention-cadre.",
    E.CADRE_A_COMPLETER: "Compléter le dossier comme demandé, puis déposer à nouveau la convention-cadre.",
    E.CADRE_VALIDEE: "Recueillir les signatures\u00a0; la préfecture enregistre ensuite la convention-cadre signée.",
    E.MISE_EN_OEUVRE: "Mettre en œuvre le plan d'action\u00a0; les avenants à la convention-cadre passent par la préfecture.",
    E.CLOTURE: "Le dossier est clôturé\u00a0: plus aucune action n'est attendue.",
    E.SORTI: "La collectivité est sortie du programme\u00a0: plus aucune action n'est attendue.",
}

# The step a dossier expects in each state: its button is the page's one primary button.
EXPECTED = {
    E.LABELLISE: "demarrer_adhesion", E.ADHESION_REDACTION: "deposer_adhesion",
    E.ADHESION_DEPOSEE: "valider_adhesion", E.ADHESION_A_COMPLETER: "redeposer_adhesion",
    E.ADHESION_VALIDEE: "signer_adhesion", E.ADHESION_SIGNEE: "demarrer_cadre",
    E.CADRE_REDACTION: "deposer_cadre", E.CADRE_DEPOSEE: "valider_cadre",
    E.CADRE_A_COMPLETER: "redeposer_cadre", E.CADRE_VALIDEE: "signer_cadre",
}
# Leaving the programme is never the expected step: the least prominent button.
TERTIARY = frozenset({"declarer_sortie"})

PORTEURS_ACT = "La commune, l'EPCI ou le chef de projet complète le dossier et dépose à nouveau"
FINAL = f"Plus aucune étape ne pourra y être enregistrée{NBSP}; tout reste consultable dans l'historique."

# What confirming does ({prefecture}: « la préfecture de la Charente-Maritime »).
INTRO = {
    "deposer_adhesion": "Vous déposez la convention d'adhésion et ses pièces auprès de {prefecture}, qui "
                        "l'instruit. Les documents déposés ne pourront plus être retirés.",
    "redeposer_adhesion": "Vous déposez à nouveau la convention d'adhésion auprès de {prefecture}. Dites ce qui "
                          "a changé depuis la demande de compléments{nbsp}: la préfecture le lira dans l'historique.",
    "demander_complements_adhesion": "Le dossier revient aux porteurs{nbsp}: votre motif leur est affiché dans la "
                                     "«{nbsp}Prochaine étape{nbsp}» jusqu'à leur nouveau dépôt.",
    "valider_adhesion": "Vous validez la convention d'adhésion{nbsp}: les parties la signent ensuite, puis vous "
                        "enregistrez la convention signée.",
    "signer_adhesion": "Vous enregistrez la convention d'adhésion signée par toutes les parties. La règle des "
                       "18 mois commence{nbsp}: la convention-cadre devra être signée dans les 18 mois suivant "
                       "la date de signature.",
    "deposer_cadre": "Vous déposez la convention-cadre et ses pièces auprès de {prefecture}, qui l'instruit. "
                     "Les documents déposés ne pourront plus être retirés.",
    "redeposer_cadre": "Vous déposez à nouveau la convention-cadre auprès de {prefecture}. Dites ce qui a changé "
                       "depuis la demande de compléments{nbsp}: la préfecture le lira dans l'historique.",
    "demander_complements_cadre": "Le dossier revient aux porteurs{nbsp}: votre motif leur est affiché dans la "
                                  "«{nbsp}Prochaine étape{nbsp}» jusqu'à leur nouveau dépôt.",
    "valider_cadre": "Vous validez la convention-cadre{nbsp}: les parties la signent ensuite, puis vous "
                     "enregistrez la convention-cadre signée.",
    "signer_cadre": "Vous enregistrez la convention-cadre signée, valant opération de revitalisation de "
                    "territoire{nbsp}: le dossier passe en mise en œuvre.",
    "prolonger_delai": "Vous reportez la date limite de signature de la convention-cadre. L'ancienne et la "
                       "nouvelle date seront conservées dans l'historique du dossier.",
    "declarer_sortie": "Le dossier sort du programme Petites villes de demain. " + FINAL,
    "cloturer": "Le dossier est clôturé. " + FINAL,
}

# What happened, and who acts next ({echeance}: the deadline once the step is recorded).
DONE = {
    "demarrer_adhesion": "Convention d'adhésion commencée. Ajoutez la délibération de chaque collectivité "
                         "signataire, puis déposez-la.",
    "deposer_adhesion": "Convention d'adhésion déposée. {Prefecture} l'instruit désormais.",
    "demander_complements_adhesion": f"Compléments demandés. {PORTEURS_ACT} la convention d'adhésion.",
    "redeposer_adhesion": "Convention d'adhésion déposée à nouveau. {Prefecture} l'instruit désormais.",
    "valider_adhesion": "Convention d'adhésion validée. Les parties la signent{nbsp}; {prefecture} enregistre "
                        "ensuite la convention signée.",
    "signer_adhesion": "Signature de la convention d'adhésion enregistrée. La convention-cadre doit être signée "
                       "au plus tard le {echeance}.",
    "demarrer_cadre": "Convention-cadre commencée. Ajoutez le diagnostic, le projet de convention-cadre et les "
                      "délibérations, puis déposez-la.",
    "deposer_cadre": "Convention-cadre déposée. {Prefecture} l'instruit désormais.",
    "demander_complements_cadre": f"Compléments demandés. {PORTEURS_ACT} la convention-cadre.",
    "redeposer_cadre": "Convention-cadre déposée à nouveau. {Prefecture} l'instruit désormais.",
    "valider_cadre": "Convention-cadre validée. Les parties la signent{nbsp}; {prefecture} enregistre ensuite "
                     "la convention-cadre signée.",
    "signer_cadre": "Signature de la convention-cadre enregistrée. Le dossier passe en mise en œuvre du plan "
                    "d'action.",
    "prolonger_delai": "Délai prolongé. La convention-cadre doit désormais être signée au plus tard le {echeance}.",
    "declarer_sortie": "Sortie du programme enregistrée. Plus aucune action n'est attendue sur ce dossier.",
    "cloturer": "Dossier clôturé. Plus aucune action n'est attendue sur ce dossier.",
}


def prefecture(dossier) -> str:
    return prefecture_de(dossier.departement.code, dossier.departement.nom)


def deadline_words(dossier) -> str:
    """The deadline of the convention-cadre as a sentence ends it: its date, or the end of the
    programme when 18 months run past it (the convention ends with the programme)."""
    end = programme_end()
    if dossier.echeance_cadre and dossier.echeance_cadre > end:
        return (f"{date_fr(end)}, fin du programme (les 18{NBSP}mois courraient jusqu'au "
                f"{date_fr(dossier.echeance_cadre)})")
    return date_fr(dossier.echeance_cadre)


def _say(text: str, dossier) -> str:
    name = prefecture(dossier)
    return text.format(prefecture=name, Prefecture=name[0].upper() + name[1:], nbsp=NBSP,
                       echeance=deadline_words(dossier) if "{echeance}" in text else "")


def intro(dossier, event: str) -> str:
    return _say(INTRO[event], dossier) if event in INTRO else ""


def done(dossier, event: str) -> str:
    """The flash once `event` is recorded (read after the step: the new deadline…)."""
    return _say(DONE[event], dossier)


def button_kind(event: str, expected: str | None) -> str:
    """DSFR button kind of an action: the expected step primary, the others secondary."""
    if event == expected:
        return "primary"
    return "tertiary" if event in TERTIARY else "secondary"


def pending_complements(dossier, entries):
    """The préfecture's request for compléments the dossier answers now (its history row),
    from the page's timeline (newest first): shown until the re-deposit."""
    if dossier.etat not in (E.ADHESION_A_COMPLETER, E.CADRE_A_COMPLETER):
        return None
    return next((e for e in entries if e.subject_type == "dossier"
                 and e.event.startswith("demander_complements")), None)


def entry_detail(entry) -> str | None:
    """What a history row changed beyond its states, in words (the timeline shows it): an
    extension's old and new deadlines (effective_on is the new one, the payload the old)."""
    if entry.event == "prolonger_delai":
        old = entry.payload_dict.get("ancienne_echeance")
        previous = date_fr(date.fromisoformat(old)) if old else "—"
        return f"Échéance reportée du {previous} au {date_fr(entry.effective_on)}."
    return None


def reason_label(entry) -> str:
    """How the timeline names a row's text: what changed for a re-deposit, else its motif."""
    return "Ce qui a changé" if entry.event.startswith("redeposer") else "Motif"
