"""The OpenAPI 3.1 document of /api/v1/, written by hand (its schemas are JSON Schema
2020-12). tests/api/test_openapi.py calls every path it lists and validates the answers
against these schemas: a field added to a serializer without its schema fails there."""
from flask import current_app

from app.dossiers.echeance import StatutEcheance
from app.projet.territoire_models import OpahPhase, OpahType
from app.workflows.states import DossierEtat, FicheEtat, FinancementStatut

VERSION = "1.0.0"


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


DATE = {"type": "string", "format": "date"}
NULL_DATE = _nullable("string", format="date")
NULL_NUMBER = _nullable("number")


def _object(properties: dict) -> dict:
    return {"type": "object", "required": sorted(properties), "additionalProperties": False,
            "properties": properties}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _values(enum) -> list[str]:
    return [member.value for member in enum]


SCHEMAS = {
    "Erreur": _object({"erreur": {"type": "string"}, "statut": {"type": "integer"}}),
    "CommuneDuDossier": _object({"insee": {"type": "string"}, "nom": {"type": "string"}}),
    "Dossier": _object({
        "id": {"type": "integer"},
        "reference": {"type": "string", "description": "Identifiant du programme (id_pvd)."},
        "nom": {"type": "string"},
        "departement": {"type": "string", "description": "Code du département."},
        "departement_nom": {"type": "string"},
        "epci_siren": _nullable("string"),
        "epci_nom": _nullable("string"),
        "etat": {"type": "string", "enum": _values(DossierEtat)},
        "etat_libelle": {"type": "string"},
        "adhesion_deposee_le": NULL_DATE,
        "adhesion_signee_le": NULL_DATE,
        "cadre_deposee_le": NULL_DATE,
        "cadre_signee_le": NULL_DATE,
        "echeance_cadre": {**NULL_DATE, "description": "Échéance de la règle des 18 mois (prorogation comprise)."},
        "echeance_prorogee": {"type": "boolean"},
        "statut_echeance": {"type": ["string", "null"], "enum": [*_values(StatutEcheance), None],
                            "description": "Au jour de la requête\u00a0; null avant la signature de l'adhésion."},
        "statut_echeance_libelle": _nullable("string"),
        "communes": {"type": "array", "items": _ref("CommuneDuDossier")},
    }),
    "Commune": _object({
        "insee": {"type": "string"},
        "nom": {"type": "string"},
        "population": _nullable("integer"),
        "departement": {"type": "string"},
        "epci_siren": _nullable("string"),
        "dossier_id": {"type": "integer"},
        "dossier_reference": {"type": "string"},
        "ort_engagee_le": NULL_DATE,
        "opah_type": {"type": "string", "enum": _values(OpahType)},
        "opah_phase": {"type": ["string", "null"], "enum": [*_values(OpahPhase), None]},
    }),
    "FicheAction": _object({
        "id": {"type": "integer"},
        "dossier_id": {"type": "integer"},
        "numero": {"type": "integer"},
        "code": {"type": "string", "description": "FA-01, FA-02…"},
        "titre": {"type": "string"},
        "axe_id": _nullable("integer"),
        "etat": {"type": "string", "enum": _values(FicheEtat)},
        "etat_libelle": {"type": "string"},
        "description": {"type": "string"},
        "maitre_ouvrage_code": _nullable("string"),
        "maitre_ouvrage_autre": _nullable("string"),
        "commune_insee": _nullable("string"),
        "date_debut": NULL_DATE,
        "date_fin": NULL_DATE,
        "cout_ht": {**NULL_NUMBER, "description": "Euros."},
        "cout_ttc": {**NULL_NUMBER, "description": "Euros."},
        "soumise_le": NULL_DATE,
        "decidee_le": NULL_DATE,
        "engagee_le": NULL_DATE,
        "realisee_le": NULL_DATE,
    }),
    "LigneFinancement": _object({
        "id": {"type": "integer"},
        "fiche_id": {"type": "integer"},
        "dossier_id": {"type": "integer"},
        "source": {"type": "string", "description": "Code du financeur et du dispositif (etat_detr, anah…)."},
        "source_libelle": {"type": "string"},
        "financeur": {"type": "string"},
        "annee": {"type": "integer"},
        "montant": {"type": "number", "description": "Euros."},
        "statut": {"type": "string", "enum": _values(FinancementStatut)},
        "statut_libelle": {"type": "string"},
        "sollicite_le": NULL_DATE,
        "decide_le": NULL_DATE,
        "verse_le": NULL_DATE,
    }),
    "Mesure": _object({"mesure_le": DATE, "valeur": {"type": "number"}, "source": {"type": "string"}}),
    "Indicateur": _object({
        "id": {"type": "integer"},
        "dossier_id": {"type": "integer"},
        "axe_id": _nullable("integer"),
        "fiche_id": _nullable("integer"),
        "nom": {"type": "string"},
        "type": {"type": "string", "enum": ["mise_en_oeuvre", "resultat"]},
        "unite": {"type": "string"},
        "valeur_initiale": NULL_NUMBER,
        "date_initiale": NULL_DATE,
        "cible": NULL_NUMBER,
        "date_cible": NULL_DATE,
        "mesures": {"type": "array", "items": _ref("Mesure"), "description": "La plus récente d'abord."},
    }),
}

_COUNT = {"type": "integer", "minimum": 0}
_PCT = {"type": ["number", "null"], "description": "Pourcentage des communes (null sans commune)."}
_LIGNE = {
    "code": _nullable("string"), "nom": {"type": "string"},
    **{name: _COUNT for name in ("dossiers", "communes", "conventions_adhesion", "communes_adhesion",
                                 "conventions_cadre", "communes_cadre", "communes_ort", "postes", "communes_chef",
                                 "dossiers_retard")},
    **{name: _PCT for name in ("pct_adhesion", "pct_cadre", "pct_ort", "pct_chef")},
}
_EUROS = {"type": "object", "additionalProperties": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"},
          "description": "Montants en euros, en chaînes exactes («\u00a01234.50\u00a0»), par statut."}
SCHEMAS["LigneDuTableau"] = _object(_LIGNE)
SCHEMAS["Retard"] = _object({
    "dossier_id": {"type": "integer"}, "reference": {"type": "string"}, "nom": {"type": "string"},
    "departement_code": {"type": "string"}, "adhesion_signee_le": DATE, "echeance": DATE,
    "prolongee": {"type": "boolean"}})
SCHEMAS["TableauDeBord"] = _object({
    "niveau": {"type": "string", "enum": ["national", "region", "departement"]},
    "au": DATE,
    **{k: v for k, v in _LIGNE.items()},
    "opah": {"type": "object", "additionalProperties": _COUNT,
             "description": "Communes en OPAH à la date, par type d'OPAH."},
    "opah_total": _COUNT,
    "opah_sans_date": {**_COUNT, "description": "Parmi elles, celles dont l'OPAH a été enregistrée sans sa date "
                                                "de début (comptées à toute date)."},
    "credits": {"type": "object", "additionalProperties": _EUROS, "description": "Par financeur, puis par statut."},
    "credits_total": _EUROS,
    "fiches": {"type": "object", "additionalProperties": _COUNT, "description": "Fiches action par état."},
    "fiches_total": _COUNT,
    "retards": {"type": "array", "items": _ref("Retard"), "description": "Dossiers en retard sur la règle des 18 mois."},
    "par_departement": {"type": "array", "items": _ref("LigneDuTableau")},
    "par_region": {"type": "array", "items": _ref("LigneDuTableau")},
    "notes": {"type": "array", "items": {"type": "string"},
              "description": "Les limites des chiffres à une date passée."},
})


def _list_schema(item: str) -> dict:
    return _object({"resultats": {"type": "array", "items": _ref(item)},
                    "suivant": {"type": ["string", "null"], "format": "uri",
                                "description": "Adresse de la page suivante\u00a0; null sur la dernière."}})


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": {**_json(_ref("Erreur"), "Jeton absent, inconnu ou révoqué."),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
    "429": {**_json(_ref("Erreur"), "Trop de requêtes pour ce jeton."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}
NOT_FOUND = {"404": _json(_ref("Erreur"), "Introuvable, ou hors de votre périmètre.")}
BAD_REQUEST = {"400": _json(_ref("Erreur"), "Paramètre illisible.")}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


PAGINATION = [
    _query("limite", "Nombre d'éléments par page (100 par défaut, 500 au plus).",
           {"type": "integer", "minimum": 1, "maximum": 500}),
    _query("apres", "Curseur\u00a0: la clé du dernier élément de la page précédente (donnée par «\u00a0suivant\u00a0»)."),
]


def _list(summary: str, item: str, key: str, filters: list) -> dict:
    return {"get": {
        "summary": summary, "operationId": f"lister_{item}", "tags": ["Données"],
        "description": f"Triés par {key}, de façon stable\u00a0; suivre «\u00a0suivant\u00a0» jusqu'à null.",
        "parameters": [*filters, *PAGINATION],
        "responses": {"200": _json(_list_schema(item), "Une page."), **BAD_REQUEST, **ERRORS},
    }}


def _detail(summary: str, item: str, parameter: str) -> dict:
    return {"get": {
        "summary": summary, "operationId": f"lire_{item}", "tags": ["Données"],
        "parameters": [{"name": parameter, "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": _json(_ref(item), "L'élément."), **NOT_FOUND, **ERRORS},
    }}


DOSSIER_FILTER = _query("dossier", "Identifiant d'un dossier.", {"type": "integer"})
DEPARTEMENT_FILTER = _query("departement", "Code d'un département, par exemple 17.")


def paths() -> dict:
    return {
        "/api/v1/openapi.json": {"get": {
            "summary": "Ce document", "operationId": "openapi", "tags": ["Description"], "security": [],
            "responses": {"200": {"description": "Le document OpenAPI 3.1.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        }},
        "/api/v1/dossiers": _list("Les dossiers de votre périmètre", "Dossier", "id", [
            DEPARTEMENT_FILTER, _query("etat", "État du dossier.", {"type": "string", "enum": _values(DossierEtat)})]),
        "/api/v1/dossiers/{dossier_id}": _detail("Un dossier", "Dossier", "dossier_id"),
        "/api/v1/communes": _list("Les communes des dossiers de votre périmètre, avec leur ORT et leur OPAH",
                                  "Commune", "code INSEE", [DEPARTEMENT_FILTER, DOSSIER_FILTER]),
        "/api/v1/fiches": _list("Les fiches action", "FicheAction", "id", [
            DOSSIER_FILTER, _query("etat", "État de la fiche.", {"type": "string", "enum": _values(FicheEtat)})]),
        "/api/v1/fiches/{fiche_id}": _detail("Une fiche action", "FicheAction", "fiche_id"),
        "/api/v1/financements": _list("Les lignes des plans de financement", "LigneFinancement", "id", [
            DOSSIER_FILTER, _query("fiche", "Identifiant d'une fiche action.", {"type": "integer"}),
            _query("statut", "Statut de la ligne.", {"type": "string", "enum": _values(FinancementStatut)})]),
        "/api/v1/indicateurs": _list("Les indicateurs des axes et des fiches, avec leurs mesures", "Indicateur",
                                     "id", [DOSSIER_FILTER]),
        "/api/v1/tableau-de-bord": {"get": {
            "summary": "Les chiffres du tableau de bord d'un niveau, à une date", "operationId": "tableau_de_bord",
            "tags": ["Chiffres"],
            "description": ("Les chiffres de la page «\u00a0Tableaux de bord\u00a0», recalculés à la date demandée "
                            "depuis l'historique. Le niveau national est celui de l'ANCT\u00a0; une préfecture ou "
                            "un partenaire demande sa région ou son département."),
            "parameters": [
                _query("niveau", "national (par défaut), region ou departement.",
                       {"type": "string", "enum": ["national", "region", "departement"]}),
                _query("code", "Code de la région ou du département (obligatoire hors national)."),
                _query("date", "AAAA-MM-JJ (par défaut aujourd'hui, à Paris).", {"type": "string", "format": "date"}),
            ],
            "responses": {"200": _json(_ref("TableauDeBord"), "Les chiffres."), **BAD_REQUEST,
                          "403": _json(_ref("Erreur"), "Pas de tableau de bord à ce niveau pour votre rôle."),
                          **NOT_FOUND, **ERRORS},
        }},
    }


def document() -> dict:
    base = current_app.config["BASE_URL"].rstrip("/")
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "API de Jalons — Petites villes de demain",
            "version": VERSION,
            "description": (
                "Lecture seule. Chaque jeton voit exactement ce que voit son titulaire dans Jalons\u00a0; "
                "un élément hors de son périmètre répond 404. Jeton personnel\u00a0: «\u00a0Mon compte\u00a0» › "
                f"«\u00a0Jetons d'API\u00a0» ({base}/mon-compte/jetons). Dates AAAA-MM-JJ, montants en euros."),
        },
        "servers": [{"url": base}],
        "security": [{"jeton": []}],
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer",
                                          "description": "Jeton personnel jalons_…"}},
        },
    }
