"""Email notifications: who hears about which match, when, in which language, exactly once.

Building and deciding live here (services that never commit); sending is a worker task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import Mailer, make_mailer
from matchmaker.settings import Settings


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
        timedelta(days=settings.notifications.preferences_link_max_age_days),
    )
    return Notifier(
        make_mailer(settings),
        links,
        EmailBuilder(links, settings.base_url, settings.notifications.timezone),
    )
