"""Extensions of the 18-month deadline: never past the end of the programme, never more than
EXTENSION_MAX_MONTHS past the current deadline; the page shows the dates before and after."""
from datetime import date, timedelta

import pytest

from app import config, create_app
from app.auth.roles import Role
from app.core.errors import DomainError
from app.dossiers import lifecycle
from app.dossiers.echeance import add_months
from app.dossiers.models import DossierEtat as E
from tests import factories

TODAY = date(2026, 11, 22)
SIGNED = date(2024, 3, 15)  # 18 months: 15 September 2025, well before the programme's end


@pytest.fixture
def dossier():
    return factories.dossier(etat=E.CADRE_REDACTION, adhesion_signee_le=SIGNED,
                             echeance_cadre=add_months(SIGNED, 18))


def prefet(dossier):
    return factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)


def extend(dossier, new_deadline, reason="Fusion de communes"):
    return lifecycle.fire(dossier, "prolonger_delai", prefet(dossier), today=TODAY, reason=reason,
                          new_deadline=new_deadline)


def test_an_extension_may_go_up_to_the_maximum_past_the_current_deadline(dossier):
    limit = date(2026, 9, 15)  # 15 September 2025 + 12 months
    with pytest.raises(DomainError, match=r"12 mois après l'échéance actuelle.*15/09/2026"):
        extend(dossier, limit + timedelta(days=1))
    entry = extend(dossier, limit)
    assert dossier.echeance_cadre == limit and entry.effective_on == limit
    assert entry.payload_dict["ancienne_echeance"] == "2025-09-15"


def test_the_maximum_is_a_setting(app, monkeypatch, dossier):
    monkeypatch.setitem(app.config, "EXTENSION_MAX_MONTHS", 3)
    with pytest.raises(DomainError, match="3 mois"):
        extend(dossier, date(2025, 12, 16))
    extend(dossier, date(2025, 12, 15))
    assert dossier.echeance_cadre == date(2025, 12, 15)


def test_an_extension_never_goes_past_the_end_of_the_programme(app, monkeypatch, dossier):
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2026-03-31")
    with pytest.raises(DomainError, match=r"fin du programme \(31/03/2026\)"):
        extend(dossier, date(2026, 4, 1))
    extend(dossier, date(2026, 3, 31))
    assert dossier.echeance_cadre == date(2026, 3, 31)


def test_no_extension_once_the_deadline_reaches_the_end_of_the_programme(app, monkeypatch, dossier):
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2025-09-15")
    with pytest.raises(DomainError, match="atteint déjà la fin du programme"):
        extend(dossier, date(2025, 10, 1))
    choices = {c.event: c for c in lifecycle.available_actions(dossier, prefet(dossier), today=TODAY)}
    assert "atteint déjà la fin du programme" in choices["prolonger_delai"].refused


def test_the_extension_is_offered_while_a_date_remains_possible(dossier):
    choices = {c.event: c for c in lifecycle.available_actions(dossier, prefet(dossier), today=TODAY)}
    assert choices["prolonger_delai"].refused is None


@pytest.mark.parametrize("setting, value, message", [
    ("PROGRAMME_END", "31/12/2026", "PROGRAMME_END"),
    ("EXTENSION_MAX_MONTHS", 0, "EXTENSION_MAX_MONTHS"),
])
def test_settings_that_would_refuse_every_extension_stop_the_start(setting, value, message):
    with pytest.raises(RuntimeError, match=message):
        create_app({"JALONS_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", setting: value})


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROGRAMME_END", "2028-06-30")
    monkeypatch.setenv("EXTENSION_MAX_MONTHS", "6")
    app = create_app({"JALONS_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PROGRAMME_END"] == "2028-06-30" and app.config["EXTENSION_MAX_MONTHS"] == 6
    assert "PROGRAMME_END" in config.ENV_SETTINGS


def page_text(response) -> str:
    from html import unescape
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(response.get_data(as_text=True))))


def test_the_extension_form_shows_the_current_deadline_and_how_far_it_may_go(client, login_as, dossier):
    login_as(prefet(dossier))
    response = client.get(f"/dossiers/{dossier.id}/actions/prolonger_delai")
    page = page_text(response)
    assert "Échéance actuelle 15 septembre 2025" in page
    assert "Fin du programme 31 décembre 2026" in page
    assert "Nouvelle date limite possible au plus tard le 15 septembre 2026" in page
    assert "Au plus tard le 15 septembre 2026 : ni après la fin du programme, ni plus de 12 mois" in page
    html = response.get_data(as_text=True)
    assert 'min="2025-09-16"' in html and 'max="2026-09-15"' in html


def test_the_timeline_shows_the_old_and_the_new_deadline(client, login_as, dossier):
    agent = prefet(dossier)
    login_as(agent)
    response = client.post(f"/dossiers/{dossier.id}/actions/prolonger_delai", data={
        "version": dossier.version, "reason": "Fusion de communes", "new_deadline": "2026-03-31"})
    assert response.status_code == 302
    page = page_text(client.get(f"/dossiers/{dossier.id}"))
    assert ("Délai prolongé. La convention-cadre doit désormais être signée au plus tard le 31 mars 2026."
            in page)
    history = page[page.index("Historique"):]
    assert "Échéance reportée du 15 septembre 2025 au 31 mars 2026." in history
    assert "Motif : Fusion de communes" in history


def test_a_refused_extension_date_is_said_on_the_form(client, login_as, dossier):
    login_as(prefet(dossier))
    response = client.post(f"/dossiers/{dossier.id}/actions/prolonger_delai", data={
        "version": dossier.version, "reason": "Fusion", "new_deadline": "2027-01-31"})
    assert response.status_code == 200
    assert "ne peut pas dépasser la fin du programme (31/12/2026)" in page_text(response)
