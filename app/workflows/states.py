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


class FicheEtat(str, enum.Enum):
    BROUILLON = "brouillon"
    SOUMISE = "soumise"
    VALIDEE = "validee"
    A_REVOIR = "a_revoir"
    REFUSEE = "refusee"
    ENGAGEE = "engagee"
    REALISEE = "realisee"
    ABANDONNEE = "abandonnee"

    @property
    def label(self) -> str:
        return FICHE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still in the plan d'action's life: it may be abandoned, its financing may move."""
        return self not in FICHE_CLOSED


FICHE_LABELS = {
    FicheEtat.BROUILLON: "Brouillon",
    FicheEtat.SOUMISE: "Soumise au comité de projet",
    FicheEtat.VALIDEE: "Validée",
    FicheEtat.A_REVOIR: "À revoir",
    FicheEtat.REFUSEE: "Refusée",
    FicheEtat.ENGAGEE: "Engagée",
    FicheEtat.REALISEE: "Réalisée",
    FicheEtat.ABANDONNEE: "Abandonnée",
}
FICHE_CLOSED = frozenset({FicheEtat.REFUSEE, FicheEtat.REALISEE, FicheEtat.ABANDONNEE})


class FinancementStatut(str, enum.Enum):
    PREVU = "prevu"
    SOLLICITE = "sollicite"
    ACCORDE = "accorde"
    REFUSE = "refuse"
    VERSE = "verse"

    @property
    def label(self) -> str:
        return FINANCEMENT_LABELS[self]


FINANCEMENT_LABELS = {
    FinancementStatut.PREVU: "Prévu",
    FinancementStatut.SOLLICITE: "Sollicité",
    FinancementStatut.ACCORDE: "Accordé",
    FinancementStatut.REFUSE: "Refusé",
    FinancementStatut.VERSE: "Versé",
}

class ReunionEtat(str, enum.Enum):
    """A meeting of the comité de projet (app/comite): planned, held (its séance recorded), cancelled."""

    PLANIFIEE = "planifiee"
    TENUE = "tenue"
    ANNULEE = "annulee"

    @property
    def label(self) -> str:
        return {"planifiee": "Planifiée", "tenue": "Tenue", "annulee": "Annulée"}[self.value]


# machine name (as stored in the history) -> its states
MACHINE_STATES: dict[str, type[enum.Enum]] = {
    "dossier": DossierEtat, "avenant": AvenantEtat, "document": DocumentEtat, "fiche": FicheEtat,
    "financement": FinancementStatut, "comite": ReunionEtat,
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
