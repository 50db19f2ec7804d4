"""What a dossier's comité allows, asked with the roles the user holds on the dossier (read
once by a page). The chef de projet, secretary of the comité, schedules its meetings and
records its séances (the fiche machine's COMITE roles); partners in scope give avis."""
from app.auth.roles import Role
from app.projet.access import projet_ouvert
from app.workflows.fiche import COMITE
from app.workflows.states import FicheEtat, ReunionEtat

SECRETAIRE = "Seul le chef de projet du dossier, secrétaire du comité de projet, organise ses réunions."
FERME = "Le dossier n'est pas ouvert au plan d'action (sorti, clôturé ou avant la convention d'adhésion)."


def _roles(dossier, user, roles):
    return dossier.roles_of(user) if roles is None else roles


def manage_refusal(dossier, user, roles: frozenset | None = None) -> str | None:
    """Why `user` may not organise the comité (guests, meetings, séances), or None."""
    if _roles(dossier, user, roles).isdisjoint(COMITE):
        return SECRETAIRE
    if not projet_ouvert(dossier):
        return FERME
    return None


def can_manage(dossier, user, roles: frozenset | None = None) -> bool:
    return manage_refusal(dossier, user, roles) is None


def partner_organisation(user) -> str | None:
    """The organisation a partner speaks for (its first grant naming one)."""
    for grant in user.grants_of(Role.PARTENAIRE):
        if grant.organisation:
            return grant.organisation
    return None


def avis_refusal(fiche, user, roles: frozenset | None = None) -> str | None:
    if Role.PARTENAIRE not in _roles(fiche.dossier, user, roles):
        return "Seuls les partenaires du territoire donnent un avis sur une fiche action."
    if partner_organisation(user) is None:
        return "Votre rôle de partenaire ne nomme pas d'organisation\u00a0: demandez-la à l'administration de Jalons."
    if fiche.etat != FicheEtat.SOUMISE:
        return "Un avis se donne sur une fiche soumise au comité de projet."
    return None


def can_give_avis(fiche, user, roles: frozenset | None = None) -> bool:
    return avis_refusal(fiche, user, roles) is None


def reunion_open(reunion) -> bool:
    return reunion.etat == ReunionEtat.PLANIFIEE
