"""What the projet's subscribers do: the submission of a fiche is told, the signature of the
convention-cadre engages the communes in an ORT."""
from datetime import date

from app.auth.roles import Role
from app.core.db import db
from app.dossiers import lifecycle as dossier_lifecycle
from app.dossiers.models import DossierEtat as E
from app.historique.verify import verify_chains
from app.notifications.models import Notification
from app.projet import lifecycle, revitalisation
from app.projet.territoire_models import CommuneRevitalisation
from tests import factories
from tests.projet import factories as pf
from tests.workflows.test_dossier_workflow import bring_to


def test_a_submitted_fiche_is_told_to_the_porteurs_and_the_prefecture_but_the_actor(app):
    dossier = pf.dossier()
    commune, epci, chef, prefet, partner, other_prefet = (
        pf.member(Role.COMMUNE, dossier), pf.member(Role.EPCI, dossier), pf.member(Role.CHEF_DE_PROJET, dossier),
        pf.member(Role.PREFECTURE, dossier), pf.member(Role.PARTENAIRE, dossier),
        factories.user_with_role(Role.PREFECTURE, departement_code=factories.departement().code))
    fiche = pf.fiche(dossier, chef)
    lifecycle.fire(fiche, "soumettre", commune)
    told = db.session.query(Notification).filter_by(kind="fiche_soumise").all()
    assert {n.user_id for n in told} == {epci.id, chef.id, prefet.id}
    assert all(n.title == "Fiche action FA-01 soumise au comité de projet" for n in told)
    assert told[0].url == f"/dossiers/{dossier.id}/fiches/1"
    assert "«\xa0Réhabilitation des halles\xa0»" in told[0].body and "enregistrée par le chef de projet" in told[0].body
    assert {partner.id, other_prefet.id, commune.id}.isdisjoint({n.user_id for n in told})


def test_other_fiche_steps_tell_no_one(app):
    dossier = pf.dossier()
    fiche = pf.fiche(dossier)
    lifecycle.fire(fiche, "soumettre", pf.member(Role.COMMUNE, dossier))
    before = db.session.query(Notification).count()
    lifecycle.fire(fiche, "valider", pf.member(Role.CHEF_DE_PROJET, dossier))
    assert db.session.query(Notification).count() == before


def test_the_signature_of_the_cadre_engages_the_communes_in_an_ort_unless_engaged_before(app):
    dossier = pf.dossier(E.CADRE_VALIDEE)
    first, second = sorted(dossier.communes, key=lambda c: c.insee)
    prefet = pf.member(Role.PREFECTURE, dossier)
    revitalisation.update_commune(dossier, first.insee, prefet, ort_engagee_le=date(2021, 5, 3),
                                  opah_type="aucune", opah_phase=None)
    factories.document(dossier, "convention_signee", "cadre")
    dossier_lifecycle.fire(dossier, "signer_cadre", prefet, signature_date=date(2023, 2, 10), today=date(2023, 3, 1))
    rows = {r.commune_insee: r for r in db.session.query(CommuneRevitalisation).filter_by(dossier_id=dossier.id)}
    assert (rows[first.insee].ort_engagee_le, rows[first.insee].ort_origine) == (date(2021, 5, 3), "autre")
    assert (rows[second.insee].ort_engagee_le, rows[second.insee].ort_origine) == (date(2023, 2, 10),
                                                                                  "convention_cadre")


def test_fiche_states_are_checked_by_the_audit(app):
    dossier = pf.dossier(E.LABELLISE)
    bring_to(dossier, E.ADHESION_SIGNEE)  # a dossier whose own history is whole
    fiche = pf.fiche(dossier)
    lifecycle.fire(fiche, "soumettre", pf.member(Role.COMMUNE, dossier))
    assert [p.message for p in verify_chains() if p.dossier_id == dossier.id] == []
    fiche.etat = fiche.etat.VALIDEE  # changed directly, without its history
    db.session.flush()
    assert [p.message for p in verify_chains() if p.dossier_id == dossier.id] == [
        "l'état enregistré (« Validée ») ne correspond pas à la dernière ligne de son historique"]
