"""The rows of the exports, read in batches: a national export never holds every row.

Each statement selects plain columns (no ORM objects to keep in the session's identity map)
and asks for `yield_per`: SQLAlchemy then fetches BATCH rows at a time, through a server-side
cursor on PostgreSQL. The dossiers are those of the home list for the same filters, in the
user's scope (`filtered_dossiers`, built on `Dossier.visible_to`).
"""
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune, statut_of
from app.dossiers.queries import filtered_dossiers
from app.projet import financeurs
from app.projet.models import AxeStrategique, FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, PosteChefDeProjet
from app.referentiel.models import Commune, Departement, Epci

BATCH = 500


def _scope(user, filters: dict, today: date):
    """The WHERE of the home list for these filters (it refers to `dossier`)."""
    return filtered_dossiers(user, today=today, **filters).whereclause


def _chef_de_projet(today: date, column):
    """`column` of the dossier's chef de projet in post today (the latest recruited)."""
    return (
        select(column)
        .select_from(PosteChefDeProjet)
        .outerjoin(User, User.id == PosteChefDeProjet.user_id)
        .where(PosteChefDeProjet.dossier_id == Dossier.id, PosteChefDeProjet.date_debut <= today,
               or_(PosteChefDeProjet.date_fin.is_(None), PosteChefDeProjet.date_fin >= today))
        .order_by(PosteChefDeProjet.date_debut.desc(), PosteChefDeProjet.id.desc())
        .limit(1)
        .correlate(Dossier)
        .scalar_subquery()
    )


def dossier_statement(user, filters: dict, today: date):
    # Aliases: the scope's EXISTS clauses name dossier_commune, commune and departement, and
    # would otherwise correlate to this query's own rows instead of looking on their own.
    lien, commune, departement = aliased(DossierCommune), aliased(Commune), aliased(Departement)
    revitalisation = and_(CommuneRevitalisation.dossier_id == Dossier.id,
                          CommuneRevitalisation.commune_insee == lien.commune_insee)
    return (
        select(commune.insee, commune.nom, Dossier.reference, Dossier.nom, Dossier.epci_siren, Epci.nom,
               Dossier.departement_code, departement.nom, Dossier.etat, Dossier.adhesion_signee_le,
               Dossier.cadre_signee_le, Dossier.echeance_cadre, Dossier.echeance_prorogee_le,
               CommuneRevitalisation.ort_engagee_le, CommuneRevitalisation.opah_type,
               CommuneRevitalisation.opah_phase,
               _chef_de_projet(today, func.coalesce(User.nom, PosteChefDeProjet.nom)),
               _chef_de_projet(today, PosteChefDeProjet.date_debut))
        .select_from(lien)
        .join(Dossier, Dossier.id == lien.dossier_id)
        .join(commune, commune.insee == lien.commune_insee)
        .join(departement, departement.code == Dossier.departement_code)
        .outerjoin(Epci, Epci.siren == Dossier.epci_siren)
        .outerjoin(CommuneRevitalisation, revitalisation)
        .where(_scope(user, filters, today))
        .order_by(Dossier.departement_code, Dossier.reference, commune.insee)
        .execution_options(yield_per=BATCH)
    )


def dossier_rows(user, filters: dict, today: date):
    """One tuple per commune, in the order of DOSSIER_COLUMNS."""
    for (insee, commune, reference, nom, siren, epci, dep_code, dep, etat, adhesion, cadre, echeance,
         prorogee, ort, opah, phase, chef, depuis) in db.session.execute(dossier_statement(user, filters, today)):
        status = statut_of(etat, echeance, cadre, today)
        yield (insee, commune, reference, nom, siren, epci, dep_code, dep, etat.label, adhesion, cadre,
               echeance, "Oui" if prorogee else "Non", status.label if status else None, ort,
               (opah.label if opah else "Aucune"), phase.label if phase else None, chef, depuis)


def fiche_statement(user, filters: dict, today: date):
    commune, epci = aliased(Commune), aliased(Epci)
    return (
        select(Dossier.reference, Dossier.nom, Dossier.departement_code, FicheAction.numero, FicheAction.titre,
               AxeStrategique.ordre, AxeStrategique.titre, FicheAction.etat,
               func.coalesce(commune.nom, epci.nom, FicheAction.maitre_ouvrage_autre,
                             FicheAction.maitre_ouvrage_code),
               FicheAction.date_debut, FicheAction.date_fin, FicheAction.cout_ht, FicheAction.cout_ttc,
               LigneFinancement.source, LigneFinancement.precision, LigneFinancement.annee,
               LigneFinancement.montant, LigneFinancement.statut, LigneFinancement.sollicite_le,
               LigneFinancement.decide_le, LigneFinancement.verse_le)
        .select_from(FicheAction)
        .join(Dossier, Dossier.id == FicheAction.dossier_id)
        .outerjoin(AxeStrategique, AxeStrategique.id == FicheAction.axe_id)
        .outerjoin(commune, commune.insee == FicheAction.maitre_ouvrage_code)
        .outerjoin(epci, epci.siren == FicheAction.maitre_ouvrage_code)
        .outerjoin(LigneFinancement, LigneFinancement.fiche_id == FicheAction.id)
        .where(_scope(user, filters, today))
        .order_by(Dossier.departement_code, Dossier.reference, FicheAction.numero, LigneFinancement.annee,
                  LigneFinancement.id)
        .execution_options(yield_per=BATCH)
    )


def source_label(code: str | None, precision: str | None) -> str | None:
    if code is None:
        return None
    label = financeurs.source(code).label
    return f"{label} ({precision})" if precision else label


def fiche_rows(user, filters: dict, today: date):
    """One tuple per financing line (one for a fiche without any), in the order of FICHE_COLUMNS."""
    for (reference, nom, dep_code, numero, titre, axe_ordre, axe_titre, etat, maitre_ouvrage, debut, fin,
         cout_ht, cout_ttc, source, precision, annee, montant, statut, sollicite, decide,
         verse) in db.session.execute(fiche_statement(user, filters, today)):
        yield (reference, nom, dep_code, f"FA-{numero:02d}", titre,
               f"Axe {axe_ordre} — {axe_titre}" if axe_titre else None, etat.label, maitre_ouvrage, debut,
               fin, cout_ht, cout_ttc, source_label(source, precision), source, annee, montant,
               statut.label if statut else None, sollicite, decide, verse)


ROWS = {"dossiers": dossier_rows, "fiches": fiche_rows}
STATEMENTS = {"dossiers": dossier_statement, "fiches": fiche_statement}
