"""The machines of the plan d'action as the runner sees them: a fiche action, and a line of
its financing plan. Every step goes through `app/workflows/runner.fire`, into the dossier's
hash-chained history."""
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select, type_coerce

from app.auth.roles import Role
from app.core.db import db
from app.projet import financeurs
from app.projet.access import projet_ouvert
from app.projet.models import FicheAction, LigneFinancement, Money, euros
from app.workflows import runner
from app.workflows.fiche import EVENTS, IRREVERSIBLE, FicheFacts, FicheWorkflow
from app.workflows.financement import (
    EVENTS as FINANCEMENT_EVENTS, IRREVERSIBLE as FINANCEMENT_IRREVERSIBLE, FinancementFacts,
    FinancementWorkflow,
)
from app.workflows.states import FinancementStatut as S



def covered_amount():
    """SQL: what a line brings to cover its fiche's cost — accordé or versé, or autofinancement
    not refused (the collectivité's own budget needs no one's decision)."""
    counts = or_(LigneFinancement.statut.in_([S.ACCORDE, S.VERSE]),
                 and_(LigneFinancement.source.in_(financeurs.AUTOFINANCEMENT),
                      LigneFinancement.statut != S.REFUSE))
    return type_coerce(case((counts, LigneFinancement.montant), else_=0), Money)


def couverture(fiche: FicheAction) -> Decimal:
    total = db.session.scalar(
        select(func.coalesce(func.sum(covered_amount()), 0)).where(LigneFinancement.fiche_id == fiche.id)
    )
    return euros(total)


def manquants(fiche: FicheAction) -> tuple[str, ...]:
    """What a fiche lacks to be submitted to the comité de projet, in words."""
    missing = []
    if fiche.axe_id is None:
        missing.append("l'axe stratégique")
    if not (fiche.description or "").strip():
        missing.append("la description")
    if not (fiche.maitre_ouvrage_code or fiche.maitre_ouvrage_autre):
        missing.append("le maître d'ouvrage")
    if fiche.date_debut is None or fiche.date_fin is None:
        missing.append("les dates de début et de fin")
    if fiche.cout_ht is None:
        missing.append("le coût HT")
    return tuple(missing)


def fiche_facts(fiche: FicheAction, *, roles: frozenset, today: date, event: str | None = None,
                **typed) -> FicheFacts:
    return FicheFacts(roles=roles, today=today, dossier_ouvert=projet_ouvert(fiche.dossier),
                      manquants=manquants(fiche), cout_ht=fiche.cout_ht, couvert=couverture(fiche), **typed)


DATES = {"soumettre": "soumise_le", "valider": "decidee_le", "demander_revision": "decidee_le",
         "refuser": "decidee_le", "engager": "engagee_le", "realiser": "realisee_le"}


def apply_fiche_step(fiche: FicheAction, event: str, facts: FicheFacts) -> runner.Step:
    if event in DATES:
        setattr(fiche, DATES[event], facts.today)
    payload = {"cout_ht": fiche.cout_ht, "couvert": facts.couvert} if event == "engager" else None
    return runner.Step(effective_on=facts.today, payload=payload)


MACHINE = runner.Machine(
    name="fiche", subject_type="fiche_action", workflow=FicheWorkflow, events=EVENTS,
    irreversible=IRREVERSIBLE, roles_of=lambda fiche, user: fiche.dossier.roles_of(user),
    facts=fiche_facts, apply=apply_fiche_step, dossier_id=lambda fiche: fiche.dossier_id,
    history_label=lambda fiche, label: f"{label} — {fiche.code}",
    subject_phrase="la fiche action",
)


def fire(fiche: FicheAction, event: str, user, **kwargs):
    return runner.fire(fiche, MACHINE, event, user, **kwargs)


def available_actions(fiche: FicheAction, user, **kwargs) -> list[runner.Choice]:
    return runner.available_actions(fiche, MACHINE, user, **kwargs)


# --- a line of the financing plan ---------------------------------------------------------

def partner_organisations(user) -> set[str]:
    return {g.organisation for g in user.grants_of(Role.PARTENAIRE) if g.organisation}


def line_roles(line: LigneFinancement, user, roles: frozenset | None = None) -> frozenset:
    roles = line.fiche.dossier.roles_of(user) if roles is None else roles
    return financeurs.deciding_roles(line.source, roles, partner_organisations(user))


def line_facts(line: LigneFinancement, *, roles: frozenset, today: date, event: str | None = None,
               effective_date=None, **typed) -> FinancementFacts:
    """The step's date is today unless the user typed another one (a letter received earlier)."""
    return FinancementFacts(roles=roles, today=today, effective_date=effective_date or today,
                            previous_date=line.previous_date,
                            fiche_ouverte=line.fiche.etat.is_open and projet_ouvert(line.fiche.dossier),
                            **typed)


LINE_DATES = {"solliciter": "sollicite_le", "accorder": "decide_le", "refuser": "decide_le",
              "verser": "verse_le"}


def apply_line_step(line: LigneFinancement, event: str, facts: FinancementFacts) -> runner.Step:
    setattr(line, LINE_DATES[event], facts.effective_date)
    return runner.Step(effective_on=facts.effective_date,
                       payload={"source": line.source, "annee": line.annee, "montant": line.montant})


FINANCEMENT = runner.Machine(
    name="financement", subject_type="ligne_financement", workflow=FinancementWorkflow,
    events=FINANCEMENT_EVENTS, irreversible=FINANCEMENT_IRREVERSIBLE, state_field="statut",
    roles_of=line_roles, facts=line_facts, apply=apply_line_step,
    dossier_id=lambda line: line.fiche.dossier_id,
    history_label=lambda line, label: f"{label} — {line.fiche.code}, {line.source_label} {line.annee}",
    subject_phrase="le financement",
)


def fire_line(line: LigneFinancement, event: str, user, **kwargs):
    return runner.fire(line, FINANCEMENT, event, user, **kwargs)


def line_actions(line: LigneFinancement, user, roles: frozenset) -> list[runner.Choice]:
    """The steps offered on a line, the dossier's roles read once by the page (no query)."""
    return runner.available_actions(line, FINANCEMENT, user, roles=line_roles(line, user, roles))
