"""The content form: its fields depend on the dossier (one maire per commune, the programme's
partners), so it is built for each page from the content as read (contenu.py).

Every field is optional at saving: a content is written over days. What the deposit needs is
said by the list of missing pieces, on the page and on the refused deposit.
"""
from dataclasses import dataclass

from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.conventions.contenu import SECTIONS, Contenu
from app.conventions.models import PARTENAIRE
from app.conventions.redaction import Saisie
from app.core.forms import Form

NAME_MAX, TEXT_MAX = 200, 20000
HINTS = {
    "synthese_diagnostic": "Les principales caractéristiques du territoire, ses forces, ses faiblesses et "
                           "les enjeux de sa revitalisation. Un paragraphe par ligne.",
    "strategie": "L'ambition et les orientations du projet. Les axes stratégiques et leurs indicateurs "
                 "viennent du projet de territoire, où ils se saisissent\u00a0: la convention les reprend.",
    "perimetre_ort": "Le périmètre de l'opération de revitalisation de territoire, tel que les plans "
                     "annexés le délimitent.",
}


def _name(label: str, hint: str | None = None) -> StringField:
    return StringField(label, description=hint, validators=[
        Length(max=NAME_MAX, message=f"{NAME_MAX} caractères au plus.")])


def _text(label: str, hint: str | None = None, rows: int = 6) -> TextAreaField:
    return TextAreaField(label, description=hint, render_kw={"rows": rows}, validators=[
        Length(max=TEXT_MAX, message=f"{TEXT_MAX:,} caractères au plus.".replace(",", "\u00a0"))])


@dataclass
class Groupe:
    """A fieldset of the form: a party ("signataire"), a partner, the sections."""

    famille: str  # "signataire", "partenaire", "projet"
    id: str
    legend: str
    fields: list


class ContenuForm(Form):
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])

    contenu: Contenu
    groupes: list

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for p in self.contenu.catalogue:
            ticked = self[f"p_{p.code}"]
            typed = self[f"s_{PARTENAIRE}_{p.code}_nom"].data or self[f"s_{PARTENAIRE}_{p.code}_qualite"].data
            if typed and not ticked.data:
                ticked.errors.append(f"Cochez cette case pour que {p.nom} signe la convention, "
                                     "ou effacez le nom et la qualité de son représentant.")
                valid = False
        return valid

    def saisie(self) -> Saisie:
        c = self.contenu
        saisie = Saisie(partenaires=[p.code for p in c.catalogue if self[f"p_{p.code}"].data])
        for p in c.collectivites + [c.etat] + list(_partners(c)):
            key = (p.partie, p.code)
            saisie.signataires[key] = (self[_field(p, "nom")].data, self[_field(p, "qualite")].data)
        if c.kind == "cadre":
            saisie.sections = {attr: self[attr].data for attr in SECTIONS}
            saisie.secteurs = {p.code: self[f"secteur_{p.code}"].data for p in c.communes}
        return saisie


def _field(partie, what: str) -> str:
    return f"s_{partie.partie}_{partie.code}_{what}"


def _partners(c: Contenu):
    """Every partner of the programme as a party (the chosen ones with their representative)."""
    chosen = {p.code: p for p in c.partenaires}
    for reference in c.catalogue:
        yield chosen.get(reference.code) or _Candidate(reference.code, reference.nom)


@dataclass
class _Candidate:
    code: str
    nom: str
    partie: str = PARTENAIRE
    representant: str | None = None
    qualite: str | None = None
    qualite_proposee: str = ""


WHO = {"commune": ("Nom et prénom du maire", None),
       "epci": ("Nom et prénom du président ou de la présidente", None),
       "etat": ("Nom et prénom du préfet ou de la préfète", None)}


def contenu_form(contenu: Contenu, **kwargs) -> ContenuForm:
    """The form of this content, filled with what is stored (or what the programme proposes)."""

    class F(ContenuForm):
        pass

    data = {"version": contenu.stored.version if contenu.stored else None}
    groupes = []
    for p in contenu.collectivites + [contenu.etat]:
        label, hint = WHO[p.partie]
        setattr(F, _field(p, "nom"), _name(label, hint))
        setattr(F, _field(p, "qualite"), _name("Qualité", f"Par exemple\u00a0: {p.qualite_proposee}"))
        data[_field(p, "nom")], data[_field(p, "qualite")] = p.representant, p.qualite or p.qualite_proposee
        groupes.append(Groupe("signataire", f"{p.partie}-{p.code}", p.bloc, [_field(p, "nom"), _field(p, "qualite")]))
    for p in _partners(contenu):
        setattr(F, f"p_{p.code}", BooleanField(f"{p.nom} signe la convention"))
        setattr(F, _field(p, "nom"), _name("Nom et prénom du représentant"))
        setattr(F, _field(p, "qualite"), _name("Qualité", "Par exemple\u00a0: directrice régionale"))
        data[f"p_{p.code}"] = p.code in {q.code for q in contenu.partenaires}
        data[_field(p, "nom")], data[_field(p, "qualite")] = p.representant, p.qualite
        groupes.append(Groupe("partenaire", f"partenaire-{p.code}", p.nom,
                              [f"p_{p.code}", _field(p, "nom"), _field(p, "qualite")]))
    if contenu.kind == "cadre":
        for attr, label in SECTIONS.items():
            setattr(F, attr, _text(label, HINTS[attr]))
            data[attr] = contenu.sections[attr]
        groupes.append(Groupe("projet", "sections", "Le projet de territoire", list(SECTIONS)))
        for p in contenu.communes:
            setattr(F, f"secteur_{p.code}", _text(f"Secteur d'intervention à {p.nom}",
                                                   "Le centre-ville ou le centre-bourg retenu, ses rues ou ses îlots.", 3))
            data[f"secteur_{p.code}"] = contenu.secteurs[p.code]
        groupes.append(Groupe("projet", "secteurs", "Secteurs d'intervention de l'ORT",
                              [f"secteur_{p.code}" for p in contenu.communes]))
    form = F(data=data, **kwargs)
    form.contenu = contenu
    form.groupes = [Groupe(g.famille, g.id, g.legend, [form[name] for name in g.fields]) for g in groupes]
    return form
