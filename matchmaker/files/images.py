"""Photos re-encoded from their pixels: no metadata survives (EXIF with its GPS position, XMP,
comments), the camera's orientation is applied, and the size is bounded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from matchmaker.errors import Invalid, field_error

# Recognised by content, not by the name the phone gave the file.
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp")}  # fmt: skip
# Beyond this a decoded photo would take more memory than any phone photo needs.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    extension: str
    content_type: str


def _refuse(code: str, field: str, **params: object) -> Invalid:
    return Invalid(code, errors=[field_error(field, code, **params)])


def clean_image(data: bytes, *, max_bytes: int, max_side: int, field: str = "photos") -> CleanImage:
    """The image in ``data`` re-encoded in its own format, without metadata, turned upright and
    at most ``max_side`` pixels on its longer side. Raises Invalid (``photo.not_image``,
    ``photo.too_large``) on ``field``."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > max_bytes:
        raise _refuse("photo.too_large", field, max=max_bytes // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                kind = opened.format or ""
                if kind not in FORMATS:
                    raise _refuse("photo.not_image", field)
                if opened.width * opened.height > MAX_PIXELS:
                    raise _refuse("photo.too_large", field, max=max_bytes // (1024 * 1024))
                opened.load()
                image = ImageOps.exif_transpose(opened) or opened
                image.thumbnail((max_side, max_side))
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                mode = "RGBA" if has_alpha and kind != "JPEG" else "RGB"
                if image.mode == "L" and not has_alpha:
                    mode = "L"
                pixels = image.convert(mode)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError) as exc:  # fmt: skip
        raise _refuse("photo.not_image", field) from exc
    # A new image from the pixels alone: nothing of the file's metadata can come along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    extension, content_type = FORMATS[kind]
    return CleanImage(out.getvalue(), extension, content_type)
