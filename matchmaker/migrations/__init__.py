"""Alembic revisions and the functions that apply them."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine, files_directory: Path | None = None) -> Config:
    """An Alembic configuration bound to ``engine``; no alembic.ini needed. With the directory
    storage backend, ``files_directory`` is its root: revisions that move stored files (the
    photos of merged offers) move them there too."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    config.attributes["files_directory"] = files_directory
    return config


def upgrade(engine: Engine, revision: str = "head", *, files_directory: Path | None = None) -> None:
    command.upgrade(alembic_config(engine, files_directory), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
