"""The comité's rows, through the real services: a dossier at mise en œuvre with its members,
fiches soumises, a meeting."""
from datetime import date, time

from app.auth.roles import Role
from app.comite import services
from app.conventions.models import PARTENAIRE, ConventionContenu, Signataire
from app.core.db import db
from app.projet import lifecycle
from app.workflows import history
from tests.projet import factories as pf


class Comite:
    """A dossier, its commune, EPCI, chef de projet, préfecture and a signing partner (Anah)."""

    def __init__(self, organisation="Anah"):
        self.dossier = pf.dossier()
        # its state taken over with its history row (a data take-over), so that its chain is whole
        history.append(dossier_id=self.dossier.id, subject_type="dossier", subject_id=self.dossier.id,
                       machine="dossier", event="reprise", label="Reprise de données", from_state=None,
                       to_state=self.dossier.etat)
        self.commune = pf.member(Role.COMMUNE, self.dossier)
        self.epci = pf.member(Role.EPCI, self.dossier)
        self.chef = pf.member(Role.CHEF_DE_PROJET, self.dossier)
        self.prefet = pf.member(Role.PREFECTURE, self.dossier)
        self.partner = pf.member(Role.PARTENAIRE, self.dossier, organisation=organisation)
        contenu = ConventionContenu(dossier_id=self.dossier.id, kind="cadre")
        contenu.signataires = [Signataire(partie=PARTENAIRE, code="anah", nom="Directrice", qualite="Directrice")]
        db.session.add(contenu)
        db.session.flush()

    def fiche_soumise(self, titre="Réhabilitation des halles", **kw):
        fiche = pf.fiche(self.dossier, self.chef, titre=titre, **kw)
        lifecycle.fire(fiche, "soumettre", self.commune)
        return fiche

    def reunion(self, fiches=(), day=date(2027, 3, 26), at=time(14, 0), duree=120, **kw):
        kw.setdefault("lieu", "Salle du conseil, mairie")
        return services.schedule(self.dossier, self.chef, day=day, at=at, duree=duree,
                                 fiche_ids=[f.id for f in fiches], autres_points=kw.pop("autres", ["Questions diverses"]),
                                 **kw)
