"""The comité's rows in the authorization matrix's world (tests/test_authorization_matrix.py):
on the projet's dossier (mise en œuvre), a fiche soumise, a planned meeting, a held one, a
guest, and a line of the partner's financeur (Anah) sollicitée."""
from datetime import date, datetime, timedelta

from app.comite.models import InviteComite, ReunionComite
from app.core.db import db
from app.workflows.states import FinancementStatut, ReunionEtat
from tests.projet import factories as pf
from tests.projet import matrix_world as pw


def _comite(world) -> dict:
    projet = pw._projet(world)
    if not hasattr(world, "comite"):
        chef = world.users["chef_de_projet"]
        fiche = pf.fiche(world.dossier, chef, titre="Maison de santé", axe_id=projet["axe"].id)
        fiche.etat, fiche.soumise_le = fiche.etat.__class__.SOUMISE, date(2026, 1, 5)
        line = pf.line(fiche, "anah", statut=FinancementStatut.SOLLICITE, user=chef)
        line.sollicite_le = date(2026, 1, 5)
        later = datetime.now() + timedelta(days=10)
        planned = ReunionComite(dossier_id=world.dossier.id, debut=later, duree_minutes=90, lieu="Mairie",
                                organisateur_id=chef.id)
        held = ReunionComite(dossier_id=world.dossier.id, debut=later - timedelta(days=40), duree_minutes=90,
                             lieu="Mairie", organisateur_id=chef.id, etat=ReunionEtat.TENUE)
        guest = InviteComite(dossier_id=world.dossier.id, nom="Alix Durand", email="alix@caue.example",
                             organisation="CAUE")
        db.session.add_all([planned, held, guest])
        db.session.commit()
        world.comite = {"fiche": fiche, "line": line, "planned": planned, "held": held, "guest": guest}
    return world.comite


def comite_url(world, path: str = "") -> str:
    _comite(world)
    return pw.dossier_url(world, f"/comite{path}")


def reunion_url(world, path: str = "", held: bool = False) -> str:
    reunion = _comite(world)["held" if held else "planned"]
    return comite_url(world, f"/reunions/{reunion.id}{path}")


def guest_url(world, path: str) -> str:
    return comite_url(world, f"/invites/{_comite(world)['guest'].id}{path}")


def avis_url(world) -> str:
    return pw.dossier_url(world, f"/fiches/{_comite(world)['fiche'].numero}/avis")


def decide_url(world) -> str:
    return f"/partenaire/financements/{_comite(world)['line'].id}"
