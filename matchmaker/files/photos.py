"""Product photos, kept in the file store under ``photos/offers/<offer id>/``."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

from matchmaker.errors import Invalid, field_error
from matchmaker.files.images import clean_image
from matchmaker.files.store import Blob, FileStore
from matchmaker.settings import StorageSettings

MAX_PHOTOS = 6
FIELD = "photos"


def _prefix(offer_id: int) -> str:
    return f"photos/offers/{offer_id}/"


def list_photos(store: FileStore, offer_id: int) -> list[str]:
    """The names of the offer's photos, in a stable order."""
    prefix = _prefix(offer_id)
    return [info.key[len(prefix) :] for info in store.list(prefix)]


def add_photos(
    store: FileStore, offer_id: int, contents: Sequence[bytes], config: StorageSettings
) -> list[str]:
    """Keeps the images among ``contents``, re-encoded without their metadata; raises Invalid
    (field ``photos``: ``photo.not_image``, ``photo.too_large``, ``photo.too_many``) and keeps
    none of them when one breaks a rule."""
    cleaned = [
        clean_image(data, max_bytes=config.photo_max_bytes, max_side=config.photo_max_side)
        for data in contents
    ]
    if cleaned and len(list_photos(store, offer_id)) + len(cleaned) > MAX_PHOTOS:
        raise Invalid(
            "photo.too_many", errors=[field_error(FIELD, "photo.too_many", count=MAX_PHOTOS)]
        )
    names = []
    for image in cleaned:
        name = f"{secrets.token_hex(8)}.{image.extension}"
        store.put(_prefix(offer_id) + name, image.data, image.content_type)
        names.append(name)
    return names


def read_photo(store: FileStore, offer_id: int, name: str) -> Blob | None:
    if name not in list_photos(store, offer_id):
        return None
    return store.get(_prefix(offer_id) + name)


def remove_photo(store: FileStore, offer_id: int, name: str) -> None:
    if name in list_photos(store, offer_id):
        store.delete(_prefix(offer_id) + name)


def copy_local_photos(
    store: FileStore, root: Path, config: StorageSettings
) -> tuple[list[Path], list[Path]]:
    """Copies photos kept on this machine's disk before the store existed (``<instance>/photos/
    offers/<offer id>/<name>``) into the store, re-encoded without their metadata. Returns the
    files copied (to delete once the store has committed) and those that are not images."""
    copied: list[Path] = []
    skipped: list[Path] = []
    for path in sorted((root / "photos" / "offers").glob("*/*")):
        if not (path.is_file() and path.parent.name.isdigit()):
            continue
        try:
            image = clean_image(
                path.read_bytes(), max_bytes=config.photo_max_bytes, max_side=config.photo_max_side
            )
        except Invalid:
            skipped.append(path)
            continue
        name = f"{path.stem}.{image.extension}"
        store.put(_prefix(int(path.parent.name)) + name, image.data, image.content_type)
        copied.append(path)
    return copied, skipped
