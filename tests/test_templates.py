"""What the templates' markup must never do, checked on their source: every page at once."""
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "app" / "templates"
HTML_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Containers in which DSFR shows the label of an icon button (the header tools copy DSFR's
# own markup; a group with --icon-left/right gives the position to its buttons).
LABELLING_CONTAINERS = ("fr-header__tools-links", "fr-btns-group--icon-left",
                        "fr-btns-group--icon-right")


class IconButtons(HTMLParser):
    """Finds `fr-btn` elements with an icon and no icon position: DSFR hides their text."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.hidden_labels: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if "fr-btn" in classes and any(c.startswith(("fr-icon-", "fr-fi-")) for c in classes):
            positioned = any(c.startswith("fr-btn--icon-") for c in classes)
            labelled = any(name in outer for _, outer in self.stack for name in LABELLING_CONTAINERS)
            if not positioned and not labelled:
                self.hidden_labels.append(f"line {self.getpos()[0]}: <{tag} class=\"{' '.join(sorted(classes))}\">")
        if tag not in VOID:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return


@pytest.mark.parametrize("path", HTML_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_button_hides_its_label_behind_an_icon(path):
    parser = IconButtons()
    parser.feed(path.read_text(encoding="utf-8"))
    assert not parser.hidden_labels, (
        "Bouton DSFR à icône sans fr-btn--icon-left/right : son libellé est masqué.\n"
        + "\n".join(parser.hidden_labels)
    )


def test_the_checker_finds_an_icon_only_button():
    parser = IconButtons()
    parser.feed('<ul class="fr-btns-group"><li><a class="fr-btn fr-icon-add-line" href="#">Ajouter</a></li></ul>'
                '<ul class="fr-btns-group fr-btns-group--icon-left"><li><a class="fr-btn fr-icon-add-line">Ok</a></li></ul>'
                '<a class="fr-btn fr-icon-add-line fr-btn--icon-left">Ok</a>')
    assert len(parser.hidden_labels) == 1 and "line 1" in parser.hidden_labels[0]
