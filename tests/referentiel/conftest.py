import json
import shutil
from pathlib import Path

import pytest

from app.referentiel.source import FILES, default_source

REAL_SOURCE = default_source(Path(__file__).resolve().parents[2])


class SourceCopy:
    """A writable copy of the reference files, for tests that change the source."""

    def __init__(self, path: Path):
        self.path = path
        for name in FILES:
            shutil.copy(REAL_SOURCE / name, path / name)

    def edit(self, name: str, change) -> None:
        """Load one JSON file, let `change(items)` alter the list in place, write it back."""
        file = self.path / name
        items = json.loads(file.read_text(encoding="utf-8"))
        change(items)
        file.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def source_copy(tmp_path):
    return SourceCopy(tmp_path)
