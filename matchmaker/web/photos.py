"""Product photos, kept as files under the instance folder (one folder per offer)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from werkzeug.datastructures import FileStorage

from matchmaker.errors import Invalid, field_error

MAX_PHOTOS = 6
# Recognised by content, not by the name the phone gave the file.
_SIGNATURES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"RIFF", "webp"))


def _kind(head: bytes) -> str | None:
    for signature, extension in _SIGNATURES:
        if head.startswith(signature) and (extension != "webp" or head[8:12] == b"WEBP"):
            return extension
    return None


def folder(root: Path, offer_id: int) -> Path:
    return root / "photos" / "offers" / str(offer_id)


def list_photos(root: Path, offer_id: int) -> list[str]:
    path = folder(root, offer_id)
    if not path.is_dir():
        return []
    return sorted(p.name for p in path.iterdir() if p.is_file() and _kind(p.read_bytes()[:12]))


def save_photos(root: Path, offer_id: int, uploads: Iterable[FileStorage]) -> list[str]:
    """Stores the images among ``uploads``; raises Invalid (field ``photos``) for anything
    that is not a JPEG, PNG or WebP image, or beyond the limit per product."""
    chosen = [u for u in uploads if u.filename]
    contents = []
    for upload in chosen:
        data = upload.stream.read()
        extension = _kind(data[:12])
        if extension is None:
            raise Invalid("photo.invalid", errors=[field_error("photos", "photo.not_image")])
        contents.append((data, extension))
    existing = list_photos(root, offer_id)
    if len(existing) + len(contents) > MAX_PHOTOS:
        raise Invalid(
            "photo.invalid",
            errors=[field_error("photos", "photo.too_many", count=MAX_PHOTOS)],
        )
    path = folder(root, offer_id)
    path.mkdir(parents=True, exist_ok=True)
    names = []
    for data, extension in contents:
        name = f"{secrets.token_hex(8)}.{extension}"
        (path / name).write_bytes(data)
        names.append(name)
    return names


def remove_photo(root: Path, offer_id: int, name: str) -> None:
    if name in list_photos(root, offer_id):
        (folder(root, offer_id) / name).unlink()
