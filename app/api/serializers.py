"""Rows as the API's JSON: dates AAAA-MM-JJ, amounts and quantities as numbers (euros),
states as their code and their label. Each function reads only what its list query loaded."""
from datetime import date
from decimal import Decimal

from app.dossiers.models import statut_of
from app.exports.queries import source_label
from app.projet import financeurs


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def dossier(row, today: date) -> dict:
    status = statut_of(row.etat, row.echeance_cadre, row.cadre_signee_le, today)
    return {
        "id": row.id,
        "reference": row.reference,
        "nom": row.nom,
        "departement": row.departement_code,
        "departement_nom": row.departement.nom,
        "epci_siren": row.epci_siren,
        "epci_nom": row.epci.nom if row.epci else None,
        "etat": row.etat.value,
        "etat_libelle": row.etat.label,
        "adhesion_deposee_le": day(row.adhesion_deposee_le),
        "adhesion_signee_le": day(row.adhesion_signee_le),
        "cadre_deposee_le": day(row.cadre_deposee_le),
        "cadre_signee_le": day(row.cadre_signee_le),
        "echeance_cadre": day(row.echeance_cadre),
        "echeance_prorogee": row.echeance_prorogee_le is not None,
        "statut_echeance": status.value if status else None,
        "statut_echeance_libelle": status.label if status else None,
        "communes": [{"insee": c.insee, "nom": c.nom} for c in row.communes],
    }


def commune(row) -> dict:
    """`row`: (DossierCommune's commune, the dossier's reference, its CommuneRevitalisation or None)."""
    lien, reference, revitalisation = row
    c = lien.commune
    return {
        "insee": c.insee,
        "nom": c.nom,
        "population": c.population,
        "departement": c.departement_code,
        "epci_siren": c.epci_siren,
        "dossier_id": lien.dossier_id,
        "dossier_reference": reference,
        "ort_engagee_le": day(revitalisation.ort_engagee_le) if revitalisation else None,
        "opah_type": revitalisation.opah_type.value if revitalisation else "aucune",
        "opah_phase": (revitalisation.opah_phase.value
                       if revitalisation and revitalisation.opah_phase else None),
    }


def fiche(row) -> dict:
    return {
        "id": row.id,
        "dossier_id": row.dossier_id,
        "numero": row.numero,
        "code": row.code,
        "titre": row.titre,
        "axe_id": row.axe_id,
        "etat": row.etat.value,
        "etat_libelle": row.etat.label,
        "description": row.description,
        "maitre_ouvrage_code": row.maitre_ouvrage_code,
        "maitre_ouvrage_autre": row.maitre_ouvrage_autre,
        "commune_insee": row.commune_insee,
        "date_debut": day(row.date_debut),
        "date_fin": day(row.date_fin),
        "cout_ht": number(row.cout_ht),
        "cout_ttc": number(row.cout_ttc),
        "soumise_le": day(row.soumise_le),
        "decidee_le": day(row.decidee_le),
        "engagee_le": day(row.engagee_le),
        "realisee_le": day(row.realisee_le),
    }


def ligne(row) -> dict:
    """`row`: (LigneFinancement, the dossier id of its fiche)."""
    line, dossier_id = row
    return {
        "id": line.id,
        "fiche_id": line.fiche_id,
        "dossier_id": dossier_id,
        "source": line.source,
        "source_libelle": source_label(line.source, line.precision),
        "financeur": financeurs.source(line.source).financeur,
        "annee": line.annee,
        "montant": number(line.montant),
        "statut": line.statut.value,
        "statut_libelle": line.statut.label,
        "sollicite_le": day(line.sollicite_le),
        "decide_le": day(line.decide_le),
        "verse_le": day(line.verse_le),
    }


def indicateur(row) -> dict:
    return {
        "id": row.id,
        "dossier_id": row.dossier_id,
        "axe_id": row.axe_id,
        "fiche_id": row.fiche_id,
        "nom": row.nom,
        "type": row.type.value,
        "unite": row.unite,
        "valeur_initiale": number(row.valeur_initiale),
        "date_initiale": day(row.date_initiale),
        "cible": number(row.cible),
        "date_cible": day(row.date_cible),
        "mesures": [{"mesure_le": day(m.mesure_le), "valeur": number(m.valeur), "source": m.source}
                    for m in row.mesures],
    }
