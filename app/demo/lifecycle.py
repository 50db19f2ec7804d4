"""A living programme for the demo: each dossier walked through the real lifecycle service,
with consistent dates, calibrated on the programme's published figures (DOMAIN.md):
99.9 % of communes with a signed adhésion (signatures over 2021–2022), about 90 % with a
signed convention-cadre, most within 18 months, some late, some after an extension, a few
in instruction or to be completed, a few withdrawn.
"""
import io
import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.core.formatting import utcnow
from app.documents.models import DocumentType, Etape
from app.documents.services import add_document
from app.dossiers.echeance import add_months, extension_max_months, programme_end
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E
from app.workflows.history import HistoryChain
from app.conventions.services import archiving
from app.dossiers.lifecycle import fire

# scenario -> weight (per thousand dossiers)
SCENARIOS = {
    "cadre_dans_les_delais": 790,
    "cadre_hors_delai": 60,
    "cadre_apres_prolongation": 60,
    "cadre_en_redaction_prolonge": 45,
    "cadre_en_redaction_depasse": 20,
    "cadre_depose": 20,
    "cadre_a_completer": 15,
    "cadre_valide": 8,
    "sorti": 10,
    "adhesion_deposee": 0.7,
    "adhesion_a_completer": 0.7,
}
# The demo accounts' dossier and two of its neighbours show what a préfecture instructs.
FORCED = {"pvd-75-17-4": "cadre_en_redaction_prolonge"}


def placeholder_pdf(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Walker:
    """Fires the events of one dossier at simulated dates (never after `today`)."""

    def __init__(self, dossier: Dossier, rng: random.Random, today: date, actors: dict, archive: bool,
                 pdf: bytes):
        self.dossier, self.rng, self.today, self.actors, self.archive = dossier, rng, today, actors, archive
        self.pdf = pdf
        self.day = None
        self.last = None  # the time of the previous step

    def wait(self, low: int, high: int) -> date:
        self.day = min(self.day + timedelta(days=self.rng.randint(low, high)), self.today)
        return self.day

    def moment(self) -> datetime:
        """A time of `day`, after the previous step's: an upload answering a request comes after it."""
        at = datetime.combine(self.day, time(8 + self.rng.randint(0, 8), self.rng.randint(0, 59)))
        at = min(at, utcnow() - timedelta(minutes=1))  # today's steps happened before now
        if self.last is not None and at <= self.last:
            at = self.last + timedelta(seconds=1)
        self.last = at
        return at

    def fire(self, event: str, who: str, **data):
        with archiving(self.archive):
            fire(self.dossier, event, self.actors.get(who), today=self.day, at=self.moment(), **data)

    def document(self, kind: DocumentType, etape: Etape, code=None, titre=None):
        version = add_document(self.dossier, type=kind, etape=etape, collectivite_code=code, user=None,
                               file_storage_or_bytes=self.pdf, filename=f"{kind.value}.pdf", titre=titre)
        version.uploaded_at = version.document.created_at = self.moment()

    def complete(self, etape: Etape):
        """What the préfecture asked for, brought before the new deposit."""
        self.document(DocumentType.AUTRE, etape, titre="Pièce complémentaire demandée par la préfecture")

    def deliberations(self, etape: Etape):
        for code in self.dossier.signataires():
            self.document(DocumentType.DELIBERATION, etape, code)

    def adhesion(self, until: E = E.ADHESION_SIGNEE):
        if until == E.ADHESION_SIGNEE:
            start = date(2020, 12, 1) + timedelta(days=int(self.rng.betavariate(1.3, 2.6) * 640))
        else:  # the last adhésions still in instruction were submitted in the past weeks
            start = self.today - timedelta(days=self.rng.randint(40, 110))
        self.day = start
        self.fire("demarrer_adhesion", "porteur")
        self.wait(10, 45)
        self.deliberations(Etape.ADHESION)
        self.fire("deposer_adhesion", "porteur")
        if until == E.ADHESION_DEPOSEE:
            return
        if self.rng.random() < 0.15 or until == E.ADHESION_A_COMPLETER:
            self.wait(5, 25)
            self.fire("demander_complements_adhesion", "prefecture", reason=self.rng.choice(COMPLEMENTS))
            if until == E.ADHESION_A_COMPLETER:
                return
            self.wait(7, 30)
            self.complete(Etape.ADHESION)
            self.fire("redeposer_adhesion", "porteur", reason=self.rng.choice(REDEPOTS))
        self.wait(7, 30)
        self.fire("valider_adhesion", "prefecture")
        signed = self.wait(5, 40)
        self.document(DocumentType.CONVENTION_SIGNEE, Etape.ADHESION, titre="Convention d'adhésion signée")
        self.fire("signer_adhesion", "prefecture", signature_date=signed)

    def extend_until(self, target: date) -> date:
        """Extensions granted two months before each deadline, each within the settings' limits
        (the end of the programme, EXTENSION_MAX_MONTHS), until the deadline reaches `target`."""
        deadline = self.dossier.echeance_cadre
        target = min(target, programme_end())
        while deadline < target:
            self.day = max(self.day, add_months(deadline, -2))
            if self.day > self.today:
                break
            new_deadline = min(target, add_months(deadline, extension_max_months()))
            self.fire("prolonger_delai", "prefecture", new_deadline=new_deadline,
                      reason=self.rng.choice(PROLONGATIONS))
            deadline = new_deadline
        return deadline

    def cadre(self, scenario: str):
        deadline = self.dossier.echeance_cadre
        self.wait(60, 240)
        self.fire("demarrer_cadre", "porteur")
        if scenario in ("cadre_apres_prolongation", "cadre_en_redaction_prolonge",
                        "cadre_depose", "cadre_a_completer", "cadre_valide"):
            if scenario == "cadre_apres_prolongation":
                target = add_months(deadline, self.rng.choice([3, 6, 9]))
            else:  # still open today: the extensions run into the months ahead
                target = self.today + timedelta(days=self.rng.choice([20, 45, 75, 120, 200, 320, 400]))
            deadline = self.extend_until(target)
        if scenario in ("cadre_en_redaction_prolonge", "cadre_en_redaction_depasse"):
            return
        # The day the convention-cadre is signed (or, still in instruction, was submitted).
        if scenario == "cadre_dans_les_delais":
            signed = deadline - timedelta(days=self.rng.randint(20, 250))
        elif scenario == "cadre_hors_delai":
            signed = deadline + timedelta(days=self.rng.randint(15, 240))
        elif scenario == "cadre_apres_prolongation":
            signed = deadline - timedelta(days=self.rng.randint(5, 60))
        else:
            signed = None
        if signed is None:
            submitted = self.today - timedelta(days=self.rng.randint(3, 70))
        else:
            submitted = signed - timedelta(days=self.rng.randint(30, 90))
        self.day = max(self.day, min(submitted, self.today))
        self.document(DocumentType.DIAGNOSTIC, Etape.CADRE, titre="Diagnostic du territoire")
        self.document(DocumentType.PROJET_CONVENTION, Etape.CADRE, titre="Projet de convention-cadre")
        self.deliberations(Etape.CADRE)
        self.fire("deposer_cadre", "porteur")
        if scenario == "cadre_depose":
            return
        if scenario == "cadre_a_completer" or self.rng.random() < 0.2:
            self.wait(5, 20)
            self.fire("demander_complements_cadre", "prefecture", reason=self.rng.choice(COMPLEMENTS))
            if scenario == "cadre_a_completer":
                return
            self.wait(5, 25)
            self.complete(Etape.CADRE)
            self.fire("redeposer_cadre", "porteur", reason=self.rng.choice(REDEPOTS))
        self.wait(5, 25)
        self.fire("valider_cadre", "prefecture")
        if scenario == "cadre_valide":
            return
        signed = self.wait(5, 30)
        self.document(DocumentType.CONVENTION_SIGNEE, Etape.CADRE, titre="Convention-cadre signée")
        self.fire("signer_cadre", "prefecture", signature_date=signed)


COMPLEMENTS = [
    "La délibération du conseil communautaire n'est pas jointe.",
    "Le plan de financement du poste de chef de projet est à préciser.",
    "Les signatures de l'annexe sont manquantes.",
    "Le périmètre ORT doit être cartographié.",
]
REDEPOTS = [
    "La pièce demandée est jointe au dossier.",
    "Le plan de financement est précisé en annexe.",
    "Les signatures manquantes ont été recueillies.",
]
PROLONGATIONS = [
    "Recrutement tardif du chef de projet.",
    "Fusion de communes en cours.",
    "Élections municipales : nouvelle équipe à installer.",
    "Étude préalable à l'OPAH-RU en cours.",
]


def pick(rng: random.Random) -> str:
    return rng.choices(list(SCENARIOS), weights=list(SCENARIOS.values()))[0]


def seed_lifecycle(today: date, actors_for, archive_for, seed: int = 2020, progress=None) -> Counter:
    """Walk every dossier still "labellisé" with no history; returns the scenarios used.

    `actors_for(dossier)` gives {"porteur": user, "prefecture": user} (None: the step is
    recorded without a named person, as data taken over); `archive_for(dossier)` says
    whether to generate and archive the convention PDFs (slow: a sample only).
    """
    pdf = placeholder_pdf("Document de démonstration")
    rng = random.Random(seed)
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.etat == E.LABELLISE, ~Dossier.id.in_(select(HistoryChain.dossier_id)))
        .options(selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune))
        .order_by(Dossier.id)
    ).all()
    used = Counter()
    for n, dossier in enumerate(dossiers, 1):
        scenario = FORCED.get(dossier.reference) or pick(rng)
        walker = Walker(dossier, rng, today, actors_for(dossier), archive_for(dossier), pdf)
        if scenario.startswith("adhesion_"):
            walker.adhesion(until=E(scenario))
        elif scenario == "sorti":
            walker.adhesion()
            walker.wait(30, 400)
            walker.fire("declarer_sortie", "prefecture",
                        reason="La commune a décidé de quitter le programme (délibération du conseil municipal).")
        else:
            walker.adhesion()
            walker.cadre(scenario)
        used[scenario] += 1
        if n % 100 == 0:
            db.session.commit()
            if progress:
                progress(n, len(dossiers))
    db.session.commit()
    return used
