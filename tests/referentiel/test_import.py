"""`flask referentiel import` on the real files of @etalab/decoupage-administratif."""
from pathlib import Path

from sqlalchemy import func, select

from app.core.db import db
from app.referentiel import source as src
from app.referentiel.importer import import_referentiel
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)

REAL_SOURCE = src.default_source(Path(__file__).resolve().parents[2])
TABLES = (Region, Departement, Epci, Commune, CodeHistorique)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _real(model) -> int:
    """Rows of the real geography: other tests' factories may have committed "Z…" codes."""
    key = model.__mapper__.primary_key[0]
    return db.session.scalar(select(func.count()).where(~key.startswith("Z")))


def _counts() -> dict:
    return {model.__name__: _count(model) for model in TABLES}


def test_import_loads_plausible_counts_quickly(referentiel):
    counts = referentiel.result.counts
    assert counts["régions"].created == 18  # 13 metropolitan + 5 DROM; collectivités d'outre-mer left out
    assert counts["départements"].created == 101
    assert 1200 <= counts["EPCI"].created <= 1300
    assert 34_800 <= counts["communes"].created <= 35_000
    assert counts["anciens codes"].created > 1500
    assert referentiel.result.anomalies == []
    assert referentiel.seconds < 30
    assert _real(Commune) == counts["communes"].created
    assert _real(Region) == 18 and _real(Departement) == 101


def test_communes_carry_departement_epci_population_and_search_key(referentiel):
    ablis = db.session.get(Commune, "78003")
    assert (ablis.nom, ablis.departement_code, ablis.epci_siren) == ("Ablis", "78", "200073344")
    assert ablis.population > 3000
    assert ablis.departement.region.nom == "Île-de-France"
    assert db.session.get(Commune, "42218").nom_recherche == "saint etienne"
    assert db.session.get(Epci, "200073344").nom_recherche == "ca rambouillet territoires"
    assert db.session.get(Commune, "97101") is not None  # DROM communes are in


def test_arrondissements_and_overseas_collectivities_are_not_communes(referentiel):
    assert db.session.get(Commune, "13055").nom == "Marseille"
    assert db.session.get(Commune, "13201") is None  # Marseille 1er arrondissement
    assert db.session.get(Commune, "97502") is None  # Saint-Pierre (Saint-Pierre-et-Miquelon)
    assert db.session.get(Departement, "975") is None


def test_former_communes_point_to_today_commune(referentiel):
    lancrans = db.session.get(CodeHistorique, "01205")
    assert (lancrans.nom, lancrans.type, lancrans.commune_insee) == (
        "Lancrans", "commune-deleguee", "01033"
    )
    assert db.session.get(CodeHistorique, "01120").commune_insee == "01262"  # commune associée
    # A déléguée keeping the code of its commune nouvelle is that commune: not stored.
    assert db.session.get(CodeHistorique, "01015") is None
    assert db.session.get(Commune, "01015") is not None


def test_rerun_updates_nothing_and_duplicates_nothing(referentiel):
    before = _counts()
    result = import_referentiel()
    assert all(c.created == 0 and c.updated == 0 for c in result.counts.values())
    assert result.counts["communes"].unchanged == before["Commune"]
    assert _counts() == before


def test_changed_name_in_source_is_updated(referentiel, source_copy, runner):
    def rename_ablis(communes):
        for item in communes:
            if item["code"] == "78003" and item["type"] == "commune-actuelle":
                item["nom"] = "Ablis-en-Yvelines"

    source_copy.edit("communes.json", rename_ablis)
    result = runner.invoke(args=["referentiel", "import", "--source", str(source_copy.path)])
    assert result.exit_code == 0, result.output
    assert "communes : 0 créé(e)s, 1 mis(es) à jour" in result.output
    assert "régions : 0 créé(e)s, 0 mis(es) à jour, 18 inchangé(e)s" in result.output
    ablis = db.session.get(Commune, "78003")
    assert (ablis.nom, ablis.nom_recherche) == ("Ablis-en-Yvelines", "ablis en yvelines")


def test_commune_of_unknown_departement_is_reported_not_imported(referentiel, source_copy, runner):
    source_copy.edit("communes.json", lambda communes: communes.append({
        "code": "Z9001", "nom": "Nulle-Part", "type": "commune-actuelle", "departement": "Z9",
        "region": "Z9", "zone": "metro", "population": 12,
    }))
    result = runner.invoke(args=["referentiel", "import", "--source", str(source_copy.path)])
    assert result.exit_code == 0, result.output
    assert "Anomalie : Commune Z9001 (Nulle-Part) : département Z9 absent de departements.json" in result.output
    assert "1 anomalie(s)" in result.output
    assert db.session.get(Commune, "Z9001") is None


def test_import_is_recorded_and_if_changed_skips_same_files(referentiel, runner):
    last = db.session.scalars(select(ReferentielImport).order_by(ReferentielImport.id.desc())).first()
    assert len(last.checksum) == 64
    assert last.source == "node_modules/@etalab/decoupage-administratif/data"
    assert "communes : " in last.summary
    rows = _count(ReferentielImport)

    result = runner.invoke(args=["referentiel", "import", "--if-changed"])
    assert result.exit_code == 0, result.output
    assert "Référentiel inchangé" in result.output
    assert "communes :" not in result.output
    assert _count(ReferentielImport) == rows


def test_if_changed_imports_changed_files(referentiel, source_copy, runner):
    def rename_ile_de_france(regions):
        next(r for r in regions if r["code"] == "11").update(nom="Région parisienne")

    source_copy.edit("regions.json", rename_ile_de_france)
    result = runner.invoke(args=["referentiel", "import", "--if-changed", "--source", str(source_copy.path)])
    assert result.exit_code == 0, result.output
    assert "régions : 0 créé(e)s, 1 mis(es) à jour" in result.output
    assert db.session.get(Region, "11").nom == "Région parisienne"


def test_missing_source_fails_with_a_french_message(runner, tmp_path):
    result = runner.invoke(args=["referentiel", "import", "--source", str(tmp_path)])
    assert result.exit_code == 1
    assert "Fichier(s) introuvable(s)" in result.stderr
    assert "communes.json" in result.stderr


def test_new_search_key_rules_change_the_checksum(monkeypatch):
    """--if-changed must not skip an import whose only news is how names are folded."""
    before = src.checksum(REAL_SOURCE)
    monkeypatch.setattr(src, "SEARCH_KEY_VERSION", src.SEARCH_KEY_VERSION + 1)
    assert src.checksum(REAL_SOURCE) != before
