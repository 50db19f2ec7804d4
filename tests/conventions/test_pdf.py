"""The printed conventions name their parties and dates, in French, page by page."""
from datetime import date
from decimal import Decimal

import pytest

from app.conventions.context import convention_context, du_departement
from app.conventions.pdf import pdf_filename, render_convention
from app.core.formatting import money_fr
from tests import factories
from tests.conventions.conftest import TODAY, pdf_text


def test_adhesion_names_every_party_and_the_french_dates(dossier):
    dossier.echeance_cadre = date(2028, 5, 3)
    text, pages = pdf_text(render_convention(dossier, "adhesion", today=TODAY))

    assert "Convention d'adhésion au programme Petites villes de demain" in text
    for nom in ("Saint-Jean-de-Luz", "Mauléon-Licharre", "Saint-Étienne-de-Baïgorry"):
        assert f"La commune de {nom}" in text
        assert f"Commune de {nom}" in text  # its signature block
    assert "Communauté d'agglomération du Pays Basque" in text
    assert "le préfet de Pyrénées-Atlantiques" in text
    for partenaire in ("Banque des territoires", "Anah", "Cerema"):
        assert partenaire in text
    assert "Projet établi le 22 novembre 2026" in text
    assert "jusqu'au terme du programme Petites villes de demain, fixé au 31 décembre 2026" in text
    assert "dix-huit mois" in text and "au plus tard le 3 mai 2028" in text
    assert "comité de projet" in text and "chef de projet" in text
    assert text.count("Fait à") == 3 + 1 + 1 + 3  # communes, EPCI, État, partners
    assert "Page 1 sur" in text and f"Page {pages} sur {pages}" in text
    assert "PROJET — document de travail non signé" in text
    assert "Dossier pvd-75-64-9" in text


def test_cadre_shows_the_ort_perimeter_and_asks_for_what_is_missing(dossier):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    text, pages = pdf_text(render_convention(dossier, "cadre", today=TODAY))

    assert "Convention-cadre Petites villes de demain valant opération de revitalisation" in text
    assert "signée le 2 mars 2026" in text
    for nom in ("Saint-Jean-de-Luz", "Mauléon-Licharre", "Saint-Étienne-de-Baïgorry"):
        assert nom in text
    assert "secteur d'intervention à délimiter" in text
    assert text.count("À compléter") >= 4  # diagnostic, axes, fiches, maquette
    assert "Ville principale de l'intercommunalité" in text
    assert "Page 1 sur" in text and pages >= 2


def test_cadre_marks_the_projet_de_territoire_to_complete_until_its_models_exist(dossier):
    """The context reads real models only: an attribute stuck on the dossier is not printed."""
    dossier.diagnostic = "Un centre-bourg dont les commerces ferment."
    text, _ = pdf_text(render_convention(dossier, "cadre", today=TODAY))
    assert "Un centre-bourg dont les commerces ferment." not in text
    for section in ("Synthèse du diagnostic", "Axes stratégiques", "Fiches action", "Maquette financière"):
        assert section in text
    assert text.count("À compléter") >= 4


def test_a_signed_convention_has_no_projet_mark(dossier):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    text, _ = pdf_text(render_convention(dossier, "adhesion", today=TODAY))
    assert "PROJET" not in text
    assert "convention signée le 2 mars 2026" in text


def test_the_chef_de_projet_is_named_when_a_user_holds_the_role(dossier):
    from app.auth.roles import Role

    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Inès Etxeberria"),
                             dossier_id=dossier.id)
    assert convention_context(dossier, "adhesion", TODAY)["chefs_de_projet"] == ["Inès Etxeberria"]


def test_an_unknown_kind_is_refused(dossier):
    with pytest.raises(ValueError):
        render_convention(dossier, "avenant")


@pytest.mark.parametrize("code, nom, expected", [
    ("17", "Charente-Maritime", "de la Charente-Maritime"),
    ("59", "Nord", "du Nord"),
    ("64", "Pyrénées-Atlantiques", "des Pyrénées-Atlantiques"),
    ("01", "Ain", "de l'Ain"),
    ("28", "Eure-et-Loir", "d'Eure-et-Loir"),
    ("41", "Loir-et-Cher", "de Loir-et-Cher"),
    ("84", "Vaucluse", "de Vaucluse"),
    ("974", "La Réunion", "de La Réunion"),
])
def test_the_prefet_is_named_with_the_article_of_his_departement(code, nom, expected):
    assert du_departement(code, nom) == expected


def test_the_file_name_keeps_only_safe_characters(dossier):
    dossier.reference = 'pvd-75/64"9\r\n'
    assert pdf_filename(dossier, "cadre") == "projet-convention-cadre-pvd-75-64-9.pdf"
