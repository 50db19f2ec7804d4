"""French typography in what users read: a non-breaking space (U+00A0, or the narrow U+202F)
before « : ; ! ? » and inside « », never a plain space that would let the sign start a line.

Scanned: the text, the readable attributes and the Jinja string literals of every template,
and the string literals of app/ (docstrings aside). Pragmatic, not a parser of French: a sign
counts when a plain space comes right after a word and the sign ends a word too (so that
"a ?b" in a regular expression or ":" in a URL stay out of it).
"""
import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
TEMPLATES = sorted(p for p in (APP / "templates").rglob("*") if p.suffix in {".html", ".txt"})
# Modules whose messages are printed in a terminal by `flask …` commands (and read, grepped
# there by operators): plain spaces stay, as in the rest of their output.
CONSOLE_MODULES = {"config.py", "core/commands.py", "demo/commands.py", "demo/services.py",
                   "historique/audit.py", "historique/verify.py", "pvd/commands.py",
                   "pvd/importer.py", "referentiel/commands.py", "referentiel/importer.py",
                   "referentiel/source.py", "referentiel/upsert.py"}
MODULES = sorted(p for p in APP.rglob("*.py") if str(p.relative_to(APP)) not in CONSOLE_MODULES)

# A plain space between a word and one of the signs, the sign ending there; or after «.
BAD = re.compile(r"(?<=[^\s>]) (?=[:;!?»](?:[\s<'\")\],.\x01]|$))|«(?= )")
JINJA_COMMENT = re.compile(r"{#.*?#}", re.S)
JINJA_BLOCK = re.compile(r"{{.*?}}|{%.*?%}", re.S)
JINJA_STRING = re.compile(r"\"([^\"\\]*(?:\\.[^\"\\]*)*)\"|'([^'\\]*(?:\\.[^'\\]*)*)'")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
READABLE_ATTRIBUTE = re.compile(r"\b(?:title|alt|aria-label|placeholder)=\"([^\"]*)\"")


def faults(text: str) -> list[str]:
    """The places in `text` where a plain space breaks the typography, with some context."""
    return [text[max(0, m.start() - 30):m.end() + 10].replace("\n", " ") for m in BAD.finditer(text)]


def template_texts(source: str) -> list[str]:
    """What a template shows: its text, readable attributes, and the strings of its Jinja code."""
    source = JINJA_COMMENT.sub("", source)
    texts = []
    for block in JINJA_BLOCK.findall(source):
        # A literal is often glued to a value ("Versions de « " ~ titre ~ " »"): read it as
        # following a word.
        texts += ["\x00" + (double or single) for double, single in JINJA_STRING.findall(block)]
    markup = SCRIPT_OR_STYLE.sub("", JINJA_BLOCK.sub("\x00", source))
    texts += READABLE_ATTRIBUTE.findall(markup)
    # A tag is no space: "<strong>Anah</strong> : aides" reads "Anah : aides".
    texts.append(TAG.sub("\x01", markup))
    return texts


def docstring_lines(tree) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


# Terminal and log output elsewhere too.
CONSOLE_CALLS = {"echo", "secho", "print", "progress"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def console_lines(tree) -> set[int]:
    """The lines of calls that print to a terminal or write a log line."""
    lines = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        logger = isinstance(owner, (ast.Name, ast.Attribute)) and "log" in (
            getattr(owner, "id", "") or getattr(owner, "attr", ""))
        if name in CONSOLE_CALLS or (name in LOG_METHODS and logger):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def python_strings(source: str) -> list[tuple[int, str]]:
    """(line, literal) for every string literal of a module that users may read: docstrings,
    terminal and log output aside."""
    tree = ast.parse(source)
    skip = docstring_lines(tree) | console_lines(tree)
    strings = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or token.start[0] in skip:
            continue
        prefix = token.string[:len(token.string) - len(token.string.lstrip("bBrRfFuU"))].lower()
        if "b" in prefix:
            continue  # bytes are not shown to anyone
        # An f-string's text is its source (escapes included); the others are evaluated.
        strings.append((token.start[0], token.string if "f" in prefix else ast.literal_eval(token.string)))
    return strings


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(APP)))
def test_templates_use_non_breaking_spaces(path):
    found = [fault for text in template_texts(path.read_text(encoding="utf-8")) for fault in faults(text)]
    assert not found, "Espace simple devant « : ; ! ? » ou après « (mettre U+00A0) :\n" + "\n".join(found)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_python_messages_use_non_breaking_spaces(path):
    found = [f"ligne {line} : {fault}" for line, text in python_strings(path.read_text(encoding="utf-8"))
             for fault in faults(text)]
    assert not found, "Espace simple devant « : ; ! ? » ou après « (écrire \\u00a0) :\n" + "\n".join(found)


@pytest.mark.parametrize(("text", "count"), [
    ("Mot de passe oublié ?", 1),
    ("Adresse électronique : x", 1),
    ("le rôle « Commune »", 2),
    ("Mot de passe oublié\u00a0?", 0),
    ("le rôle «\u00a0Commune\u202f»", 0),
    ("https://exemple.fr:8000/a?b=1", 0),
    ("(?:\\d{5}) ?x", 0),
    ("a ? b", 1),
    ("<span> :</span>", 0),
])
def test_the_checker(text, count):
    assert len(faults(text)) == count


def test_the_checker_reads_templates_and_modules():
    texts = template_texts('<p title="Aide : ici">{{ "Voir « ceci »"|e }} Connexion ?</p>'
                           '<script>var a = b ? c : d;</script>{# Note : rien #}'
                           '<li><strong>Anah</strong> : aides</li><p>« {{ nom }} »</p>'
                           '{{ t("De « " ~ x ~ " »") }}')
    assert sum(len(faults(t)) for t in texts) == 9
    strings = python_strings('"""Doc : ignorée."""\nx = f"Le compte : {y}"\nz = "a:b"\n'
                             'click.echo(f"Erreur : {x}")\nlog.error("Absent : %s", k)\n')
    assert [line for line, text in strings if faults(text)] == [2]
