"""`flask pvd import`: the real 2021 list (2020 geography) onto today's referentiel."""
from pathlib import Path

from sqlalchemy import delete, func, select

from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import CodeHistorique, Commune
from tests import factories

PVD_CSV = str(Path(__file__).resolve().parents[2] / "data" / "pvd-communes-2021.csv")
HEADER = "id_pvd,insee_com,lib_com,insee_dep,lib_dep,lib_reg,pop,siren_epci,lib_epci\n"


def _import(runner, path=PVD_CSV):
    return runner.invoke(args=["pvd", "import", str(path)])


def _csv(tmp_path, *rows: str) -> Path:
    path = tmp_path / "pvd.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def _pvd_dossiers():
    """The dossiers made by the import (factories' dossiers are named pvd-test-…)."""
    return db.session.scalars(select(Dossier).where(~Dossier.reference.startswith("pvd-test-"))).all()


def test_real_list_makes_one_dossier_per_group(referentiel, runner):
    result = _import(runner)
    assert result.exit_code == 0, result.output
    assert "Résumé : dossiers 1459 créé(s), 0 mis à jour, 0 inchangé(s) ; 1606 communes ; " \
           "3 lignes remappées ; 1 ligne rejetée." in result.output

    dossiers = {d.reference: d for d in _pvd_dossiers()}
    assert len(dossiers) == 1459  # 874 id_pvd groups + 585 rows without id_pvd
    assert db.session.scalar(select(func.count()).select_from(DossierCommune)) == 1606
    assert {d.etat for d in dossiers.values()} == {DossierEtat.LABELLISE}
    ablis = dossiers["pvd-11-78-1"]
    assert (ablis.nom, ablis.departement_code, ablis.epci_siren) == ("Ablis", "78", "200073344")
    assert [c.insee for c in dossiers["pvd-50003"].communes] == ["50003"]  # a row without id_pvd
    assert dossiers["pvd-75-47-1"].nom == "Aiguillon, Damazan et Port-Sainte-Marie"


def test_real_list_reports_each_rejected_remapped_or_odd_row(referentiel, runner):
    result = _import(runner)
    # The fake row of the file: six digits match no commune.
    assert "ligne 1516 : rejetée — code INSEE invalide « 999999 »" in result.output
    assert db.session.scalar(select(Dossier).where(Dossier.reference == "pvd_0001")) is None
    # CC Centre Morbihan Communauté has been split since: each commune gets its EPCI of today.
    assert "ligne 116 : remappée — l'EPCI 200067221 (CC Centre Morbihan Communauté) n'existe plus : " \
           "EPCI actuel de Baud retenu, 200096675 (CC Baud Communauté)" in result.output
    assert "ligne 823 : remappée — l'EPCI 200067221" in result.output
    baud = db.session.scalar(select(Dossier).join(DossierCommune).where(DossierCommune.commune_insee == "56010"))
    assert baud.epci_siren == "200096675"
    # A convention across two départements keeps one, and says which.
    assert "attention — dossier pvd-84-3873-9 : communes de plusieurs départements" in result.output


def test_second_run_changes_nothing(referentiel, runner):
    _import(runner)
    versions = dict(db.session.execute(select(Dossier.reference, Dossier.version)).all())
    result = _import(runner)
    assert result.exit_code == 0, result.output
    assert "dossiers 0 créé(s), 0 mis à jour, 1459 inchangé(s)" in result.output
    assert len(_pvd_dossiers()) == 1459
    db.session.expire_all()
    assert dict(db.session.execute(select(Dossier.reference, Dossier.version)).all()) == versions


def test_former_commune_rows_are_remapped_and_duplicates_rejected(referentiel, runner, tmp_path):
    path = _csv(
        tmp_path,
        "pvd-t-1,01205,Lancrans,01,Ain,Auvergne-Rhône-Alpes,1000,200040350,CC Pays Bellegardien",
        "pvd-t-1,01033,Valserhône,01,Ain,Auvergne-Rhône-Alpes,16000,200040350,CC Pays Bellegardien",
        ",7800,Ablis,78,Yvelines,Île-de-France,3439,200073344,CA Rambouillet Territoires",
        "pvd-t-2,01004,Ambérieu-en-Bugey,01,Ain,Auvergne-Rhône-Alpes,14000,999999999,CC disparue",
    )
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    lancrans = db.session.get(CodeHistorique, "01205")
    assert lancrans.commune_insee == "01033"
    assert "ligne 2 : remappée — 01205 (Lancrans) est aujourd'hui une commune déléguée : " \
           "rattachée à sa commune nouvelle 01033 (Valserhône)" in result.output
    assert "ligne 3 : rejetée — commune 01033 (Valserhône) déjà retenue ligne 2" in result.output
    assert "ligne 4 : rejetée — code INSEE invalide « 7800 »" in result.output
    assert "ligne 5 : remappée — l'EPCI 999999999 (CC disparue) n'existe plus" in result.output

    t1 = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-1"))
    assert [c.insee for c in t1.communes] == ["01033"] and t1.nom == "Valserhône"
    t2 = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-2"))
    assert t2.epci_siren == db.session.get(Commune, "01004").epci_siren
    assert "dossiers 2 créé(s)" in result.output and "2 lignes rejetées" in result.output


def test_commune_already_in_another_dossier_is_rejected(referentiel, runner, tmp_path):
    existing = factories.dossier(communes=[db.session.get(Commune, "78003")])
    path = _csv(
        tmp_path,
        "pvd-t-3,78003,Ablis,78,Yvelines,Île-de-France,3439,200073344,CA Rambouillet Territoires",
        "pvd-t-3,78517,Rambouillet,78,Yvelines,Île-de-France,26000,200073344,CA Rambouillet Territoires",
    )
    result = _import(runner, path)
    assert result.exit_code == 0, result.output
    assert f"ligne 2 : rejetée — commune 78003 (Ablis) déjà rattachée au dossier {existing.reference}, absent du fichier" \
        in result.output
    t3 = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-3"))
    assert [c.insee for c in t3.communes] == ["78517"]


def test_changed_group_updates_its_dossier_and_keeps_its_etat(referentiel, runner, tmp_path):
    rows = [
        "pvd-t-4,78003,Ablis,78,Yvelines,Île-de-France,3439,200073344,CA Rambouillet Territoires",
        "pvd-t-4,78517,Rambouillet,78,Yvelines,Île-de-France,26000,200073344,CA Rambouillet Territoires",
    ]
    _import(runner, _csv(tmp_path, rows[0]))
    dossier = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-4"))
    dossier.etat = DossierEtat.ADHESION_REDACTION
    db.session.commit()

    result = _import(runner, _csv(tmp_path, *rows))
    assert result.exit_code == 0, result.output
    assert "dossier pvd-t-4 mis à jour : nom, communes" in result.output
    assert "dossiers 0 créé(s), 1 mis à jour, 0 inchangé(s)" in result.output
    db.session.expire_all()
    dossier = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-4"))
    assert dossier.nom == "Ablis et Rambouillet"
    assert [c.insee for c in dossier.communes] == ["78003", "78517"]
    assert dossier.etat == DossierEtat.ADHESION_REDACTION


def test_nothing_importable_exits_non_zero(referentiel, runner, tmp_path):
    result = _import(runner, _csv(tmp_path, "pvd_0001,999999,Trifouilly-les-Oies,99,Nom,Région,1,,"))
    assert result.exit_code == 1
    assert "ligne 2 : rejetée" in result.output
    assert "aucune ligne n'a pu être importée" in result.stderr


def test_missing_columns_or_file_fail_in_french(referentiel, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("insee,nom\n78003,Ablis\n", encoding="utf-8")
    result = _import(runner, bad)
    assert result.exit_code == 1
    assert "colonne(s) manquante(s) : id_pvd, insee_com" in result.stderr
    result = _import(runner, tmp_path / "absent.csv")
    assert result.exit_code == 1 and "Fichier introuvable" in result.stderr


def test_empty_referentiel_asks_to_import_it_first(runner):
    db.session.execute(delete(CodeHistorique))
    db.session.execute(delete(Commune))
    result = _import(runner)
    assert result.exit_code == 1
    assert "Le référentiel géographique est vide : lancez d'abord « flask referentiel import »." \
        in result.stderr


def _row(reference, insee):
    nom = db.session.get(Commune, insee).nom
    return f"{reference},{insee},{nom},78,Yvelines,Île-de-France,1000,200073344,CA Rambouillet Territoires"


def test_a_commune_moved_between_groups_moves_in_one_run_with_history(referentiel, runner, tmp_path):
    from app.historique.verify import verify_chains
    from app.workflows.history import HistoryEntry

    other = db.session.scalar(select(Commune.insee).where(Commune.departement_code == "78",
                                                          Commune.insee.not_in(["78003", "78517"])))
    first = _import(runner, _csv(tmp_path, _row("pvd-t-5", "78003"), _row("pvd-t-5", "78517"),
                                 _row("pvd-t-6", other)))
    assert first.exit_code == 0, first.output
    moved = _import(runner, _csv(tmp_path, _row("pvd-t-5", "78003"), _row("pvd-t-6", other),
                                 _row("pvd-t-6", "78517")))
    assert moved.exit_code == 0, moved.output
    assert "0 ligne rejetée" in moved.output and "rejetée —" not in moved.output
    db.session.expire_all()
    a = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-5"))
    b = db.session.scalar(select(Dossier).where(Dossier.reference == "pvd-t-6"))
    assert [c.insee for c in a.communes] == ["78003"]
    assert sorted(c.insee for c in b.communes) == sorted([other, "78517"])
    rows = {d.reference: HistoryEntry.query.filter_by(dossier_id=d.id).one() for d in (a, b)}
    assert rows["pvd-t-5"].payload_dict["communes"] == {"avant": ["78003", "78517"], "apres": ["78003"]}
    assert rows["pvd-t-6"].payload_dict["communes"]["apres"] == sorted([other, "78517"])
    assert all(r.user_id is None and r.role is None and r.event == "modifier_perimetre" for r in rows.values())
    assert list(verify_chains()) == []
    again = _import(runner, _csv(tmp_path, _row("pvd-t-5", "78003"), _row("pvd-t-6", other),
                                 _row("pvd-t-6", "78517")))
    assert "0 mis à jour" in again.output
    assert HistoryEntry.query.filter(HistoryEntry.dossier_id.in_([a.id, b.id])).count() == 2


def test_a_commune_claimed_from_a_group_absent_from_the_file_is_still_refused(referentiel, runner, tmp_path):
    existing = factories.dossier(communes=[db.session.get(Commune, "78003")])
    result = _import(runner, _csv(tmp_path, _row("pvd-t-7", "78003"), _row("pvd-t-7", "78517")))
    assert f"commune 78003 (Ablis) déjà rattachée au dossier {existing.reference}, absent du fichier" in result.output
