"""What every page blueprint uses: its template folder, the friendly error pages, upload limits.

The blueprints are registered by :mod:`matchmaker.web.blueprints`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template
from flask_babel import gettext as _

WEB_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = str(WEB_ROOT / "templates")
MB = 1024 * 1024
# Phone photos and provincial spreadsheets are larger than any API request body.
UPLOAD_LIMITS = {
    "producer.new_product": 20 * MB,
    "producer.edit_product": 20 * MB,
    "officer.import_list": 10 * MB,
    # Files on messages and quotes: at most five of the 10 MB a file may have.
    "conversations.match_thread": 51 * MB,
    "conversations.meeting_thread": 51 * MB,
    "conversations.attach_to_quote": 11 * MB,
}


def blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    return Blueprint(name, import_name, url_prefix=url_prefix, template_folder=TEMPLATES)


def error_page(status: int, detail: str | None = None) -> tuple[str, int]:
    titles = {
        400: _("The request could not be understood"),
        403: _("You cannot open this page"),
        404: _("Page not found"),
        405: _("This action is not available here"),
        409: _("This was changed in the meantime"),
        413: _("The file is too large"),
        422: _("Some information is not valid"),
        429: _("Too many attempts"),
    }
    hints = {
        400: _("Go back, reload the page and try again."),
        403: _(
            "Your account does not have access to it. Sign in with another account or go "
            "back to your start page."
        ),
        404: _("The address may be mistyped, or the item was removed."),
        413: _(
            "Photos can be up to 20 MB together and a spreadsheet up to 10 MB. Choose "
            "smaller files."
        ),
        429: _("Wait a minute, then try again."),
    }
    title = titles.get(status, _("Something went wrong on our side"))
    hint = detail or hints.get(status, _("Please try again in a moment."))
    # The menu asks the database for nothing here: the error may be the database's.
    page = render_template("error.html", status=status, title=title, hint=hint,
                           unread_messages=_no_count)  # fmt: skip
    return page, status


def _no_count() -> int:
    return 0
