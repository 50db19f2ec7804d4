"""A small hand-made programme whose figures are known at every date (tests/tableaux).

Région R, départements A and B:
- D1 (A, two communes): adhésion signed 15/03/2021, cadre 10/06/2022 (both communes in the
  ORT from then), a chef de projet from 01/05/2021; a fiche action with a DETR line of
  10,000 € requested 10/01/2022, granted 01/03/2022, paid 01/09/2022 (its real machine);
- D2 (A, one commune): adhésion signed 01/06/2021 (deadline 01/12/2022), extended on
  20/12/2022 to 30/06/2023, no cadre: late from 02/12/2022 to 19/12/2022, then from 01/07/2023;
- D3 (B, one commune): adhésion signed 01/04/2021, left the programme on 01/03/2022;
- D4 (B, one commune): labellisé, nothing signed; its commune in an OPAH-RU from 01/02/2022
  (pré-opérationnelle, opérationnelle from 01/01/2023);
- the first commune of D1 in an OPAH-RR from 01/09/2021 to 30/06/2022 (ended: « aucune »).
Signatures are written to the history as data taken over would be (the rows the machine
writes, without its documents); the extension and the sortie go through the real lifecycle.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.auth.roles import Role
from app.core.db import db
from app.dossiers import lifecycle
from app.dossiers.echeance import add_months
from app.dossiers.models import DossierEtat as E
from app.projet import lifecycle as projet_lifecycle
from app.projet.territoire_models import (
    CommuneRevitalisation, OpahPeriode, OpahPhase, OpahType, PosteChefDeProjet,
)
from app.workflows import history
from tests import factories
from tests.projet import factories as projet_factories


@dataclass
class Programme:
    region: object
    dep_a: object
    dep_b: object
    d1: object
    d2: object
    d3: object
    d4: object
    line: object


def sign(dossier, event, on: date, to_state: E, from_state: E):
    column = "adhesion_signee_le" if event == "signer_adhesion" else "cadre_signee_le"
    setattr(dossier, column, on)
    if event == "signer_adhesion":
        dossier.echeance_cadre = add_months(on, 18)
    dossier.etat = to_state
    db.session.flush()
    history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
                   event=event, label="Signature (reprise de données)", from_state=from_state,
                   to_state=to_state, effective_on=on, at=datetime(on.year, on.month, on.day, 12))


def opah(dossier, insee: str, *periods) -> None:
    """The commune's OPAH periods (kind, phase, from), as the revitalisation page records them."""
    row = db.session.scalar(select(CommuneRevitalisation).filter_by(dossier_id=dossier.id, commune_insee=insee))
    if row is None:
        row = CommuneRevitalisation(dossier_id=dossier.id, commune_insee=insee, opah_type=OpahType.AUCUNE)
        db.session.add(row)
    for kind, phase, since in periods:
        row.opah_periodes.append(OpahPeriode(opah_type=kind, opah_phase=phase, depuis_le=since))
        row.opah_type, row.opah_phase = kind, phase
    db.session.flush()


def build() -> Programme:
    region = factories.region()
    dep_a, dep_b = factories.departement(region), factories.departement(region)
    epci_a, epci_b = factories.epci(), factories.epci()
    d1 = factories.dossier([factories.commune(dep_a, epci_a), factories.commune(dep_a, epci_a)])
    d2 = factories.dossier([factories.commune(dep_a, epci_a)])
    d3 = factories.dossier([factories.commune(dep_b, epci_b)])
    d4 = factories.dossier([factories.commune(dep_b, epci_b)])
    prefet_a = factories.user_with_role(Role.PREFECTURE, departement_code=dep_a.code)
    prefet_b = factories.user_with_role(Role.PREFECTURE, departement_code=dep_b.code)

    sign(d1, "signer_adhesion", date(2021, 3, 15), E.ADHESION_SIGNEE, E.ADHESION_VALIDEE)
    sign(d1, "signer_cadre", date(2022, 6, 10), E.MISE_EN_OEUVRE, E.CADRE_VALIDEE)
    for lien in d1.liens_communes:
        db.session.add(CommuneRevitalisation(dossier_id=d1.id, commune_insee=lien.commune_insee,
                                             ort_engagee_le=date(2022, 6, 10), ort_origine="convention_cadre",
                                             opah_type=OpahType.AUCUNE))
    db.session.add(PosteChefDeProjet(dossier_id=d1.id, nom="Camille Martin", employeur_code=d1.epci_siren,
                                     date_debut=date(2021, 5, 1), cout_annuel=Decimal("60000")))

    sign(d2, "signer_adhesion", date(2021, 6, 1), E.ADHESION_SIGNEE, E.ADHESION_VALIDEE)
    d2.etat = E.CADRE_REDACTION
    db.session.flush()
    lifecycle.fire(d2, "prolonger_delai", prefet_a, today=date(2022, 12, 20), reason="Fusion de communes",
                   new_deadline=date(2023, 6, 30), at=datetime(2022, 12, 20, 9))

    sign(d3, "signer_adhesion", date(2021, 4, 1), E.ADHESION_SIGNEE, E.ADHESION_VALIDEE)
    lifecycle.fire(d3, "declarer_sortie", prefet_b, today=date(2022, 3, 1), reason="Retrait de la commune",
                   at=datetime(2022, 3, 1, 10))

    opah(d4, d4.liens_communes[0].commune_insee, (OpahType.OPAH_RU, OpahPhase.PRE_OPERATIONNELLE, date(2022, 2, 1)),
         (OpahType.OPAH_RU, OpahPhase.OPERATIONNELLE, date(2023, 1, 1)))
    opah(d1, d1.liens_communes[0].commune_insee, (OpahType.OPAH_RR, OpahPhase.OPERATIONNELLE, date(2021, 9, 1)),
         (OpahType.AUCUNE, None, date(2022, 6, 30)))

    chef = projet_factories.member(Role.CHEF_DE_PROJET, d1)
    fiche = projet_factories.fiche(d1, chef)
    line = projet_factories.line(fiche, source="etat_detr", montant="10000.00", annee=2022, user=chef)
    for event, on, who in (("solliciter", date(2022, 1, 10), chef), ("accorder", date(2022, 3, 1), prefet_a),
                           ("verser", date(2022, 9, 1), prefet_a)):
        projet_lifecycle.fire_line(line, event, who, effective_date=on)
    return Programme(region, dep_a, dep_b, d1, d2, d3, d4, line)
