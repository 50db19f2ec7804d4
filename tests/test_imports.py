"""The packages of app/ depend on one another without a cycle.

Every import of every module counts, those inside functions too: a lazy import that hides
a cycle is still a cycle. A package is app/<name>/; the modules beside create_app
(app/models.py, app/navigation.py…) are nodes of their own.
"""
import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"


def node_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            # `from app import models` imports the module app.models
            names.update(f"{node.module}.{alias.name}" for alias in node.names
                         if (APP.parent / node.module.replace(".", "/") / alias.name).exists()
                         or (APP.parent / f"{node.module.replace('.', '/')}/{alias.name}.py").exists())
    return {name for name in names if name == "app" or name.startswith("app.")}


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in APP.rglob("*.py"):
        source = node_of(module_name(path))
        for target in map(node_of, imported(path)):
            if target not in (source, "app"):
                graph.setdefault(source, set()).add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting, done = [], set()

    def visit(node):
        if node in visiting:
            return visiting[visiting.index(node):] + [node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_function_level_imports_count(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from app.dossiers import views\n")
    assert "app.dossiers" in imported(module)


def test_no_import_cycle_between_the_packages_of_app():
    cycle = find_cycle(package_graph())
    assert cycle is None, "Cycle d'imports entre paquets : " + " → ".join(cycle)


@pytest.mark.parametrize("lower", ["app.core", "app.workflows", "app.documents", "app.referentiel"])
def test_lower_layers_import_no_feature_above_them(lower):
    above = {"app.dossiers", "app.avenants", "app.conventions", "app.instruction", "app.pvd",
             "app.demo", "app.admin", "app.historique", "app.territoires"}
    assert not package_graph().get(lower, set()) & above
