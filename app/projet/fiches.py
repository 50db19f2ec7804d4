"""Creating and writing fiches action, their financing lines and progress notes.

Numbers come from a per-dossier counter row (FicheCompteur), incremented in one UPDATE: two
creations at once queue on that row and get two numbers; a number is never given twice, even
after an abandon. The unique (dossier, numero) constraint stays the last word.
"""
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.projet import financeurs
from app.projet.access import can_edit_projet
from app.projet.models import AxeStrategique, FicheAction, FicheCompteur, LigneFinancement, NoteAvancement
from app.workflows import history
from app.workflows.dossier import PORTEURS
from app.workflows.guards import acting_role
from app.workflows.states import FicheEtat

CONCURRENT = ("Une autre fiche action vient d'être créée sur ce dossier au même moment. "
              "Rechargez la page, puis recommencez.")
FIELDS = ("titre", "axe_id", "description", "maitre_ouvrage_code", "maitre_ouvrage_autre", "pilote",
          "elu_referent", "partenaires", "date_debut", "date_fin", "cout_ht", "cout_ttc", "commune_insee",
          "secteur_ort")


def next_numero(dossier_id: int) -> int:
    bump = (update(FicheCompteur).where(FicheCompteur.dossier_id == dossier_id)
            .values(dernier_numero=FicheCompteur.dernier_numero + 1)
            .returning(FicheCompteur.dernier_numero)
            .execution_options(synchronize_session=False))
    numero = db.session.scalar(bump)
    if numero is not None:
        return numero
    try:
        with db.session.begin_nested():
            db.session.add(FicheCompteur(dossier_id=dossier_id, dernier_numero=1))
        return 1
    except IntegrityError:  # the first fiche of the dossier, created at the same instant
        return db.session.scalar(bump)


def _check(dossier, values: dict) -> dict:
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    values["description"] = values.get("description") or ""
    if not values.get("titre"):
        raise DomainError("Indiquez le titre de la fiche action.")
    code = values.get("maitre_ouvrage_code")
    if code and code not in dossier.collectivite_names():
        raise DomainError("Le maître d'ouvrage choisi n'est pas une collectivité du dossier.")
    if code:
        values["maitre_ouvrage_autre"] = None
    insee = values.get("commune_insee")
    if insee and insee not in {c.insee for c in dossier.communes}:
        raise DomainError("La commune choisie n'est pas une commune du dossier.")
    if values.get("axe_id") and values["axe_id"] not in _axe_ids(dossier):
        raise DomainError("L'axe choisi n'est pas un axe de ce dossier.")
    debut, fin = values.get("date_debut"), values.get("date_fin")
    if debut and fin and fin < debut:
        raise DomainError("La date de fin ne peut pas précéder la date de début.")
    ht, ttc = values.get("cout_ht"), values.get("cout_ttc")
    for amount in (ht, ttc):
        if amount is not None and amount < 0:
            raise DomainError("Un coût ne peut pas être négatif.")
    if ht is not None and ttc is not None and ttc < ht:
        raise DomainError("Le coût TTC ne peut pas être inférieur au coût HT.")
    return values


def _axe_ids(dossier) -> set[int]:
    return set(db.session.scalars(select(AxeStrategique.id).where(AxeStrategique.dossier_id == dossier.id)))


def create_fiche(dossier, user, **values) -> FicheAction:
    if not can_edit_projet(dossier, user):
        raise DomainError("Les fiches action se créent par la commune, l'EPCI ou le chef de projet, une fois "
                          "la convention d'adhésion signée et tant que le dossier est suivi.")
    values = _check(dossier, {name: values.get(name) for name in FIELDS})
    fiche = FicheAction(dossier_id=dossier.id, numero=next_numero(dossier.id), etat=FicheEtat.BROUILLON, **values)
    fiche.dossier = dossier
    try:
        with db.session.begin_nested():
            db.session.add(fiche)
    except IntegrityError:
        raise ConflictError(CONCURRENT) from None
    history.append(
        dossier_id=dossier.id, subject_type="fiche_action", subject_id=fiche.id, machine="fiche",
        event="creer", label=f"Fiche action {fiche.code} créée en brouillon", from_state=None,
        to_state=fiche.etat, user=user, role=acting_role(dossier.roles_of(user), PORTEURS), reason=fiche.titre,
    )
    return fiche


def update_fiche(fiche: FicheAction, user, *, expected_version: int | None = None, **values) -> FicheAction:
    """Change the fields given (the others stay as they are)."""
    if not fiche.can_edit(user):
        raise DomainError("Une fiche se modifie en brouillon ou à revoir, par ses porteurs.")
    if expected_version is not None and expected_version != fiche.version:
        raise ConflictError("Cette fiche a été modifiée entre-temps. Rechargez la page, puis recommencez.")
    current = {name: getattr(fiche, name) for name in FIELDS}
    for name, value in _check(fiche.dossier, {**current, **values}).items():
        setattr(fiche, name, value)
    db.session.flush()
    return fiche


def _check_line(source: str, annee: int, montant: Decimal, precision: str | None) -> None:
    if source not in financeurs.BY_CODE:
        raise DomainError("Choisissez un financeur de la liste.")
    if source == "autre" and not (precision or "").strip():
        raise DomainError("Précisez le financeur.")
    if montant is None or montant <= 0:
        raise DomainError("Le montant doit être positif.")
    if not 2000 <= annee <= 2100:
        raise DomainError("Indiquez une année sur quatre chiffres.")


def add_line(fiche: FicheAction, user, *, source: str, annee: int, montant: Decimal,
             precision: str | None = None) -> LigneFinancement:
    """A line of the financing plan, "prévu"; its creation is written to the dossier's history."""
    if not fiche.can_plan_financing(user):
        raise DomainError("Le plan de financement se tient par les porteurs, tant que la fiche est ouverte.")
    _check_line(source, annee, montant, precision)
    line = LigneFinancement(fiche_id=fiche.id, source=source, annee=annee, montant=montant,
                            precision=(precision or "").strip() or None)
    line.fiche = fiche
    db.session.add(line)
    db.session.flush()
    history.append(
        dossier_id=fiche.dossier_id, subject_type="ligne_financement", subject_id=line.id, machine="financement",
        event="creer", label=f"Financement prévu — {fiche.code}, {line.source_label} {annee}", from_state=None,
        to_state=line.statut, user=user, role=acting_role(fiche.dossier.roles_of(user), PORTEURS),
        payload={"source": source, "annee": annee, "montant": montant},
    )
    return line


def update_line(line: LigneFinancement, user, *, source: str, annee: int, montant: Decimal,
                precision: str | None = None) -> LigneFinancement:
    if not line.can_edit(user):
        raise DomainError("Un financement se modifie tant qu'il n'est que prévu.")
    _check_line(source, annee, montant, precision)
    line.source, line.annee, line.montant = source, annee, montant
    line.precision = (precision or "").strip() or None
    db.session.flush()
    return line


def add_note(fiche: FicheAction, user, *, texte: str, avancement: int | None = None) -> NoteAvancement:
    if not fiche.can_follow(user):
        raise DomainError("Les notes d'avancement s'écrivent par les porteurs, tant que la fiche est ouverte.")
    if not (texte or "").strip():
        raise DomainError("Écrivez la note d'avancement.")
    if avancement is not None and not 0 <= avancement <= 100:
        raise DomainError("L'avancement est un pourcentage, de 0 à 100.")
    note = NoteAvancement(fiche_id=fiche.id, texte=texte.strip(), avancement=avancement, ecrite_par_id=user.id)
    db.session.add(note)
    db.session.flush()
    return note
