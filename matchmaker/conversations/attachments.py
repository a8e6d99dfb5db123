"""Files on messages and quotes: a certificate scan, a price list, a photo of the goods.

What a file is is told by its content, never by its name: a PDF by its header and trailer,
an image by decoding it. Images are re-encoded like product photos (no EXIF, no GPS, turned
upright, bounded in pixels: a decompression bomb is refused); a PDF is kept as sent and only
ever served as a download. The name is kept, cleaned, with the extension of what it is.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from matchmaker.errors import Invalid, field_error
from matchmaker.files.images import clean_image
from matchmaker.settings import StorageSettings

FIELD = "file"
PDF = ("pdf", "application/pdf")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_NAME = 100
# A PDF's trailer ends the file; writers may leave a few bytes (a line break, padding) after.
PDF_TAIL_BYTES = 2048
MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Upload:
    """A file as it came: the name its sender gave and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CleanFile:
    name: str
    data: bytes
    extension: str
    content_type: str

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def _refuse(code: str, **params: object) -> Invalid:
    return Invalid(code, errors=[field_error(FIELD, code, **params)])


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-PDF_TAIL_BYTES:]


_UNSAFE = re.compile(r"[^\w .()+-]+", re.UNICODE)


def clean_name(name: str, extension: str) -> str:
    """The sender's file name without its folders, odd characters or extension, ending in
    ``extension``: what the file is, not what it was called."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:MAX_NAME]
    return f"{stem or 'file'}.{extension}"


def clean_upload(upload: Upload, config: StorageSettings) -> CleanFile:
    """The file ready to keep, or Invalid on field ``file``: ``attachment.empty``,
    ``attachment.too_large``, ``attachment.bad_type`` (not a PDF, JPEG, PNG or WebP, whatever
    its name says)."""
    data = upload.data
    limit_mb = max(config.attachment_max_bytes // (1024 * 1024), 1)
    if not data:
        raise _refuse("attachment.empty")
    if len(data) > config.attachment_max_bytes:
        raise _refuse("attachment.too_large", max=limit_mb)
    if _is_pdf(data):
        extension, content_type = PDF
        return CleanFile(clean_name(upload.name, extension), data, extension, content_type)
    try:
        image = clean_image(
            data, max_bytes=config.attachment_max_bytes, max_side=config.photo_max_side, field=FIELD
        )
    except Invalid as refused:
        if refused.code == "photo.too_large":
            raise _refuse("attachment.too_large", max=limit_mb) from None
        raise _refuse("attachment.bad_type") from None
    return CleanFile(
        clean_name(upload.name, image.extension), image.data, image.extension, image.content_type
    )


def storage_key(parent: str, parent_id: int, extension: str) -> str:
    """Where a file of a message or a quote is kept: a name nobody can guess."""
    return f"attachments/{parent}/{parent_id}/{secrets.token_hex(12)}.{extension}"
