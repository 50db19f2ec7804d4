"""Local storage: random sharded names, atomic writes, keys that cannot be paths."""
import os

import pytest

from app.core.storage import EXTENSION_KEY, LocalStorage, get_storage
from tests.documents.conftest import files_on_disk

pytestmark = pytest.mark.local_storage


def test_save_open_delete_round_trip(storage):
    key = storage.save(b"contenu")
    assert len(key) == 32 and int(key, 16) >= 0
    assert storage.exists(key)
    assert storage.read(key) == b"contenu"
    with storage.open(key) as stream:
        assert stream.read() == b"contenu"
    assert files_on_disk(storage) == [os.path.join(storage.root, key[:2], key)]
    storage.delete(key)
    storage.delete(key)  # twice is harmless
    assert not storage.exists(key)
    assert files_on_disk(storage) == []


def test_each_save_gets_its_own_random_key(storage):
    keys = {storage.save(b"meme contenu") for _ in range(5)}
    assert len(keys) == 5


def test_no_temporary_file_is_left_when_a_write_fails(storage, monkeypatch):
    def broken_fsync(fd):
        raise OSError("disque plein")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        storage.save(b"contenu")
    assert files_on_disk(storage) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../cd", "", "A" * 32, "0" * 31, None])
def test_keys_that_are_not_ours_never_reach_the_disk(storage, key):
    with pytest.raises(ValueError):
        storage.path(key)


def test_default_storage_is_under_the_instance_folder(app, monkeypatch):
    monkeypatch.delitem(app.extensions, EXTENSION_KEY)
    storage = get_storage(app)
    assert storage.root == os.path.join(app.instance_path, "documents")
    assert get_storage(app) is storage  # cached


def test_documents_dir_setting_moves_the_storage(app, monkeypatch, tmp_path):
    monkeypatch.delitem(app.extensions, EXTENSION_KEY)
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "ailleurs"))
    assert get_storage(app).root == str(tmp_path / "ailleurs")
    assert isinstance(get_storage(app), LocalStorage)


def test_a_copy_has_its_own_key_and_outlives_the_original(storage):
    key = storage.save(b"gabarit")
    copy = storage.copy(key)
    assert copy != key and storage.read(copy) == b"gabarit"
    storage.delete(key)
    assert not storage.exists(key) and storage.read(copy) == b"gabarit"


def test_a_copy_without_hard_links_copies_the_bytes(storage, monkeypatch):
    key = storage.save(b"gabarit")

    def no_links(source, target):
        raise OSError("pas de liens physiques ici")

    monkeypatch.setattr(os, "link", no_links)
    copy = storage.copy(key)
    assert copy != key and storage.read(copy) == b"gabarit"
    assert os.stat(storage.path(copy)).st_ino != os.stat(storage.path(key)).st_ino
