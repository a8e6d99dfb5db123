"""The services' field messages (written in English for the API) in the page's language."""

from __future__ import annotations

import re

from flask_babel import format_decimal
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
    "must be after ocop_certified_on": lambda: _(
        "Must be after the date the certificate was issued."
    ),
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
    "is wrong": lambda: _("This is not your current password."),
    "is the current password": lambda: _("Choose a password other than the current one."),
    "does not match": lambda: _("The code does not match."),
    "must be an image": lambda: _("Photos must be JPEG, PNG or WebP images."),
    "must be at least min_price": lambda: _("The highest price must be at least the lowest price."),
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
    (re.compile(r"^must be at most (\d+)$"),
     lambda m: _("Enter %(max)s or less.", max=format_decimal(int(m.group(1))))),
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


# The importer names the spreadsheet's columns in Vietnamese, as the provinces write them.
_COLUMNS = {
    "Tên sản phẩm": lambda: _("Product name"),
    "Chủ thể": lambda: _("Producer"),
    "Hạng sao": lambda: _("Stars"),
    "Nhóm": lambda: _("Product group"),
    "Tỉnh": lambda: _("Province"),
    "Ngày cấp": lambda: _("Issue date"),
    "Ngày hết hạn": lambda: _("Expiry date"),
    "Đơn vị tính": lambda: _("Unit"),
    "Giá": lambda: _("Price"),
    "Sản lượng": lambda: _("Capacity"),
    "Hạn sử dụng": lambda: _("Shelf life"),
}
_CELL = re.compile(r"^(?P<column>" + "|".join(map(re.escape, _COLUMNS)) + r") (?P<message>.+)$")
_IMPORT_PATTERNS = (
    (re.compile(r"^is empty$"), lambda m: _("is empty")),
    (re.compile(r"^(?P<value>.+) is not 3, 4 or 5 stars$"),
     lambda m: _("%(value)s is not 3, 4 or 5 stars", value=m["value"])),
    (re.compile(r"^unknown product group (?P<value>.+)$"),
     lambda m: _("unknown product group %(value)s", value=m["value"])),
    (re.compile(r"^unknown province (?P<value>.+)$"),
     lambda m: _("unknown province %(value)s", value=m["value"])),
    (re.compile(r"^no province in the row or its address"),
     lambda m: _("no province in the row or in its address")),
    (re.compile(r"^(?P<value>.+) is not a date"),
     lambda m: _("%(value)s is not a date (write dd/mm/yyyy)", value=m["value"])),
    (re.compile(r"^unknown unit (?P<value>.+)$"),
     lambda m: _("unknown unit %(value)s", value=m["value"])),
    (re.compile(r"^(?P<value>.+) is not a number$"),
     lambda m: _("%(value)s is not a number", value=m["value"])),
    (re.compile(r"^duplicate of row (?P<row>\d+)$"),
     lambda m: _("same product as row %(row)s", row=m["row"])),
    (re.compile(r"^certification (?P<value>.+) not recognised; left out$"),
     lambda m: _("certification %(value)s not recognised; left out", value=m["value"])),
    (re.compile(r"^OCOP certificate expired on (?P<day>\S+); imported, but it will not count$"),
     lambda m: _("OCOP certificate expired on %(day)s; imported, but the rating does not "
                 "count", day=m["day"])),
)  # fmt: skip


# A row can also break the catalog's own rules, which name the offer's fields.
_FIELDS = {
    "title": lambda: _("Product name"),
    "category": lambda: _("Product group"),
    "unit": lambda: _("Unit"),
    "province": lambda: _("Province"),
    "ocop_stars": lambda: _("Stars"),
    "ocop_potential_five_star": lambda: _("Potential 5-star product"),
    "ocop_certified_on": lambda: _("Issue date"),
    "ocop_certified_until": lambda: _("Expiry date"),
    "traceability_url": lambda: _("Traceability link (QR code)"),
}
_FIELD = re.compile(r"^(?P<field>" + "|".join(_FIELDS) + r") (?P<message>.+)$")


def _import_part(part: str) -> str:
    rule = _FIELD.match(part)
    if rule:
        return f"{_FIELDS[rule['field']]()}: {field_message(rule['message'])}"
    cell = _CELL.match(part)
    column, message = (_COLUMNS[cell["column"]](), cell["message"]) if cell else (None, part)
    for pattern, render in _IMPORT_PATTERNS:
        found = pattern.match(message)
        if found:
            message = render(found)
            break
    return f"{column}: {message}" if column else message


def import_reason(reason: str) -> str:
    """An import report's reason for a row, in the page's language (unknown ones as written)."""
    return "; ".join(_import_part(part) for part in reason.split("; "))
