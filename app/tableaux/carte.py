"""The map of départements, drawn on the server from data/departements.geojson (ANCT, Licence
Ouverte 2.0: data/LICENCE.md), coloured by an indicator of the figures.

The outlines are projected once per process (a plain equirectangular projection corrected by
the cosine of the latitude, good enough at the scale of a département) and lightened (points
closer than half a pixel dropped); the path strings are cached. The metropole fills the top of
the canvas, the five DROM sit in insets below it, each at its own scale ("pas à l'échelle").
A level's map shows its own départements only (viewBox fitted to them): a préfecture is not
shown its neighbours' figures.
"""
import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache

from app.core.formatting import number_fr

GEOJSON = os.path.join(os.path.dirname(__file__), "data", "departements.geojson")
SOURCE = "Contours des départements\u00a0: ANCT, Licence Ouverte 2.0."

WIDTH, HEIGHT = 540, 620
METRO_BOX = (10, 10, 530, 500)  # x0, y0, x1, y1
DROM = ("971", "972", "973", "974", "976")
INSET = 92  # side of each DROM inset
INSET_Y = 515

INDICATEURS = {
    "pct_cadre": "Part des communes ayant signé leur convention-cadre",
    "pct_adhesion": "Part des communes ayant signé leur convention d'adhésion",
    "pct_ort": "Part des communes engagées dans une ORT",
    "pct_chef": "Part des communes couvertes par un chef de projet",
    "dossiers_retard": "Dossiers en retard sur la règle des 18 mois",
}
PERCENT_BINS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 100.01))
COUNT_BINS = ((0, 1), (1, 2), (2, 4), (4, 7), (7, math.inf))
COLOURS = ("#e3e9fb", "#aec0f0", "#6e8fde", "#3a5bb0", "#1b2a66")
NO_DATA = "#f2f2f2"


@dataclass(frozen=True)
class Shape:
    code: str
    nom: str
    path: str
    bbox: tuple[float, float, float, float]


def _project_rings(polygons, lat0):
    k = math.cos(math.radians(lat0))
    return [[[(lon * k, -lat) for lon, lat in ring] for ring in polygon] for polygon in polygons]


def _bbox(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _fit(box, target):
    """scale and offsets placing `box` (x0, y0, x1, y1) centred in `target`."""
    x0, y0, x1, y1 = box
    tx0, ty0, tx1, ty1 = target
    scale = min((tx1 - tx0) / (x1 - x0), (ty1 - ty0) / (y1 - y0))
    ox = tx0 + ((tx1 - tx0) - (x1 - x0) * scale) / 2 - x0 * scale
    oy = ty0 + ((ty1 - ty0) - (y1 - y0) * scale) / 2 - y0 * scale
    return scale, ox, oy


def _path(polygons, scale, ox, oy):
    parts, points = [], []
    for polygon in polygons:
        for ring in polygon:
            kept = []
            for x, y in ring:
                px, py = round(x * scale + ox, 1), round(y * scale + oy, 1)
                if kept and abs(px - kept[-1][0]) < 0.5 and abs(py - kept[-1][1]) < 0.5:
                    continue
                kept.append((px, py))
            if len(kept) < 3:
                continue
            points += kept
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z")
    return "".join(parts), _bbox(points)


@lru_cache(maxsize=1)
def shapes() -> dict[str, Shape]:
    with open(GEOJSON, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    projected = {}
    for feature in features:
        props = feature["properties"]
        polygons = feature["geometry"]["coordinates"]
        lats = [lat for polygon in polygons for ring in polygon for _, lat in ring]
        lat0 = 46.5 if props["insee_dep"] not in DROM else sum(lats) / len(lats)
        projected[props["insee_dep"]] = (props["lib_dep"], _project_rings(polygons, lat0))
    metro = [pt for code, (_, polys) in projected.items() if code not in DROM
             for polygon in polys for ring in polygon for pt in ring]
    metro_fit = _fit(_bbox(metro), METRO_BOX)
    result = {}
    for code, (nom, polys) in projected.items():
        if code in DROM:
            i = DROM.index(code)
            x0 = 10 + i * (INSET + 12)
            box = (x0 + 4, INSET_Y + 4, x0 + INSET - 4, INSET_Y + INSET - 4)
            fit = _fit(_bbox([pt for polygon in polys for ring in polygon for pt in ring]), box)
        else:
            fit = metro_fit
        path, bbox = _path(polys, *fit)
        result[code] = Shape(code, nom, path, bbox)
    return result


def insets() -> list[tuple[float, float, float, str]]:
    """The frames of the DROM insets: x, y, side, code."""
    return [(10 + i * (INSET + 12), INSET_Y, INSET, code) for i, code in enumerate(DROM)]


def bins_of(indicateur: str):
    return PERCENT_BINS if indicateur.startswith("pct_") else COUNT_BINS


def legend(indicateur: str) -> list[tuple[str, str]]:
    """(colour, label) of each class, then the colour of "no commune"."""
    entries = []
    for (low, high), colour in zip(bins_of(indicateur), COLOURS):
        if indicateur.startswith("pct_"):
            label = f"de {low}\u00a0% à moins de {high}\u00a0%" if high <= 100 else f"de {low}\u00a0% à 100\u00a0%"
        elif high == math.inf:
            label = f"{low} ou plus"
        elif high - low == 1:
            label = str(low)
        else:
            label = f"de {low} à {high - 1}"
        entries.append((colour, label))
    entries.append((NO_DATA, "Aucune commune PVD"))
    return entries


def colour(indicateur: str, value) -> str:
    if value is None:
        return NO_DATA
    for (low, high), fill in zip(bins_of(indicateur), COLOURS):
        if low <= value < high:
            return fill
    return COLOURS[-1]


def formatted(indicateur: str, value) -> str:
    if value is None:
        return "—"
    return f"{number_fr(value)}\u00a0%" if indicateur.startswith("pct_") else number_fr(value)


@dataclass
class Carte:
    indicateur: str
    titre: str
    view_box: str
    regions: list  # (Shape, fill, value text) of the level's départements
    show_insets: bool
    legende: list

    @property
    def description(self) -> str:
        return (f"Carte des départements\u00a0: {self.titre.lower()}. Les valeurs de chaque département "
                "sont dans le tableau qui suit la carte.")


def carte(lines, indicateur: str, national: bool) -> Carte:
    """The map of the départements in `lines` (figures.Ligne), coloured by `indicateur`."""
    if indicateur not in INDICATEURS:
        indicateur = "pct_cadre"
    all_shapes = shapes()
    drawn = []
    for line in lines:
        shape = all_shapes.get(line.code)
        if shape is None:  # a département without outline (none in the reference data today)
            continue
        value = getattr(line, indicateur) if line.communes else None
        drawn.append((shape, colour(indicateur, value), f"{shape.nom} ({shape.code})\u00a0: {formatted(indicateur, value)}"))
    if national or not drawn:
        view_box = f"0 0 {WIDTH} {HEIGHT}"
    else:
        x0 = min(s.bbox[0] for s, _, _ in drawn) - 8
        y0 = min(s.bbox[1] for s, _, _ in drawn) - 8
        x1 = max(s.bbox[2] for s, _, _ in drawn) + 8
        y1 = max(s.bbox[3] for s, _, _ in drawn) + 8
        view_box = f"{x0:g} {y0:g} {x1 - x0:g} {y1 - y0:g}"
    return Carte(indicateur, INDICATEURS[indicateur], view_box, drawn, national, legend(indicateur))
