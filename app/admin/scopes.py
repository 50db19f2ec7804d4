"""What each role needs as a scope, checked against the reference tables.

The admin picks a commune, an EPCI, a dossier, a département or a région in a list that
fills the field with "Name (code)"; without the list (no script) a code or a name alone
will do. A typo must be refused with a sentence that names it, before a grant that points
nowhere is written; a name shared by several places must be made precise.
"""
import re
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import exists, func, or_, select

from app.auth.roles import PARTENAIRE_ORGANISATIONS, Role
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import Commune, Departement, Epci, Region
from app.referentiel.text import search_key

SCOPE_COLUMNS = (
    "commune_insee", "epci_siren", "dossier_id", "departement_code", "region_code", "organisation"
)
# The form fields each role uses: the page shows only these once a role is chosen, and
# resolve_scope reads nothing else.
FIELDS_OF_ROLE = {
    Role.COMMUNE: ("commune_insee",),
    Role.EPCI: ("epci_siren",),
    Role.CHEF_DE_PROJET: ("dossier",),
    Role.PREFECTURE: ("departement_code",),
    Role.PARTENAIRE: ("organisation", "departement_code", "region_code"),
    Role.ANCT: (),
    Role.ADMIN: (),
}
# "Jonzac (17197)": what the pickers write; the code is what counts.
_PICKED = re.compile(r"\(([^()]+)\)\s*$")


class FieldError(DomainError):
    """A rule refused the value of one form field; the view shows it under that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Place:
    """One kind of scope: how to find it by code or by name, and how to say it is not there."""

    field: str
    missing: str
    unknown_code: str
    unknown_name: str
    several: str
    by_code: Callable[[str], object]
    by_name: Callable[[str], list]
    normalize: Callable[[str], str] = lambda code: code.upper().replace(" ", "")


def _same_key(model, key: str) -> list:
    """Départements and régions: a hundred rows, compared on their search keys in Python."""
    return [row for row in db.session.scalars(select(model)) if search_key(row.nom) == key]


def _departement_code(code: str) -> str:
    code = code.upper().replace(" ", "")
    # "1" is what people type for the Ain; the reference writes "01".
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


COMMUNE = Place(
    "commune_insee",
    "Indiquez la commune\u00a0: son nom ou son code INSEE, par exemple 17197.",
    "Aucune commune n'a le code INSEE {}.", "Aucune commune ne s'appelle «\u00a0{}\u00a0».",
    "Plusieurs communes s'appellent «\u00a0{}\u00a0»\u00a0: choisissez-la dans la liste ou indiquez son code INSEE.",
    lambda code: db.session.get(Commune, code),
    lambda key: db.session.scalars(select(Commune).where(Commune.nom_recherche == key).limit(2)).all(),
)
EPCI = Place(
    "epci_siren",
    "Indiquez l'intercommunalité\u00a0: son nom ou son numéro SIREN (9 chiffres).",
    "Aucun EPCI n'a le numéro SIREN {}.", "Aucun EPCI ne s'appelle «\u00a0{}\u00a0».",
    "Plusieurs EPCI s'appellent «\u00a0{}\u00a0»\u00a0: choisissez-le dans la liste ou indiquez son SIREN.",
    lambda code: db.session.get(Epci, code),
    lambda key: db.session.scalars(select(Epci).where(Epci.nom_recherche == key).limit(2)).all(),
)
DEPARTEMENT = Place(
    "departement_code",
    "Indiquez le département, par exemple Charente-Maritime ou 17.",
    "Aucun département n'a le code {}.", "Aucun département ne s'appelle «\u00a0{}\u00a0».",
    "Plusieurs départements s'appellent «\u00a0{}\u00a0»\u00a0: indiquez son code.",
    lambda code: db.session.get(Departement, code),
    lambda key: _same_key(Departement, key),
    _departement_code,
)
REGION = Place(
    "region_code",
    "Indiquez la région, par exemple Nouvelle-Aquitaine ou 75.",
    "Aucune région n'a le code {}.", "Aucune région ne s'appelle «\u00a0{}\u00a0».",
    "Plusieurs régions s'appellent «\u00a0{}\u00a0»\u00a0: indiquez son code.",
    lambda code: db.session.get(Region, code),
    lambda key: _same_key(Region, key),
)


def find(place: Place, raw: str | None):
    """The row `raw` names: "Name (code)", a code, or a name that only one row has."""
    value = (raw or "").strip()
    if not value:
        raise FieldError(place.field, place.missing)
    picked = _PICKED.search(value)
    code = place.normalize(picked.group(1) if picked else value)
    row = place.by_code(code)
    if row is not None:
        return row
    rows = [] if picked else place.by_name(search_key(value))
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise FieldError(place.field, place.several.format(value))
    # Names have no digits and few are that short ("Eu", "Y" are found above by name).
    if picked or len(code) <= 3 or any(char.isdigit() for char in code):
        raise FieldError(place.field, place.unknown_code.format(code))
    raise FieldError(place.field, place.unknown_name.format(value))


def _dossier(raw: str | None) -> dict:
    value = (raw or "").strip()
    picked = _PICKED.search(value)
    value = picked.group(1).strip() if picked else value
    if not value:
        raise FieldError(
            "dossier", "Indiquez le dossier\u00a0: sa référence, par exemple pvd-75-17-4, ou son numéro."
        )
    condition = func.lower(Dossier.reference) == value.lower()
    if value.isdigit():
        condition = condition | (Dossier.id == int(value))
    dossier_id = db.session.scalar(select(Dossier.id).where(condition).limit(1))
    if dossier_id is None:
        raise FieldError("dossier", f"Aucun dossier n'a le numéro ou la référence «\u00a0{value}\u00a0».")
    return {"dossier_id": dossier_id}


def _partenaire(organisation: str, departement: str | None, region: str | None) -> dict:
    if organisation not in PARTENAIRE_ORGANISATIONS:
        raise FieldError("organisation", "Choisissez l'organisation du partenaire.")
    departement, region = (departement or "").strip(), (region or "").strip()
    if departement and region:
        raise FieldError("departement_code", "Indiquez un département ou une région, pas les deux.")
    if not departement and not region:
        raise FieldError(
            "departement_code", "Indiquez le département ou la région où intervient le partenaire."
        )
    if departement:
        return {"organisation": organisation, "departement_code": find(DEPARTEMENT, departement).code}
    return {"organisation": organisation, "region_code": find(REGION, region).code}


def resolve_scope(role: Role, commune_insee: str | None = None, epci_siren: str | None = None,
                  dossier: str | None = None, departement_code: str | None = None,
                  region_code: str | None = None, organisation: str | None = None) -> dict:
    """The scope columns of a grant of `role`, every one of them (None where unused).

    Fields the role does not use are ignored: without a script the form shows them all.
    """
    if role == Role.COMMUNE:
        scope = {"commune_insee": find(COMMUNE, commune_insee).insee}
    elif role == Role.EPCI:
        scope = {"epci_siren": find(EPCI, epci_siren).siren}
    elif role == Role.CHEF_DE_PROJET:
        scope = _dossier(dossier)
    elif role == Role.PREFECTURE:
        scope = {"departement_code": find(DEPARTEMENT, departement_code).code}
    elif role == Role.PARTENAIRE:
        scope = _partenaire(organisation or "", departement_code, region_code)
    else:
        scope = {}
    return {column: scope.get(column) for column in SCOPE_COLUMNS}


def has_pvd_dossier(commune_insee: str | None = None, epci_siren: str | None = None) -> bool:
    """Whether a commune, or an EPCI (filed under it or through a member), has a PVD dossier."""
    if commune_insee:
        return db.session.scalar(select(exists().where(DossierCommune.commune_insee == commune_insee)))
    of_members = (
        select(DossierCommune.dossier_id)
        .join(Commune, Commune.insee == DossierCommune.commune_insee)
        .where(Commune.epci_siren == epci_siren)
    )
    return db.session.scalar(select(exists().where(
        or_(Dossier.epci_siren == epci_siren, Dossier.id.in_(of_members))
    )))


def scope_warning(grant) -> str | None:
    """What the admin should know about a grant that opens no dossier (yet)."""
    if grant.role == Role.COMMUNE and not has_pvd_dossier(commune_insee=grant.commune_insee):
        return (f"{grant.commune} n'a pas de dossier Petites villes de demain\u00a0: ce rôle ne donne "
                "accès à aucun dossier pour l'instant.")
    if grant.role == Role.EPCI and not has_pvd_dossier(epci_siren=grant.epci_siren):
        return (f"{grant.epci} n'a aucun dossier Petites villes de demain, ni aucune de ses "
                "communes\u00a0: ce rôle ne donne accès à aucun dossier pour l'instant.")
    return None
