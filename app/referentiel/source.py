"""Reading the JSON files of @etalab/decoupage-administratif into rows of our tables.

Pure Python, no database: what the files say, filtered to what the programme covers, with
the anomalies found on the way (reported by the import, never silently dropped).
"""
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import DomainError
from app.referentiel.text import SEARCH_KEY_VERSION, search_key

FILES = ("regions.json", "departements.json", "epci.json", "communes.json")
PACKAGE_DATA = Path("node_modules", "@etalab", "decoupage-administratif", "data")
# Collectivités d'outre-mer (Saint-Pierre-et-Miquelon, Polynésie…) have statutes of their own
# and are not part of the programme; régions and départements are metropolitan France + DROM.
OVERSEAS_COLLECTIVITY = "com"
FORMER_COMMUNE_TYPES = ("commune-deleguee", "commune-associee")


@dataclass
class SourceData:
    regions: list[dict] = field(default_factory=list)
    departements: list[dict] = field(default_factory=list)
    epcis: list[dict] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)
    codes_historiques: list[dict] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    skipped_overseas: int = 0


def default_source(project_root: str | Path) -> Path:
    return Path(project_root) / PACKAGE_DATA


def checksum(source: Path) -> str:
    """sha256 of the four files, in a fixed order: the same data gives the same sum.

    The version of the search keys counts too: new folding rules are new rows to write.
    """
    digest = hashlib.sha256(f"search-key-{SEARCH_KEY_VERSION}".encode())
    for name in FILES:
        digest.update(name.encode())
        with open(source / name, "rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def check_files(source: Path) -> None:
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        raise DomainError(
            f"Fichier(s) introuvable(s) dans {source} : {', '.join(missing)}. "
            "Installez les dépendances npm (npm ci) ou indiquez --source."
        )


def _load(source: Path, name: str) -> list[dict]:
    try:
        with open(source / name, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError) as error:
        raise DomainError(f"Lecture de {name} impossible : {error}") from error


def read_source(source: Path) -> SourceData:
    check_files(source)
    data = SourceData()
    for item in _load(source, "regions.json"):
        if item.get("zone") != OVERSEAS_COLLECTIVITY:
            data.regions.append({"code": item["code"], "nom": item["nom"]})
    region_codes = {row["code"] for row in data.regions}
    for item in _load(source, "departements.json"):
        if item.get("zone") == OVERSEAS_COLLECTIVITY:
            continue
        if item["region"] not in region_codes:
            data.anomalies.append(
                f"Département {item['code']} ({item['nom']}) : région {item['region']} inconnue, ignoré."
            )
            continue
        data.departements.append(
            {"code": item["code"], "nom": item["nom"], "region_code": item["region"]}
        )
    _read_communes(data, _load(source, "communes.json"), _load(source, "epci.json"))
    return data


def _read_communes(data: SourceData, communes: list[dict], epcis: list[dict]) -> None:
    departement_codes = {row["code"] for row in data.departements}
    current: dict[str, dict] = {}
    for item in communes:
        if item["type"] != "commune-actuelle":
            continue  # arrondissements municipaux are parts of Paris, Lyon, Marseille, not communes
        if item.get("zone") == OVERSEAS_COLLECTIVITY:
            data.skipped_overseas += 1
            continue
        if item.get("departement") not in departement_codes:
            data.anomalies.append(
                f"Commune {item['code']} ({item['nom']}) : département "
                f"{item.get('departement')} absent de departements.json, ignorée."
            )
            continue
        current[item["code"]] = {
            "insee": item["code"],
            "nom": item["nom"],
            "nom_recherche": search_key(item["nom"]),
            "population": item.get("population"),
            "departement_code": item["departement"],
            "epci_siren": None,
        }

    for item in epcis:
        data.epcis.append({
            "siren": item["code"],
            "nom": item["nom"],
            "nom_recherche": search_key(item["nom"]),
            "type": item["type"],
            "population": item.get("populationMunicipale"),
        })
        for membre in item.get("membres", []):
            commune = current.get(membre["code"])
            if commune is None:
                data.anomalies.append(
                    f"EPCI {item['code']} ({item['nom']}) : membre {membre['code']} "
                    f"({membre.get('nom')}) absent des communes importées."
                )
            elif commune["epci_siren"] not in (None, item["code"]):
                data.anomalies.append(
                    f"Commune {membre['code']} membre de deux EPCI "
                    f"({commune['epci_siren']} et {item['code']}) : le premier est conservé."
                )
            else:
                commune["epci_siren"] = item["code"]
    data.communes = list(current.values())

    for item in communes:
        # A déléguée that keeps the code of the commune nouvelle is that commune: nothing to map.
        if item["type"] not in FORMER_COMMUNE_TYPES or item["code"] in current:
            continue
        if item.get("chefLieu") not in current:
            if item.get("zone") != OVERSEAS_COLLECTIVITY:
                data.anomalies.append(
                    f"Ancienne commune {item['code']} ({item['nom']}) : commune de rattachement "
                    f"{item.get('chefLieu')} absente des communes importées."
                )
            continue
        data.codes_historiques.append({
            "code": item["code"],
            "nom": item["nom"],
            "type": item["type"],
            "commune_insee": item["chefLieu"],
        })
