"""The chef de projet post of a dossier and its cofinancing, within the programme's caps.

For a year, the cofinancing of ANCT, Banque des territoires and Anah together may not exceed
75 % of the post's cost that year nor the annual cap (45,000 €, 55,000 € when the Anah
cofinances that year), both pro rata of the days in post before the end of the cofinancing
(March 2026). The figures are settings (app/config.py). Rounded down to the cent: a cap is
never exceeded by rounding.
"""
from calendar import isleap
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import money_fr
from app.projet.access import can_edit_poste
from app.projet.territoire_models import COFINANCEURS, PosteChefDeProjet, PosteCofinancement

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Caps:
    taux: Decimal
    plafond: Decimal
    plafond_anah: Decimal
    fin: date


def caps() -> Caps:
    cfg = current_app.config
    return Caps(Decimal(cfg["CHEF_DE_PROJET_TAUX_MAX"]), Decimal(cfg["CHEF_DE_PROJET_PLAFOND_ANNUEL"]),
                Decimal(cfg["CHEF_DE_PROJET_PLAFOND_ANNUEL_ANAH"]),
                date.fromisoformat(cfg["CHEF_DE_PROJET_FIN_COFINANCEMENT"]))


def share_of_year(poste: PosteChefDeProjet, annee: int, fin: date) -> Decimal:
    """The part of `annee` the post is filled and cofinanceable, from 0 to 1."""
    start = max(poste.date_debut, date(annee, 1, 1))
    end = min(poste.date_fin or date(annee, 12, 31), date(annee, 12, 31), fin)
    if end < start:
        return Decimal("0")
    return Decimal((end - start).days + 1) / Decimal(366 if isleap(annee) else 365)


def cap_for(poste: PosteChefDeProjet, annee: int, with_anah: bool, limits: Caps | None = None) -> Decimal:
    """The most the cofinancers may bring to the post for `annee`."""
    limits = limits or caps()
    share = share_of_year(poste, annee, limits.fin)
    plafond = limits.plafond_anah if with_anah else limits.plafond
    cap = min(poste.cout_annuel * share * limits.taux, plafond * share)
    return cap.quantize(CENT, rounding=ROUND_DOWN)


def _check(dossier, values: dict) -> None:
    if not (values.get("user_id") or (values.get("nom") or "").strip()):
        raise DomainError("Indiquez la personne en poste (un compte Jalons ou son nom).")
    if values.get("employeur_code") not in dossier.collectivite_names():
        raise DomainError("L'employeur est une commune ou l'EPCI du dossier.")
    if values.get("date_debut") is None:
        raise DomainError("Indiquez la date de recrutement.")
    if values.get("date_fin") and values["date_fin"] < values["date_debut"]:
        raise DomainError("La date de fin ne peut pas précéder la date de début.")
    if values.get("cout_annuel") is None or values["cout_annuel"] <= 0:
        raise DomainError("Indiquez le coût annuel du poste.")


def create_poste(dossier, user, **values) -> PosteChefDeProjet:
    if not can_edit_poste(dossier, user):
        raise DomainError("Le poste de chef de projet se renseigne par la commune, l'EPCI ou le chef de projet.")
    _check(dossier, values)
    poste = PosteChefDeProjet(dossier_id=dossier.id, **values)
    db.session.add(poste)
    db.session.flush()
    return poste


def update_poste(poste: PosteChefDeProjet, dossier, user, **values) -> PosteChefDeProjet:
    if not can_edit_poste(dossier, user):
        raise DomainError("Le poste de chef de projet se renseigne par la commune, l'EPCI ou le chef de projet.")
    _check(dossier, values)
    for name, value in values.items():
        setattr(poste, name, value)
    db.session.flush()
    _check_caps(poste, {c.annee for c in poste.cofinancements})
    return poste


def set_cofinancement(poste: PosteChefDeProjet, dossier, user, *, annee: int, financeur: str,
                      montant: Decimal) -> PosteCofinancement:
    """The amount of one cofinancer for one year (replacing what was there); within the caps."""
    if not can_edit_poste(dossier, user):
        raise DomainError("Le cofinancement du poste se renseigne par la commune, l'EPCI ou le chef de projet.")
    if financeur not in COFINANCEURS:
        raise DomainError("Le poste est cofinancé par l'ANCT, la Banque des territoires ou l'Anah.")
    if montant is None or montant < 0:
        raise DomainError("Le montant ne peut pas être négatif.")
    row = db.session.scalar(select(PosteCofinancement).where(
        PosteCofinancement.poste_id == poste.id, PosteCofinancement.annee == annee,
        PosteCofinancement.financeur == financeur))
    if row is None:
        row = PosteCofinancement(poste_id=poste.id, annee=annee, financeur=financeur, montant=montant)
        poste.cofinancements.append(row)
    row.montant = montant
    db.session.flush()
    _check_caps(poste, {annee})
    return row


def _check_caps(poste: PosteChefDeProjet, annees) -> None:
    limits = caps()
    for annee in sorted(annees):
        lines = [c for c in poste.cofinancements if c.annee == annee]
        total = sum((c.montant for c in lines), Decimal("0"))
        with_anah = any(c.financeur == "anah" and c.montant > 0 for c in lines)
        cap = cap_for(poste, annee, with_anah, limits)
        if total <= cap:
            continue
        if cap == 0:
            raise DomainError(f"Le poste ne peut pas être cofinancé en {annee} : il n'est pas pourvu cette "
                              f"année-là avant la fin du cofinancement ({limits.fin:%d/%m/%Y}).")
        plafond = limits.plafond_anah if with_anah else limits.plafond
        raise DomainError(
            f"Le cofinancement {annee} ({money_fr(total)}) dépasse le plafond du programme pour ce poste "
            f"({money_fr(cap)} : {limits.taux * 100:.0f} % du coût, au plus {money_fr(plafond)} par an"
            f"{' avec l’Anah' if with_anah else ''}, au prorata du temps en poste)."
        )


def years(poste: PosteChefDeProjet, limits: Caps | None = None) -> list[int]:
    """The years the post may be cofinanced."""
    limits = limits or caps()
    last = min(poste.date_fin or limits.fin, limits.fin)
    return list(range(poste.date_debut.year, last.year + 1)) if last >= poste.date_debut else []


def postes_of(dossier) -> list[PosteChefDeProjet]:
    return db.session.scalars(
        select(PosteChefDeProjet).where(PosteChefDeProjet.dossier_id == dossier.id)
        .options(joinedload(PosteChefDeProjet.user), selectinload(PosteChefDeProjet.cofinancements))
        .order_by(PosteChefDeProjet.date_debut.desc(), PosteChefDeProjet.id.desc())
    ).all()
