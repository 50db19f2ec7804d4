"""The chef de projet post and its capped cofinancing; the ORT and OPAH of the communes."""
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.projet import postes, revitalisation
from app.projet.territoire_models import OpahType, PosteCofinancement
from tests.projet import factories as pf


@pytest.fixture
def dossier():
    return pf.dossier()


def poste(dossier, **kw):
    values = dict(nom="Camille Martin", employeur_code=dossier.epci_siren, date_debut=date(2021, 7, 1),
                  date_fin=None, cout_annuel=Decimal("60000.00"), user_id=None)
    values.update(kw)
    return postes.create_poste(dossier, pf.member(Role.EPCI, dossier), **values)


def test_the_cap_is_75_percent_of_the_cost_within_45000_a_year(app, dossier):
    item = poste(dossier)
    assert postes.cap_for(item, 2022, with_anah=False) == Decimal("45000.00")  # 75 % of 60 000 = 45 000
    item.cout_annuel = Decimal("50000.00")
    assert postes.cap_for(item, 2022, with_anah=False) == Decimal("37500.00")
    item.cout_annuel = Decimal("90000.00")
    assert postes.cap_for(item, 2022, with_anah=False) == Decimal("45000.00")
    assert postes.cap_for(item, 2022, with_anah=True) == Decimal("55000.00")


def test_partial_years_are_pro_rata_and_nothing_after_march_2026(app, dossier):
    item = poste(dossier, cout_annuel=Decimal("90000.00"))
    assert postes.cap_for(item, 2021, False) == (Decimal("45000") * 184 / 365).quantize(Decimal("0.01"), "ROUND_DOWN")
    assert postes.cap_for(item, 2026, False) == (Decimal("45000") * 90 / 365).quantize(Decimal("0.01"), "ROUND_DOWN")
    assert postes.cap_for(item, 2027, False) == Decimal("0.00")
    assert postes.years(item) == [2021, 2022, 2023, 2024, 2025, 2026]


def test_the_caps_are_settings(app, dossier):
    item = poste(dossier, cout_annuel=Decimal("90000.00"))
    app.config["CHEF_DE_PROJET_PLAFOND_ANNUEL"] = "50000"
    try:
        assert postes.cap_for(item, 2022, False) == Decimal("50000.00")
    finally:
        app.config["CHEF_DE_PROJET_PLAFOND_ANNUEL"] = "45000"


def test_cofinancing_above_the_cap_is_refused_with_the_figures(app, dossier):
    item = poste(dossier, cout_annuel=Decimal("80000.00"))
    epci = pf.member(Role.EPCI, dossier)
    postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="anct", montant=Decimal("30000.00"))
    postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="banque_des_territoires",
                             montant=Decimal("15000.00"))
    with pytest.raises(DomainError, match="45\u202f000,01\xa0€.*dépasse le plafond.*45\u202f000\xa0€"):
        postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="banque_des_territoires",
                                 montant=Decimal("15000.01"))
    db.session.rollback()


def test_with_the_anah_the_cap_is_55000(app, dossier):
    item = poste(dossier, cout_annuel=Decimal("80000.00"))
    epci = pf.member(Role.EPCI, dossier)
    postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="anct", montant=Decimal("40000.00"))
    postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="anah", montant=Decimal("15000.00"))
    assert sum(c.montant for c in item.cofinancements) == Decimal("55000.00")
    with pytest.raises(DomainError, match="dépasse le plafond"):  # 75 % of 80 000 = 60 000, capped at 55 000
        postes.set_cofinancement(item, dossier, epci, annee=2023, financeur="anah", montant=Decimal("15000.01"))


def test_no_cofinancing_after_the_end_date(app, dossier):
    item = poste(dossier)
    with pytest.raises(DomainError, match="ne peut pas être cofinancé en 2027"):
        postes.set_cofinancement(item, dossier, pf.member(Role.EPCI, dossier), annee=2027, financeur="anct",
                                 montant=Decimal("1.00"))


@pytest.mark.parametrize("role", [Role.PREFECTURE, Role.PARTENAIRE, Role.ANCT])
def test_only_the_porteurs_write_the_post(app, dossier, role):
    with pytest.raises(DomainError, match="commune, l'EPCI ou le chef de projet"):
        postes.create_poste(dossier, pf.member(role, dossier), nom="X", employeur_code=dossier.epci_siren,
                            date_debut=date(2022, 1, 1), date_fin=None, cout_annuel=Decimal("1"), user_id=None)


def test_the_post_page_and_its_cofinancing_form(client, login_as, dossier):
    item = poste(dossier)
    login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    response = client.post(f"/dossiers/{dossier.id}/chef-de-projet/{item.id}/cofinancements",
                           data={f"poste-{item.id}-annee": "2022", f"poste-{item.id}-financeur": "anct",
                                 f"poste-{item.id}-montant": "45 000"})
    assert response.status_code == 302
    assert [(c.annee, c.montant) for c in db.session.query(PosteCofinancement)] == [(2022, Decimal("45000.00"))]
    page = client.get(f"/dossiers/{dossier.id}/chef-de-projet").text
    assert "Camille Martin" in page and "45\u202f000\xa0€" in page


def test_an_ort_signed_otherwise_and_an_opah(app, dossier):
    commune = dossier.communes[0]
    prefet = pf.member(Role.PREFECTURE, dossier)
    row = revitalisation.update_commune(dossier, commune.insee, prefet, ort_engagee_le=date(2020, 11, 2),
                                        opah_type=OpahType.OPAH_RU, opah_phase="operationnelle",
                                        opah_depuis_le=date(2021, 4, 1))
    assert (row.ort_engagee_le, row.ort_origine, row.opah_type, row.opah_phase.value, row.opah_depuis_le) == (
        date(2020, 11, 2), "autre", OpahType.OPAH_RU, "operationnelle", date(2021, 4, 1))
    with pytest.raises(DomainError, match="phase de l'OPAH"):
        revitalisation.update_commune(dossier, commune.insee, prefet, ort_engagee_le=None,
                                      opah_type=OpahType.OPAH_RR, opah_phase=None)
    with pytest.raises(DomainError, match="porteurs du dossier ou la préfecture"):
        revitalisation.update_commune(dossier, commune.insee, pf.member(Role.PARTENAIRE, dossier),
                                      ort_engagee_le=None, opah_type="aucune", opah_phase=None)
    with pytest.raises(DomainError, match="depuis quand"):
        revitalisation.update_commune(dossier, commune.insee, prefet, ort_engagee_le=None,
                                      opah_type=OpahType.OPAH_RR, opah_phase="operationnelle")
    secteur = revitalisation.add_secteur(dossier, prefet, commune_insee=commune.insee, nom="Centre ancien",
                                         description="Rues du Marché et de la Halle")
    assert revitalisation.secteurs_of(dossier) == [secteur]


def test_each_change_of_opah_is_kept_with_its_day_and_the_same_phase_corrects_its_day(app, dossier):
    insee, prefet = dossier.communes[0].insee, pf.member(Role.PREFECTURE, dossier)

    def change(kind, phase, since):
        return revitalisation.update_commune(dossier, insee, prefet, ort_engagee_le=None, opah_type=kind,
                                             opah_phase=phase, opah_depuis_le=since, today=date(2024, 1, 1))

    change("opah_ru", "pre_operationnelle", date(2021, 3, 1))
    change("opah_ru", "operationnelle", date(2022, 1, 10))
    change("opah_ru", "operationnelle", date(2022, 1, 15))  # a correction of the day, not a new phase
    row = change("aucune", None, date(2023, 6, 30))
    assert [(p.opah_type.value, p.opah_phase and p.opah_phase.value, p.depuis_le) for p in row.opah_periodes] == [
        ("opah_ru", "pre_operationnelle", date(2021, 3, 1)), ("opah_ru", "operationnelle", date(2022, 1, 15)),
        ("aucune", None, date(2023, 6, 30))]
    assert (row.opah_type, row.opah_phase, row.opah_depuis_le) == (OpahType.AUCUNE, None, date(2023, 6, 30))
    change("aucune", None, None)  # nothing changed: nothing recorded
    for since, reason in ((date(2023, 6, 1), "ne peut pas commencer avant"), (date(2024, 2, 1), "futur")):
        with pytest.raises(DomainError, match=reason):
            change("opah", "evaluation", since)
    assert len(row.opah_periodes) == 3


def test_the_revitalisation_page(client, login_as, dossier):
    login_as(pf.member(Role.COMMUNE, dossier))
    insee = dossier.communes[0].insee
    url = f"/dossiers/{dossier.id}/revitalisation/{insee}/modifier"
    form = client.get(url).text
    assert 'name="opah_changement_le"' in form and "Date du changement de l&#39;OPAH" in form
    response = client.post(url, data={"ort_engagee_le": "2022-03-01", "opah_type": "opah_rr",
                                      "opah_phase": "pre_operationnelle", "opah_changement_le": "2021-11-02"})
    assert response.status_code == 302
    client.post(url, data={"ort_engagee_le": "2022-03-01", "opah_type": "opah_rr", "opah_phase": "operationnelle",
                           "opah_changement_le": "2023-01-09"})
    page = client.get(f"/dossiers/{dossier.id}/revitalisation").text
    assert "1 mars 2022" in page and "OPAH-RR (revitalisation rurale)" in page and "Opérationnelle" in page
    assert "9 janvier 2023" in page and "pré-opérationnelle) depuis le 2 novembre 2021" in page
    refused = client.post(url, data={"opah_type": "opah", "opah_phase": "evaluation"}).text
    assert "Indiquez depuis quand" in refused


def test_a_commune_of_another_dossier_is_not_found_here(client, login_as, dossier):
    other = pf.dossier()
    login_as(pf.member(Role.COMMUNE, dossier))
    url = f"/dossiers/{dossier.id}/revitalisation/{other.communes[0].insee}/modifier"
    assert client.get(url).status_code == 404
