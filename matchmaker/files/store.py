"""The storage interface and its backends.

A key is a path-like name (``photos/offers/12/3f9a….jpg``). The database backend writes in the
caller's session, so a file is kept or dropped together with the rest of the use case's unit of
work; the directory backend writes at once (atomically, through a rename) and suits a mount that
every machine shares.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.files.models import StoredFile
from matchmaker.settings import Settings

_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
MAX_KEY = 300


@dataclass(frozen=True)
class FileInfo:
    key: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class Blob:
    """A stored file's content, with what serving it needs."""

    key: str
    data: bytes
    content_type: str
    digest: str
    created_at: datetime

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> Blob | None: ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str) -> list[FileInfo]:
        """The files whose key starts with ``prefix``, by key."""
        ...


def check_key(key: str) -> str:
    """Refuses keys that could leave the store's space (``..``, absolute paths, odd bytes)."""
    if len(key) > MAX_KEY or not _KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DatabaseStore:
    """Files as rows of ``stored_files``: every process that reaches the database sees them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, key: str, data: bytes, content_type: str) -> None:
        row = self._session.get(StoredFile, check_key(key))
        if row is None:
            row = StoredFile(key=key)
            self._session.add(row)
        row.data, row.content_type = data, content_type
        row.size, row.digest, row.created_at = len(data), digest_of(data), utcnow()
        self._session.flush()

    def get(self, key: str) -> Blob | None:
        row = self._session.get(StoredFile, check_key(key))
        if row is None:
            return None
        return Blob(row.key, row.data, row.content_type, row.digest, row.created_at)

    def delete(self, key: str) -> None:
        self._session.execute(delete(StoredFile).where(StoredFile.key == check_key(key)))

    def list(self, prefix: str) -> list[FileInfo]:
        rows = self._session.execute(
            select(StoredFile.key, StoredFile.size, StoredFile.created_at)
            .where(StoredFile.key.startswith(prefix, autoescape=True))
            .order_by(StoredFile.key)
        )
        return [FileInfo(key, size, created_at) for key, size, created_at in rows]


class DirectoryStore:
    """Files under one directory: for a mount every web and worker machine shares. A file's
    type is told by its key's extension."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> Blob | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Blob(key, data, content_type, digest_of(data), modified)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[FileInfo]:
        found = []
        # Only the folder the prefix names is walked, not the whole store.
        base = self._root / check_key(prefix.rsplit("/", 1)[0]) if "/" in prefix else self._root
        for path in base.rglob("*") if base.is_dir() else []:
            key = path.relative_to(self._root).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith("."):
                stat = path.stat()
                found.append(
                    FileInfo(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))
                )
        return sorted(found, key=lambda info: info.key)


def open_store(settings: Settings, session: Session) -> FileStore:
    """The store the settings choose; the database one writes through ``session``."""
    if settings.storage.backend == "directory":
        return DirectoryStore(settings.files_directory)
    return DatabaseStore(session)
