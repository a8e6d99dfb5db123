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
    # A published task not finished within this long is published again.
    lease_seconds: float = 600.0
    # A claimed email not sent within this long is taken up by another sender. A live sender
    # renews its claim every half of it (and SMTP gives up on a send sooner), so only a dead
    # sender's emails wait, and for under a minute.
    sending_lease_seconds: float = 50.0
    relay_interval_seconds: float = 1.0
    link_max_age_days: int = 60
    # Unsubscribe and preferences links; an expired one's page says to sign in instead.
    preferences_link_max_age_days: int = 90
    certificate_reminder_days: tuple[int, ...] = (60, 30, 7)
    requirement_reminder_days: tuple[int, ...] = (7, 1)
    digest_hour: int = 7
    # A new message waits this long before its email notice goes: the thread's further
    # messages go in the same email, and none goes if the reader read them meanwhile.
    message_notice_minutes: float = 5.0
    # Quotes (and revisions) on one requirement that come within this many minutes of the
    # first go to its buyer in one email; 0 sends each at once.
    quote_batch_minutes: float = 10.0
    timezone: str = "Asia/Ho_Chi_Minh"


class FreightSettings(BaseModel):
    """The rough cost of bringing goods to a buyer's province, added to an ex-works price in
    the quote comparison and always shown as an estimate: road distance (the straight line
    between provincial centres times ``road_factor``) × weight of one unit × a per tonne-km
    rate. A quote delivered to that province has none added."""

    # Road haulage in Vietnam, VND per tonne per kilometre (full truckloads run about
    # 1,500-3,000 in 2024-25; a part load costs more, a container less).
    vnd_per_tonne_km: float = 2500.0
    # Roads are longer than the straight line between two provincial centres.
    road_factor: float = 1.3
    # A litre of the liquids sold here (fish sauce, juice, honey is more) weighs about a kilo.
    kg_per_liter: float = 1.0
    # What one count unit weighs with its packaging, in kg; a unit not listed has no estimate.
    count_unit_kg: dict[str, float] = Field(
        default_factory=lambda: {"box": 5.0, "bottle": 1.0, "pack": 0.5, "piece": 0.5, "set": 2.0}
    )


class StorageSettings(BaseModel):
    """Where photos and uploaded lists are kept: somewhere every web process on every machine
    sees them. The database by default; a directory only when it is a mount they all share."""

    backend: Literal["database", "directory"] = "database"
    # For the directory backend; the instance folder's ``files`` when not set.
    directory: Path | None = None
    photo_max_bytes: int = 20 * 1024 * 1024
    # Photos are scaled down to fit this many pixels on their longer side.
    photo_max_side: int = 2048
    # A file on a message or a quote (a certificate scan, a price list: PDF or an image).
    attachment_max_bytes: int = 10 * 1024 * 1024


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


DEFAULT_BASE_URL = "http://127.0.0.1:5000"
# Addresses a server listens on that no browser can be sent to.
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MATCHMAKER_", env_nested_delimiter="__", extra="ignore"
    )

    environment: Literal["development", "testing", "production"] = "development"
    instance_path: Path = PROJECT_ROOT / "instance"
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = "dev-only-change-me"
    # How links in emails reach the site; in development, left at this default, it follows
    # the host and port ``matchmaker serve`` was given (see :meth:`served_at`).
    base_url: str = DEFAULT_BASE_URL
    log_level: str = "INFO"
    max_request_bytes: int = 2 * 1024 * 1024
    token_ttl_hours: int = 24 * 30
    login_rate_limit: str = "10/minute"
    # Reverse proxies (load balancers) in front of the app that set X-Forwarded-For/-Proto/
    # -Host: the client's address is then taken from them, so that the sign-in limit counts
    # clients, not the proxy. 0 (direct): those headers are ignored, as anyone could send them.
    trusted_proxies: int = Field(default=0, ge=0)
    models_path: Path | None = None
    # Shows /healthz's workers, pids and queue lengths to a monitor that sends it as a bearer
    # token (admins see them with their own API token). Empty: only admins see them.
    health_token: str = ""
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    imports: ImportSettings = Field(default_factory=ImportSettings)
    freight: FreightSettings = Field(default_factory=FreightSettings)

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

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a development server on ``host:port``: links in emails lead
        there unless a base URL was configured. Production keeps its configured one."""
        if self.environment != "development" or self.base_url != DEFAULT_BASE_URL:
            return self
        host = _ANY_ADDRESS.get(host, f"[{host}]" if ":" in host else host)
        return self.model_copy(update={"base_url": f"http://{host}:{port}"})

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def production_problems(self) -> list[str]:
        """What makes these settings unsafe to serve the public with (empty when none).

        The secret key signs session cookies, email links and invite codes: a known or short
        one lets anyone sign an administrator's session. Links in emails and the cookies must
        travel over https only."""
        problems = []
        if self.secret_key in KNOWN_SECRET_KEYS:
            problems.append(
                "MATCHMAKER_SECRET_KEY is not set (or is the example's): set a long random "
                "secret, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        elif len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            problems.append(
                f"MATCHMAKER_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
            )
        if not self.base_url.startswith("https://"):
            problems.append(
                f"MATCHMAKER_BASE_URL must start with https:// in production (is {self.base_url!r})"
            )
        if self.health_token and len(self.health_token) < MIN_SECRET_KEY_LENGTH:
            problems.append(
                f"MATCHMAKER_HEALTH_TOKEN is shorter than {MIN_SECRET_KEY_LENGTH} characters"
            )
        return problems

    def refuse_unsafe_production(self) -> None:
        """Raises :class:`UnsafeSettings` naming every unsafe setting, in production."""
        if self.is_production and (problems := self.production_problems()):
            raise UnsafeSettings(problems)


# The development default and the example file's placeholder: public, so never a secret.
KNOWN_SECRET_KEYS = frozenset({"", "dev-only-change-me", "set-a-long-random-secret"})
MIN_SECRET_KEY_LENGTH = 32


class UnsafeSettings(RuntimeError):
    """Production settings the app refuses to start with; the message names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "Refusing to start in production with unsafe settings:\n- " + "\n- ".join(problems)
        )
        self.problems = problems
