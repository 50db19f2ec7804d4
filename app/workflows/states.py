"""The states of every machine, as stored in their subject's `etat` column and in the history.

This module imports no feature: models, machines, templates and the history all read the
states from here, and `state_label(machine, value)` names a state of a given machine
without guessing which machine it belongs to.
"""
import enum


class DossierEtat(str, enum.Enum):
    LABELLISE = "labellise"
    ADHESION_REDACTION = "adhesion_redaction"
    ADHESION_DEPOSEE = "adhesion_deposee"
    ADHESION_A_COMPLETER = "adhesion_a_completer"
    ADHESION_VALIDEE = "adhesion_validee"
    ADHESION_SIGNEE = "adhesion_signee"
    CADRE_REDACTION = "cadre_redaction"
    CADRE_DEPOSEE = "cadre_deposee"
    CADRE_A_COMPLETER = "cadre_a_completer"
    CADRE_VALIDEE = "cadre_validee"
    MISE_EN_OEUVRE = "mise_en_oeuvre"
    CLOTURE = "cloture"
    SORTI = "sorti"

    @property
    def label(self) -> str:
        return DOSSIER_LABELS[self]


DOSSIER_LABELS = {
    DossierEtat.LABELLISE: "Labellisé",
    DossierEtat.ADHESION_REDACTION: "Convention d'adhésion en rédaction",
    DossierEtat.ADHESION_DEPOSEE: "Convention d'adhésion déposée (en instruction)",
    DossierEtat.ADHESION_A_COMPLETER: "Convention d'adhésion à compléter",
    DossierEtat.ADHESION_VALIDEE: "Convention d'adhésion validée, en signature",
    DossierEtat.ADHESION_SIGNEE: "Convention d'adhésion signée",
    DossierEtat.CADRE_REDACTION: "Convention-cadre en rédaction",
    DossierEtat.CADRE_DEPOSEE: "Convention-cadre déposée (en instruction)",
    DossierEtat.CADRE_A_COMPLETER: "Convention-cadre à compléter",
    DossierEtat.CADRE_VALIDEE: "Convention-cadre validée, en signature",
    DossierEtat.MISE_EN_OEUVRE: "Convention-cadre signée (valant ORT) — mise en œuvre",
    DossierEtat.CLOTURE: "Clôturé",
    DossierEtat.SORTI: "Sorti du programme",
}


class AvenantEtat(str, enum.Enum):
    REDACTION = "redaction"
    DEPOSE = "depose"
    A_COMPLETER = "a_completer"
    SIGNE = "signe"

    @property
    def label(self) -> str:
        return AVENANT_LABELS[self]


AVENANT_LABELS = {
    AvenantEtat.REDACTION: "Avenant en rédaction",
    AvenantEtat.DEPOSE: "Avenant déposé (en instruction)",
    AvenantEtat.A_COMPLETER: "Avenant à compléter",
    AvenantEtat.SIGNE: "Avenant signé",
}

class DocumentEtat(str, enum.Enum):
    """A document in the history: joined to its dossier, or withdrawn by its uploader."""

    JOINT = "joint"
    RETIRE = "retire"

    @property
    def label(self) -> str:
        return {"joint": "Joint au dossier", "retire": "Retiré"}[self.value]


# machine name (as stored in the history) -> its states
MACHINE_STATES: dict[str, type[enum.Enum]] = {
    "dossier": DossierEtat, "avenant": AvenantEtat, "document": DocumentEtat,
}


def state_label(machine: str, value: str | None) -> str:
    """The French name of a state of `machine`; "—" for none (a subject's creation)."""
    if not value:
        return "—"
    states = MACHINE_STATES.get(machine)
    try:
        return states(value).label if states else value
    except ValueError:
        return value
