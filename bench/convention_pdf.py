"""Time the PDF of both conventions for the largest dossier (7 communes, like pvd-75-17-4).

    .venv/bin/python bench/convention_pdf.py [--runs 7]
        builds the Jonzac group (CC de la Haute-Saintonge) in a temporary SQLite database;
    DATABASE_URL=postgresql://… .venv/bin/python bench/convention_pdf.py [--reference pvd-75-17-4]
        uses that database (the demo one): the given dossier, or the one with the most communes.

Prints, for each kind, the first (cold) render and the min / median of the next runs, in wall
time and in CPU time of this process (CPU time is what the PDF costs when the machine is busy).
Target: the convention-cadre of the largest dossier in under 2 s.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.conventions.pdf import render_convention  # noqa: E402
from app.core.db import db  # noqa: E402
from app.dossiers.models import Dossier, DossierCommune  # noqa: E402
from app.referentiel.models import Commune, Departement, Epci, Region  # noqa: E402

JONZAC_GROUP = [  # pvd-communes-2021.csv, id_pvd pvd-75-17-4
    ("17197", "Jonzac", 3432), ("17236", "Mirambeau", 1492), ("17240", "Montendre", 3242),
    ("17241", "Montguyon", 1576), ("17283", "Pons", 4182), ("17309", "Saint-Aigulin", 1911),
    ("17331", "Saint-Genis-de-Saintonge", 1244),
]
TARGET_SECONDS = 2.0


def build_jonzac_group() -> Dossier:
    db.session.add(Region(code="75", nom="Nouvelle-Aquitaine"))
    db.session.add(Departement(code="17", nom="Charente-Maritime", region_code="75"))
    db.session.add(Epci(siren="200041523", nom="CC de la Haute-Saintonge", type="CC", population=69000))
    for insee, nom, population in JONZAC_GROUP:
        db.session.add(Commune(insee=insee, nom=nom, population=population,
                               departement_code="17", epci_siren="200041523"))
    dossier = Dossier(reference="pvd-75-17-4", nom=", ".join(n for _, n, _ in JONZAC_GROUP),
                      departement_code="17", epci_siren="200041523",
                      adhesion_signee_le=date(2021, 7, 5), echeance_cadre=date(2023, 1, 5))
    dossier.liens_communes = [DossierCommune(commune_insee=insee) for insee, _, _ in JONZAC_GROUP]
    db.session.add(dossier)
    db.session.commit()
    return dossier


def largest_dossier(reference: str | None) -> Dossier:
    if reference:
        return db.session.scalar(select(Dossier).where(Dossier.reference == reference))
    dossier_id = db.session.scalar(
        select(DossierCommune.dossier_id).group_by(DossierCommune.dossier_id)
        .order_by(func.count().desc(), DossierCommune.dossier_id).limit(1)
    )
    return db.session.get(Dossier, dossier_id) if dossier_id is not None else None


def measure(dossier: Dossier, kind: str, runs: int) -> dict:
    timings = []
    for _ in range(runs + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_convention(dossier, kind)
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    walls, cpus = [t[0] for t in timings[1:]], [t[1] for t in timings[1:]]
    return {"kind": kind, "bytes": len(pdf), "cold": timings[0][0],
            "wall_min": min(walls), "wall_median": statistics.median(walls),
            "cpu_min": min(cpus), "cpu_median": statistics.median(cpus)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reference", help="dossier reference (with DATABASE_URL)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jalons-bench-") as folder:
        overrides = {"SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
                     "BASE_URL": os.environ.get("BASE_URL", "https://jalons.example")}
        if not os.environ.get("DATABASE_URL"):
            overrides["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(folder, "bench.sqlite3")
        app = create_app(overrides)
        with app.app_context():
            if "SQLALCHEMY_DATABASE_URI" in overrides:
                db.create_all()
                dossier = build_jonzac_group()
            else:
                dossier = largest_dossier(args.reference)
                if dossier is None:
                    print("Aucun dossier trouvé dans cette base.", file=sys.stderr)
                    return 1
            print(f"Dossier {dossier.reference} — {len(dossier.liens_communes)} communes; "
                  f"{args.runs} runs after a cold one; CPUs: {os.cpu_count()}, "
                  f"load: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            print(f"{'kind':<9}{'bytes':>8}{'cold':>8}{'wall min':>10}{'wall med':>10}"
                  f"{'cpu min':>9}{'cpu med':>9}")
            results = [measure(dossier, kind, args.runs) for kind in ("adhesion", "cadre")]
            for r in results:
                print(f"{r['kind']:<9}{r['bytes']:>8}{r['cold']:>7.2f}s{r['wall_min']:>9.2f}s"
                      f"{r['wall_median']:>9.2f}s{r['cpu_min']:>8.2f}s{r['cpu_median']:>8.2f}s")
            cadre = results[1]
            verdict = "OK" if cadre["wall_median"] < TARGET_SECONDS else "AU-DESSUS"
            print(f"convention-cadre, médiane {cadre['wall_median']:.2f}s "
                  f"(cible < {TARGET_SECONDS:.0f} s) : {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
