"""The printed conventions name their parties, signataires and délibérations, in French; they
mark "[à compléter]" only what is truly missing; a draft says "projet", a signed text is printed
from what stood at the signature."""
from datetime import date

import pytest

from app.auth.roles import Role
from app.conventions.context import Signature, convention_context, du_departement
from app.conventions.models import COMMUNE
from app.conventions.pdf import pdf_filename, render_convention
from app.core.db import db
from tests import factories
from app.documents.models import Document
from tests.conventions.conftest import TODAY, pdf_text

COMMUNES = ("Saint-Jean-de-Luz", "Mauléon-Licharre", "Saint-Étienne-de-Baïgorry")


def test_a_complete_adhesion_names_every_signataire_and_has_no_placeholder(dossier, complete):
    text, pages = pdf_text(render_convention(dossier, "adhesion", today=TODAY))

    assert "Convention d'adhésion au programme Petites villes de demain" in text
    for signataire in complete.signataires:
        assert signataire.nom in text
    for commune in dossier.communes:
        assert f"La commune de {commune.nom} (code INSEE {commune.insee}), représentée par " \
               f"Signataire commune {commune.insee}, maire, autorisé(e) par délibération du conseil " \
               f"municipal n° ADH-" in text
        assert f"Commune de {commune.nom}" in text  # its signature block
    assert "Communauté d'agglomération du Pays Basque" in text
    assert "représenté par Signataire etat etat, préfet" in text
    assert "du 15 janvier 2026" in text
    assert "Banque des territoires" in text and "Agence nationale de l'habitat (Anah)" in text
    assert "Cerema" not in text.split("Signatures")[-1]  # a partner not chosen does not sign
    assert "[" not in text, text[text.index("["):text.index("[") + 80]
    assert text.count("Fait à") == 3 + 1 + 1 + 2  # communes, EPCI, État, the two partners
    assert "Projet établi le 22 novembre 2026" in text
    assert "PROJET — document de travail non signé" in text
    assert "jusqu'au terme du programme Petites villes de demain, fixé au 31 décembre 2026" in text
    assert "Page 1 sur" in text and f"Page {pages} sur {pages}" in text
    assert "Dossier pvd-75-64-9" in text


def test_an_empty_adhesion_marks_each_missing_piece(dossier):
    text, _ = pdf_text(render_convention(dossier, "adhesion", today=TODAY))
    assert text.count("[nom du maire]") == 3
    assert text.count("[nom du président]") == 1 and text.count("[nom du préfet]") == 1
    assert text.count("[numéro et date de la délibération]") == 4
    assert "Aucun partenaire financeur n'est signataire de la présente convention" in text
    assert text.count("Fait à") == 3 + 1 + 1


def test_only_what_is_missing_is_marked(dossier, complete):
    first = dossier.communes[0]
    complete.signataire(COMMUNE, first.insee).nom = None
    deliberation = Document.query.filter_by(dossier_id=dossier.id, collectivite_code=dossier.epci_siren).one()
    deliberation.deliberation_numero = None
    db.session.flush()
    text, _ = pdf_text(render_convention(dossier, "adhesion", today=TODAY))
    assert text.count("[nom du maire]") == 1
    assert f"La commune de {first.nom} (code INSEE {first.insee}), représentée par [nom du maire], maire" in text
    assert text.count("[numéro]") == 1 and "conseil communautaire n° [numéro] du 15 janvier 2026" in text
    assert text.count("[") == 3  # the maire, in the parties and above the signature; the number


def test_a_complete_cadre_without_its_projet_marks_only_the_axes_the_plan_and_the_maquette(dossier):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    factories.deliberations(dossier, "cadre")
    factories.contenu(dossier, "cadre", partenaires=("ademe", "region", "departement"))
    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Inès Etxeberria"), dossier_id=dossier.id)
    text, pages = pdf_text(render_convention(dossier, "cadre", today=TODAY))

    assert "Convention-cadre Petites villes de demain valant opération de revitalisation" in text
    assert "signée le 2 mars 2026" in text
    assert "Un centre-bourg où les commerces ferment." in text
    assert "Axe 1 : habiter le centre." in text and "Axe 2 : y commercer." in text
    assert "Le centre ancien et le faubourg de la gare." in text
    for nom in COMMUNES:
        assert f"Centre-bourg de {nom}" in text
    assert "ADEME" in text and "Région Nouvelle-Aquitaine" in text
    assert "Département des Pyrénées-Atlantiques" not in text  # a Z code: no article known
    assert "Département de Pyrénées-Atlantiques" in text
    assert "Inès Etxeberria" in text
    assert text.count("[") == 3  # the projet de territoire is tested in tests/projet/test_convention.py
    assert "[axes stratégiques et leurs indicateurs]" in text
    assert "Fiches action validées par le comité de projet : [aucune fiche validée]" in text
    assert "Maquette financière pluriannuelle, par financeur : [aucun financement prévu pour les fiches validées]" in text
    assert "Page 1 sur" in text and pages >= 2


def test_an_empty_cadre_asks_for_its_sections_and_its_partners(dossier):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    text, _ = pdf_text(render_convention(dossier, "cadre", today=TODAY))
    assert "[synthèse du diagnostic" in text and "[stratégie de revitalisation" in text
    assert "[périmètre de l'ORT]" in text and text.count("[secteur d'intervention à délimiter]") == 3
    assert "[partenaires signataires]" in text


def test_the_context_reads_real_models_only(dossier):
    """An attribute stuck on the dossier is not printed: the content is a model of its own."""
    dossier.adhesion_signee_le = date(2026, 3, 2)
    dossier.diagnostic = "Un centre-bourg dont les commerces ferment."
    text, _ = pdf_text(render_convention(dossier, "cadre", today=TODAY))
    assert "Un centre-bourg dont les commerces ferment." not in text
    assert "[synthèse du diagnostic" in text


def test_a_draft_says_projet_even_when_the_dossier_carries_a_signature_date(dossier, complete):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    dossier.echeance_cadre = date(2029, 1, 31)
    text, _ = pdf_text(render_convention(dossier, "adhesion", today=TODAY))
    assert "PROJET — document de travail non signé" in text and "Projet établi le 22 novembre 2026" in text
    assert "signée le" not in text
    assert "au plus tard" not in text  # a draft has no deadline yet


def test_the_signed_adhesion_counts_its_18_months_from_its_signature(dossier, complete):
    dossier.adhesion_signee_le = date(2026, 3, 2)
    dossier.echeance_cadre = dossier.echeance_prorogee_le = date(2029, 1, 31)  # extended since
    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Nouveau Chef"), dossier_id=dossier.id)
    signature = Signature(date(2026, 3, 2), ("Inès Etxeberria",))
    text, _ = pdf_text(render_convention(dossier, "adhesion", today=TODAY, signature=signature))
    assert "PROJET" not in text and "Projet établi" not in text
    assert "Convention signée le 2 mars 2026" in text
    assert "au plus tard le 2 septembre 2027" in text and "2029" not in text
    assert "Inès Etxeberria" in text and "Nouveau Chef" not in text  # the chef de projet then
    assert "[" not in text


def test_the_chef_de_projet_is_named_when_a_user_holds_the_role(dossier):
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
    assert pdf_filename(dossier, "adhesion", signed=True) == "convention-adhesion-pvd-75-64-9-signee.pdf"
