"""The "Parcours" help page: each workflow's diagram, generated from its class.

The pictures come from python-statemachine's Graphviz renderer, so they can never drift
from the code; a table lists the same transitions in words for screen readers.
"""
from functools import lru_cache

from flask import Blueprint, Response, abort, render_template
from statemachine.contrib.diagram import DotGraphMachine

from app.workflows import avenant, dossier, fiche, financement

bp = Blueprint("help", __name__, url_prefix="/aide")

MACHINES = {
    "dossier": ("Le dossier, du label à la clôture", dossier.DossierWorkflow, dossier.EVENTS),
    "avenant": ("Un avenant à la convention-cadre", avenant.AvenantWorkflow, avenant.EVENTS),
    "fiche": ("Une fiche action du plan d'action", fiche.FicheWorkflow, fiche.EVENTS),
    "financement": ("Un financement d'une fiche action", financement.FinancementWorkflow, financement.EVENTS),
}


class _TopDown(DotGraphMachine):
    graph_rankdir = "TB"
    font_name = "DejaVu Sans"


@lru_cache(maxsize=None)
def diagram_svg(name: str) -> bytes:
    _, machine, _ = MACHINES[name]
    return _TopDown(machine).get_graph().create_svg()


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


@bp.route("/parcours")
def parcours():
    sections = [
        {"name": name, "title": title, "rows": transitions_table(machine, events)}
        for name, (title, machine, events) in MACHINES.items()
    ]
    return render_template("help/parcours.html", sections=sections)


@bp.route("/parcours/<name>.svg")
def diagram(name):
    if name not in MACHINES:
        abort(404)
    return Response(diagram_svg(name), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})
