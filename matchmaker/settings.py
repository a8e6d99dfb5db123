"""Configuration, read in one place.

Precedence (highest first): keyword arguments, ``MATCHMAKER_*`` environment variables, the
file named by ``MATCHMAKER_CONFIG``, then ``config/default.toml`` shipped with the package.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"


class SmtpSettings(BaseModel):
    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    ssl: bool = False
    timeout_seconds: float = 30.0
    sender: str = "OCOP Matchmaker <no-reply@ocop-matchmaker.vn>"


class NotificationSettings(BaseModel):
    """Who hears about matches, how often, and how hard delivery tries."""

    min_score: float = 0.5
    matches_per_change: int = 20
    daily_cap: int = 20
    batch_size: int = 50
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    # A claimed email or a published task not finished within this long is taken up again.
    lease_seconds: float = 600.0
    relay_interval_seconds: float = 1.0
    link_max_age_days: int = 60
    certificate_reminder_days: tuple[int, ...] = (60, 30, 7)
    requirement_reminder_days: tuple[int, ...] = (7, 1)
    digest_hour: int = 7
    timezone: str = "Asia/Ho_Chi_Minh"


class StorageSettings(BaseModel):
    """Where photos and uploaded lists are kept: somewhere every web process on every machine
    sees them. The database by default; a directory only when it is a mount they all share."""

    backend: Literal["database", "directory"] = "database"
    # For the directory backend; the instance folder's ``files`` when not set.
    directory: Path | None = None
    photo_max_bytes: int = 20 * 1024 * 1024
    # Photos are scaled down to fit this many pixels on their longer side.
    photo_max_side: int = 2048


class ImportSettings(BaseModel):
    """Bounds on a province's list (CSV or XLSX) read by the import: a file beyond one is
    refused with a coded message before it can take the memory or time of a worker."""

    max_file_mb: float = 20.0
    # XLSX is a zip: the sum of its members' sizes once unpacked, and the unpacked/packed
    # ratio (a zip bomb's is in the thousands, a real workbook's below 30).
    max_uncompressed_mb: float = 100.0
    max_compression_ratio: float = 200.0
    max_rows: int = 50_000
    max_columns: int = 200
    max_cell_chars: int = 5_000
    # A running job that shows no progress for this long lost its worker (killed, the
    # machine restarted): the housekeeping starts a preview again once, fails an import.
    stalled_after_minutes: float = 10.0


class WorkerSettings(BaseModel):
    concurrency: int = 2
    # The embedded worker that ``matchmaker serve`` starts next to the web app.
    embedded: bool = True
    task_soft_time_limit: int = 240
    task_time_limit: int = 300
    rematch_chunk_size: int = 200


class _TomlFiles(PydanticBaseSettingsSource):
    """Reads ``config/default.toml`` and then the file named by ``MATCHMAKER_CONFIG``."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ below supplies every value at once

    def __call__(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        paths = [DEFAULT_CONFIG]
        if extra := os.environ.get("MATCHMAKER_CONFIG"):
            paths.append(Path(extra))
        for path in paths:
            if path.is_file():
                with path.open("rb") as fh:
                    _deep_merge(merged, tomllib.load(fh))
        return merged


def _deep_merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MATCHMAKER_", env_nested_delimiter="__", extra="ignore"
    )

    environment: Literal["development", "testing", "production"] = "development"
    instance_path: Path = PROJECT_ROOT / "instance"
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = "dev-only-change-me"
    base_url: str = "http://127.0.0.1:5000"
    log_level: str = "INFO"
    max_request_bytes: int = 2 * 1024 * 1024
    token_ttl_hours: int = 24 * 30
    login_rate_limit: str = "10/minute"
    # Reverse proxies (load balancers) in front of the app that set X-Forwarded-For/-Proto/
    # -Host: the client's address is then taken from them, so that the sign-in limit counts
    # clients, not the proxy. 0 (direct): those headers are ignored, as anyone could send them.
    trusted_proxies: int = Field(default=0, ge=0)
    models_path: Path | None = None
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    imports: ImportSettings = Field(default_factory=ImportSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _TomlFiles(settings_cls)

    @property
    def effective_database_url(self) -> str:
        """The configured database, or an SQLite file in the instance folder."""
        return self.database_url or f"sqlite:///{self.instance_path / 'matchmaker.sqlite'}"

    @property
    def effective_broker_url(self) -> str:
        """Redis when configured, else a broker kept in an SQLite file (no server needed)."""
        return self.redis_url or f"sqla+sqlite:///{self.instance_path / 'broker.sqlite'}"

    @property
    def effective_result_backend(self) -> str:
        """Where chords keep their parts' results: Redis, or an SQLite file beside the broker."""
        return self.redis_url or f"db+sqlite:///{self.instance_path / 'results.sqlite'}"

    @property
    def mail_outbox_path(self) -> Path:
        """Where mail goes when no SMTP host is set (read it at ``/dev/mail``)."""
        return self.instance_path / "mail"

    @property
    def effective_models_path(self) -> Path:
        return self.models_path or self.instance_path / "models"

    @property
    def files_directory(self) -> Path:
        """The directory backend's root."""
        return self.storage.directory or self.instance_path / "files"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"
