"""The figures of the hand-made programme (tests/tableaux/programme.py) at several dates."""
import json
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.core.formatting import today_in_paris
from app.tableaux.figures import figures
from app.tableaux.niveaux import HorsPerimetre
from tests import factories
from tests.tableaux import programme


def at(prog, anct, day, kind="region", code=None):
    return figures(kind, code or prog.region.code, day, anct)


def test_before_any_signature_every_commune_is_in_and_none_signed(prog, anct):
    f = at(prog, anct, date(2021, 1, 1))
    assert (f.total.communes, f.total.dossiers) == (5, 4)
    assert (f.total.communes_adhesion, f.total.conventions_adhesion, f.total.communes_cadre) == (0, 0, 0)
    assert f.total.postes == 0 and f.total.communes_ort == 0 and f.retards == []


def test_adhesions_count_from_their_signature_date(prog, anct):
    f = at(prog, anct, date(2021, 7, 1))
    assert (f.total.communes_adhesion, f.total.conventions_adhesion) == (4, 3)
    assert f.total.pct_adhesion == 80.0
    assert (f.total.postes, f.total.communes_chef) == (1, 2)
    assert f.total.communes_cadre == 0


def test_a_withdrawn_dossier_counts_until_its_sortie(prog, anct):
    before, after = at(prog, anct, date(2022, 2, 28)), at(prog, anct, date(2022, 3, 1))
    assert (before.total.communes, before.total.communes_adhesion) == (5, 4)
    assert (after.total.communes, after.total.dossiers, after.total.communes_adhesion) == (4, 3, 3)
    b = {line.code: line for line in after.par_departement}[prog.dep_b.code]
    assert (b.communes, b.communes_adhesion) == (1, 0)


def test_the_cadre_and_the_ort_count_from_the_signature(prog, anct):
    before, after = at(prog, anct, date(2022, 6, 9)), at(prog, anct, date(2022, 6, 10))
    assert (before.total.communes_cadre, before.total.communes_ort) == (0, 0)
    assert (after.total.communes_cadre, after.total.conventions_cadre, after.total.communes_ort) == (2, 1, 2)
    assert after.total.pct_cadre == 50.0


def test_late_dossiers_follow_the_deadline_and_its_extension_as_granted_then(prog, anct):
    assert at(prog, anct, date(2022, 12, 1)).retards == []  # deadline day itself: not late yet
    late = at(prog, anct, date(2022, 12, 15))  # past 01/12/2022, the extension not granted yet
    assert [r.reference for r in late.retards] == [prog.d2.reference]
    assert late.retards[0].echeance == date(2022, 12, 1) and late.total.dossiers_retard == 1
    assert at(prog, anct, date(2022, 12, 20)).retards == []  # extended to 30/06/2023 that day
    again = at(prog, anct, date(2023, 7, 1))
    assert [(r.reference, r.echeance, r.prolongee) for r in again.retards] == [
        (prog.d2.reference, date(2023, 6, 30), True)]


def test_a_financing_line_is_requested_then_granted_then_paid_at_its_dates(prog, anct):
    def credits(day):
        return at(prog, anct, day).credits.get("État", {})

    assert credits(date(2021, 12, 31)) == {}  # not recorded yet
    assert credits(date(2022, 1, 10))["sollicite"] == Decimal("10000.00")
    granted = credits(date(2022, 3, 1))
    assert (granted["accorde"], granted["sollicite"], granted["verse"]) == (Decimal("10000.00"), 0, 0)
    paid = at(prog, anct, date(2022, 9, 1))
    assert (paid.credits["État"]["verse"], paid.credits["État"]["accorde"]) == (Decimal("10000.00"), 0)
    assert paid.credits_total["verse"] == Decimal("10000.00")


def test_fiches_count_from_their_history(prog, anct):
    assert at(prog, anct, date(2022, 9, 1)).fiches_total == 0  # created today
    now = at(prog, anct, today_in_paris())
    assert now.fiches["brouillon"] == 1 and now.fiches_total == 1


def test_communes_are_in_an_opah_from_the_day_its_period_began_until_it_ended(prog, anct):
    def opah(day):
        f = at(prog, anct, day)
        return {kind: n for kind, n in f.opah.items() if n}, f.opah_sans_date

    assert opah(date(2021, 8, 31)) == ({}, 0)
    assert opah(date(2021, 9, 1)) == ({"opah_rr": 1}, 0)
    assert opah(date(2022, 2, 1)) == ({"opah_rr": 1, "opah_ru": 1}, 0)
    assert opah(date(2022, 6, 30)) == ({"opah_ru": 1}, 0)  # the OPAH-RR ended that day
    assert opah(today_in_paris()) == ({"opah_ru": 1}, 0)


def test_the_figures_are_plain_json(prog, anct):
    data = json.loads(json.dumps(at(prog, anct, date(2022, 9, 1)).as_dict()))
    assert data["communes_cadre"] == 2 and data["credits"]["État"]["verse"] == "10000.00"
    assert data["au"] == "2022-09-01" and data["niveau"] == "region"


def test_a_prefecture_sees_its_departement_only(prog):
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=prog.dep_a.code)
    own = figures("departement", prog.dep_a.code, date(2022, 9, 1), prefet)
    assert (own.total.communes, own.total.dossiers) == (3, 2)
    for kind, code, status in (("departement", prog.dep_b.code, 404), ("region", prog.region.code, 404),
                               ("national", None, 403)):
        with pytest.raises(HorsPerimetre) as refused:
            figures(kind, code, date(2022, 9, 1), prefet)
        assert refused.value.status == status


def test_a_partner_sees_its_region_and_its_departements(prog):
    partner = factories.user_with_role(Role.PARTENAIRE, organisation="Anah", region_code=prog.region.code)
    assert figures("region", prog.region.code, date(2022, 9, 1), partner).total.communes == 4
    assert figures("departement", prog.dep_b.code, date(2022, 9, 1), partner).total.communes == 1
    with pytest.raises(HorsPerimetre):
        figures("region", factories.region().code, date(2022, 9, 1), partner)


def test_other_roles_see_no_dashboard(prog):
    commune = factories.user_with_role(Role.COMMUNE, commune_insee=prog.d1.liens_communes[0].commune_insee)
    with pytest.raises(HorsPerimetre) as refused:
        figures("departement", prog.dep_a.code, date(2022, 9, 1), commune)
    assert refused.value.status == 403


def test_the_statements_do_not_grow_with_the_dossiers(prog, anct, count_queries):
    figures("national", None, date(2023, 1, 31), anct)  # the user's grants loaded once
    with count_queries() as few:
        figures("national", None, date(2023, 1, 31), anct)
    for _ in range(15):
        d = factories.dossier([factories.commune(prog.dep_a), factories.commune(prog.dep_a)])
        programme.sign(d, "signer_adhesion", date(2021, 5, 5), programme.E.ADHESION_SIGNEE,
                       programme.E.ADHESION_VALIDEE)
    with count_queries() as many:
        result = figures("national", None, date(2023, 1, 31), anct)
    assert result.total.conventions_adhesion >= 17
    assert many.count == few.count <= 12


def test_a_chef_de_projet_of_two_dossiers_is_one_person_in_post(prog, anct):
    from app.core.db import db
    from app.projet.territoire_models import PosteChefDeProjet

    shared = dict(nom="Lou Bernard", employeur_code=prog.d3.epci_siren, date_debut=date(2021, 5, 1),
                  cout_annuel=Decimal("30000"))
    db.session.add_all([PosteChefDeProjet(dossier_id=prog.d3.id, **shared),
                        PosteChefDeProjet(dossier_id=prog.d4.id, **{**shared, "nom": "LOU BERNARD"})])
    db.session.flush()
    f = at(prog, anct, date(2021, 7, 1))
    assert f.total.postes == 2  # Camille Martin, and Lou Bernard once for two dossiers
    b = {line.code: line for line in f.par_departement}[prog.dep_b.code]
    assert b.postes == 1 and b.communes_chef == 2  # both dossiers' communes are covered
