"""The projet's rows in the authorization matrix's world (tests/test_authorization_matrix.py):
its dossier moved to "mise en œuvre", one axe, one fiche, one financing line, one indicator."""
from datetime import date
from decimal import Decimal

from app.core.db import db
from app.projet import postes
from app.dossiers.models import DossierEtat
from tests.projet import factories as pf


def _projet(world) -> dict:
    if not hasattr(world, "projet"):
        world.dossier.etat = DossierEtat.MISE_EN_OEUVRE
        db.session.flush()
        chef = world.users["chef_de_projet"]
        fiche = pf.fiche(world.dossier, chef)
        axe = fiche.axe
        world.projet = {"axe": axe, "fiche": fiche, "line": pf.line(fiche, "etat_detr", user=chef),
                        "indicateur": pf.indicateur(world.dossier, axe, chef)}
        db.session.commit()
    return world.projet


def dossier_url(world, path: str = "") -> str:
    _projet(world)
    return f"/dossiers/{world.dossier.id}{path}"


def axe_url(world, path: str = "") -> str:
    return dossier_url(world, f"/projet/axes/{_projet(world)['axe'].id}{path}")


def indicateur_url(world) -> str:
    return dossier_url(world, f"/projet/indicateurs/{_projet(world)['indicateur'].id}")


def fiche_url(world, path: str = "") -> str:
    return dossier_url(world, f"/fiches/{_projet(world)['fiche'].numero}{path}")


def line_url(world, path: str) -> str:
    return fiche_url(world, f"/financements/{_projet(world)['line'].id}{path}")




def poste_url(world, path: str = "") -> str:
    projet = _projet(world)
    if "poste" not in projet:
        projet["poste"] = postes.create_poste(
            world.dossier, world.users["chef_de_projet"], user_id=None, nom="Camille Martin",
            employeur_code=world.dossier.epci_siren, date_debut=date(2022, 1, 1), date_fin=None,
            cout_annuel=Decimal("60000.00"))
        db.session.commit()
    return dossier_url(world, f"/chef-de-projet/{projet['poste'].id}{path}")


def commune_url(world) -> str:
    return dossier_url(world, f"/revitalisation/{world.commune.insee}/modifier")
