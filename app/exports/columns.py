"""The columns of the exports: header, meaning and kind, in one place.

The same list writes the files (app/exports/writers.py) and the page that documents them
(/exports/colonnes), so a column cannot be added without its explanation. Each export's
query (app/exports/queries.py) yields its values in this order.
"""
from dataclasses import dataclass

TEXT, DATE, MONEY, INTEGER = "texte", "date", "montant", "nombre"


@dataclass(frozen=True)
class Column:
    header: str
    meaning: str
    kind: str = TEXT


DOSSIER_COLUMNS = (
    Column("Code INSEE", "Code officiel géographique de la commune (une ligne par commune)."),
    Column("Commune", "Nom de la commune."),
    Column("Référence du dossier", "Identifiant du dossier dans le programme (id_pvd), par exemple pvd-75-17-4."),
    Column("Dossier", "Nom du dossier (groupe de communes d'une même convention)."),
    Column("SIREN de l'EPCI", "SIREN de l'intercommunalité du dossier."),
    Column("EPCI", "Nom de l'intercommunalité du dossier."),
    Column("Code département", "Code du département du dossier."),
    Column("Département", "Nom du département."),
    Column("État du dossier", "Étape du dossier, en toutes lettres (par exemple «\u00a0Convention d'adhésion signée\u00a0»)."),
    Column("Adhésion signée le", "Date de signature de la convention d'adhésion.", DATE),
    Column("Convention-cadre signée le", "Date de signature de la convention-cadre.", DATE),
    Column("Échéance de la convention-cadre", "Date limite de signature de la convention-cadre\u00a0: signature de "
           "l'adhésion + 18 mois, ou la date fixée par une prorogation.", DATE),
    Column("Échéance prorogée", "«\u00a0Oui\u00a0» quand la préfecture a prorogé l'échéance des 18 mois."),
    Column("Statut de l'échéance", "Règle des 18 mois au jour de l'export (dans les délais, moins de 6, 3 ou 1 mois, "
           "dépassée, délai respecté, signée hors délai…)\u00a0; vide avant la signature de l'adhésion."),
    Column("ORT engagée le", "Date d'engagement de la commune dans une opération de revitalisation de territoire "
           "(la signature de la convention-cadre valant ORT, ou une ORT signée autrement).", DATE),
    Column("OPAH", "Opération programmée d'amélioration de l'habitat de la commune\u00a0: Aucune, OPAH, OPAH-RU, "
           "OPAH-RR, OPAH-CD, OPAH-CB."),
    Column("Phase de l'OPAH", "Pré-opérationnelle, opérationnelle ou évaluation."),
    Column("Chef de projet", "La personne en poste de chef de projet du dossier au jour de l'export (le poste le "
           "plus récent s'il y en a plusieurs)\u00a0; vide si aucun poste n'est pourvu."),
    Column("Chef de projet en poste depuis le", "Date de recrutement de ce chef de projet.", DATE),
)

FICHE_COLUMNS = (
    Column("Référence du dossier", "Identifiant du dossier dans le programme."),
    Column("Dossier", "Nom du dossier."),
    Column("Code département", "Code du département du dossier."),
    Column("Fiche", "Numéro de la fiche action dans son dossier (FA-01, FA-02…)."),
    Column("Titre de la fiche", "Intitulé de la fiche action."),
    Column("Axe stratégique", "L'axe du projet de territoire auquel la fiche se rattache («\u00a0Axe 1 — …\u00a0»)."),
    Column("État de la fiche", "Brouillon, soumise, validée, à revoir, refusée, engagée, réalisée ou abandonnée."),
    Column("Maître d'ouvrage", "La collectivité du dossier, ou l'organisme, qui porte l'action."),
    Column("Début", "Date de début prévue.", DATE),
    Column("Fin", "Date de fin prévue.", DATE),
    Column("Coût HT", "Coût total de l'action hors taxes, en euros.", MONEY),
    Column("Coût TTC", "Coût total de l'action toutes taxes comprises, en euros.", MONEY),
    Column("Financeur", "Financeur et dispositif de la ligne du plan de financement (par exemple «\u00a0État — DETR\u00a0»)\u00a0; "
           "vide pour une fiche sans plan de financement (elle a alors une seule ligne)."),
    Column("Code du financeur", "Le code du financeur dans Jalons (etat_detr, anah…), stable d'une version à l'autre."),
    Column("Année", "Année de la ligne de financement.", INTEGER),
    Column("Montant", "Montant de la ligne, en euros.", MONEY),
    Column("Statut du financement", "Prévu, sollicité, accordé, refusé ou versé."),
    Column("Sollicité le", "Date de la demande de financement.", DATE),
    Column("Décidé le", "Date de la décision du financeur (accord ou refus).", DATE),
    Column("Versé le", "Date du versement.", DATE),
)

EXPORTS = {
    "dossiers": ("Dossiers et communes", "Une ligne par commune des dossiers de votre périmètre.", DOSSIER_COLUMNS),
    "fiches": ("Fiches action et financements", "Une ligne par ligne de plan de financement (une ligne pour une "
               "fiche qui n'en a pas), pour les fiches des dossiers de votre périmètre.", FICHE_COLUMNS),
}
