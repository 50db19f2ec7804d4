"""The lists behind the figures: the communes, dossiers, fiches or financing lines a figure
counts, at the same day and with the same SQL conditions (app/tableaux/etats.py), so that a
list's length is its figure."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from app.dossiers.echeance import programme_end
from app.dossiers.models import Dossier, DossierCommune
from app.projet import financeurs
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahType, PosteChefDeProjet
from app.referentiel.models import Commune
from app.tableaux import etats
from app.tableaux.recalcul import level_dates, line_status_at, opah_at, scope
from app.tableaux.niveaux import Niveau
from app.workflows.history import HistoryEntry as H
from app.workflows.states import FicheEtat, FinancementStatut as S


@dataclass(frozen=True)
class Liste:
    titre: str
    kind: str  # "communes", "dossiers", "fiches", "financements"


LISTES = {
    "communes": Liste("Communes du programme", "communes"),
    "dossiers": Liste("Dossiers du programme", "dossiers"),
    "communes_adhesion": Liste("Communes ayant signé leur convention d'adhésion", "communes"),
    "conventions_adhesion": Liste("Conventions d'adhésion signées", "dossiers"),
    "communes_cadre": Liste("Communes ayant signé leur convention-cadre", "communes"),
    "conventions_cadre": Liste("Conventions-cadres signées", "dossiers"),
    "communes_ort": Liste("Communes engagées dans une ORT", "communes"),
    "communes_opah": Liste("Communes en OPAH", "communes"),
    "postes": Liste("Dossiers ayant un chef de projet en poste", "dossiers"),
    "communes_chef": Liste("Communes couvertes par un chef de projet", "communes"),
    "retards": Liste("Dossiers en retard sur la règle des 18 mois", "dossiers"),
    "fiches": Liste("Fiches action", "fiches"),
    "financements": Liste("Lignes de financement", "financements"),
}


def _postes_at(au: date):
    return select(PosteChefDeProjet.dossier_id).where(
        PosteChefDeProjet.date_debut <= au,
        or_(PosteChefDeProjet.date_fin.is_(None), PosteChefDeProjet.date_fin >= au))


def statement(name: str, level: Niveau, au: date, user, args: dict):
    """The SELECT of list `name` (rows as the template of its kind reads them); None for an
    unknown list or filter."""
    liste = LISTES.get(name)
    if liste is None:
        return None
    dates = level_dates(level, au)
    when = etats.Conditions(dates, au, programme_end())
    where = [scope(level, user)]
    if liste.kind in ("communes", "dossiers"):
        condition = {
            "communes": when.en_programme, "dossiers": when.en_programme,
            "communes_adhesion": when.adhesion, "conventions_adhesion": when.adhesion,
            "communes_cadre": when.cadre, "conventions_cadre": when.cadre,
            "communes_ort": when.en_programme, "communes_opah": when.en_programme,
            "postes": and_(when.en_programme, Dossier.id.in_(_postes_at(au))),
            "communes_chef": and_(when.en_programme, Dossier.id.in_(_postes_at(au))),
            "retards": when.retard,
        }[name]
        where.append(condition)
    if liste.kind == "dossiers":
        nc = etats.communes_count()
        return (select(Dossier.id, Dossier.reference, Dossier.nom, Dossier.departement_code, dates.c.adhesion_le,
                       dates.c.cadre_le, dates.c.prorogee_le, func.coalesce(nc.c.n, 0).label("communes"))
                .select_from(Dossier).outerjoin(dates, dates.c.dossier_id == Dossier.id)
                .outerjoin(nc, nc.c.dossier_id == Dossier.id)
                .where(*where).order_by(Dossier.departement_code, Dossier.nom, Dossier.id))
    if liste.kind == "communes":
        stmt = (select(Commune.insee, Commune.nom, Dossier.id, Dossier.nom, Dossier.departement_code)
                .select_from(DossierCommune)
                .join(Commune, Commune.insee == DossierCommune.commune_insee)
                .join(Dossier, Dossier.id == DossierCommune.dossier_id)
                .outerjoin(dates, dates.c.dossier_id == Dossier.id))
        if name in ("communes_ort", "communes_opah"):
            stmt = stmt.join(CommuneRevitalisation, and_(
                CommuneRevitalisation.dossier_id == Dossier.id,
                CommuneRevitalisation.commune_insee == DossierCommune.commune_insee))
            if name == "communes_ort":
                where.append(CommuneRevitalisation.ort_engagee_le <= au)
            else:
                opah = opah_at(au)
                stmt = stmt.join(opah, opah.c.revitalisation_id == CommuneRevitalisation.id)
                kind = args.get("type")
                if kind in OpahType._value2member_map_ and kind != OpahType.AUCUNE.value:
                    where.append(opah.c.opah_type == OpahType(kind))
        return stmt.where(*where).order_by(Dossier.departement_code, Commune.nom, Commune.insee)
    if liste.kind == "fiches":
        end = etats.end_of_day(au)
        last = (select(H.dossier_id.label("dossier_id"), func.max(H.seq).label("seq"))
                .where(H.subject_type == "fiche_action", H.at < end)
                .group_by(H.dossier_id, H.subject_id).subquery("derniere"))
        row = aliased(H)
        etat = args.get("etat")
        if etat in FicheEtat._value2member_map_:
            where.append(row.to_state == etat)
        return (select(FicheAction.id, FicheAction.numero, FicheAction.titre, Dossier.id, Dossier.nom,
                       Dossier.departement_code, row.to_state)
                .select_from(last)
                .join(row, and_(row.dossier_id == last.c.dossier_id, row.seq == last.c.seq))
                .join(FicheAction, FicheAction.id == row.subject_id)
                .join(Dossier, Dossier.id == last.c.dossier_id)
                .where(*where).order_by(Dossier.departement_code, Dossier.nom, FicheAction.numero))
    status = line_status_at(au)
    statut = args.get("statut")
    where.append(status.is_not(None))
    if statut in S._value2member_map_:
        where.append(status == statut)
    financeur = args.get("financeur")
    if financeur:
        where.append(LigneFinancement.source.in_([s.code for s in financeurs.SOURCES if s.financeur == financeur]))
    return (select(LigneFinancement.id, LigneFinancement.source, LigneFinancement.annee, LigneFinancement.montant,
                   status.label("statut_au"), FicheAction.id, FicheAction.numero, FicheAction.titre,
                   Dossier.id, Dossier.nom, Dossier.departement_code)
            .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
            .join(Dossier, Dossier.id == FicheAction.dossier_id)
            .where(*where).order_by(Dossier.departement_code, Dossier.nom, FicheAction.numero, LigneFinancement.id))
