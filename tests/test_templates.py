"""What the templates' markup must never do, checked on their source: every page at once."""
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "app" / "templates"
HTML_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
ICON_POSITIONS = ("fr-btns-group--icon-left", "fr-btns-group--icon-right")


class IconButtons(HTMLParser):
    """Finds the `fr-btn` elements with an icon whose text DSFR hides (an icon-only button).

    Alone, a button shows its label with `fr-btn--icon-left|right`. In a `fr-btns-group`,
    the group decides: without `fr-btns-group--icon-left|right` its icon buttons are
    icon-only, whatever their own classes say. The header tools are DSFR's own markup.
    """

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.hidden_labels: list[str] = []

    def _labelled(self, classes: set[str]) -> bool:
        if any("fr-header__tools-links" in outer for _, outer in self.stack):
            return True
        for _, outer in reversed(self.stack):
            if "fr-btns-group" in outer:
                return any(position in outer for position in ICON_POSITIONS)
        return any(c.startswith("fr-btn--icon-") for c in classes)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if "fr-btn" in classes and any(c.startswith(("fr-icon-", "fr-fi-")) for c in classes):
            if not self._labelled(classes):
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
    parser.feed('<ul class="fr-btns-group"><li><a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="#">Ajouter</a></li></ul>\n'
                '<ul class="fr-btns-group fr-btns-group--icon-left"><li><a class="fr-btn fr-icon-add-line">Ok</a></li></ul>\n'
                '<a class="fr-btn fr-icon-add-line fr-btn--icon-left">Ok</a>\n'
                '<a class="fr-btn fr-icon-add-line">Icône seule</a>')
    assert [label.split(":")[0] for label in parser.hidden_labels] == ["line 1", "line 4"]
