"""How a command of the ``matchmaker`` command line reaches the app: the app is built when a
command that needs it runs, never when the command line starts (``matchmaker --help`` builds
nothing and imports neither Flask nor SQLAlchemy).

A refused change (an email taken, a password too short) says why, in English, and a command
run against a database that was never set up (or not upgraded since) says what to run,
rather than print a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask

    from matchmaker.errors import DomainError

# The database said the schema is not there: no such table (SQLite), undefined table or
# column (PostgreSQL).
_NO_SCHEMA = ("no such table", "no such column")
_NO_SCHEMA_STATES = ("42P01", "42703")


def load_app() -> Flask:
    """The app of the running command: the current one, the one a test runner hands in, or a
    new one built from the settings."""
    from flask import current_app
    from flask.cli import ScriptInfo

    if current_app:
        return current_app._get_current_object()  # type: ignore[attr-defined, no-any-return]
    context = click.get_current_context(silent=True)
    info = context.find_object(ScriptInfo) if context is not None else None
    if info is None:
        from matchmaker.app import create_app

        info = ScriptInfo(create_app=create_app, set_debug_flag=False)
        if context is not None:
            context.obj = info
    return info.load_app()


def with_appcontext(command: Callable[..., Any]) -> Callable[..., Any]:
    """Runs ``command`` inside the app's context (as ``flask.cli.with_appcontext`` does)."""

    @click.pass_context
    @functools.wraps(command)
    def run(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        from flask import current_app
        from sqlalchemy.exc import DBAPIError

        from matchmaker.errors import DomainError

        if not current_app:
            ctx.with_resource(load_app().app_context())
        try:
            return ctx.invoke(command, *args, **kwargs)
        except DomainError as error:
            raise click.ClickException(explain(error)) from None
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in _NO_SCHEMA_STATES and not any(
                text in str(error.orig) for text in _NO_SCHEMA
            ):
                raise
            raise click.ClickException(
                "The database is not set up for this version ("
                + str(error.orig).strip().splitlines()[0]
                + "). Run `matchmaker db upgrade` first."
            ) from None

    return run


def explain(error: DomainError) -> str:
    """A domain error in English, each offending field named."""
    from flask_babel import force_locale

    from matchmaker.i18n import say_error, say_fields

    with force_locale("en"):
        fields = "; ".join(f"{name}: {text}" for name, text in say_fields(error.errors).items())
        return say_error(error) + (f" ({fields})" if fields else "")
