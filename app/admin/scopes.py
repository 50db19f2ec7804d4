"""What each role needs as a scope, checked against the reference tables.

The admin types codes (INSEE, SIREN, département…); a typo must be refused with a sentence
that names the code, before a grant that points nowhere is written.
"""
from sqlalchemy import func, select

from app.auth.roles import PARTENAIRE_ORGANISATIONS, Role
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.models import Dossier
from app.referentiel.models import Commune, Departement, Epci, Region

SCOPE_COLUMNS = (
    "commune_insee", "epci_siren", "dossier_id", "departement_code", "region_code", "organisation"
)


class FieldError(DomainError):
    """A rule refused the value of one form field; the view shows it under that field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _code(value: str | None) -> str:
    return (value or "").strip().upper()


def _departement_code(value: str | None) -> str:
    code = _code(value)
    # "1" is what people type for the Ain; the reference writes "01".
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _commune(raw: str) -> dict:
    code = _code(raw)
    if not code:
        raise FieldError("commune_insee", "Indiquez le code INSEE de la commune, par exemple 17197.")
    if db.session.get(Commune, code) is None:
        raise FieldError("commune_insee", f"Aucune commune n'a le code INSEE {code}.")
    return {"commune_insee": code}


def _epci(raw: str) -> dict:
    siren = _code(raw).replace(" ", "")
    if not siren:
        raise FieldError("epci_siren", "Indiquez le numéro SIREN de l'EPCI (9 chiffres).")
    if db.session.get(Epci, siren) is None:
        raise FieldError("epci_siren", f"Aucun EPCI n'a le numéro SIREN {siren}.")
    return {"epci_siren": siren}


def _dossier(raw: str) -> dict:
    value = (raw or "").strip()
    if not value:
        raise FieldError(
            "dossier", "Indiquez le numéro ou la référence du dossier, par exemple pvd-75-17-4."
        )
    condition = func.lower(Dossier.reference) == value.lower()
    if value.isdigit():
        condition = condition | (Dossier.id == int(value))
    dossier_id = db.session.scalar(select(Dossier.id).where(condition).limit(1))
    if dossier_id is None:
        raise FieldError("dossier", f"Aucun dossier n'a le numéro ou la référence « {value} ».")
    return {"dossier_id": dossier_id}


def _departement(raw: str, field: str = "departement_code") -> dict:
    code = _departement_code(raw)
    if not code:
        raise FieldError(field, "Indiquez le code du département, par exemple 17 ou 2A.")
    if db.session.get(Departement, code) is None:
        raise FieldError(field, f"Aucun département n'a le code {code}.")
    return {"departement_code": code}


def _partenaire(organisation: str, departement: str, region: str) -> dict:
    if organisation not in PARTENAIRE_ORGANISATIONS:
        raise FieldError("organisation", "Choisissez l'organisation du partenaire.")
    departement, region = _departement_code(departement), _code(region)
    if departement and region:
        raise FieldError(
            "departement_code", "Indiquez un département ou une région, pas les deux."
        )
    if not departement and not region:
        raise FieldError(
            "departement_code", "Indiquez le département ou la région où intervient le partenaire."
        )
    if departement:
        return {"organisation": organisation, **_departement(departement)}
    if db.session.get(Region, region) is None:
        raise FieldError("region_code", f"Aucune région n'a le code {region}.")
    return {"organisation": organisation, "region_code": region}


def resolve_scope(role: Role, commune_insee: str | None = None, epci_siren: str | None = None,
                  dossier: str | None = None, departement_code: str | None = None,
                  region_code: str | None = None, organisation: str | None = None) -> dict:
    """The scope columns of a grant of `role`, every one of them (None where unused).

    Fields the role does not use are ignored: the form shows them all, the role decides.
    """
    if role == Role.COMMUNE:
        scope = _commune(commune_insee)
    elif role == Role.EPCI:
        scope = _epci(epci_siren)
    elif role == Role.CHEF_DE_PROJET:
        scope = _dossier(dossier)
    elif role == Role.PREFECTURE:
        scope = _departement(departement_code)
    elif role == Role.PARTENAIRE:
        scope = _partenaire(organisation or "", departement_code, region_code)
    else:
        scope = {}
    return {column: scope.get(column) for column in SCOPE_COLUMNS}
