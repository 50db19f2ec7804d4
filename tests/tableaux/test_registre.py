"""The register the dashboards read (app/tableaux/registre.py): kept in step by every write, it
gives at every day the figures that the history gives (app/tableaux/recalcul.py); a write
around it puts it out of date, and the figures are then recomputed, still exact."""
import calendar
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from app.auth.roles import Role
from app.core.db import db, insert_many
from app.core.formatting import today_in_paris
from app.dossiers.echeance import add_months
from app.dossiers.models import DossierCommune
from app.projet import lifecycle as projet_lifecycle
from app.projet.models import LigneFinancement
from app.projet.territoire_models import OpahPhase, OpahType, PosteChefDeProjet
from app.tableaux import courbes, lecture, recalcul, registre
from app.tableaux.figures import compute
from app.tableaux.models import EtatRegistre
from app.tableaux.niveaux import national_level, resolve
from app.workflows import history
from app.workflows.states import FinancementStatut as S
from tests import factories
from tests.projet import factories as projet_factories
from tests.tableaux import programme


def levels(prog, user):
    return [resolve(user, "national", None), resolve(user, "region", prog.region.code),
            resolve(user, "departement", prog.dep_a.code), resolve(user, "departement", prog.dep_b.code)]


def month_ends(until: date):
    year, month = 2020, 10
    while (last := date(year, month, calendar.monthrange(year, month)[1])) <= until:
        yield last
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def same_figures(level, day, user):
    """The register's figures and curves, and the history's, at `day` (as JSON values)."""
    assert registre.lisible()
    kept = lecture.compute(level, day, registre.lisible()).as_dict()
    recomputed = recalcul.compute(level, day, user).as_dict()
    assert kept == recomputed, (level.kind, level.code, day)
    return kept


def test_the_hand_made_programme_gives_the_same_figures_from_the_register_and_from_the_history(prog, anct):
    days = {date(2019, 12, 31), date(2020, 10, 1), today_in_paris(), today_in_paris() + timedelta(days=800)}
    for event in (date(2021, 3, 15), date(2021, 5, 1), date(2021, 6, 1), date(2021, 9, 1), date(2022, 1, 10),
                  date(2022, 2, 1), date(2022, 3, 1), date(2022, 6, 10), date(2022, 6, 30), date(2022, 9, 1),
                  date(2022, 12, 1), date(2022, 12, 2), date(2022, 12, 20), date(2023, 1, 1), date(2023, 6, 30)):
        days |= {event - timedelta(days=1), event, event + timedelta(days=1)}
    national, region, *departements = levels(prog, anct)
    for level in departements:
        for day in sorted(days):
            same_figures(level, day, anct)
    for day in sorted(days | set(month_ends(today_in_paris()))):
        same_figures(region, day, anct)
    assert registre.ecarts() == []  # kept in step write after write, it is what a rebuild gives


def test_the_curves_are_the_same_from_the_register_and_from_the_history(prog, anct, app):
    level = resolve(anct, "region", prog.region.code)
    kept = [c.as_dict() for c in courbes.courbes(level, today_in_paris(), anct)]
    registre.invalidate()
    recomputed = [c.as_dict() for c in courbes.courbes(level, today_in_paris(), anct)]
    assert kept == recomputed
    opah = next(c for c in kept if c["ident"] == "opah")
    values = {p["date"]: p["valeur"] for p in opah["points"]}
    assert (values["2021-08-31"], values["2021-09-30"], values["2022-02-28"], values["2022-06-30"]) == (0, 1, 2, 1)


def test_a_write_after_a_read_changes_the_figures_at_once(prog, anct):
    level = resolve(anct, "region", prog.region.code)
    today = today_in_paris()
    before = compute(level, today, anct)
    chef = projet_factories.member(Role.CHEF_DE_PROJET, prog.d1)
    fiche = projet_factories.fiche(prog.d1, chef)
    line = projet_factories.line(fiche, source="anah", montant="2500.50", annee=2024, user=chef)
    projet_lifecycle.fire_line(line, "solliciter", chef, effective_date=today)
    after = compute(level, today, anct)
    assert after.fiches_total == before.fiches_total + 1
    assert after.credits["Anah"]["sollicite"] == Decimal("2500.50")
    assert after.as_dict() == recalcul.compute(level, today, anct).as_dict()
    prog.d2.liens_communes.append(DossierCommune(commune_insee=factories.commune(prog.dep_a).insee))
    db.session.flush()
    assert compute(level, today, anct).total.communes == after.total.communes + 1
    assert registre.ecarts() == []


def test_a_sortie_ends_the_posts_and_the_opah_of_its_dossier_and_a_renamed_chef_is_counted_again(prog, anct):
    level = resolve(anct, "region", prog.region.code)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=prog.dep_b.code)
    db.session.add(PosteChefDeProjet(dossier_id=prog.d4.id, nom="Camille Martin", employeur_code=prog.d1.epci_siren,
                                     date_debut=date(2022, 1, 1), cout_annuel=Decimal("10000")))
    db.session.flush()
    assert compute(level, date(2023, 1, 1), anct).total.postes == 2  # another employer: another person
    from app.dossiers import lifecycle
    lifecycle.fire(prog.d4, "declarer_sortie", prefet, today=date(2023, 2, 1), reason="Retrait",
                   at=datetime(2023, 2, 1, 10))
    after = compute(level, date(2023, 2, 1), anct)
    assert (after.total.postes, after.opah_total) == (1, 0)
    assert compute(level, date(2023, 1, 31), anct).opah_total == 1
    post = db.session.scalar(select(PosteChefDeProjet).filter_by(dossier_id=prog.d1.id))
    post.nom = "Camille Durand"
    db.session.flush()
    assert registre.ecarts() == []


def test_a_chef_without_an_account_is_one_person_whatever_the_case_of_the_accents_of_the_name(prog, anct):
    """The register keys a person by their name in lower case (Python), the history's figures by
    SQL's lower(): on SQLite too, « HÉLÈNE » and « Hélène » are one name (app/core/db.py gives
    SQLite a lower() that knows accents)."""
    level = resolve(anct, "region", prog.region.code)
    before = recalcul.compute(level, date(2023, 1, 1), anct).total.postes
    for dossier, nom in ((prog.d1, "Hélène Roux"), (prog.d2, "HÉLÈNE ROUX")):
        db.session.add(PosteChefDeProjet(dossier_id=dossier.id, nom=nom, employeur_code=prog.d1.epci_siren,
                                         date_debut=date(2022, 1, 1), cout_annuel=Decimal("10000")))
    db.session.flush()
    same_figures(level, date(2023, 1, 1), anct)
    assert recalcul.compute(level, date(2023, 1, 1), anct).total.postes == before + 1


def test_a_bulk_write_puts_the_register_out_of_date_and_the_figures_stay_exact(prog, anct):
    level = resolve(anct, "region", prog.region.code)
    fiche_id = prog.line.fiche_id
    db.session.execute(insert(LigneFinancement), [{
        "fiche_id": fiche_id, "source": "region", "annee": 2022, "montant": Decimal("700.00"),
        "statut": S.ACCORDE, "sollicite_le": date(2022, 2, 1), "decide_le": date(2022, 4, 1), "version": 1}])
    assert not registre.lisible()
    figures = compute(level, date(2022, 5, 1), anct)  # from the history
    assert figures.credits["Région"]["accorde"] == Decimal("700.00")
    registre.reconstruire()
    assert registre.lisible() and registre.ecarts() == []
    assert lecture.compute(level, date(2022, 5, 1), registre.lisible()).as_dict() == figures.as_dict()


def test_rows_written_through_the_driver_put_the_register_out_of_date_too(prog, anct):
    level = resolve(anct, "region", prog.region.code)
    columns = ("fiche_id", "source", "annee", "montant", "statut", "sollicite_le", "decide_le", "version", "created_at")
    insert_many(db.session.connection(), LigneFinancement.__table__, columns, [
        (prog.line.fiche_id, "region", 2022, Decimal("700.00"), S.ACCORDE, date(2022, 2, 1), date(2022, 4, 1), 1,
         datetime(2022, 4, 1, 9))])
    assert not registre.lisible()
    figures = compute(level, date(2022, 5, 1), anct)  # from the history
    assert figures.credits["Région"]["accorde"] == Decimal("700.00")
    registre.reconstruire()
    assert registre.lisible() and registre.ecarts() == []


def test_a_new_end_of_the_programme_is_not_read_from_the_register(prog, anct, app, monkeypatch):
    assert registre.lisible()
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2022-11-30")
    assert not registre.lisible()  # the late dossiers were computed with the other end
    late = compute(resolve(anct, "region", prog.region.code), date(2022, 12, 15), anct)
    assert late.retards == []  # a deadline past the programme's end is not late
    registre.reconstruire()
    level = resolve(anct, "region", prog.region.code)
    assert lecture.compute(level, date(2022, 12, 15), registre.lisible()).retards == []
    assert registre.lisible() and db.session.get(EtatRegistre, 1).fin_programme == date(2022, 11, 30)


def test_the_national_figures_from_the_register_take_a_few_statements(prog, anct, count_queries):
    level = national_level()
    compute(level, date(2023, 1, 31), anct)
    with count_queries() as counted:
        compute(level, date(2023, 1, 31), anct)
    assert counted.count <= 5  # the register's state, its sums, the late dossiers, the régions' names


def test_a_random_programme_gives_the_same_figures_from_the_register_and_from_the_history(anct):
    """Dossiers, signatures, sorties, clôtures, extensions, posts, ORT, OPAH, fiches and lines at
    random dates, written one by one through the ORM: the register follows them, and at any day
    equals the history."""
    rng = random.Random(12)
    region = factories.region()
    deps = [factories.departement(region) for _ in range(2)]
    start = date(2021, 1, 1)

    days = {today_in_paris()}

    def someday(after=start, span=900):
        """A random day; it and the days around it are compared at the end."""
        day = after + timedelta(days=rng.randrange(span))
        days.update(day + timedelta(days=k) for k in (-1, 0, 1, 2))
        return day

    for n in range(12):
        dossier = factories.dossier([factories.commune(rng.choice(deps)) for _ in range(rng.randint(1, 3))])
        adhesion = someday() if rng.random() < 0.85 else None
        if adhesion:
            deadline = add_months(adhesion, 18)
            days.update(deadline + timedelta(days=k) for k in (0, 1))
            programme.sign(dossier, "signer_adhesion", adhesion, programme.E.ADHESION_SIGNEE,
                           programme.E.ADHESION_VALIDEE)
            if rng.random() < 0.5:
                programme.sign(dossier, "signer_cadre", someday(adhesion, 800), programme.E.MISE_EN_OEUVRE,
                               programme.E.CADRE_VALIDEE)
            for event, payload in (("prolonger_delai", someday(adhesion, 900)), ("declarer_sortie", None),
                                   ("cloturer", None)):
                if rng.random() < 0.3:
                    on = someday(adhesion, 1000)
                    history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id,
                                   machine="dossier", event=event, label=event, from_state="x", to_state="y",
                                   effective_on=payload, at=datetime(on.year, on.month, on.day, 23, 30))
        for lien in dossier.liens_communes:
            if rng.random() < 0.6:
                periods = []
                since = someday() if rng.random() < 0.8 else None  # None: recorded before its day was asked
                for kind in rng.sample([OpahType.OPAH, OpahType.OPAH_RU, OpahType.AUCUNE], rng.randint(1, 3)):
                    periods.append((kind, None if kind == OpahType.AUCUNE else OpahPhase.OPERATIONNELLE, since))
                    since = someday(since or start, 300)
                programme.opah(dossier, lien.commune_insee, *periods)
        for _ in range(rng.randint(0, 2)):
            debut = someday()
            db.session.add(PosteChefDeProjet(
                dossier_id=dossier.id, nom=rng.choice(["Lou Bernard", "Sacha Roux", "LOU BERNARD"]),
                employeur_code=rng.choice(["200000001", "200000002"]), date_debut=debut,
                date_fin=someday(debut, 600) if rng.random() < 0.4 else None, cout_annuel=Decimal("40000")))
        chef = projet_factories.member(Role.CHEF_DE_PROJET, dossier)
        for _ in range(rng.randint(0, 2) if adhesion else 0):  # a projet once the adhésion is signed
            fiche = projet_factories.fiche(dossier, chef)
            for state in rng.sample(["soumise", "validee", "engagee", "abandonnee"], rng.randint(0, 3)):
                on = someday()
                history.append(dossier_id=dossier.id, subject_type="fiche_action", subject_id=fiche.id,
                               machine="fiche", event=state, label=state, from_state="x", to_state=state,
                               at=datetime(on.year, on.month, on.day, 22, 59))
            for _ in range(rng.randint(0, 3)):
                line = projet_factories.line(fiche, source=rng.choice(["etat_detr", "anah", "region"]),
                                             montant=f"{rng.randint(1, 90000)}.{rng.randint(0, 99):02d}",
                                             annee=2022, user=chef)
                created = someday()
                line.created_at = datetime(created.year, created.month, created.day, rng.choice([10, 23]), 30)
                line.sollicite_le = someday() if rng.random() < 0.7 else None
                if line.sollicite_le and rng.random() < 0.7:
                    line.decide_le = someday(line.sollicite_le, 200)
                    line.statut = rng.choice([S.ACCORDE, S.VERSE, S.REFUSE])
                    if line.statut == S.VERSE:
                        line.verse_le = someday(line.decide_le, 200)
                db.session.flush()
    assert registre.ecarts() == []
    level = resolve(anct, "region", region.code)
    for day in sorted(days):
        same_figures(level, day, anct)


def test_the_commands_rebuild_when_needed_and_tell_a_register_that_differs(prog, runner):
    from sqlalchemy import update

    from app.tableaux.models import Variation

    assert "Le registre est exact." in runner.invoke(args=["tableaux", "verifier"]).output
    assert "Le registre est à jour." in runner.invoke(args=["tableaux", "reconstruire", "--si-perime"]).output
    registre.invalidate()
    refused = runner.invoke(args=["tableaux", "verifier"])
    assert refused.exit_code == 1 and "n'est pas à jour" in refused.output
    rebuilt = runner.invoke(args=["tableaux", "reconstruire", "--si-perime"])
    assert "Registre reconstruit" in rebuilt.output and registre.lisible() is not None
    db.session.execute(update(Variation).where(Variation.indicateur == "communes").values(valeur=Variation.valeur + 1))
    altered = runner.invoke(args=["tableaux", "verifier"])
    assert altered.exit_code == 1 and "écarts entre le registre et l'historique" in altered.output
    assert "variation Z" in altered.output and " communes - 01/01/1\u00a0: " in altered.output
