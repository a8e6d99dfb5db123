"""The file store: the same behaviour from the database and from a shared directory; photos
re-encoded without what the camera wrote into them."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from matchmaker.cli import matchmaker
from matchmaker.db import utcnow
from matchmaker.errors import Invalid
from matchmaker.files import photos, uploads
from matchmaker.files.images import clean_image
from matchmaker.files.store import DatabaseStore, DirectoryStore, FileStore
from matchmaker.settings import Settings, StorageSettings

CONFIG = StorageSettings()


def phone_photo(size: tuple[int, int] = (40, 20)) -> bytes:
    """A JPEG as a phone writes it: turned by an EXIF orientation, with where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 40.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif, comment=b"Nha Be farm")
    return out.getvalue()


@pytest.fixture(params=["database", "directory"])
def store(request: pytest.FixtureRequest, db: Session, tmp_path: Path) -> FileStore:
    return DatabaseStore(db) if request.param == "database" else DirectoryStore(tmp_path / "files")


def test_a_stored_file_reads_back_until_it_is_deleted(store: FileStore) -> None:
    store.put("imports/abc/list.csv", b"a,b\n1,2\n", "text/csv")
    store.put("imports/abd/other.csv", b"x", "text/csv")
    blob = store.get("imports/abc/list.csv")
    assert blob is not None and blob.data == b"a,b\n1,2\n" and blob.content_type == "text/csv"
    assert blob.name == "list.csv" and len(blob.digest) == 64
    assert [info.key for info in store.list("imports/abc/")] == ["imports/abc/list.csv"]

    store.put("imports/abc/list.csv", b"changed", "text/csv")
    assert store.get("imports/abc/list.csv").data == b"changed"  # type: ignore[union-attr]
    store.delete("imports/abc/list.csv")
    assert store.get("imports/abc/list.csv") is None
    assert [info.key for info in store.list("imports/")] == ["imports/abd/other.csv"]


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "a/../../b", "a//b", "a b", ""])
def test_keys_never_leave_the_store(store: FileStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x", "text/plain")


def test_a_photo_loses_its_position_and_comment_and_stands_upright() -> None:
    original = phone_photo()
    assert b"Exif" in original
    clean = clean_image(original, max_bytes=CONFIG.photo_max_bytes, max_side=2048)
    image = Image.open(io.BytesIO(clean.data))
    assert (clean.extension, clean.content_type) == ("jpg", "image/jpeg")
    assert image.size == (20, 40)  # the orientation is applied to the pixels
    assert dict(image.getexif()) == {} and b"Exif" not in clean.data
    assert b"Nha Be" not in clean.data and "comment" not in image.info


def test_a_photo_is_scaled_down_and_a_file_that_is_no_image_refused() -> None:
    large = clean_image(phone_photo((3000, 1000)), max_bytes=CONFIG.photo_max_bytes, max_side=600)
    assert Image.open(io.BytesIO(large.data)).size == (200, 600)

    for data in (b"MZ\x90\x00 not an image", b"GIF89a" + b"\0" * 40, phone_photo()[:200]):
        with pytest.raises(Invalid) as refused:
            clean_image(data, max_bytes=CONFIG.photo_max_bytes, max_side=600)
        assert refused.value.code == "photo.not_image"
        assert [(e.field, e.code) for e in refused.value.errors] == [("photos", "photo.not_image")]
    with pytest.raises(Invalid) as too_large:
        clean_image(phone_photo(), max_bytes=100, max_side=600)
    assert too_large.value.code == "photo.too_large"


def test_an_offer_keeps_at_most_six_photos(store: FileStore) -> None:
    names = photos.add_photos(store, 7, [phone_photo()] * 4, CONFIG)
    assert sorted(names) == photos.list_photos(store, 7) and photos.list_photos(store, 8) == []
    with pytest.raises(Invalid) as refused:
        photos.add_photos(store, 7, [phone_photo()] * 3, CONFIG)
    assert refused.value.errors[0].code == "photo.too_many"
    assert refused.value.errors[0].params == {"count": 6}
    assert len(photos.list_photos(store, 7)) == 4

    photos.remove_photo(store, 7, names[0])
    assert photos.read_photo(store, 7, names[0]) is None
    assert photos.read_photo(store, 8, names[1]) is None  # another offer's name
    assert photos.read_photo(store, 7, names[1]) is not None


def test_photos_kept_on_disk_before_move_into_the_store_without_metadata(
    store: FileStore, tmp_path: Path
) -> None:
    old = tmp_path / "instance" / "photos" / "offers" / "12"
    old.mkdir(parents=True)
    (old / "0a1b2c3d4e5f6a7b.jpg").write_bytes(phone_photo())
    (old / "notes.txt").write_bytes(b"not a photo")
    copied, skipped = photos.copy_local_photos(store, tmp_path / "instance", CONFIG)
    assert [p.name for p in copied] == ["0a1b2c3d4e5f6a7b.jpg"]
    assert [p.name for p in skipped] == ["notes.txt"]
    moved = photos.read_photo(store, 12, "0a1b2c3d4e5f6a7b.jpg")
    assert moved is not None and b"Exif" not in moved.data


def test_an_upload_is_found_by_its_token_and_forgotten_after_a_day(store: FileStore) -> None:
    kept = uploads.keep_upload(store, "C:\\Users\\so\\Danh sách OCOP.xlsx", b"PK..", "x/y")
    assert kept.filename == "Danh_s_ch_OCOP.xlsx"
    found = uploads.find_upload(store, kept.token)
    assert found is not None and (found.filename, found.data) == (kept.filename, b"PK..")
    assert uploads.find_upload(store, "../" + kept.token) is None

    with uploads.local_copy(found) as path:
        assert path.read_bytes() == b"PK.." and path.suffix == ".xlsx"
    assert not path.exists()

    assert uploads.forget_old_uploads(store, now=utcnow()) == 0
    assert uploads.forget_old_uploads(store, now=utcnow() + timedelta(days=2)) == 1
    assert uploads.find_upload(store, kept.token) is None


def test_the_move_local_command_moves_an_install_s_photos_into_the_store(
    app: Flask, db: Session, settings: Settings
) -> None:
    old = settings.instance_path / "photos" / "offers" / "5"
    old.mkdir(parents=True)
    (old / "1a2b3c4d5e6f7a8b.jpg").write_bytes(phone_photo())
    result = app.test_cli_runner().invoke(matchmaker, args=["files", "move-local"])
    assert result.exit_code == 0, result.output
    assert "1 photo(s) moved" in result.output
    assert photos.list_photos(DatabaseStore(db), 5) == ["1a2b3c4d5e6f7a8b.jpg"]
    assert not (old / "1a2b3c4d5e6f7a8b.jpg").exists()
