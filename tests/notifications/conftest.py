"""A dossier with someone in every role, in and out of its scope."""
from dataclasses import dataclass
from datetime import date

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import DossierEtat as E
from tests import factories


@dataclass
class World:
    dossier: object
    users: dict  # name -> user


@pytest.fixture
def world():
    dep, other_dep = factories.departement(), factories.departement()
    epci, other_epci = factories.epci(), factories.epci()
    c1, c2 = factories.commune(dep, epci, nom="Jonzac-Test"), factories.commune(dep, epci)
    elsewhere = factories.commune(other_dep, other_epci)
    dossier = factories.dossier([c1, c2], nom="Jonzac-Test et voisine", etat=E.LABELLISE)
    other = factories.dossier([elsewhere])
    u = {
        "commune": factories.user_with_role(Role.COMMUNE, commune_insee=c1.insee),
        "commune_voisine": factories.user_with_role(Role.COMMUNE, commune_insee=c2.insee),
        "commune_ailleurs": factories.user_with_role(Role.COMMUNE, commune_insee=elsewhere.insee),
        "epci": factories.user_with_role(Role.EPCI, epci_siren=epci.siren),
        "epci_ailleurs": factories.user_with_role(Role.EPCI, epci_siren=other_epci.siren),
        "chef": factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=dossier.id),
        "chef_ailleurs": factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=other.id),
        "prefecture": factories.user_with_role(Role.PREFECTURE, departement_code=dep.code),
        "prefecture_ailleurs": factories.user_with_role(Role.PREFECTURE, departement_code=other_dep.code),
        "partenaire": factories.user_with_role(Role.PARTENAIRE, departement_code=dep.code,
                                               organisation="Banque des territoires"),
        "anct": factories.user_with_role(Role.ANCT),
        "admin": factories.user_with_role(Role.ADMIN),
    }
    inactive = factories.user_with_role(Role.PREFECTURE, departement_code=dep.code)
    inactive.active = False
    db.session.flush()
    return World(dossier, u)


def notified(world, notifications) -> set[str]:
    by_id = {user.id: name for name, user in world.users.items()}
    return {by_id.get(n.user_id, f"#{n.user_id}") for n in notifications}


TODAY = date(2026, 11, 22)
