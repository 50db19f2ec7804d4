"""Every URL rule of the application, for anonymous and each role in and out of scope.

The list of rules comes from `app.url_map`: a new route without a decision here fails
`test_every_route_has_a_decision`. Expected answers:
- anonymous: redirect to the login page (unless the route is public);
- allowed: 200, or a redirect elsewhere than the login page (a form that was posted);
- a role without the right: 403; an object out of the user's scope: 404;
- a page refused to everyone as asked (a link's form opened without its link): 400.
The API (`/api/v1/`, `Rule(token=True)`) is asked with each actor's personal token instead of
the session cookie (anonymous: no token): no token is 401, out of scope 404.
"""
from dataclasses import dataclass, field
from typing import Callable

import pytest

from app.auth.roles import Role
from app.auth.signin import session_data
from tests import factories
from tests.documents import samples
from tests.comite import matrix_world as cw
from tests.projet import matrix_world as pw

ANONYMOUS = "anonyme"
SCOPED_ROLES = ["commune", "epci", "chef_de_projet", "prefecture", "partenaire"]
ACTORS = (
    [ANONYMOUS]
    + [f"{role}{suffix}" for role in SCOPED_ROLES for suffix in ("", "_hors_perimetre")]
    + ["anct", "admin"]
)

OK, LOGIN, BAD_REQUEST, FORBIDDEN, NOT_FOUND = "ok", "connexion", "400", "403", "404"
UNAUTHORIZED = "401"


@dataclass
class World:
    """A dossier in scope of the `*` actors and out of scope of the `*_hors_perimetre` ones."""

    dossier: object
    commune: object
    other_dossier: object
    users: dict = field(default_factory=dict)
    admin_target: object = None
    api_tokens: dict = field(default_factory=dict)


def build_world() -> World:
    region = factories.region()
    dep = factories.departement(region)
    epci = factories.epci()
    commune = factories.commune(dep, epci)
    dossier = factories.dossier([commune])
    other_region = factories.region()
    other_dep = factories.departement(other_region)
    other_epci = factories.epci()
    other_commune = factories.commune(other_dep, other_epci)
    other = factories.dossier([other_commune])
    world = World(dossier=dossier, commune=commune, other_dossier=other)
    scopes = {
        "commune": (Role.COMMUNE, {"commune_insee": commune.insee}, {"commune_insee": other_commune.insee}),
        "epci": (Role.EPCI, {"epci_siren": epci.siren}, {"epci_siren": other_epci.siren}),
        "chef_de_projet": (Role.CHEF_DE_PROJET, {"dossier_id": dossier.id}, {"dossier_id": other.id}),
        "prefecture": (Role.PREFECTURE, {"departement_code": dep.code}, {"departement_code": other_dep.code}),
        "partenaire": (Role.PARTENAIRE, {"organisation": "Anah", "region_code": region.code},
                       {"organisation": "Anah", "region_code": other_region.code}),
    }
    for name, (role, inside, outside) in scopes.items():
        world.users[name] = factories.user_with_role(role, **inside)
        world.users[f"{name}_hors_perimetre"] = factories.user_with_role(role, **outside)
    world.users["anct"] = factories.user_with_role(Role.ANCT)
    world.users["admin"] = factories.user_with_role(Role.ADMIN)
    world.admin_target = factories.user_with_role(Role.COMMUNE, commune_insee=commune.insee)
    return world


def logged_in(actor: str) -> str:
    return LOGIN if actor == ANONYMOUS else OK


def public(actor: str) -> str:
    return OK


def refused_without_link(actor: str) -> str:
    """The forms of e-mailed links: public, but refused without the link's token in the session."""
    return BAD_REQUEST


def in_dossier_scope(actor: str) -> str:
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "anct" or actor in SCOPED_ROLES:
        return OK
    return NOT_FOUND


def admin_only(actor: str) -> str:
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor == "admin" else FORBIDDEN


def anct_only(actor: str) -> str:
    """The programme's settings: its direction."""
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor == "anct" else FORBIDDEN


def own_notification(actor: str) -> str:
    """A notification is its recipient's: everyone else is told it does not exist."""
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor == "commune" else NOT_FOUND


def notification_of(world: World) -> int:
    """A notification of the world's commune user (rows made directly)."""
    from app.core.db import db
    from app.notifications.models import Delivery, Notification

    row = Notification(user_id=world.users["commune"].id, kind="depot", title="Dépôt", body="…",
                       url="/", delivery=Delivery.IMMEDIATE)
    db.session.add(row)
    db.session.flush()
    return row.id


def porteurs_and_prefecture(actor: str) -> str:
    """Uploading documents: the porteurs and the préfecture of the dossier; partners and the
    ANCT see the dossier but may not add to it."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor in ("commune", "epci", "chef_de_projet", "prefecture"):
        return OK
    if actor in ("partenaire", "anct"):
        return FORBIDDEN
    return NOT_FOUND


def chef_de_projet_only(actor: str) -> str:
    """The comité's organisation: its secretary, the chef de projet of the dossier."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "chef_de_projet":
        return OK
    if actor == "anct" or actor in SCOPED_ROLES:
        return FORBIDDEN
    return NOT_FOUND


def partner_in_scope(actor: str) -> str:
    """An avis, a financeur's decision: a partner of the dossier's territory."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "partenaire":
        return OK
    if actor == "anct" or actor in SCOPED_ROLES:
        return FORBIDDEN
    return NOT_FOUND


def partners_page(actor: str) -> str:
    """What waits for a partner: any partner (its own scope), nobody else."""
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor.startswith("partenaire") else FORBIDDEN


def partner_line(actor: str) -> str:
    """A line of the partner's financeur: out of the partner's scope, it does not exist."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "partenaire":
        return OK
    return NOT_FOUND if actor == "partenaire_hors_perimetre" else FORBIDDEN


def porteurs_only(actor: str) -> str:
    """Drafting and submitting: the commune, the EPCI and the chef de projet of the dossier."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor in ("commune", "epci", "chef_de_projet"):
        return OK
    if actor in ("prefecture", "partenaire", "anct"):
        return FORBIDDEN
    return NOT_FOUND


def frozen(actor: str) -> str:
    """A signed convention: no new version, for anyone who may otherwise upload or not."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "anct" or actor in SCOPED_ROLES:
        return FORBIDDEN
    return NOT_FOUND


def prefecture_only(actor: str) -> str:
    """The préfecture's workspace: its own département's dossiers, whatever they are."""
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor.startswith("prefecture") else FORBIDDEN


def avenant_of(world: World) -> int:
    """An avenant of the world's dossier (rows made directly: its lifecycle is tested elsewhere)."""
    from app.core.db import db
    from app.avenants.models import Avenant

    if not world.dossier.avenants:
        db.session.add(Avenant(dossier_id=world.dossier.id, numero=1, objet="Fiche action des halles"))
        db.session.flush()
        db.session.refresh(world.dossier)
    return world.dossier.avenants[0].numero


def writing_adhesion(world: World) -> int:
    """The world's dossier with its adhésion being written (its content is editable then)."""
    from app.core.db import db
    from app.dossiers.models import DossierEtat

    world.dossier.etat = DossierEtat.ADHESION_REDACTION
    db.session.flush()
    return world.dossier.id


def signed_convention(world: World) -> int:
    """The world's adhésion signed, its signed convention attached: the document's id."""
    from datetime import date

    from app.core.db import db
    from app.documents import services
    from app.dossiers.models import DossierEtat
    from tests.documents import samples

    version = services.add_document(world.dossier, type="convention_signee", etape="adhesion",
                                    file_storage_or_bytes=samples.pdf(), filename="signee.pdf", user=None)
    world.dossier.etat, world.dossier.adhesion_signee_le = DossierEtat.ADHESION_SIGNEE, date(2026, 3, 2)
    db.session.flush()
    return version.document_id


def stored_document_version(world: World):
    from app.documents import services

    return services.add_document(
        world.dossier, type="autre", etape="adhesion", file_storage_or_bytes=samples.png(),
        filename="plan.png", user=None,
    )


def failed_message():
    from app.core.db import db
    from app.core.outbox import MAX_ATTEMPTS, MessageStatus, OutboxMessage

    message = OutboxMessage(recipient="maire@commune-test.fr", subject="Jalons : essai", body="Bonjour",
                            status=MessageStatus.EN_ECHEC, attempts=MAX_ATTEMPTS, last_error="refusé")
    db.session.add(message)
    db.session.flush()
    return message


def uploader_only(actor: str) -> str:
    """Withdrawing a document: only the person who added it (here the commune's user), before
    the deposit of its step; the others who see the dossier are refused."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor == "commune":
        return OK
    return FORBIDDEN if actor in ("epci", "chef_de_projet", "prefecture", "partenaire", "anct") else NOT_FOUND


def document_of_the_commune(world: World) -> int:
    from app.documents import services
    from tests.documents import samples

    return services.add_document(
        world.dossier, type="autre", etape="adhesion", file_storage_or_bytes=samples.pdf(),
        filename="plan.pdf", user=world.users["commune"],
    ).document_id


def token_of_the_commune(world: World) -> int:
    """A personal API token of the world's commune user: its owner's alone."""
    from app.api import tokens

    token, _ = tokens.create_token(world.users["commune"], "Grist")
    return token.id


def export_of_the_commune(world: World) -> int:
    """A prepared XLSX export of the world's commune user: its requester's alone."""
    from datetime import date

    from app.core.db import db
    from app.core.storage import get_storage
    from app.exports.models import ExportDemande, ExportEtat

    row = ExportDemande(user_id=world.users["commune"].id, kind="dossiers", jour=date(2025, 1, 31),
                        etat=ExportEtat.PRET, fichier=get_storage().save(b"PK\x03\x04"), lignes=1)
    db.session.add(row)
    db.session.flush()
    return row.id


def own_token(actor: str) -> str:
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor == "commune" else NOT_FOUND


def api_headers(world: World, actor: str) -> dict:
    """The Authorization header of `actor`'s own API token (none for the anonymous)."""
    if actor == ANONYMOUS:
        return {}
    if actor not in world.api_tokens:
        from app.api import tokens
        from app.core.db import db

        _, world.api_tokens[actor] = tokens.create_token(world.users[actor], "Matrice")
        db.session.commit()
    return {"Authorization": f"Bearer {world.api_tokens[actor]}"}


def token_holder(actor: str) -> str:
    """An API list: every token gets its own scope's rows (an admin's list is empty)."""
    return UNAUTHORIZED if actor == ANONYMOUS else OK


def api_in_dossier_scope(actor: str) -> str:
    """An API object: in scope for the `*` actors and the ANCT, 404 for anyone else."""
    if actor == ANONYMOUS:
        return UNAUTHORIZED
    return OK if actor == "anct" or actor in SCOPED_ROLES else NOT_FOUND


def api_fiche_url(world: World) -> str:
    pw.dossier_url(world)
    return f"/api/v1/fiches/{world.projet['fiche'].id}"

def dashboards(actor: str) -> str:
    """The dashboards: the ANCT, préfectures and partners (each opens on its own level)."""
    if actor == ANONYMOUS:
        return LOGIN
    return OK if actor == "anct" or actor.startswith(("prefecture", "partenaire")) else FORBIDDEN


def departement_dashboard(actor: str) -> str:
    """A département's figures: the ANCT, its préfecture, a partner of its région; another
    département's préfecture or partner is told it does not exist; other roles have none."""
    if actor == ANONYMOUS:
        return LOGIN
    if actor in ("anct", "prefecture", "partenaire"):
        return OK
    return NOT_FOUND if actor.startswith(("prefecture", "partenaire")) else FORBIDDEN


def ready_report(world: World) -> int:
    """A ready report of the world's département (rows made directly, a stored stand-in PDF)."""
    from datetime import date

    from app.core.db import db
    from app.core.storage import get_storage
    from app.tableaux.models import RapportDemande, RapportEtat

    row = RapportDemande(user_id=world.users["anct"].id, niveau="departement",
                         code=world.dossier.departement_code, au=date(2025, 1, 31), etat=RapportEtat.PRET,
                         fichier=get_storage().save(samples.pdf()), empreinte="0" * 64)
    db.session.add(row)
    db.session.flush()
    return row.id


@dataclass
class Rule:
    url: Callable[[World], str]
    expect: Callable[[str], str]
    method: str = "GET"
    data: dict | None = None
    token: bool = False  # asked with the actor's API token, not its session


RULES: dict[str, Rule] = {
    "auth.login": Rule(lambda w: "/connexion", public),
    "auth.logout": Rule(lambda w: "/deconnexion", logged_in, "POST"),
    "auth.forgot_password": Rule(lambda w: "/mot-de-passe-oublie", public),
    "auth.reset_link": Rule(lambda w: "/mot-de-passe/jeton-invalide", public),
    "auth.reset_password": Rule(lambda w: "/mot-de-passe", refused_without_link),
    "auth.invitation_link": Rule(lambda w: "/invitation/jeton-invalide", public),
    "auth.accept_invitation": Rule(lambda w: "/invitation", refused_without_link),
    "auth.change_password": Rule(lambda w: "/mon-compte/mot-de-passe", logged_in),
    "dossiers.index": Rule(lambda w: "/", logged_in),
    "dossiers.show": Rule(lambda w: f"/dossiers/{w.dossier.id}", in_dossier_scope),
    "dossiers.act": Rule(lambda w: f"/dossiers/{w.dossier.id}/actions/demarrer_adhesion", porteurs_only),
    "avenants.new": Rule(lambda w: f"/dossiers/{w.dossier.id}/avenants/nouveau", porteurs_only),
    "avenants.show": Rule(lambda w: f"/dossiers/{w.dossier.id}/avenants/{avenant_of(w)}", in_dossier_scope),
    "avenants.act": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/avenants/{avenant_of(w)}/actions/deposer", porteurs_only
    ),
    "instruction.workspace": Rule(lambda w: "/instruction", prefecture_only),
    "legal.accessibilite": Rule(lambda w: "/accessibilite", public),
    "legal.mentions_legales": Rule(lambda w: "/mentions-legales", public),
    "legal.donnees_personnelles": Rule(lambda w: "/donnees-personnelles", public),
    "exploitation.healthz": Rule(lambda w: "/healthz", public),
    "exploitation.readyz": Rule(lambda w: "/readyz", public),
    "help.index": Rule(lambda w: "/aide", logged_in),
    "help.guide": Rule(lambda w: "/aide/guides/prefecture", logged_in),
    "help.parcours": Rule(lambda w: "/aide/parcours", logged_in),
    "help.diagram": Rule(lambda w: "/aide/parcours/dossier.svg", logged_in),
    "conventions.preview": Rule(lambda w: f"/dossiers/{w.dossier.id}/conventions/adhesion.pdf", in_dossier_scope),
    "conventions.contenu": Rule(lambda w: f"/dossiers/{w.dossier.id}/conventions/adhesion/contenu", in_dossier_scope),
    "conventions.modifier_contenu": Rule(
        lambda w: f"/dossiers/{writing_adhesion(w)}/conventions/adhesion/contenu/modifier", porteurs_only
    ),
    "territoires.communes": Rule(lambda w: "/communes", logged_in),
    "territoires.commune": Rule(lambda w: f"/communes/{w.commune.insee}", logged_in),
    "territoires.epcis": Rule(lambda w: "/epci", logged_in),
    "territoires.epci": Rule(lambda w: f"/epci/{w.commune.epci_siren}", logged_in),
    "admin.users": Rule(lambda w: "/admin/utilisateurs", admin_only),
    "notifications.index": Rule(lambda w: "/notifications", logged_in),
    "notifications.preferences": Rule(lambda w: "/notifications/preferences", logged_in),
    "notifications.mark_all_read": Rule(lambda w: "/notifications/tout-lire", logged_in, "POST"),
    "notifications.mark_read": Rule(lambda w: f"/notifications/{notification_of(w)}/lue", own_notification, "POST"),
    "parametres.edit": Rule(lambda w: "/parametres", anct_only),
    "admin.user": Rule(lambda w: f"/admin/utilisateurs/{w.admin_target.id}", admin_only),
    "admin.invite": Rule(lambda w: "/admin/utilisateurs/inviter", admin_only),
    "admin.scope_options": Rule(lambda w: f"/admin/perimetres/communes?q={w.commune.nom}", admin_only),
    "admin.resend_invitation": Rule(
        lambda w: f"/admin/utilisateurs/{w.admin_target.id}/invitation", admin_only, "POST"
    ),
    "admin.grant_role": Rule(lambda w: f"/admin/utilisateurs/{w.admin_target.id}/roles/nouveau", admin_only),
    "admin.revoke_grant": Rule(lambda w: f"/admin/roles/{w.admin_target.grants[0].id}/retirer", admin_only),
    "admin.deactivate": Rule(lambda w: f"/admin/utilisateurs/{w.admin_target.id}/desactiver", admin_only, "POST"),
    "admin.reactivate": Rule(lambda w: f"/admin/utilisateurs/{w.admin_target.id}/reactiver", admin_only, "POST"),
    "admin.outbox_messages": Rule(lambda w: "/admin/envois?statut=en_echec", admin_only),
    "admin.retry_message": Rule(lambda w: f"/admin/envois/{failed_message().id}/reessayer", admin_only),
    "admin.retry_failed_messages": Rule(lambda w: "/admin/envois/reessayer", admin_only),
    "documents.index": Rule(lambda w: f"/dossiers/{w.dossier.id}/documents", in_dossier_scope),
    "documents.upload": Rule(lambda w: f"/dossiers/{w.dossier.id}/documents/nouveau", porteurs_and_prefecture),
    "documents.new_version": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/documents/{stored_document_version(w).document_id}/versions",
        porteurs_and_prefecture,
    ),
    "documents.withdraw": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/documents/{document_of_the_commune(w)}/retirer", uploader_only
    ),
    "documents.download": Rule(
        lambda w: f"/documents/versions/{stored_document_version(w).id}/telecharger", in_dossier_scope
    ),
    # The projet de territoire: the porteurs write it, every reader of the dossier reads it.
    "projet.plan": Rule(lambda w: pw.dossier_url(w, "/projet"), in_dossier_scope),
    "projet.new_axe": Rule(lambda w: pw.dossier_url(w, "/projet/axes/nouveau"), porteurs_only),
    "projet.edit_axe": Rule(lambda w: pw.axe_url(w, "/modifier"), porteurs_only),
    "projet.new_indicateur": Rule(lambda w: pw.axe_url(w, "/indicateurs/nouveau"), porteurs_only),
    "projet.indicateur": Rule(pw.indicateur_url, in_dossier_scope),
    "projet.new_fiche": Rule(lambda w: pw.dossier_url(w, "/fiches/nouvelle"), porteurs_only),
    "projet.fiche": Rule(pw.fiche_url, in_dossier_scope),
    "projet.edit_fiche": Rule(lambda w: pw.fiche_url(w, "/modifier"), porteurs_only),
    "projet.act": Rule(lambda w: pw.fiche_url(w, "/actions/soumettre"), porteurs_only),
    "projet.new_line": Rule(lambda w: pw.fiche_url(w, "/financements/nouveau"), porteurs_only),
    "projet.edit_line": Rule(lambda w: pw.line_url(w, "/modifier"), porteurs_only),
    "projet.line_step": Rule(lambda w: pw.line_url(w, "/etape"), porteurs_only, "POST",
                             {"event": "solliciter", "effective_date": "2025-01-15", "version": "1"}),
    "projet.add_note": Rule(lambda w: pw.fiche_url(w, "/notes"), porteurs_only, "POST", {"texte": "Avancée"}),
    "projet.new_fiche_indicateur": Rule(lambda w: pw.fiche_url(w, "/indicateurs/nouveau"), porteurs_only),
    "projet.maquette": Rule(lambda w: pw.dossier_url(w, "/maquette"), in_dossier_scope),
    "projet.maquette_xlsx": Rule(lambda w: pw.dossier_url(w, "/maquette.xlsx"), in_dossier_scope),
    "projet.maquette_pdf": Rule(lambda w: pw.dossier_url(w, "/maquette.pdf"), in_dossier_scope),
    "projet.postes": Rule(lambda w: pw.dossier_url(w, "/chef-de-projet"), in_dossier_scope),
    "projet.new_poste": Rule(lambda w: pw.dossier_url(w, "/chef-de-projet/nouveau"), porteurs_only),
    "projet.edit_poste": Rule(lambda w: pw.poste_url(w, "/modifier"), porteurs_only),
    "projet.set_cofinancement": Rule(lambda w: pw.poste_url(w, "/cofinancements"), porteurs_only, "POST"),
    "projet.revitalisation": Rule(lambda w: pw.dossier_url(w, "/revitalisation"), in_dossier_scope),
    "projet.edit_commune": Rule(pw.commune_url, porteurs_and_prefecture),
    "tableaux.index": Rule(lambda w: "/tableaux/", dashboards),
    "tableaux.national": Rule(lambda w: "/tableaux/national?au=2023-01-31", anct_only),
    "tableaux.territoire": Rule(lambda w: f"/tableaux/departement/{w.dossier.departement_code}",
                                departement_dashboard),
    "tableaux.liste": Rule(
        lambda w: f"/tableaux/liste?niveau=departement&code={w.dossier.departement_code}&nom=communes",
        departement_dashboard),
    "tableaux.rapport": Rule(lambda w: f"/tableaux/departement/{w.dossier.departement_code}/rapport",
                             departement_dashboard, "POST", {"au": "2025-01-31"}),
    "tableaux.rapport_pdf": Rule(lambda w: f"/tableaux/rapports/{ready_report(w)}.pdf", departement_dashboard),
    "projet.new_secteur": Rule(lambda w: pw.dossier_url(w, "/revitalisation/secteurs/nouveau"),
                               porteurs_and_prefecture),
    # Exports: every logged-in user, each with the rows of their scope (tests/exports).
    "exports.dossiers": Rule(lambda w: "/exports/dossiers.csv", logged_in),
    "exports.fiches": Rule(lambda w: "/exports/fiches.xlsx", logged_in),
    "exports.colonnes": Rule(lambda w: "/exports/colonnes", logged_in),
    "exports.preparer": Rule(lambda w: "/exports/fiches.xlsx", logged_in, "POST"),
    "exports.demandes": Rule(lambda w: "/exports/demandes", logged_in),
    "exports.demande": Rule(lambda w: f"/exports/demandes/{export_of_the_commune(w)}.xlsx", own_token),
    # API tokens: a user's own page; someone else's token does not exist for them.
    "api_tokens.index": Rule(lambda w: "/mon-compte/jetons", logged_in),
    "api_tokens.revoke": Rule(lambda w: f"/mon-compte/jetons/{token_of_the_commune(w)}/revoquer", own_token),
    "api_tokens.documentation": Rule(lambda w: "/aide/api", logged_in),
    # The API, with tokens.
    "api.openapi_document": Rule(lambda w: "/api/v1/openapi.json", public, token=True),
    "api.dossiers": Rule(lambda w: "/api/v1/dossiers", token_holder, token=True),
    "api.dossier": Rule(lambda w: f"/api/v1/dossiers/{w.dossier.id}", api_in_dossier_scope, token=True),
    "api.communes": Rule(lambda w: "/api/v1/communes", token_holder, token=True),
    "api.fiches": Rule(lambda w: "/api/v1/fiches", token_holder, token=True),
    "api.fiche": Rule(api_fiche_url, api_in_dossier_scope, token=True),
    "api.financements": Rule(lambda w: "/api/v1/financements", token_holder, token=True),
    "api.indicateurs": Rule(lambda w: "/api/v1/indicateurs", token_holder, token=True),
    "api.tableau_de_bord": Rule(
        lambda w: f"/api/v1/tableau-de-bord?niveau=departement&code={w.dossier.departement_code}",
        lambda actor: UNAUTHORIZED if actor == ANONYMOUS else departement_dashboard(actor), token=True),
    "api.unknown": Rule(lambda w: "/api/v1/inconnu", lambda actor: UNAUTHORIZED if actor == ANONYMOUS else NOT_FOUND,
                        token=True),
    "comite.index": Rule(cw.comite_url, in_dossier_scope),
    "comite.add_guest": Rule(lambda w: cw.comite_url(w, "/invites/nouveau"), chef_de_projet_only),
    "comite.remove_guest": Rule(lambda w: cw.guest_url(w, "/retirer"), chef_de_projet_only, "POST"),
    "comite.new_reunion": Rule(lambda w: cw.comite_url(w, "/reunions/nouvelle"), chef_de_projet_only),
    "comite.reunion": Rule(cw.reunion_url, in_dossier_scope),
    "comite.edit_reunion": Rule(lambda w: cw.reunion_url(w, "/modifier"), chef_de_projet_only),
    "comite.cancel_reunion": Rule(lambda w: cw.reunion_url(w, "/annuler"), chef_de_projet_only),
    "comite.seance": Rule(lambda w: cw.reunion_url(w, "/seance"), chef_de_projet_only),
    "comite.correct_pv": Rule(lambda w: cw.reunion_url(w, "/proces-verbal/corriger", held=True), chef_de_projet_only),
    "comite.avis": Rule(cw.avis_url, partner_in_scope),
    "comite.partenaire": Rule(lambda w: "/partenaire", partners_page),
    "comite.decide": Rule(cw.decide_url, partner_line),
}


# Besides one decision per route: objects whose state changes the answer.
CASES: dict[str, Rule] = {
    "documents.new_version (convention signée)": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/documents/{signed_convention(w)}/versions", frozen
    ),
    "documents.new_version (convention signée, envoi)": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/documents/{signed_convention(w)}/versions", frozen, "POST"
    ),
    "conventions.modifier_contenu (convention pas en rédaction)": Rule(
        lambda w: f"/dossiers/{w.dossier.id}/conventions/adhesion/contenu/modifier",
        lambda actor: porteurs_only(actor).replace(OK, FORBIDDEN),
    ),
    "api.dossier (cookie de session, sans jeton)": Rule(
        lambda w: f"/api/v1/dossiers/{w.dossier.id}", lambda actor: UNAUTHORIZED
    ),
    "api.dossiers (jeton révoqué)": Rule(lambda w: "/api/v1/dossiers", lambda actor: UNAUTHORIZED, token=True),
    "api_tokens.revoke (envoi)": Rule(
        lambda w: f"/mon-compte/jetons/{token_of_the_commune(w)}/revoquer", own_token, "POST"
    ),
}


def revoke_tokens_of(user) -> None:
    from app.api import tokens
    from app.core.db import db

    for token in tokens.tokens_of(user):
        tokens.revoke(token)
    db.session.commit()


def test_every_route_has_a_decision(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - RULES.keys())
    stale = sorted(RULES.keys() - endpoints)
    assert not missing, f"Routes sans décision dans la matrice d'autorisation : {missing}"
    assert not stale, f"Décisions pour des routes qui n'existent plus : {stale}"


def answer(response) -> str:
    if response.status_code == 302 and "/connexion?next=" in response.location:
        return LOGIN  # the login wall (a logout also lands on /connexion, without `next`)
    if response.status_code in (400, 401, 403, 404):
        return str(response.status_code)
    if response.status_code in (200, 302, 303):
        return OK
    return f"statut {response.status_code}"


@pytest.mark.parametrize("endpoint", sorted(RULES) + sorted(CASES))
def test_route_answers_each_actor_as_decided(endpoint, app, client):
    world = build_world()
    rule = RULES.get(endpoint) or CASES[endpoint]
    url = rule.url(world)
    observed, expected = {}, {}
    revoked = "révoqué" in endpoint
    for actor in ACTORS:
        headers = {}
        with client.session_transaction() as session:
            session.clear()
            if actor != ANONYMOUS and not rule.token:
                session.update(session_data(factories.user_session(world.users[actor])))
        if rule.token:
            headers = api_headers(world, actor)
            if revoked and actor != ANONYMOUS:
                revoke_tokens_of(world.users[actor])
        response = client.open(url, method=rule.method, data=rule.data or {}, headers=headers)
        observed[actor] = answer(response)
        response.close()  # a streamed export holds its request context until closed, as a server does
        expected[actor] = rule.expect(actor)
    mismatches = {a: (expected[a], observed[a]) for a in ACTORS if expected[a] != observed[a]}
    assert not mismatches, f"{rule.method} {url} : attendu/obtenu {mismatches}"
