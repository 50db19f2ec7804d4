"""One dossier walked through the real lifecycle, on the days its plan (app/demo/trajectory.py)
says: every transition goes through the runner (machine, guards, history), every document
through the documents service, at simulated dates that never pass `today`.
"""
import random
from datetime import date, datetime, time, timedelta

from app.avenants import lifecycle as avenant_lifecycle
from app.avenants.services import create_avenant
from app.conventions.services import archiving
from app.demo.contenu import deliberation, fill_content
from app.demo.projet import prepare_cadre
from app.core.formatting import utcnow
from app.documents.models import DocumentType, Etape
from app.documents.services import Copies, add_document
from app.dossiers.echeance import add_months
from app.dossiers.lifecycle import DEPOSITS, MACHINE, fire
from app.workflows.dossier import REDEPOSITS
from app.dossiers.models import Dossier, DossierEtat as E
from app.workflows.states import AvenantEtat as A

COMPLEMENTS = [
    "La délibération du conseil communautaire n'est pas jointe.",
    "Le plan de financement du poste de chef de projet est à préciser.",
    "Les signatures de l'annexe sont manquantes.",
    "Le périmètre ORT doit être cartographié.",
]
# What the porteur says of the re-deposit answering each request (the history row's reason).
REDEPOTS = {
    COMPLEMENTS[0]: "La délibération du conseil communautaire est jointe au dossier.",
    COMPLEMENTS[1]: "Le plan de financement est précisé en annexe.",
    COMPLEMENTS[2]: "Les signatures manquantes ont été recueillies.",
    COMPLEMENTS[3]: "La carte du périmètre ORT est jointe au dossier.",
}
PROLONGATIONS = [
    "Recrutement tardif du chef de projet.",
    "Fusion de communes en cours.",
    "Élections municipales : nouvelle équipe à installer.",
    "Étude préalable à l'OPAH-RU en cours.",
]
OBJETS = [
    "Ajout de la fiche action « Réhabilitation de la halle du marché ».",
    "Extension du périmètre ORT au quartier de la gare.",
    "Mise à jour de la maquette financière pluriannuelle.",
    "Intégration d'un volet OPAH-RU à la convention-cadre.",
    "Ajout de la fiche action « Requalification des berges ».",
]
SORTIE = "La commune a décidé de quitter le programme (délibération du conseil municipal)."


class Walker:
    """Fires the events of one dossier at simulated dates (never after `today`)."""

    def __init__(self, dossier: Dossier, rng: random.Random, today: date, actors: dict, archive: bool,
                 copies: Copies, bulk: bool = True):
        self.dossier, self.rng, self.today, self.actors, self.archive = dossier, rng, today, actors, archive
        # bulk: the placeholder's copies (`Copies`); otherwise `add_document` stores each one
        self.copies, self.bulk = copies, bulk
        self.workflow = MACHINE.build(dossier)  # built once, for every event of the dossier
        self.day = None
        self.last_at = None
        self.asked = None  # the préfecture's last request for compléments

    # --- time ------------------------------------------------------------------------
    def wait(self, low: int, high: int) -> date:
        self.day = min(self.day + timedelta(days=self.rng.randint(low, high)), self.today)
        return self.day

    def on(self, day: date) -> date:
        """Move to `day` (never back, never past today)."""
        self.day = min(max(self.day or day, day), self.today)
        return self.day

    def moment(self, draw: bool = True) -> datetime:
        """A time of the current day, after the previous step's: the history reads in order.
        `draw=False`: the day's first hour, drawing nothing (the walk's other dates stay put)."""
        at = datetime.combine(self.day, time(8 + self.rng.randint(0, 8), self.rng.randint(0, 59))
                              if draw else time(8))
        if self.last_at is not None and at <= self.last_at:
            at = self.last_at + timedelta(minutes=1)
        self.last_at = at = min(at, utcnow() - timedelta(minutes=1))  # today's steps happened before now
        return at

    # --- the services ------------------------------------------------------------------
    def fire(self, event: str, who: str, **data):
        self.copies.write()  # the documents added since the last step, before its guards read them
        if event in DEPOSITS and event not in REDEPOSITS:  # the porteurs write the content before the first deposit
            fill_content(self.dossier, DEPOSITS[event], self.day)
        with archiving(self.archive):
            fire(self.dossier, event, self.actors.get(who), today=self.day, at=self.moment(),
                 workflow=self.workflow, **data)

    def deposit(self, event: str):
        """Every deposit of a convention (adhésion or cadre, first or again) goes through here.
        Sent back for compléments, the porteur first brings what was asked and says what changed."""
        if event in REDEPOSITS:
            self.complete(Etape(DEPOSITS[event]))
            self.fire(event, "porteur", reason=REDEPOTS[self.asked])
        else:
            self.fire(event, "porteur")

    def request(self) -> str:
        """The reason of a request for compléments (kept: the re-deposit answers it)."""
        self.asked = self.rng.choice(COMPLEMENTS)
        return self.asked

    def complete(self, etape: Etape, avenant=None):
        """What the préfecture asked for, brought before the new deposit."""
        self.document(DocumentType.AUTRE, etape, titre="Pièce complémentaire demandée par la préfecture",
                      avenant=avenant, draw=False)

    def document(self, kind: DocumentType, etape: Etape, code=None, titre=None, avenant=None, draw=True, **form):
        """`form`: a délibération's date and number, as the upload form asks them."""
        place = dict(type=kind, etape=etape, collectivite_code=code, user=None, titre=titre, avenant=avenant, **form)
        if self.bulk:
            self.copies.add(self.dossier, **place, filename=f"{kind.value}.pdf", at=self.moment(draw))
            return
        version = add_document(self.dossier, **place, file_storage_or_bytes=self.copies.upload.data,
                               filename=f"{kind.value}.pdf")
        version.uploaded_at = version.document.created_at = self.moment(draw)

    def deliberations(self, etape: Etape):
        """Each collectivité's délibération, voted in the weeks before, uploaded with its date and number."""
        for code in self.dossier.signataires():
            voted, numero = deliberation(self.dossier, etape.value, code, self.day)
            self.document(DocumentType.DELIBERATION, etape, code, deliberation_date=voted, deliberation_numero=numero)

    def spread(self, parts: int) -> date:
        """Wait a share of the days left until today, so that `parts` more steps fit in."""
        left = (self.today - self.day).days
        return self.wait(left // (3 * parts), max(left // parts, 0))

    # --- the convention d'adhésion ---------------------------------------------------------
    def adhesion(self, signed_on: date | None = None, until: E = E.ADHESION_SIGNEE):
        """Signed on `signed_on`, the steps before it in the weeks ahead; or stopped at `until`,
        begun in the past months."""
        rng = self.rng
        complements = rng.random() < 0.15 or until == E.ADHESION_A_COMPLETER
        to_deposit, to_validate, to_sign = rng.randint(10, 45), rng.randint(7, 30), rng.randint(5, 40)
        to_ask, to_redeposit = (rng.randint(5, 25), rng.randint(7, 30)) if complements else (0, 0)
        if signed_on:
            self.day = signed_on - timedelta(days=to_deposit + to_ask + to_redeposit + to_validate + to_sign)
        else:
            self.day = self.today - timedelta(days=rng.randint(40, 110))
        self.fire("demarrer_adhesion", "porteur")
        if until == E.ADHESION_REDACTION:
            return
        self.wait(to_deposit, to_deposit)
        self.deliberations(Etape.ADHESION)
        self.deposit("deposer_adhesion")
        if until == E.ADHESION_DEPOSEE:
            return
        if complements:
            self.wait(to_ask, to_ask)
            self.fire("demander_complements_adhesion", "prefecture", reason=self.request())
            if until == E.ADHESION_A_COMPLETER:
                return
            self.wait(to_redeposit, to_redeposit)
            self.deposit("redeposer_adhesion")
        self.wait(to_validate, to_validate)
        self.fire("valider_adhesion", "prefecture")
        if until == E.ADHESION_VALIDEE:
            return
        signed = self.on(signed_on) if signed_on else self.wait(to_sign, to_sign)
        self.document(DocumentType.CONVENTION_SIGNEE, Etape.ADHESION, titre="Convention d'adhésion signée")
        self.fire("signer_adhesion", "prefecture", signature_date=signed)

    # --- the convention-cadre ----------------------------------------------------------------
    def cadre(self, plan, until: E = E.MISE_EN_OEUVRE):
        """Begun after the adhésion, extended on the plan's deadlines, deposited in the weeks
        before the plan's signature (or, still in instruction, in the past weeks)."""
        rng, adhesion = self.rng, self.dossier.adhesion_signee_le
        steps = []  # (day, order on that day, action)
        complements = until == E.CADRE_A_COMPLETER or (until == E.MISE_EN_OEUVRE and rng.random() < 0.2)
        if plan.cadre_signed:
            validated = plan.cadre_signed - timedelta(days=rng.randint(5, 30))
            redeposited = validated - timedelta(days=rng.randint(5, 25))
            asked = redeposited - timedelta(days=rng.randint(5, 25))
            deposited = (asked if complements else validated) - timedelta(days=rng.randint(5, 25))
        elif until != E.CADRE_REDACTION:
            deposited = self.today - timedelta(days=rng.randint(3, 70))
            asked = validated = deposited + timedelta(days=rng.randint(2, 20))
            redeposited = None
        else:
            deposited = None
        started = adhesion + timedelta(days=rng.randint(20, 200))
        if deposited:
            started = max(min(started, deposited - timedelta(days=30)), adhesion + timedelta(days=1))
        steps.append((started, 0, lambda: self.fire("demarrer_cadre", "porteur")))
        deadline = self.dossier.echeance_cadre
        for new_deadline in plan.extensions:
            granted = max(deadline - timedelta(days=rng.randint(10, 60)), adhesion + timedelta(days=1))
            if plan.cadre_signed and granted >= plan.cadre_signed:
                break  # a signed cadre ends the 18-month rule: no extension after it
            steps.append((granted, 1, self._extension(new_deadline)))
            deadline = new_deadline
        if deposited:
            steps.append((deposited, 2, self._cadre_deposit))
            if complements:
                steps.append((asked, 3, lambda: self.fire("demander_complements_cadre", "prefecture",
                                                          reason=self.request())))
                if until == E.MISE_EN_OEUVRE:
                    steps.append((redeposited, 4, lambda: self.deposit("redeposer_cadre")))
            if until in (E.CADRE_VALIDEE, E.MISE_EN_OEUVRE):
                steps.append((validated, 5, lambda: self.fire("valider_cadre", "prefecture")))
        if plan.cadre_signed:
            steps.append((plan.cadre_signed, 6, self._cadre_signature))
        for day, _, action in sorted(steps, key=lambda step: step[:2]):
            self.on(day)
            action()

    def _extension(self, new_deadline: date):
        return lambda: self.fire("prolonger_delai", "prefecture", new_deadline=new_deadline,
                                 reason=self.rng.choice(PROLONGATIONS))

    def _cadre_deposit(self):
        self.document(DocumentType.DIAGNOSTIC, Etape.CADRE, titre="Diagnostic du territoire")
        self.document(DocumentType.PROJET_CONVENTION, Etape.CADRE, titre="Projet de convention-cadre")
        self.deliberations(Etape.CADRE)
        prepare_cadre(self.dossier, self.day, self.moment(draw=False))  # the projet it formalises
        self.deposit("deposer_cadre")

    def _cadre_signature(self):
        self.document(DocumentType.CONVENTION_SIGNEE, Etape.CADRE, titre="Convention-cadre signée")
        self.fire("signer_cadre", "prefecture", signature_date=self.day)

    # --- after the signature, or instead of it ------------------------------------------------
    def avenants(self, states):
        for n, until in enumerate(states):
            self.spread(len(states) - n + 1)
            self.avenant(until)

    def avenant(self, until: A):
        rng, porteur = self.rng, self.actors.get("porteur")
        avenant = create_avenant(self.dossier, rng.choice(OBJETS), porteur, at=self.moment())
        if until == A.REDACTION:
            return avenant

        workflow = avenant_lifecycle.MACHINE.build(avenant)

        def fire_avenant(event, who, **data):
            self.copies.write()
            avenant_lifecycle.fire(avenant, event, self.actors.get(who), today=self.day,
                                   at=self.moment(), workflow=workflow, **data)

        self.wait(10, 60)
        self.document(DocumentType.PROJET_CONVENTION, Etape.AVENANT, avenant=avenant,
                      titre=f"Projet d'avenant n° {avenant.numero}")
        fire_avenant("deposer", "porteur")
        if until == A.DEPOSE:
            return avenant
        if until == A.A_COMPLETER or rng.random() < 0.2:
            self.wait(5, 20)
            fire_avenant("demander_complements", "prefecture", reason=self.request())
            if until == A.A_COMPLETER:
                return avenant
            self.wait(5, 25)
            self.complete(Etape.AVENANT, avenant=avenant)
            fire_avenant("redeposer", "porteur", reason=REDEPOTS[self.asked])
        self.wait(15, 60)
        self.document(DocumentType.CONVENTION_SIGNEE, Etape.AVENANT, avenant=avenant,
                      titre=f"Avenant n° {avenant.numero} signé")
        fire_avenant("signer", "prefecture", signature_date=self.day)
        return avenant

    def cloture(self):
        self.on(self.today - timedelta(days=self.rng.randint(10, 150)))
        self.fire("cloturer", "prefecture")

    def sortie(self):
        self.wait(200, 1000)
        self.fire("declarer_sortie", "prefecture", reason=SORTIE)
