"""The lifecycle diagrams of the help page, drawn from the machines' own classes.

python-statemachine extracts the states and transitions; before Graphviz draws them, the
events that can happen at (nearly) every step are taken out of the picture and said once in
a note instead: eleven "Déclarer la sortie" arrows hide the path they cross.
"""
from dataclasses import dataclass

from statemachine.contrib.diagram.extract import extract
from statemachine.contrib.diagram.renderers.dot import DotRenderer, DotRendererConfig

# Large enough to read at 1280 px without zooming: the page shows the picture at its size.
CONFIG = DotRendererConfig(
    graph_rankdir="TB",
    font_name="DejaVu Sans",
    state_font_size="15",
    transition_font_size="13",
    graph_attrs={"nodesep": "0.6", "ranksep": "0.5", "pad": "0.2"},
)


@dataclass(frozen=True)
class Note:
    event: str
    text: str


def _transitions_of(machine, event_id: str) -> list:
    return [t for state in machine.states for t in state.transitions
            if event_id in {event.id for event in t.events}]


def _names(states) -> str:
    """« A », « B » et « C »"""
    names = [f"«\u00a0{state.name}\u00a0»" for state in states]
    return " et ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def note(machine, events: dict, event_id: str) -> Note:
    """What the diagram leaves out, in a sentence: who, from which steps, to what."""
    rule = events[event_id]
    transitions = _transitions_of(machine, event_id)
    sources = [t.source for t in transitions]
    open_states = [state for state in machine.states if not state.final]
    if set(sources) == set(open_states):
        finals = [state for state in machine.states if state.final]
        where = f"depuis toutes les étapes sauf {_names(finals)}"
    else:
        where = f"depuis les étapes {_names(sources)}"
    targets = {t.target for t in transitions}
    if all(t.target == t.source for t in transitions):
        outcome = "le dossier reste à la même étape"
    else:
        outcome = f"le dossier passe à {_names(targets)}"
    roles = ", ".join(sorted(role.label for role in rule.roles))
    reason = ", avec un motif conservé dans l'historique" if "reason" in rule.fields else ""
    return Note(event_id, f"«\u00a0{rule.label}\u00a0» ({roles})\u00a0: possible {where}{reason}\u00a0; "
                          f"{outcome}. Ces flèches ne sont pas dessinées.")


def graph(machine, title: str, events: dict, left_out: tuple = ()):
    """The pydot graph of `machine` without the `left_out` events (and the states only they reach)."""
    diagram = extract(machine)
    hidden = {str(events[event_id].label) for event_id in left_out}
    diagram.transitions = [t for t in diagram.transitions if t.event not in hidden]
    linked = {t.source for t in diagram.transitions} | {s for t in diagram.transitions for s in t.targets}
    diagram.states = [s for s in diagram.states if s.id in linked or s.is_initial]
    diagram.name = title
    return DotRenderer(config=CONFIG).render(diagram)


def svg(machine, title: str, events: dict, left_out: tuple = ()) -> bytes:
    return graph(machine, title, events, left_out).create_svg()
