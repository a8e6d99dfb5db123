"""``matchmaker files``: the file store from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database, get_settings
from matchmaker.files import photos
from matchmaker.files.store import open_store


@click.group("files", help="Photos and uploaded lists in the file store.")
def files_group() -> None:
    pass


@files_group.command("move-local")
@with_appcontext
def move_local() -> None:
    """Moves the photos kept in this machine's instance folder into the store, so that every
    web process serves them."""
    settings = get_settings()
    with unit_of_work(get_database().sessions) as session:
        copied, skipped = photos.copy_local_photos(
            open_store(settings, session), settings.instance_path, settings.storage
        )
    for path in copied:  # only once the store has them for good
        path.unlink()
    click.echo(f"{len(copied)} photo(s) moved into the store; left (not images): {len(skipped)}.")
