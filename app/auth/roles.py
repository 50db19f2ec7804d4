"""The roles of the programme (DOMAIN.md) and the scope each one carries."""
import enum


class Role(str, enum.Enum):
    COMMUNE = "commune"
    EPCI = "epci"
    CHEF_DE_PROJET = "chef_de_projet"
    PREFECTURE = "prefecture"
    PARTENAIRE = "partenaire"
    ANCT = "anct"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.COMMUNE: "Commune",
    Role.EPCI: "Intercommunalité (EPCI)",
    Role.CHEF_DE_PROJET: "Chef de projet",
    Role.PREFECTURE: "Préfecture",
    Role.PARTENAIRE: "Partenaire",
    Role.ANCT: "ANCT (direction du programme)",
    Role.ADMIN: "Administration de Jalons",
}

# Which scope column a grant of each role must fill.
SCOPE_OF_ROLE = {
    Role.COMMUNE: "commune_insee",
    Role.EPCI: "epci_siren",
    Role.CHEF_DE_PROJET: "dossier_id",
    Role.PREFECTURE: "departement_code",
    Role.PARTENAIRE: "departement_code|region_code",
    Role.ANCT: None,
    Role.ADMIN: None,
}

PARTENAIRE_ORGANISATIONS = (
    "Banque des territoires",
    "Anah",
    "Cerema",
    "ADEME",
    "Région",
    "Département",
    "Autre partenaire",
)
