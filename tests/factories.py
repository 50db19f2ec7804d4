"""Factories: rows with sensible defaults, flushed, so a test names only what it cares about.

Test geography uses codes that no real commune has (they start with "Z"), so tests can run
beside the real reference data.
"""
import itertools
import uuid
from datetime import date
from decimal import Decimal

from app.auth import sessions
from app.auth.models import RoleGrant, User, UserSession
from app.auth.roles import Role
from app.conventions.models import (
    COMMUNE, EPCI, ETAT, ETAT_CODE, PARTENAIRE, ConventionContenu, SecteurIntervention, Signataire,
)
from app.core.db import db
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.projet import fiches, lifecycle, services
from app.projet.models import IndicateurType
from app.referentiel.models import Commune, Departement, Epci, Region

_seq = itertools.count(1)

__all__ = ["User"]


def _n() -> int:
    return next(_seq)


def _code(n: int, width: int = 2) -> str:
    """A short code that no real région or département has: Z + base 36."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(width):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return "Z" + out


def region(**kw) -> Region:
    n = _n()
    obj = Region(code=kw.pop("code", _code(n)), nom=kw.pop("nom", f"Région test {n}"), **kw)
    db.session.merge(obj)
    db.session.flush()
    return db.session.get(Region, obj.code)


def departement(region_obj: Region | None = None, **kw) -> Departement:
    n = _n()
    region_obj = region_obj or region()
    obj = Departement(
        code=kw.pop("code", _code(n)),
        nom=kw.pop("nom", f"Département test {n}"),
        region_code=region_obj.code,
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def epci(**kw) -> Epci:
    n = _n()
    obj = Epci(siren=kw.pop("siren", f"Z{n:08d}"), nom=kw.pop("nom", f"CC test {n}"),
               type=kw.pop("type", "CC"), population=kw.pop("population", 20000), **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def commune(departement_obj: Departement | None = None, epci_obj: Epci | None = None, **kw) -> Commune:
    n = _n()
    departement_obj = departement_obj or departement()
    obj = Commune(
        insee=kw.pop("insee", f"Z{n % 10000:04d}"),
        nom=kw.pop("nom", f"Commune test {n}"),
        population=kw.pop("population", 3000 + n),
        departement_code=departement_obj.code,
        epci_siren=epci_obj.siren if epci_obj else None,
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def dossier(communes: list[Commune] | None = None, departement_obj: Departement | None = None,
            epci_obj: Epci | None = None, etat: DossierEtat = DossierEtat.LABELLISE, **kw) -> Dossier:
    n = _n()
    if communes is None:
        departement_obj = departement_obj or departement()
        epci_obj = epci_obj or epci()
        communes = [commune(departement_obj, epci_obj)]
    departement_obj = departement_obj or communes[0].departement
    if epci_obj is None and communes[0].epci_siren:
        epci_obj = db.session.get(Epci, communes[0].epci_siren)
    obj = Dossier(
        reference=kw.pop("reference", f"pvd-test-{n}"),
        nom=kw.pop("nom", ", ".join(c.nom for c in communes)),
        departement_code=departement_obj.code,
        epci_siren=epci_obj.siren if epci_obj else None,
        etat=etat,
        **kw,
    )
    obj.liens_communes = [DossierCommune(commune_insee=c.insee) for c in communes]
    db.session.add(obj)
    db.session.flush()
    return obj


def user(email: str | None = None, password: str | None = None, **kw) -> User:
    n = _n()
    obj = User(email=email or f"agent{n}@exemple.gouv.fr", nom=kw.pop("nom", f"Agent {n}"), **kw)
    if password:
        obj.set_password(password)
    db.session.add(obj)
    db.session.flush()
    return obj


def grant(user_obj: User, role: Role, **scope) -> RoleGrant:
    obj = RoleGrant(user=user_obj, role=role, **scope)
    db.session.add(obj)
    db.session.flush()
    return obj


def user_with_role(role: Role, user_obj: User | None = None, **scope) -> User:
    """A user holding `role` on `scope` (commune_insee=…, departement_code=…, dossier_id=…)."""
    user_obj = user_obj or user()
    grant(user_obj, role, **scope)
    return user_obj


def user_session(user_obj: User) -> UserSession:
    """An open session of the user, as a login would make it (signin.session_data puts it in
    a test client's cookie)."""
    return sessions.open_session(user_obj, "pytest")


def document(dossier_obj, type_, etape=None, collectivite_code=None, uploaded_at=None, **kw):
    """A document row and its first version's row (no file behind them): enough for the guards
    that look for documents and for the time of their upload."""
    obj = Document(
        dossier_id=dossier_obj.id,
        type=DocumentType(type_),
        etape=Etape(etape or "adhesion"),
        collectivite_code=collectivite_code,
        titre=kw.pop("titre", f"{DocumentType(type_).label} test"),
        **kw,
    )
    db.session.add(obj)
    n = _n()
    db.session.add(DocumentVersion(
        document=obj, numero=1, nom_fichier=f"document-{n}.pdf", content_type="application/pdf",
        taille=1, sha256="0" * 64, storage_key=f"factory-{uuid.uuid4().hex}",
        uploaded_by_id=obj.created_by_id, **({"uploaded_at": uploaded_at} if uploaded_at else {}),
    ))
    db.session.flush()
    return obj


def deliberations(dossier_obj, etape="adhesion", dated: bool = True):
    """One délibération per signatory collectivité (each commune and the EPCI), with the date
    and the number of its session (`dated=False`: without them)."""
    return [
        document(dossier_obj, "deliberation", etape, code,
                 deliberation_date=date(2026, 1, 15) if dated else None,
                 deliberation_numero=f"{etape[:3].upper()}-{n}" if dated else None)
        for n, code in enumerate(dossier_obj.signataires(), 1)
    ]


SIGNATAIRES = {COMMUNE: "Maire", EPCI: "Président", ETAT: "Préfet", PARTENAIRE: "Directrice régionale"}


def contenu(dossier_obj, kind="adhesion", partenaires=("banque_des_territoires", "anah")) -> ConventionContenu:
    """A complete content of the convention `kind`: a named signataire for every party, the
    partners given, and for the cadre every section and secteur d'intervention."""
    obj = ConventionContenu(dossier_id=dossier_obj.id, kind=kind)
    parties = [(COMMUNE, c.insee) for c in dossier_obj.communes]
    if dossier_obj.epci_siren:
        parties.append((EPCI, dossier_obj.epci_siren))
    parties.append((ETAT, ETAT_CODE))
    parties += [(PARTENAIRE, code) for code in partenaires]
    obj.signataires = [Signataire(partie=partie, code=code, nom=f"Signataire {partie} {code}",
                                  qualite=SIGNATAIRES[partie]) for partie, code in parties]
    if kind == "cadre":
        obj.synthese_diagnostic = "Un centre-bourg où les commerces ferment."
        obj.strategie = "Axe 1 : habiter le centre.\nAxe 2 : y commercer."
        obj.perimetre_ort = "Le centre ancien et le faubourg de la gare."
        obj.secteurs = [SecteurIntervention(commune_insee=c.insee, description=f"Centre-bourg de {c.nom}")
                        for c in dossier_obj.communes]
    db.session.add(obj)
    db.session.flush()
    return obj


def ready_to_deposit(dossier_obj, kind="adhesion"):
    """What a deposit of `kind` needs: the délibérations, the content, and for the cadre the
    diagnostic and the porteurs' own draft."""
    deliberations(dossier_obj, kind)
    contenu(dossier_obj, kind)
    if kind == "cadre":
        document(dossier_obj, "diagnostic", "cadre")
        document(dossier_obj, "projet_convention", "cadre")
        projet_ready(dossier_obj)


def projet_ready(dossier_obj):
    """What the convention-cadre formalises: an axe with an indicator and a fiche validée (by
    the chef de projet, who records the comité de projet's decisions)."""
    chef = user_with_role(Role.CHEF_DE_PROJET, dossier_id=dossier_obj.id)
    axe = services.create_axe(dossier_obj, chef, titre="Revitaliser le centre-bourg", enjeux="Vacance commerciale.")
    services.create_indicateur(dossier_obj, chef, axe=axe, nom="Commerces ouverts", type=IndicateurType.RESULTAT,
                               unite="commerces", valeur_initiale=Decimal("42"), date_initiale=date(2022, 1, 1),
                               cible=Decimal("55"), date_cible=date(2026, 12, 31))
    fiche = fiches.create_fiche(
        dossier_obj, chef, titre="Réhabilitation des halles", axe_id=axe.id, description="Charpente et étals.",
        maitre_ouvrage_code=dossier_obj.liens_communes[0].commune_insee, date_debut=date(2025, 1, 1),
        date_fin=date(2026, 6, 30), cout_ht=Decimal("100000.00"), cout_ttc=Decimal("120000.00"))
    lifecycle.fire(fiche, "soumettre", chef)
    lifecycle.fire(fiche, "valider", chef)
    return fiche
