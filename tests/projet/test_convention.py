"""The convention-cadre formalises the projet de territoire: its deposit waits for an axe with
an indicator and a fiche validée, and its text prints the strategy, the plan d'action and the
maquette financière — today's for a draft, those recorded at the signature once signed."""
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.conventions.pdf import render_convention
from app.conventions import services as convention_services
from app.conventions.services import convention_pdf
from app.core.db import db
from app.dossiers import lifecycle as dossier_lifecycle
from app.dossiers.models import DossierEtat as E
from app.projet import lifecycle
from app.projet.convention import cadre_missing, hydrate, snapshot
from app.core.errors import DomainError
from app.workflows.history import HistoryEntry
from app.workflows.states import FinancementStatut as S
from tests import factories
from tests.conventions.conftest import pdf_text
from tests.projet import factories as pf

TODAY = date(2026, 11, 22)
AXE_MISSING = "un axe stratégique avec au moins un indicateur"
FICHE_MISSING = "au moins une fiche action validée par le comité de projet"


def validated(dossier, chef, **kw):
    fiche = pf.fiche(dossier, chef, **kw)
    lifecycle.fire(fiche, "soumettre", chef)
    lifecycle.fire(fiche, "valider", chef)
    return fiche


def test_the_cadre_needs_an_axe_with_an_indicator_and_a_fiche_validee(app):
    dossier = pf.dossier()
    assert cadre_missing(dossier) == [AXE_MISSING, FICHE_MISSING]
    fiche = pf.fiche(dossier)
    pf.indicateur(dossier, fiche.axe)
    assert cadre_missing(dossier) == [FICHE_MISSING]
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    lifecycle.fire(fiche, "soumettre", chef)
    assert cadre_missing(dossier) == [FICHE_MISSING]  # submitted is not validated
    lifecycle.fire(fiche, "valider", chef)
    assert cadre_missing(dossier) == []


def test_the_snapshot_holds_the_plan_and_a_maquette_of_its_fiches_without_refused_lines(app):
    dossier = pf.dossier()
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    kept, draft = validated(dossier, chef), pf.fiche(dossier, chef, titre="Berges")
    pf.indicateur(dossier, kept.axe)
    pf.line(kept, "etat_detr", "1000.10", annee=2025, statut=S.ACCORDE)
    pf.line(kept, "region", "500.00", annee=2026, statut=S.REFUSE)
    pf.line(kept, "banque_des_territoires", "250.00", annee=2026)
    pf.line(draft, "etat_detr", "99999.00")
    taken = snapshot(dossier)
    assert [f["code"] for f in taken["fiches"]] == [kept.code]
    assert taken["fiches"][0]["cout_ht"] == "100000.00" and taken["fiches"][0]["etat"] == "Validée"
    assert taken["fiches"][0]["financement"] == "1250.10"
    maquette = taken["maquette"]
    assert maquette["annees"] == [2025, 2026]
    assert maquette["rows"] == [
        {"financeur": "État — DETR", "cells": ["1000.10", None], "total": "1000.10"},
        {"financeur": "Banque des territoires", "cells": [None, "250.00"], "total": "250.00"},
    ]
    assert maquette["totals"] == ["1000.10", "250.00"] and maquette["total"] == "1250.10"
    assert [a["titre"] for a in taken["axes"]] == [kept.axe.titre, draft.axe.titre]
    assert taken["axes"][0]["indicateurs"][0]["cible"] == "55.0000"
    back = hydrate(taken)
    assert back["maquette"]["total"] == Decimal("1250.10") and back["fiches"][0]["debut"] == date(2025, 1, 1)


def ready_but_the_projet(dossier):
    factories.deliberations(dossier, "cadre")
    factories.contenu(dossier, "cadre")
    factories.document(dossier, "diagnostic", "cadre")
    factories.document(dossier, "projet_convention", "cadre")


def test_a_cadre_without_its_projet_is_not_deposited_and_says_what_is_missing(app):
    dossier = pf.dossier(E.CADRE_REDACTION)
    ready_but_the_projet(dossier)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    before = db.session.query(HistoryEntry).filter_by(dossier_id=dossier.id).count()
    with pytest.raises(DomainError) as refused:
        dossier_lifecycle.fire(dossier, "deposer_cadre", chef, today=TODAY)
    assert str(refused.value) == (
        "Le projet de territoire que la convention formalise n'est pas prêt. Il manque\u00a0: "
        f"{AXE_MISSING}\u00a0; {FICHE_MISSING}. Complétez-le sur la page «\u00a0Projet de territoire\u00a0».")
    assert dossier.etat == E.CADRE_REDACTION
    assert db.session.query(HistoryEntry).filter_by(dossier_id=dossier.id).count() == before

    fiche = validated(dossier, chef)
    pf.indicateur(dossier, fiche.axe)
    dossier_lifecycle.fire(dossier, "deposer_cadre", chef, today=TODAY)
    assert dossier.etat == E.CADRE_DEPOSEE


def test_the_dossier_page_lists_the_projet_among_what_the_deposit_waits_for(client, login_as, app):
    dossier = pf.dossier(E.CADRE_REDACTION)
    ready_but_the_projet(dossier)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    db.session.commit()
    login_as(chef)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert AXE_MISSING in page and FICHE_MISSING in page
    assert f'href="/dossiers/{dossier.id}/projet"' in page and "Compléter le projet de territoire" in page


def test_the_draft_cadre_prints_the_strategy_the_plan_and_the_maquette(app):
    dossier = pf.dossier(E.CADRE_REDACTION, adhesion_signee_le=date(2025, 3, 2))
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    fiche = validated(dossier, chef, titre="Réhabilitation des halles")
    pf.indicateur(dossier, fiche.axe, nom="Commerces ouverts en centre-bourg")
    pf.fiche(dossier, chef, titre="Passerelle en brouillon")
    pf.line(fiche, "etat_detr", "42000.00", annee=2025, statut=S.ACCORDE)
    pf.line(fiche, "autofinancement_commune", "18000.50", annee=2026)
    text, _ = pdf_text(render_convention(dossier, "cadre", today=TODAY))
    assert "Axe 1 : Revitaliser le centre-bourg" in text
    assert "Commerces ouverts en centre-bourg" in text and "42 " in text
    assert "FA-01 Réhabilitation des halles" in text
    assert "Passerelle en brouillon" not in text  # not validated: not in the plan
    assert "État — DETR 42 000 € — 42 000 €" in text  # its row: 2025, 2026, total
    assert "Total 42 000 € 18 000,50 € 60 000,50 €" in text
    assert "[aucune fiche validée]" not in text and "[axes stratégiques" not in text


def signed_cadre(dossier, chef, prefet, signed_on=date(2026, 10, 5)):
    factories.document(dossier, "convention_signee", "cadre")
    return dossier_lifecycle.fire(dossier, "signer_cadre", prefet, signature_date=signed_on, today=TODAY)


def test_a_signed_cadre_prints_the_projet_recorded_at_its_signature_not_todays(app):
    dossier = pf.dossier(E.CADRE_VALIDEE, adhesion_signee_le=date(2025, 3, 2))
    chef, prefet = pf.member(Role.CHEF_DE_PROJET, dossier), pf.member(Role.PREFECTURE, dossier)
    fiche = validated(dossier, chef, titre="Réhabilitation des halles")
    pf.indicateur(dossier, fiche.axe)
    line = pf.line(fiche, "etat_detr", "42000.00", annee=2025, statut=S.ACCORDE)
    entry = signed_cadre(dossier, chef, prefet)
    assert entry.payload_dict["projet"]["fiches"][0]["code"] == "FA-01"
    assert entry.payload_dict["projet"]["maquette"]["total"] == "42000.00"

    later = validated(dossier, chef, titre="Maison de santé ajoutée après")  # the dossier is at mise en œuvre
    pf.line(later, "anah", "7000.00", statut=S.ACCORDE)
    line.montant = Decimal("99000.00")
    db.session.flush()
    text, _ = pdf_text(convention_pdf(dossier, "cadre", factories.user()).data)
    assert "Convention signée le 5 octobre 2026" in text
    assert "Réhabilitation des halles" in text and "42 000 €" in text
    assert "Maison de santé ajoutée après" not in text and "99 000" not in text


def test_a_cadre_signed_with_an_empty_plan_prints_it_empty_whatever_was_validated_after(app):
    dossier = pf.dossier(E.CADRE_VALIDEE, adhesion_signee_le=date(2025, 3, 2))
    chef, prefet = pf.member(Role.CHEF_DE_PROJET, dossier), pf.member(Role.PREFECTURE, dossier)
    entry = signed_cadre(dossier, chef, prefet)
    assert entry.payload_dict["projet"]["fiches"] == []
    fiche = validated(dossier, chef, titre="Validée après la signature")
    pf.line(fiche, "anah", "7000.00", statut=S.ACCORDE)
    text, _ = pdf_text(convention_pdf(dossier, "cadre", factories.user()).data)
    assert "Validée après la signature" not in text and "[aucune fiche validée]" in text


def test_a_cadre_signed_before_the_projet_was_recorded_says_so_instead_of_printing_today(app, monkeypatch):
    dossier = pf.dossier(E.CADRE_VALIDEE, adhesion_signee_le=date(2025, 3, 2))
    chef, prefet = pf.member(Role.CHEF_DE_PROJET, dossier), pf.member(Role.PREFECTURE, dossier)
    validated(dossier, chef, titre="Validée avant la signature")
    with monkeypatch.context() as m:  # a signature row written before this feature: no "projet"
        m.setattr(convention_services, "snapshot", lambda dossier: None)
        entry = signed_cadre(dossier, chef, prefet)
    assert "projet" not in entry.payload_dict
    text, _ = pdf_text(convention_pdf(dossier, "cadre", factories.user()).data)
    assert "Validée avant la signature" not in text
    assert "[plan d'action\u00a0: non enregistré par Jalons à la signature]".replace("\u00a0", " ") in text
