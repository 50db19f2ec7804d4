"""Help pages: the lifecycles drawn from the machines' own code, and a guide per role.

The pictures come from python-statemachine's Graphviz renderer (app/help/diagrams.py), so
they can never drift from the code; a table lists the same transitions in words for screen
readers, and the guides say in prose what each role does, step by step.
"""
from functools import lru_cache

from flask import Blueprint, Response, abort, render_template

from app.auth.roles import Role
from app.dossiers.echeance import DELAI_MOIS
from app.help import diagrams
from app.workflows import avenant, dossier, fiche, financement

bp = Blueprint("help", __name__, url_prefix="/aide")

# name: (title, machine, its events, events said in a note rather than drawn)
MACHINES = {
    "dossier": ("Le dossier, du label à la clôture", dossier.DossierWorkflow, dossier.EVENTS,
                ("declarer_sortie", "prolonger_delai")),
    "avenant": ("Un avenant à la convention-cadre", avenant.AvenantWorkflow, avenant.EVENTS, ()),
    "fiche": ("Une fiche action du plan d'action", fiche.FicheWorkflow, fiche.EVENTS, ("abandonner",)),
    "financement": ("Un financement d'une fiche action", financement.FinancementWorkflow, financement.EVENTS, ()),
}

# slug: (title, who it is for, the roles whose actions the guide lists)
GUIDES = {
    "commune-epci": ("Guide de la commune et de l'intercommunalité",
                     "Maires, élus et agents des communes et des EPCI", {Role.COMMUNE, Role.EPCI}),
    "chef-de-projet": ("Guide du chef de projet", "Cheffes et chefs de projet Petites villes de demain",
                       {Role.CHEF_DE_PROJET}),
    "prefecture": ("Guide de la préfecture", "Préfets, sous-préfets et agents des DDT",
                   {Role.PREFECTURE}),
    "partenaire": ("Guide du partenaire",
                   "Banque des territoires, Anah, Cerema, ADEME, Régions, Départements…",
                   {Role.PARTENAIRE}),
    "anct": ("Guide de l'ANCT", "La direction nationale du programme", {Role.ANCT}),
}


@lru_cache(maxsize=None)
def diagram_svg(name: str) -> bytes:
    title, machine, events, left_out = MACHINES[name]
    return diagrams.svg(machine, title, events, left_out)


def transitions_table(machine, events) -> list[dict]:
    rows = []
    for state in machine.states:
        for transition in state.transitions:
            for event in transition.events:
                rule = events[event.id]
                rows.append({
                    "event": rule.label,
                    "source": transition.source.name,
                    "target": transition.target.name,
                    "roles": ", ".join(sorted(r.label for r in rule.roles)),
                })
    return rows


def actions_of(roles: set) -> list[dict]:
    """The actions of every machine that `roles` may take, with the steps they start from."""
    rows = []
    for title, machine, events, _ in MACHINES.values():
        for event_id, rule in events.items():
            if rule.roles & roles:
                sources = [s.name for s in machine.states for t in s.transitions
                           if event_id in {e.id for e in t.events}]
                rows.append({"machine": title, "label": rule.label, "sources": sources})
    return rows


@bp.route("")
def index():
    return render_template("help/index.html", guides=GUIDES, machines=MACHINES)


@bp.route("/parcours")
def parcours():
    sections = [
        {"name": name, "title": title, "rows": transitions_table(machine, events),
         "notes": [diagrams.note(machine, events, event_id) for event_id in left_out]}
        for name, (title, machine, events, left_out) in MACHINES.items()
    ]
    return render_template("help/parcours.html", sections=sections)


@bp.route("/parcours/<name>.svg")
def diagram(name):
    if name not in MACHINES:
        abort(404)
    return Response(diagram_svg(name), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/guides/<slug>")
def guide(slug):
    if slug not in GUIDES:
        abort(404)
    title, audience, roles = GUIDES[slug]
    return render_template(
        f"help/guide_{slug.replace('-', '_')}.html", title=title, audience=audience,
        actions=actions_of(roles), guides=GUIDES, slug=slug, delai_mois=DELAI_MOIS,
    )
