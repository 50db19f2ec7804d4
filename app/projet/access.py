"""What a dossier allows for its projet de territoire (axes, fiches, financing, post, ORT).

Asked with the roles the user holds on the dossier (`dossier.roles_of(user)`, one query),
read once by a page and passed on, so that asking about many rows costs nothing more.
"""
from app.auth.roles import Role
from app.workflows.dossier import PORTEURS
from app.workflows.states import DossierEtat as E

# From the signature of the adhésion on (fiches may start before the convention-cadre),
# until the dossier leaves the programme or is closed.
PROJET_STATES = frozenset({E.ADHESION_SIGNEE, E.CADRE_REDACTION, E.CADRE_DEPOSEE,
                           E.CADRE_A_COMPLETER, E.CADRE_VALIDEE, E.MISE_EN_OEUVRE})
# ORT and OPAH are also the préfecture's to record (it signs the ORT).
REVITALISATION = PORTEURS | {Role.PREFECTURE}


def projet_ouvert(dossier) -> bool:
    return dossier.etat in PROJET_STATES


def _roles(dossier, user, roles):
    return dossier.roles_of(user) if roles is None else roles


def writes(dossier, user, roles: frozenset | None = None) -> bool:
    """The porteurs (commune, EPCI, chef de projet of the dossier) write the projet."""
    return not _roles(dossier, user, roles).isdisjoint(PORTEURS)


def can_edit_projet(dossier, user, roles: frozenset | None = None) -> bool:
    """Axes, indicators, measures, new fiches: the porteurs, while the projet is open."""
    return projet_ouvert(dossier) and writes(dossier, user, roles)


def can_edit_poste(dossier, user, roles: frozenset | None = None) -> bool:
    """The chef de projet post: its employer's side, the porteurs (any state but sorti/clôturé)."""
    return dossier.etat not in (E.SORTI, E.CLOTURE) and writes(dossier, user, roles)


def can_edit_revitalisation(dossier, user, roles: frozenset | None = None) -> bool:
    return dossier.etat not in (E.SORTI, E.CLOTURE) and not _roles(dossier, user, roles).isdisjoint(REVITALISATION)
