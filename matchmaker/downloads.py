"""A stored file sent to a browser or a client: its type as sniffed when it was kept, a
download name, and headers that stop anyone from reading it as something else."""

from __future__ import annotations

import io

from flask import Response, send_file

# Images may show in the page; anything else (a PDF) is only ever downloaded.
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp")


def file_response(data: bytes, content_type: str, name: str) -> Response:
    response = send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        download_name=name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
