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
    models_path: Path | None = None
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)

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
    def effective_models_path(self) -> Path:
        return self.models_path or self.instance_path / "models"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"
