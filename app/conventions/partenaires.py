"""The programme's partners a convention may be signed with: a reference list, not a table.

The list changes with the programme's partnerships (a release, like the templates that describe
what each partner brings). The Région and the Département are named after the dossier's own.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Partenaire:
    code: str  # stored in Signataire.code
    nom: str  # as printed; "{region}" / "{departement}" are the dossier's
    de: str  # "de la Banque des territoires": how the messages name it
    apport: str  # what it brings, in the article "Engagements des Partenaires"

    def named(self, region: str, du_departement: str) -> "Partenaire":
        """With the dossier's Région and Département in its name."""
        fill = {"region": region, "departement": du_departement}
        return Partenaire(self.code, self.nom.format(**fill), self.de.format(**fill), self.apport)


PARTENAIRES = (
    Partenaire("banque_des_territoires", "Banque des territoires", "de la Banque des territoires",
               "appui en ingénierie, conseil et financements en prêts et en investissement"),
    Partenaire("anah", "Agence nationale de l'habitat (Anah)", "de l'Anah",
               "aides à l'amélioration de l'habitat privé, opérations programmées (OPAH, OPAH-RU), "
               "cofinancement du chef de projet le cas échéant"),
    Partenaire("cerema", "Cerema", "du Cerema",
               "parcours de formation des chefs de projet et des élus, expertise technique"),
    Partenaire("ademe", "ADEME", "de l'ADEME",
               "accompagnement de la transition écologique\u00a0: énergie, économie circulaire, "
               "sobriété foncière"),
    Partenaire("region", "Région {region}", "de la Région {region}",
               "cofinancement des projets au titre de sa politique d'aménagement du territoire"),
    Partenaire("departement", "Département {departement}", "du Département {departement}",
               "soutien aux communes au titre de ses politiques territoriales et de solidarité"),
    Partenaire("epf", "Établissement public foncier (EPF)", "de l'établissement public foncier",
               "acquisition et portage du foncier, ingénierie foncière"),
    Partenaire("caue", "Conseil d'architecture, d'urbanisme et de l'environnement (CAUE)", "du CAUE",
               "conseil en architecture, en urbanisme et en paysage"),
    Partenaire("action_logement", "Action Logement", "d'Action Logement",
               "financement de la réhabilitation de logements locatifs en centre-ville"),
    Partenaire("cci", "Chambre de commerce et d'industrie (CCI)", "de la chambre de commerce et d'industrie",
               "accompagnement du commerce de centre-ville"),
    Partenaire("cma", "Chambre de métiers et de l'artisanat (CMA)", "de la chambre de métiers et de l'artisanat",
               "accompagnement de l'artisanat et de la transmission des entreprises"),
)
BY_CODE = {p.code: p for p in PARTENAIRES}
