"""The programme's settings the ANCT edits on "Paramètres du programme" (alert thresholds),
each change kept with who made it, when and why; the latest value wins."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.db import db
from app.core.errors import DomainError
from app.notifications.models import ProgrammeSetting


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: str
    hint: str

    def parse(self, value: str):
        return PARSERS[self.key](value)


def _months(value: str) -> tuple[int, ...]:
    try:
        months = sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise DomainError("Indiquez des nombres de mois séparés par des virgules, par exemple 6, 3, 1, 0.") from None
    if not months or any(m < 0 or m > 18 for m in months):
        raise DomainError("Les seuils d'alerte sont des nombres de mois entre 0 (le jour même) et 18.")
    return tuple(months)


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise DomainError("Indiquez un nombre de jours.") from None
    if not 1 <= days <= 365:
        raise DomainError("Le délai doit être compris entre 1 et 365 jours.")
    return days


PARSERS = {"alertes_echeance_mois": _months, "alerte_instruction_jours": _days, "alerte_complements_jours": _days}

SETTINGS = {s.key: s for s in (
    Setting("alertes_echeance_mois", "Alertes avant l'échéance des 18 mois (en mois)", "6, 3, 1, 0",
            "Les porteurs et la préfecture sont prévenus à chacun de ces seuils (0 : le jour même), "
            "puis chaque mois tant que l'échéance est dépassée."),
    Setting("alerte_instruction_jours", "Alerte d'un dossier en attente d'instruction (en jours)", "30",
            "La préfecture est prévenue quand un dossier déposé attend depuis ce nombre de jours."),
    Setting("alerte_complements_jours", "Relance des compléments sans réponse (en jours)", "30",
            "Les porteurs sont relancés quand des compléments demandés restent sans réponse."),
)}


def current_values() -> dict[str, str]:
    """The latest value of every setting (the default when never changed): one statement."""
    latest = select(ProgrammeSetting.key, func.max(ProgrammeSetting.id).label("id")).group_by(ProgrammeSetting.key).subquery()
    rows = dict(db.session.execute(
        select(ProgrammeSetting.key, ProgrammeSetting.value).join(latest, latest.c.id == ProgrammeSetting.id)
    ).all())
    return {key: rows.get(key, setting.default) for key, setting in SETTINGS.items()}


def value(key: str):
    return SETTINGS[key].parse(current_values()[key])


def change(values: dict[str, str], user, reason: str) -> list[ProgrammeSetting]:
    """Record the settings that changed; refuses a bad value before writing anything."""
    if not (reason or "").strip():
        raise DomainError("Indiquez le motif du changement : il est conservé dans l'historique des paramètres.")
    current = current_values()
    parsed = {key: SETTINGS[key].parse(raw) for key, raw in values.items()}
    rows = []
    for key, new in parsed.items():
        if new == SETTINGS[key].parse(current[key]):
            continue
        text = ", ".join(map(str, new)) if isinstance(new, tuple) else str(new)
        rows.append(ProgrammeSetting(key=key, value=text, changed_by_id=user.id, reason=reason.strip()))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def history(limit: int = 50) -> list[ProgrammeSetting]:
    return db.session.scalars(select(ProgrammeSetting).order_by(ProgrammeSetting.id.desc()).limit(limit)).all()
