"""What a partner does across its scope: its financeur's decisions on financing lines (through
the financing machine, into the dossier's history) and the list of what waits for it."""
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager

from app.auth.roles import Role
from app.comite.access import partner_organisation
from app.comite.models import AvisPartenaire
from app.core.db import db
from app.core.errors import CONFLICT, ConflictError, DomainError
from app.dossiers.models import Dossier
from app.notifications.services import Message, notify, path_for
from app.projet import financeurs, lifecycle
from app.projet.models import FicheAction, LigneFinancement
from app.workflows.dossier import PORTEURS
from app.workflows.states import FicheEtat, FinancementStatut as S

NOT_YOURS = "Cette ligne relève d'un autre financeur\u00a0: seul celui-ci enregistre sa décision."
EVENTS = ("accorder", "refuser", "verser")


def financeur_codes(user) -> tuple[str, ...]:
    """The financing sources whose decisions the partner's organisation takes."""
    organisations = lifecycle.partner_organisations(user)
    return tuple(s.code for s in financeurs.SOURCES if s.organisation and s.organisation in organisations)


def scope(user):
    """The SQL condition of the dossiers in the user's scope as a partner (false: none)."""
    return Dossier.role_conditions(user).get(Role.PARTENAIRE)


def line_in_scope(line_id: int, user) -> LigneFinancement | None:
    condition = scope(user)
    if condition is None:
        return None
    return (db.session.scalar(
        select(LigneFinancement).join(FicheAction).join(Dossier)
        .where(LigneFinancement.id == line_id, condition)
    ))


def decide_refusal(line: LigneFinancement, user) -> str | None:
    if line.source not in financeur_codes(user):
        return NOT_YOURS
    return None


def decide(line: LigneFinancement, user, event: str, *, effective_date: date | None, montant: Decimal | None = None,
           reason: str = "", expected_version: int | None = None):
    """The financeur's step on its line: accordé (amount and date), refusé (reason), versé
    (amount and date). The line's amount becomes what was granted, then what was paid: the
    fiche's coverage and the maquette follow; the history keeps each step's amount."""
    if event not in EVENTS:
        raise DomainError("Cette étape du financement n'existe pas.")
    refusal = decide_refusal(line, user)
    if refusal:
        raise DomainError(refusal)
    reason = (reason or "").strip()
    if event in ("accorder", "verser"):
        if montant is None or montant <= 0:
            raise DomainError("Indiquez le montant, en euros.")
        if event == "verser" and montant > line.montant:
            raise DomainError("Le montant versé ne peut pas dépasser le montant accordé.")
    if event == "refuser" and not reason:
        raise DomainError("Indiquez le motif du refus\u00a0: il est transmis aux porteurs du projet.")
    if expected_version is not None and line.version != expected_version:
        raise ConflictError(CONFLICT)
    if montant is not None and line.statut in (S.SOLLICITE, S.ACCORDE):
        line.montant = montant.quantize(Decimal("0.01"))
    entry = lifecycle.fire_line(line, event, user, effective_date=effective_date, reason=reason)
    fiche = line.fiche
    url = path_for("projet.fiche", dossier_id=fiche.dossier_id, numero=fiche.numero)
    notify(Message("decision_financement", f"{line.statut.label}\u00a0: {line.source_label}, fiche {fiche.code}",
                   url, fiche.dossier, {"line": line, "fiche": fiche, "entry": entry, "actor": user}),
           roles=PORTEURS, actor=user)
    return entry


# --- what waits for a partner ---------------------------------------------------------------
# Each list in two steps (app/core/pagination.paginate with rows= and count_up_to=): the ids of
# the list in its order, read along an index of that order (one probe of the fiche or the
# dossier per row, to keep those of the scope), then the page's rows. A région at ten times the
# programme has 18,740 open fiches: counting every row of such a list would cost that walk on
# every page, so it is counted up to COUNTED_UP_TO, « plus de 50 » beyond.

COUNTED_UP_TO = 50
# The orders of the two lists, those of ix_fiche_action_etat_soumission and ix_ligne_financement_attente
FICHES_ORDER = (FicheAction.soumise_le, FicheAction.id)
LINES_ORDER = (LigneFinancement.statut.desc(), LigneFinancement.sollicite_le, LigneFinancement.id)
CLOSED = (FicheEtat.REFUSEE, FicheEtat.REALISEE, FicheEtat.ABANDONNEE)


def fiches_waiting(user):
    """The ids of the fiches soumises in the partner's scope on which its organisation gave no
    avis yet, the oldest submission first: a page of them, then `listed_fiches`."""
    condition = scope(user)
    organisation = partner_organisation(user)
    stmt = (select(FicheAction.id).join(FicheAction.dossier)
            .where(FicheAction.etat == FicheEtat.SOUMISE)
            .order_by(*FICHES_ORDER))
    if condition is None or organisation is None:
        return stmt.where(False)
    given = exists().where(AvisPartenaire.fiche_id == FicheAction.id, AvisPartenaire.organisation == organisation)
    return stmt.where(condition, ~given)


def listed_fiches(ids):
    """The fiches whose id is in `ids` (a page of `fiches_waiting`), in its order, with their dossier."""
    return (select(FicheAction).join(FicheAction.dossier).options(contains_eager(FicheAction.dossier))
            .where(FicheAction.id.in_(ids)).order_by(*FICHES_ORDER))


def lines_waiting(user):
    """The ids of the lines of the partner's financeur waiting for its decision (sollicité) or
    its payment (accordé), on fiches still open in its scope: the requests first, the oldest
    first; a page of them, then `listed_lines`."""
    condition = scope(user)
    codes = financeur_codes(user)
    stmt = (select(LigneFinancement.id).join(LigneFinancement.fiche).join(FicheAction.dossier)
            .where(LigneFinancement.statut.in_((S.SOLLICITE, S.ACCORDE)), FicheAction.etat.notin_(CLOSED))
            .order_by(*LINES_ORDER))
    if condition is None or not codes:
        return stmt.where(False)
    return stmt.where(condition, LigneFinancement.source.in_(codes))


def listed_lines(ids):
    """The lines whose id is in `ids` (a page of `lines_waiting`), in its order, with their
    fiche and its dossier."""
    return (select(LigneFinancement).join(LigneFinancement.fiche).join(FicheAction.dossier)
            .options(contains_eager(LigneFinancement.fiche).contains_eager(FicheAction.dossier))
            .where(LigneFinancement.id.in_(ids)).order_by(*LINES_ORDER))
