"""Saving what the porteurs write in a convention, while they write it.

A save may leave pieces empty (the content is written over days); the deposit's guard lists
what is still missing. Each save that changes something writes a history row naming the pieces
changed, in the dossier's chain, without moving its state, and moves the dossier's version.
"""
from dataclasses import dataclass, field

from sqlalchemy.orm.exc import StaleDataError

from app.conventions.contenu import SECTIONS, Contenu, read
from app.conventions.models import PARTENAIRE, ConventionContenu, SecteurIntervention, Signataire
from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.formatting import utcnow
from app.dossiers.models import CONVENTION_NAMES, Dossier
from app.workflows import history
from app.workflows.dossier import PORTEURS
from app.workflows.guards import acting_role

CONFLICT = (
    "Ce contenu a été modifié entre-temps par une autre personne. Rechargez la page pour voir "
    "ce qui est enregistré, puis reportez vos changements."
)


@dataclass
class Saisie:
    """What the form gives: who signs for each party, the partners chosen, the cadre's texts."""

    signataires: dict = field(default_factory=dict)  # (partie, code) -> (nom, qualité)
    partenaires: list = field(default_factory=list)  # codes of the partners who sign
    sections: dict = field(default_factory=dict)  # attribute -> text
    secteurs: dict = field(default_factory=dict)  # INSEE -> text


def _clean(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None


def _clean_text(value: str | None) -> str | None:
    lines = [" ".join(line.split()) for line in (value or "").splitlines()]
    return "\n".join(line for line in lines if line) or None


def _changes(before: Contenu, saisie: Saisie) -> list[str]:
    """The pieces this save changes, named as the content page names them."""
    changed = []
    for p in before.collectivites + [before.etat]:
        if saisie.signataires.get((p.partie, p.code), (None, None)) != (p.representant, p.qualite):
            changed.append(f"Signataire {p.de}")
    if set(saisie.partenaires) != {p.code for p in before.partenaires}:
        changed.append("Partenaires signataires")
    for p in before.catalogue:
        if p.code in saisie.partenaires:
            old = next(((q.representant, q.qualite) for q in before.partenaires if q.code == p.code), (None, None))
            if saisie.signataires.get((PARTENAIRE, p.code), (None, None)) != old:
                changed.append(f"Signataire {p.de}")
    if before.kind == "cadre":
        changed += [name for attr, name in SECTIONS.items() if saisie.sections.get(attr) != before.sections[attr]]
        changed += [f"Secteur d'intervention {p.de}" for p in before.communes
                    if saisie.secteurs.get(p.code) != before.secteurs[p.code]]
    return changed


def _cleaned(before: Contenu, saisie: Saisie) -> Saisie:
    """The saisie restricted to this dossier's parties and the programme's partners, cleaned."""
    known = {(p.partie, p.code) for p in before.collectivites + [before.etat]}
    partners = [p.code for p in before.catalogue if p.code in set(saisie.partenaires)]
    if set(saisie.partenaires) - set(partners):
        raise DomainError("Ce partenaire ne fait pas partie de la liste des partenaires du programme.")
    known |= {(PARTENAIRE, code) for code in partners}
    signataires = {}
    for key, (nom, qualite) in saisie.signataires.items():
        if key not in known:
            if key[0] == PARTENAIRE:
                continue  # a partner left unticked: the view refuses a name typed for it
            raise DomainError("Cette partie ne signe pas la convention de ce dossier.")
        signataires[key] = (_clean(nom), _clean(qualite))
    cadre = before.kind == "cadre"
    return Saisie(
        signataires=signataires, partenaires=partners,
        sections={attr: _clean_text(saisie.sections.get(attr)) for attr in SECTIONS} if cadre else {},
        secteurs={p.code: _clean_text(saisie.secteurs.get(p.code)) for p in before.communes} if cadre else {},
    )


def save_contenu(dossier: Dossier, kind: str, saisie: Saisie, user,
                 expected_version: int | None = None) -> list[str]:
    """Store the content; returns the names of the pieces changed (none: nothing written).
    Flushes, never commits."""
    refusal = dossier.contenu_refusal(user, kind)
    if refusal:
        raise DomainError(refusal)
    before = read(dossier, kind)
    stored = before.stored
    if stored is not None and expected_version is not None and stored.version != expected_version:
        raise ConflictError(CONFLICT)
    saisie = _cleaned(before, saisie)
    changed = _changes(before, saisie)
    if not changed:
        return []
    if stored is None:
        stored = ConventionContenu(dossier_id=dossier.id, kind=kind)
        db.session.add(stored)
    _apply(stored, saisie)
    stored.updated_at, stored.updated_by_id = utcnow(), user.id
    # The content is part of what a deposit submits: a save moves the dossier's version, so that
    # a deposit made meanwhile (or from a page older than the save) is a conflict, not a mix.
    dossier.updated_at = stored.updated_at
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(CONFLICT) from None
    history.append(
        dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
        event=f"modifier_contenu_{kind}", label=f"Contenu de {CONVENTION_NAMES[kind]} enregistré",
        from_state=dossier.etat, to_state=dossier.etat, user=user,
        role=acting_role(dossier.roles_of(user), PORTEURS), payload={"modifications": changed},
    )
    return changed


def _apply(stored: ConventionContenu, saisie: Saisie) -> None:
    wanted = dict(saisie.signataires)
    for code in saisie.partenaires:
        wanted.setdefault((PARTENAIRE, code), (None, None))
    for row in list(stored.signataires):
        if (row.partie, row.code) not in wanted and row.partie == PARTENAIRE:
            stored.signataires.remove(row)  # a partner who no longer signs
    for (partie, code), (nom, qualite) in wanted.items():
        row = stored.signataire(partie, code)
        if row is None:
            row = Signataire(partie=partie, code=code)
            stored.signataires.append(row)
        row.nom, row.qualite = nom, qualite
    for attr, text in saisie.sections.items():
        setattr(stored, attr, text)
    for insee, text in saisie.secteurs.items():
        row = next((s for s in stored.secteurs if s.commune_insee == insee), None)
        if text is None:
            if row is not None:
                stored.secteurs.remove(row)
        elif row is None:
            stored.secteurs.append(SecteurIntervention(commune_insee=insee, description=text))
        else:
            row.description = text

