"""One part of the demo's walk, in a process of its own: `python -m app.demo.partie JOB`.

app/demo/parallele.py writes the job (this application's settings with the part's database,
the dossiers, the day, the seed) as a pickle, starts this module, and reads back the
scenarios used, written beside the job as JSON. A process started afresh shares no
connection with the one that started it.
"""
import json
import pickle
import sys
from pathlib import Path

from app import create_app
from app.core.db import db
from app.demo.lifecycle import seed_lifecycle


def walk_part(job: Path) -> dict:
    task = pickle.loads(job.read_bytes())
    app = create_app(task["settings"])
    with app.app_context():
        used = seed_lifecycle(task["today"], lambda d: {}, lambda d: False, seed=task["seed"], ids=task["ids"])
        db.session.commit()
        db.engine.dispose()
    return dict(used)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.with_suffix(".json").write_text(json.dumps(walk_part(path)))
