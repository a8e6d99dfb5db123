"""Email notifications: who hears about which match, when, in which language, exactly once.

Building and deciding live here (services that never commit); sending is a worker task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app

from matchmaker import outbox
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import Mailer, make_mailer
from matchmaker.settings import Settings

EXTENSION = "matchmaker.notifications"


@dataclass
class Notifier:
    """What sending needs in one process: the mailer (one SMTP connection) and the builder."""

    mailer: Mailer
    links: Links
    builder: EmailBuilder


def make_notifier(settings: Settings) -> Notifier:
    links = Links(
        settings.secret_key,
        settings.base_url,
        timedelta(days=settings.notifications.link_max_age_days),
    )
    return Notifier(make_mailer(settings), links, EmailBuilder(links, settings.base_url))


def init_app(app: Flask) -> None:
    from matchmaker.extensions import get_settings
    from matchmaker.notifications import views

    settings = get_settings(app)
    app.extensions[EXTENSION] = make_notifier(settings)
    outbox.install()
    app.register_blueprint(views.blueprint)
    if not settings.is_production:
        app.register_blueprint(views.dev_mail)


def get_notifier(app: Flask | None = None) -> Notifier:
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]


def reset_notifier(app: Flask) -> None:
    """A fresh mailer for a forked worker process: an SMTP connection is never shared."""
    from matchmaker.extensions import get_settings

    app.extensions[EXTENSION] = make_notifier(get_settings(app))
