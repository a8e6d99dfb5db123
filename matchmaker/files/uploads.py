"""Uploaded lists kept between the preview and the confirmation, in the file store: the
confirming request may reach another web process or machine than the previewing one."""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from matchmaker.files.store import FileStore

# Files whose preview was never confirmed are not kept beyond this.
UPLOAD_KEPT = timedelta(days=1)
PREFIX = "imports/"
_TOKEN = re.compile(r"^[0-9a-f]{24}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    data: bytes


def _filename(name: str) -> str:
    """A name safe as a key part; its extension tells the reader CSV from XLSX."""
    safe = _UNSAFE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")[:100]
    return safe or "list.xlsx"


def keep_upload(store: FileStore, filename: str, data: bytes, content_type: str) -> Upload:
    token = secrets.token_hex(12)
    upload = Upload(token, _filename(filename), data)
    store.put(f"{PREFIX}{token}/{upload.filename}", data, content_type)
    return upload


def find_upload(store: FileStore, token: str) -> Upload | None:
    if not _TOKEN.match(token):
        return None
    for info in store.list(f"{PREFIX}{token}/"):
        blob = store.get(info.key)
        if blob is not None:
            return Upload(token, blob.name, blob.data)
    return None


def forget_upload(store: FileStore, token: str) -> None:
    if _TOKEN.match(token):
        for info in store.list(f"{PREFIX}{token}/"):
            store.delete(info.key)


def forget_old_uploads(store: FileStore, *, now: datetime) -> int:
    old = [info for info in store.list(PREFIX) if info.created_at < now - UPLOAD_KEPT]
    for info in old:
        store.delete(info.key)
    return len(old)


@contextmanager
def local_copy(upload: Upload) -> Iterator[Path]:
    """The upload as a file of this machine, for the spreadsheet readers; gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="matchmaker-import-") as folder:
        path = Path(folder) / upload.filename
        path.write_bytes(upload.data)
        yield path
