"""The dossier lifecycle: every transition, allowed and refused, for each role in and out
of scope, and every guard."""
from datetime import date, timedelta

import pytest

from app.auth.roles import Role
from app.core.errors import ConflictError, DomainError
from app.dossiers import lifecycle
from app.workflows.history import HistoryEntry
from app.dossiers.models import DossierEtat as E
from app.core.formatting import de_nom
from app.workflows.dossier import EVENTS, DossierWorkflow, requirements
from tests import factories

TODAY = date(2026, 11, 22)
PORTEUR_ROLES = [Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET]
OTHER_ROLES = [Role.PARTENAIRE, Role.ANCT, Role.ADMIN]


@pytest.fixture(autouse=True)
def later_programme_end(app, monkeypatch):
    """Adhésions signed on TODAY run 18 months past the default end of the programme: these
    tests walk the whole lifecycle, extensions included, in a programme that lasts longer."""
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2030-12-31")


@pytest.fixture
def world():
    dep = factories.departement()
    epci = factories.epci()
    communes = [factories.commune(dep, epci), factories.commune(dep, epci)]
    dossier = factories.dossier(communes)
    other_dep = factories.departement()
    other_epci = factories.epci()
    other = factories.dossier([factories.commune(other_dep, other_epci)])
    return dossier, other


def actor(role, dossier, inside=True):
    """A user holding `role` on `dossier` (inside) or on another geography (outside)."""
    if role in (Role.ANCT, Role.ADMIN):
        return factories.user_with_role(role)
    target = dossier
    commune = target.liens_communes[0].commune_insee
    scope = {
        Role.COMMUNE: {"commune_insee": commune},
        Role.EPCI: {"epci_siren": target.epci_siren},
        Role.CHEF_DE_PROJET: {"dossier_id": target.id},
        Role.PREFECTURE: {"departement_code": target.departement_code},
        Role.PARTENAIRE: {"organisation": "Anah", "departement_code": target.departement_code},
    }[role]
    return factories.user_with_role(role, **scope)


def bring_to(dossier, state: E):
    """Walk the dossier to `state` through the real service (histories stay consistent)."""
    if state == E.LABELLISE:
        return
    porteur = actor(Role.COMMUNE, dossier)
    prefet = actor(Role.PREFECTURE, dossier)
    path = {
        E.ADHESION_REDACTION: [("demarrer_adhesion", porteur, {})],
        E.ADHESION_DEPOSEE: [("deposer_adhesion", porteur, {})],
        E.ADHESION_A_COMPLETER: [("demander_complements_adhesion", prefet, {"reason": "Pièce illisible"})],
        E.ADHESION_VALIDEE: [("valider_adhesion", prefet, {})],
        E.ADHESION_SIGNEE: [("signer_adhesion", prefet, {"signature_date": TODAY})],
        E.CADRE_REDACTION: [("demarrer_cadre", porteur, {})],
        E.CADRE_DEPOSEE: [("deposer_cadre", porteur, {})],
        E.CADRE_VALIDEE: [("valider_cadre", prefet, {})],
        E.MISE_EN_OEUVRE: [("signer_cadre", prefet, {"signature_date": TODAY})],
    }
    order = [E.ADHESION_REDACTION, E.ADHESION_DEPOSEE, E.ADHESION_VALIDEE, E.ADHESION_SIGNEE,
             E.CADRE_REDACTION, E.CADRE_DEPOSEE, E.CADRE_VALIDEE, E.MISE_EN_OEUVRE]
    if state == E.ADHESION_A_COMPLETER:
        order = [E.ADHESION_REDACTION, E.ADHESION_DEPOSEE, E.ADHESION_A_COMPLETER]
    if state == E.CADRE_A_COMPLETER:
        order = order[:6]
        path[E.CADRE_A_COMPLETER] = [("demander_complements_cadre", prefet, {"reason": "Diagnostic incomplet"})]
        order.append(E.CADRE_A_COMPLETER)
    factories.ready_to_deposit(dossier, "adhesion")
    factories.document(dossier, "convention_signee", "adhesion")
    for step in order:
        if step == E.CADRE_REDACTION:
            factories.ready_to_deposit(dossier, "cadre")
            factories.document(dossier, "convention_signee", "cadre")
        for event, user, data in path[step]:
            lifecycle.fire(dossier, event, user, today=TODAY, **data)
        if step in (E.ADHESION_A_COMPLETER, E.CADRE_A_COMPLETER):  # completed as asked
            factories.document(dossier, "autre", dossier.current_step().value, titre="Pièce demandée")
        if step == state:
            break
    assert dossier.etat == state


# (event, state it fires from, roles allowed, form data)
CASES = [
    ("demarrer_adhesion", E.LABELLISE, PORTEUR_ROLES, {}),
    ("deposer_adhesion", E.ADHESION_REDACTION, PORTEUR_ROLES, {}),
    ("demander_complements_adhesion", E.ADHESION_DEPOSEE, [Role.PREFECTURE], {"reason": "Manque la délibération signée"}),
    ("redeposer_adhesion", E.ADHESION_A_COMPLETER, PORTEUR_ROLES, {"reason": "Pièce demandée jointe"}),
    ("valider_adhesion", E.ADHESION_DEPOSEE, [Role.PREFECTURE], {}),
    ("signer_adhesion", E.ADHESION_VALIDEE, [Role.PREFECTURE], {"signature_date": TODAY}),
    ("demarrer_cadre", E.ADHESION_SIGNEE, PORTEUR_ROLES, {}),
    ("deposer_cadre", E.CADRE_REDACTION, PORTEUR_ROLES, {}),
    ("demander_complements_cadre", E.CADRE_DEPOSEE, [Role.PREFECTURE], {"reason": "Plan d'action à préciser"}),
    ("redeposer_cadre", E.CADRE_A_COMPLETER, PORTEUR_ROLES, {"reason": "Diagnostic complété"}),
    ("valider_cadre", E.CADRE_DEPOSEE, [Role.PREFECTURE], {}),
    ("signer_cadre", E.CADRE_VALIDEE, [Role.PREFECTURE], {"signature_date": TODAY}),
    ("prolonger_delai", E.CADRE_REDACTION, [Role.PREFECTURE],
     {"reason": "Élections municipales", "new_deadline": TODAY + timedelta(days=900)}),
    ("declarer_sortie", E.ADHESION_SIGNEE, [Role.PREFECTURE], {"reason": "La commune se retire"}),
    ("cloturer", E.MISE_EN_OEUVRE, [Role.PREFECTURE], {}),
]
ALL_ROLES = PORTEUR_ROLES + [Role.PREFECTURE] + OTHER_ROLES


def test_every_event_has_a_case():
    assert {case[0] for case in CASES} == set(EVENTS)


@pytest.mark.parametrize("event, start, allowed, data", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_event_for_each_role_in_scope(world, event, start, allowed, data, role):
    dossier, _ = world
    bring_to(dossier, start)
    user = actor(role, dossier)
    entries_before = HistoryEntry.query.filter_by(dossier_id=dossier.id).count()
    if role in allowed:
        entry = lifecycle.fire(dossier, event, user, today=TODAY, **data)
        assert entry.event == event and entry.user_id == user.id and entry.role == role.value
        assert entry.from_state == start.value and entry.to_state == dossier.etat.value
    else:
        with pytest.raises(DomainError, match="est réservé aux rôles suivants"):
            lifecycle.fire(dossier, event, user, today=TODAY, **data)
        assert dossier.etat == start
        assert HistoryEntry.query.filter_by(dossier_id=dossier.id).count() == entries_before


@pytest.mark.parametrize("event, start, allowed, data", CASES, ids=[c[0] for c in CASES])
def test_event_refused_out_of_scope(world, event, start, allowed, data):
    dossier, other = world
    bring_to(dossier, start)
    for role in allowed:
        outsider = actor(role, other)  # same role, another dossier's scope
        with pytest.raises(DomainError, match="est réservé"):
            lifecycle.fire(dossier, event, outsider, today=TODAY, **data)
    assert dossier.etat == start


@pytest.mark.parametrize("event, start, allowed, data", CASES, ids=[c[0] for c in CASES])
def test_event_refused_in_a_state_that_does_not_allow_it(world, event, start, allowed, data):
    dossier, _ = world
    wrong = E.LABELLISE if start != E.LABELLISE else E.ADHESION_DEPOSEE
    bring_to(dossier, wrong)
    if event == "declarer_sortie":  # possible from every open state: only a closed one refuses
        bring_to(dossier, E.MISE_EN_OEUVRE)
        lifecycle.fire(dossier, "cloturer", actor(Role.PREFECTURE, dossier), today=TODAY)
        wrong = E.CLOTURE
    with pytest.raises(DomainError, match="n'est pas possible quand le dossier est"):
        lifecycle.fire(dossier, event, actor(allowed[0], dossier), today=TODAY, **data)
    assert dossier.etat == wrong


def test_submitting_the_adhesion_needs_a_deliberation_of_each_collectivite(world):
    dossier, _ = world
    porteur = actor(Role.EPCI, dossier)
    factories.contenu(dossier, "adhesion")
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    codes = dossier.signataires()
    names = dossier.collectivite_names()
    factories.document(dossier, "deliberation", "adhesion", codes[0],
                       deliberation_date=TODAY, deliberation_numero="1")
    with pytest.raises(DomainError, match="Avant de déposer, il manque") as refused:
        lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    # Named, never by their code: the commune missing, not the one present.
    assert f"Délibération de {names[codes[1]]}" in str(refused.value)
    assert names[codes[0]] not in str(refused.value) and codes[1] not in str(refused.value)
    for code in codes[1:]:
        factories.document(dossier, "deliberation", "adhesion", code,
                           deliberation_date=TODAY, deliberation_numero="2")
    lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    assert dossier.etat == E.ADHESION_DEPOSEE and dossier.adhesion_deposee_le == TODAY


def test_submitting_the_cadre_needs_diagnostic_draft_deliberations_content_and_projet(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_SIGNEE)
    porteur = actor(Role.CHEF_DE_PROJET, dossier)
    lifecycle.fire(dossier, "demarrer_cadre", porteur, today=TODAY)
    with pytest.raises(DomainError, match="Diagnostic du territoire.*Projet de convention-cadre.*Délibération"):
        lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    factories.document(dossier, "diagnostic", "cadre")
    with pytest.raises(DomainError, match="il manque\u00a0: Projet de convention-cadre"):
        lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    factories.document(dossier, "projet_convention", "cadre")
    with pytest.raises(DomainError, match="il manque\u00a0: Délibération"):
        lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    factories.deliberations(dossier, "cadre")
    with pytest.raises(DomainError, match="Le contenu de la convention n'est pas complet"):
        lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    factories.contenu(dossier, "cadre")
    with pytest.raises(DomainError, match="Le projet de territoire que la convention formalise n'est pas prêt"):
        lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    factories.projet_ready(dossier)
    lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    assert dossier.etat == E.CADRE_DEPOSEE


def test_the_checklist_is_the_list_the_guard_checks(world):
    dossier, _ = world
    porteur = actor(Role.COMMUNE, dossier)
    factories.contenu(dossier, "adhesion")  # complete: the list is the documents'
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    named = dossier.signataires_nommes()  # two communes by name, then their EPCI
    assert [code for code, _ in named][-1] == dossier.epci_siren
    factories.document(dossier, "deliberation", "adhesion", named[0][0],
                       deliberation_date=TODAY, deliberation_numero="1")
    items = requirements("deposer_adhesion", lifecycle.facts_of(dossier, today=TODAY))
    assert [(i.label, i.done, i.document) for i in items] == [
        (f"Délibération {de_nom(nom)}", code == named[0][0], ("deliberation", code)) for code, nom in named
    ]
    with pytest.raises(DomainError) as refused:
        lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    assert str(refused.value) == f"Avant de déposer, il manque\u00a0: {items[1].label}\u00a0; {items[2].label}."


def test_a_redeposit_says_what_changed_and_brings_a_new_document(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_DEPOSEE)
    porteur, prefet = actor(Role.COMMUNE, dossier), actor(Role.PREFECTURE, dossier)
    asked = lifecycle.fire(dossier, "demander_complements_adhesion", prefet, today=TODAY, reason="Illisible")
    choices = {c.event: c for c in lifecycle.available_actions(dossier, porteur, today=TODAY)}
    assert "depuis la demande de compléments" in choices["redeposer_adhesion"].refused
    with pytest.raises(DomainError, match="Au moins un document ajouté ou remplacé depuis la demande"):
        lifecycle.fire(dossier, "redeposer_adhesion", porteur, today=TODAY, reason="Rien de neuf")
    # A document uploaded before the request does not count, nor a file Jalons generated since.
    factories.document(dossier, "etude", "adhesion", uploaded_at=asked.at - timedelta(seconds=1))
    generated = factories.document(dossier, "projet_convention", "adhesion")
    generated.versions[0].generated = True
    with pytest.raises(DomainError, match="Au moins un document"):
        lifecycle.fire(dossier, "redeposer_adhesion", porteur, today=TODAY, reason="Rien de neuf")
    factories.document(dossier, "deliberation", "adhesion", dossier.signataires()[0], titre="Datée",
                       deliberation_date=TODAY, deliberation_numero="3")
    with pytest.raises(DomainError, match="Indiquez ce qui a changé"):
        lifecycle.fire(dossier, "redeposer_adhesion", porteur, today=TODAY, reason=" ")
    entry = lifecycle.fire(dossier, "redeposer_adhesion", porteur, today=TODAY, reason="Délibération datée")
    assert dossier.etat == E.ADHESION_DEPOSEE and entry.reason == "Délibération datée"


@pytest.mark.parametrize("event", ["demander_complements_adhesion"])
def test_asking_for_completion_needs_a_reason(world, event):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_DEPOSEE)
    with pytest.raises(DomainError, match="Indiquez un motif"):
        lifecycle.fire(dossier, event, actor(Role.PREFECTURE, dossier), today=TODAY, reason="  ")


def test_signature_needs_a_past_date_after_submission_and_the_signed_pdf(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_VALIDEE)
    prefet = actor(Role.PREFECTURE, dossier)
    with pytest.raises(DomainError, match="Indiquez la date de signature"):
        lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY)
    with pytest.raises(DomainError, match="dans le futur"):
        lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY,
                         signature_date=TODAY + timedelta(days=1))
    with pytest.raises(DomainError, match="ne peut pas précéder le dépôt"):
        lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY,
                         signature_date=TODAY - timedelta(days=1))
    lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY, signature_date=TODAY)
    assert dossier.adhesion_signee_le == TODAY
    assert dossier.echeance_cadre == date(2028, 5, 22)


def test_signature_without_the_signed_convention_is_refused(world):
    dossier, _ = world
    porteur, prefet = actor(Role.COMMUNE, dossier), actor(Role.PREFECTURE, dossier)
    factories.ready_to_deposit(dossier)
    for event in ("demarrer_adhesion", "deposer_adhesion"):
        lifecycle.fire(dossier, event, porteur, today=TODAY)
    lifecycle.fire(dossier, "valider_adhesion", prefet, today=TODAY)
    with pytest.raises(DomainError, match="Joignez la convention signée"):
        lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY, signature_date=TODAY)


def test_extension_needs_a_later_date_and_a_reason(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_SIGNEE)
    prefet = actor(Role.PREFECTURE, dossier)
    with pytest.raises(DomainError, match="motif de la prolongation"):
        lifecycle.fire(dossier, "prolonger_delai", prefet, today=TODAY, new_deadline=date(2030, 1, 1))
    with pytest.raises(DomainError, match="postérieure à l'échéance actuelle"):
        lifecycle.fire(dossier, "prolonger_delai", prefet, today=TODAY, reason="Fusion",
                         new_deadline=dossier.echeance_cadre)
    previous = dossier.echeance_cadre
    entry = lifecycle.fire(dossier, "prolonger_delai", prefet, today=TODAY, reason="Fusion de communes",
                           new_deadline=date(2029, 1, 31))
    assert dossier.etat == E.ADHESION_SIGNEE
    assert dossier.echeance_cadre == date(2029, 1, 31)
    assert entry.effective_on == date(2029, 1, 31)
    assert entry.payload_dict["ancienne_echeance"] == str(previous)


def test_completion_cycle_can_repeat(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_A_COMPLETER)
    porteur, prefet = actor(Role.COMMUNE, dossier), actor(Role.PREFECTURE, dossier)
    for n in range(2):
        lifecycle.fire(dossier, "redeposer_adhesion", porteur, today=TODAY, reason="Complété")
        lifecycle.fire(dossier, "demander_complements_adhesion", prefet, today=TODAY, reason="Encore")
        factories.document(dossier, "autre", "adhesion", titre=f"Pièce {n}")
    assert dossier.etat == E.ADHESION_A_COMPLETER


def test_final_states_allow_nothing(world):
    dossier, _ = world
    bring_to(dossier, E.ADHESION_DEPOSEE)
    lifecycle.fire(dossier, "declarer_sortie", actor(Role.PREFECTURE, dossier), today=TODAY,
                     reason="Retrait")
    machine = DossierWorkflow(model=dossier, state_field="etat")
    assert machine.allowed_events == []


def test_a_stale_version_is_a_conflict(world):
    dossier, _ = world
    prefet = actor(Role.PREFECTURE, dossier)
    bring_to(dossier, E.ADHESION_DEPOSEE)
    seen = dossier.version
    lifecycle.fire(dossier, "valider_adhesion", prefet, today=TODAY, expected_version=seen)
    with pytest.raises(ConflictError, match="modifié entre-temps"):
        lifecycle.fire(dossier, "declarer_sortie", prefet, today=TODAY, reason="x", expected_version=seen)


def test_available_actions_say_why_an_action_is_refused(world):
    dossier, _ = world
    porteur = actor(Role.COMMUNE, dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    choices = {c.event: c for c in lifecycle.available_actions(dossier, porteur, today=TODAY)}
    assert set(choices) == {"deposer_adhesion"}  # the sortie is the préfecture's
    assert "Avant de déposer, il manque\u00a0: Délibération" in choices["deposer_adhesion"].refused
    assert choices["deposer_adhesion"].confirm  # a deposit commits: through the confirmation page
    prefet_choices = lifecycle.available_actions(dossier, actor(Role.PREFECTURE, dossier), today=TODAY)
    assert [(c.event, c.refused, c.irreversible) for c in prefet_choices] == [("declarer_sortie", None, True)]
    assert lifecycle.available_actions(dossier, actor(Role.ANCT, dossier), today=TODAY) == []
