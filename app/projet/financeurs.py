"""The reference list of financeurs and dispositifs of a financing plan.

A line names one source by its code (`etat_detr`, `anah`…); the list gives the financeur and
the dispositif, in the order of the maquette's columns. Kept in code, not in a table: it is the
programme's list, it changes with a release, and the maquette groups by its codes.
"""
from dataclasses import dataclass

from app.auth.roles import Role


@dataclass(frozen=True)
class Source:
    code: str
    financeur: str
    dispositif: str | None = None
    # the partner organisation (app/auth/roles.PARTENAIRE_ORGANISATIONS) that decides it, if any
    organisation: str | None = None
    etat: bool = False  # the State's credits: the préfecture records their decisions
    autofinancement: bool = False

    @property
    def label(self) -> str:
        return f"{self.financeur} — {self.dispositif}" if self.dispositif else self.financeur


SOURCES = (
    Source("etat_detr", "État", "DETR", etat=True),
    Source("etat_dsil", "État", "DSIL", etat=True),
    Source("etat_fnadt", "État", "FNADT", etat=True),
    Source("etat_fonds_vert", "État", "Fonds vert", etat=True),
    Source("etat_fonds_friches", "État", "Fonds friches", etat=True),
    Source("etat_france_ruralites", "État", "France Ruralités", etat=True),
    Source("banque_des_territoires", "Banque des territoires", organisation="Banque des territoires"),
    Source("anah", "Anah", organisation="Anah"),
    Source("cerema", "Cerema", organisation="Cerema"),
    Source("ademe", "ADEME", organisation="ADEME"),
    Source("region", "Région", organisation="Région"),
    Source("departement", "Département", organisation="Département"),
    Source("europe_feder", "Europe", "FEDER"),
    Source("europe_leader", "Europe", "LEADER"),
    Source("autofinancement_commune", "Autofinancement", "commune", autofinancement=True),
    Source("autofinancement_epci", "Autofinancement", "EPCI", autofinancement=True),
    Source("autre", "Autre financeur"),
)
BY_CODE = {source.code: source for source in SOURCES}
ORDER = {source.code: index for index, source in enumerate(SOURCES)}
AUTOFINANCEMENT = tuple(s.code for s in SOURCES if s.autofinancement)
CHOICES = [(s.code, s.label) for s in SOURCES]


def source(code: str) -> Source:
    return BY_CODE[code]


def deciding_roles(code: str, roles: frozenset, organisations: set[str]) -> frozenset:
    """The roles a user holds on a line of `code`: the préfecture only on the State's lines,
    a partner only on its own organisation's (the porteurs on every line)."""
    src = BY_CODE[code]
    kept = set(roles)
    if Role.PREFECTURE in kept and not src.etat:
        kept.discard(Role.PREFECTURE)
    if Role.PARTENAIRE in kept and (src.organisation is None or src.organisation not in organisations):
        kept.discard(Role.PARTENAIRE)
    return frozenset(kept)
