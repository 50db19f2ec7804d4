"""The dossier page and its actions over HTTP."""
import io
from datetime import date

import pytest
from pypdf import PdfWriter

from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers import lifecycle
from app.workflows.history import HistoryEntry
from app.dossiers.models import DossierEtat as E
from tests import factories


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def dossier():
    return factories.dossier([factories.commune(nom="Saint-Jean-de-Luz")])


def commune_user(dossier):
    return factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)


def prefet(dossier):
    return factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)


def test_page_shows_state_next_step_and_refused_action_with_reason(client, login_as, dossier):
    user = commune_user(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", user)
    login_as(user)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Convention d&#39;adhésion en rédaction" in page or "Convention d'adhésion en rédaction" in page
    assert "Prochaine étape" in page and "délibération de chaque collectivité" in page
    assert "disabled" in page and "Avant de déposer, il manque" in page
    assert "Commencer la convention d" in page  # the timeline


def test_a_commune_submits_and_the_prefecture_asks_for_completion(client, login_as, dossier):
    user = commune_user(dossier)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", user)
    login_as(user)
    response = client.post(f"/dossiers/{dossier.id}/actions/deposer_adhesion", data={"version": dossier.version})
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_DEPOSEE

    login_as(prefet(dossier))
    page = client.post(f"/dossiers/{dossier.id}/actions/demander_complements_adhesion",
                       data={"version": dossier.version, "reason": ""}).get_data(as_text=True)
    assert "Indiquez le motif" in page
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_DEPOSEE
    response = client.post(f"/dossiers/{dossier.id}/actions/demander_complements_adhesion",
                           data={"version": dossier.version, "reason": "La délibération n'est pas signée."})
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_A_COMPLETER
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "La délibération n&#39;est pas signée." in page


def test_an_old_page_gets_the_conflict_message(client, login_as, dossier):
    user = commune_user(dossier)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", user)
    lifecycle.fire(dossier, "deposer_adhesion", user)
    seen = dossier.version
    lifecycle.fire(dossier, "valider_adhesion", prefet(dossier))
    login_as(prefet(dossier))
    response = client.post(f"/dossiers/{dossier.id}/actions/declarer_sortie",
                           data={"version": seen, "reason": "Retrait"}, follow_redirects=True)
    assert "modifié entre-temps" in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_VALIDEE


@pytest.mark.parametrize("months_left, badge, explained", [
    (24, "Dans les délais", False),
    (12, "Échéance au-delà de la fin du programme", True),  # 18 months run past the programme
])
def test_signature_with_the_signed_pdf_sets_the_deadline(client, login_as, dossier, app, monkeypatch,
                                                         months_left, badge, explained):
    from app.dossiers.echeance import add_months

    end = add_months(today_in_paris(), months_left)
    monkeypatch.setitem(app.config, "PROGRAMME_END", end.isoformat())
    user = commune_user(dossier)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", user)
    lifecycle.fire(dossier, "deposer_adhesion", user)
    agent = prefet(dossier)
    lifecycle.fire(dossier, "valider_adhesion", agent)
    login_as(agent)
    irreversible = client.get(f"/dossiers/{dossier.id}/actions/signer_adhesion").get_data(as_text=True)
    assert "Cette action est définitive" in irreversible
    today = today_in_paris()
    response = client.post(
        f"/dossiers/{dossier.id}/actions/signer_adhesion",
        data={"version": dossier.version, "signature_date": today.isoformat(),
              "signed_file": (io.BytesIO(pdf_bytes()), "convention-signee.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_SIGNEE and dossier.adhesion_signee_le == today
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert badge in page and 'id="echeance-cadre"' in page
    explanation = (f"Échéance au-delà de la fin du programme ({end:%d/%m/%Y})\u00a0: la convention-cadre "
                   "doit être signée avant la fin du programme.")
    assert (explanation in page) == explained


def test_signature_refused_keeps_no_file(client, login_as, dossier, app):
    user = commune_user(dossier)
    factories.ready_to_deposit(dossier)
    for event in ("demarrer_adhesion", "deposer_adhesion"):
        lifecycle.fire(dossier, event, user)
    agent = prefet(dossier)
    lifecycle.fire(dossier, "valider_adhesion", agent)
    login_as(agent)
    storage_dir = app.config.get("DOCUMENTS_DIR") or (app.instance_path + "/documents")
    import os

    def files():
        return sum(len(names) for _, _, names in os.walk(storage_dir))

    before = files()
    page = client.post(
        f"/dossiers/{dossier.id}/actions/signer_adhesion",
        data={"version": dossier.version, "signature_date": date(2099, 1, 1).isoformat(),
              "signed_file": (io.BytesIO(pdf_bytes()), "convention-signee.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "dans le futur" in page
    assert files() == before
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_VALIDEE


def test_actions_of_another_role_are_forbidden_and_out_of_scope_not_found(client, login_as, dossier):
    login_as(commune_user(dossier))
    assert client.post(f"/dossiers/{dossier.id}/actions/declarer_sortie",
                       data={"version": dossier.version, "reason": "x"}).status_code == 403
    assert client.get(f"/dossiers/{dossier.id}/actions/inconnue").status_code == 404
    other = factories.dossier()
    assert client.post(f"/dossiers/{other.id}/actions/demarrer_adhesion",
                       data={"version": other.version}).status_code == 404


def test_dossier_page_sql_does_not_grow(client, login_as, count_queries):
    counts = []
    for size in (1, 12):
        dossier = factories.dossier([factories.commune() for _ in range(size)])
        user = commune_user(dossier)
        agent = prefet(dossier)
        factories.ready_to_deposit(dossier)
        for _ in range(size):
            factories.document(dossier, "etude", "adhesion")
        lifecycle.fire(dossier, "demarrer_adhesion", user)
        lifecycle.fire(dossier, "deposer_adhesion", user)
        for n in range(size):
            lifecycle.fire(dossier, "demander_complements_adhesion", agent, reason="encore")
            factories.document(dossier, "autre", "adhesion", titre=f"Pièce {n}")
            lifecycle.fire(dossier, "redeposer_adhesion", user, reason="Pièce jointe")
        login_as(agent)
        with count_queries() as counter:
            assert client.get(f"/dossiers/{dossier.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_avenant_lifecycle(client, login_as, dossier):
    user = commune_user(dossier)
    agent = prefet(dossier)
    dossier.etat = E.MISE_EN_OEUVRE
    db.session.flush()
    login_as(user)
    response = client.post(f"/dossiers/{dossier.id}/avenants/nouveau", data={"objet": "Ajout de la fiche halles"})
    assert response.status_code == 302
    page = client.get(f"/dossiers/{dossier.id}/avenants/1").get_data(as_text=True)
    assert "Projet d&#39;avenant" in page and "disabled" in page
    from app.avenants.models import Avenant, AvenantEtat

    avenant = Avenant.query.filter_by(dossier_id=dossier.id, numero=1).one()
    factories.document(dossier, "projet_convention", "avenant", avenant_id=avenant.id)
    db.session.commit()
    db.session.refresh(avenant)
    dossier_version = dossier.version
    response = client.post(f"/dossiers/{dossier.id}/avenants/1/actions/deposer", data={"version": avenant.version})
    assert response.status_code == 302
    login_as(agent)
    db.session.refresh(avenant)
    response = client.post(f"/dossiers/{dossier.id}/avenants/1/actions/demander_complements",
                           data={"version": avenant.version, "reason": "Préciser le coût"})
    assert response.status_code == 302
    db.session.refresh(avenant)
    db.session.refresh(dossier)
    assert avenant.etat == AvenantEtat.A_COMPLETER
    assert dossier.version == dossier_version  # the avenant's steps leave the dossier's lock alone
    rows = HistoryEntry.query.filter_by(dossier_id=dossier.id).order_by(HistoryEntry.seq).all()
    assert [(e.machine, e.subject_id, e.event, e.from_state, e.to_state) for e in rows] == [
        ("avenant", avenant.id, "creer", None, "redaction"),
        ("avenant", avenant.id, "deposer", "redaction", "depose"),
        ("avenant", avenant.id, "demander_complements", "depose", "a_completer"),
    ]
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Avenant n° 1" in page
