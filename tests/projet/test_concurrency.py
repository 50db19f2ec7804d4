"""Two fiches created on one dossier at the same instant get two numbers, never the same one,
whether the dossier's counter exists yet or not. Real transactions (PostgreSQL)."""
import pytest
from sqlalchemy import text

from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import DossierEtat as E
from app.projet import fiches
from tests import factories
from tests.dossiers.test_concurrency import postgresql_only, race

pytestmark = pytest.mark.no_transaction
CLEANUP = (
    "DELETE FROM history_entry WHERE dossier_id = :d",
    "DELETE FROM history_chain WHERE dossier_id = :d",
    "DELETE FROM fiche_action WHERE dossier_id = :d",
    "DELETE FROM fiche_compteur WHERE dossier_id = :d",
    "DELETE FROM role_grant WHERE dossier_id = :d",
    'DELETE FROM "user" WHERE id = :u',
    "DELETE FROM dossier_commune WHERE dossier_id = :d",
    "DELETE FROM dossier WHERE id = :d",
    "DELETE FROM commune WHERE insee = :c",
    "DELETE FROM epci WHERE siren = :e",
    "DELETE FROM departement WHERE code = :dep",
    "DELETE FROM region WHERE code = :r",
)


@pytest.fixture
def committed(app):
    postgresql_only(app)
    with app.app_context():
        dossier = factories.dossier()
        dossier.etat = E.MISE_EN_OEUVRE
        chef = factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=dossier.id)
        db.session.commit()
        commune = dossier.liens_communes[0].commune
        keys = {"d": dossier.id, "u": chef.id, "c": commune.insee, "e": commune.epci_siren,
                "dep": dossier.departement_code, "r": dossier.departement.region_code}
    yield keys
    with app.app_context():
        for statement in CLEANUP:
            db.session.execute(text(statement), keys)
        db.session.commit()


def creating(user_id, titre):
    def work(dossier):
        return fiches.create_fiche(dossier, db.session.get(User, user_id), titre=titre).numero
    return work


@pytest.mark.parametrize("existing", [0, 1], ids=["premiere-fiche", "compteur-existant"])
def test_two_fiches_created_at_once_get_two_numbers(app, committed, existing):
    for n in range(existing):
        with app.app_context():
            creating(committed["u"], f"Déjà là {n}")(db.session.get(factories.Dossier, committed["d"]))
            db.session.commit()
    first, second = race(app, committed["d"], creating(committed["u"], "Halles"),
                         creating(committed["u"], "Berges"))
    assert (first.error, second.error) == (None, None)
    assert sorted([first.result, second.result]) == [existing + 1, existing + 2]
    with app.app_context():  # both creations are in the dossier's chain, one after the other
        seqs = db.session.scalars(text("SELECT seq FROM history_entry WHERE dossier_id = :d ORDER BY seq"),
                                  committed).all()
        assert seqs == list(range(1, existing + 3))
