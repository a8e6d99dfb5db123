"""The services' field messages (written in English for the API) in the page's language."""

from __future__ import annotations

import re

from flask_babel import gettext as _

_EXACT = {
    "is required": lambda: _("This field is required."),
    "must be text": lambda: _("Enter text."),
    "must be a number": lambda: _("Enter a number."),
    "must be a whole number": lambda: _("Enter a whole number."),
    "must be a finite number": lambda: _("Enter a number."),
    "must be greater than 0": lambda: _("Enter a number greater than 0."),
    "must be at least 0": lambda: _("Enter 0 or more."),
    "must be 3, 4 or 5 (OCOP stars)": lambda: _("Choose 3, 4 or 5 stars."),
    "must be a date (YYYY-MM-DD)": lambda: _("Enter a date."),
    "must be an http(s) URL": lambda: _("Enter a web address starting with http:// or https://."),
    "must be after ocop_certified_on": lambda: _("Must be after the date the certificate was "
                                                 "issued."),
    "cannot be in the future": lambda: _("Cannot be in the future."),
    "only a 4-star product can be a potential 5-star": lambda: _(
        "Only a 4-star product can be a potential 5-star product."
    ),
    "is required when certificate dates are given": lambda: _(
        "Choose the star rating the certificate gives."
    ),
    "is already in the past": lambda: _("This date has already passed."),
    "is required when quantity_per_month is given": lambda: _(
        "Choose the unit of the monthly quantity."
    ),
    "must be an email address": lambda: _("Enter an email address such as name@example.vn."),
    "does not match": lambda: _("The code does not match."),
    "must be an image": lambda: _("Photos must be JPEG, PNG or WebP images."),
}
_PATTERNS = (
    (re.compile(r"^must be at most (\d+) characters$"),
     lambda m: _("Use at most %(max)d characters.", max=int(m.group(1)))),
    (re.compile(r"^must be at least (\d+) characters$"),
     lambda m: _("Use at least %(count)s characters.", count=m.group(1))),
    (re.compile(r"^an OCOP certificate lasts at most (\d+) months"),
     lambda m: _("An OCOP certificate lasts at most %(count)s months from its issue date.",
                 count=m.group(1))),
    (re.compile(r"^at most (\d+) photos per product$"),
     lambda m: _("A product can have at most %(count)s photos.", count=m.group(1))),
    (re.compile(r"^unknown province"), lambda m: _("Choose a province from the list.")),
    (re.compile(r"^unknown .* code"), lambda m: _("Choose a value from the list.")),
    (re.compile(r"^must be one of"), lambda m: _("Choose a value from the list.")),
)  # fmt: skip


def field_message(message: str) -> str:
    if message in _EXACT:
        return _EXACT[message]()
    for pattern, render in _PATTERNS:
        found = pattern.match(message)
        if found:
            return render(found)
    return message
