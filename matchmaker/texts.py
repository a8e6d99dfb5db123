"""Every coded message the domain can emit, with its English text: the message id that Babel
extracts (``N_``) and that the edge translates in the reader's language.

A code is ``area.what``; its text names parameters as ``%(name)s``. The services never import
this module's texts: they raise codes (:mod:`matchmaker.errors`). A test checks that every code
raised in the package is here and translated in every shipped language.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message


MESSAGES: dict[str, str] = {
    # --- field rules every input model shares ---------------------------------------------
    "field.required": N_("This field is required."),
    "field.text": N_("Enter text."),
    "field.number": N_("Enter a number."),
    "field.whole_number": N_("Enter a whole number."),
    "field.positive": N_("Enter a number greater than 0."),
    "field.not_negative": N_("Enter 0 or more."),
    "field.at_least": N_("Enter %(min)s or more."),
    "field.at_most": N_("Enter %(max)s or less."),
    "field.max_length": N_("Use at most %(max)s characters."),
    "field.min_length": N_("Use at least %(min)s characters."),
    "field.date": N_("Enter a date."),
    "field.future_date": N_("Cannot be in the future."),
    "field.past_date": N_("This date has already passed."),
    "field.url": N_("Enter a web address starting with http:// or https://."),
    "field.email": N_("Enter an email address such as name@example.vn."),
    "field.choice": N_("Choose a value from the list."),
    "field.province": N_("Choose a province from the list."),
    "field.invalid": N_("This value is not valid."),
    # --- the API's own checks -------------------------------------------------------------
    "request.invalid": N_("The request has invalid fields: %(fields)s."),
    # --- accounts -------------------------------------------------------------------------
    "account.invalid": N_("The account has invalid fields."),
    "account.email_taken": N_("An account with the email %(email)s already exists."),
    "account.not_found": N_("No account has the email %(email)s."),
    "account.password_too_short": N_("The password is too short."),
    "account.wrong_password": N_("This is not your current password."),
    "account.same_password": N_("Choose a password other than the current one."),
    "account.staff_roles_only": N_("Only officer and admin accounts are made here."),
    "account.self_registration_roles": N_(
        "Only producers and buyers register themselves; officer and admin accounts are made "
        "by an administrator."
    ),
    "account.invite_code_mismatch": N_("The code does not match."),
    "account.join_wrong_kind": N_(
        "This organization's members have another role: choose that role to join it."
    ),
    "account.role_for_kind": N_("This organization's members have another role."),
    "account.bad_credentials": N_("The email or password is wrong."),
    "account.too_many_attempts": N_(
        "Too many sign-in attempts. Try again in %(retry_after)s seconds."
    ),
    # --- catalog: organizations, offers, requirements -------------------------------------
    "field.list": N_("Give a list."),
    "field.max_items": N_("Give at most %(max)s items."),
    "field.boolean": N_("Choose yes or no."),
    "field.unknown": N_("This is not a field of this record."),
    "field.unknown_codes": N_("Unknown codes: %(codes)s."),
    "field.provinces": N_("Unknown provinces: %(values)s."),
    "field.countries": N_("These are not two-letter country codes (ISO 3166): %(values)s."),
    "record.stale_version": N_(
        "Someone else changed this meanwhile (version %(current)s; you edited version "
        "%(expected)s). Reload it and make your change again."
    ),
    "record.bad_if_match": N_('If-Match must be an ETag this API gave out, like "v3".'),
    "page.invalid": N_("The page number is not valid."),
    "page.bad_cursor": N_("The cursor is not one this API gave out."),
    "organization.invalid": N_("The organization has invalid fields."),
    "organization.not_found": N_("Organization %(organization_id)s does not exist."),
    "organization.not_member": N_("Only the organization's own members can change it."),
    "organization.kind_fixed": N_("An organization's kind cannot change."),
    "organization.wrong_kind": N_(
        "This organization cannot do this: offers belong to producers, requirements to buyers."
    ),
    "offer.invalid": N_("The offer has invalid fields."),
    "offer.not_found": N_("Offer %(offer_id)s does not exist."),
    "offer.producers_only": N_("Only producers post offers."),
    "offer.not_owner": N_("Only the producer that owns this offer can change it."),
    "offer.province_required": N_("The offer needs a province: the producer has none on record."),
    "offer.stars": N_("Choose 3, 4 or 5 stars."),
    "offer.expiry_before_issue": N_("Must be after the date the certificate was issued."),
    "offer.certificate_too_long": N_(
        "An OCOP certificate lasts at most %(count)s months from its issue date."
    ),
    "offer.potential_five_star": N_("Only a 4-star product can be a potential 5-star product."),
    "offer.stars_required": N_("Choose the star rating the certificate gives."),
    "requirement.invalid": N_("The requirement has invalid fields."),
    "requirement.not_found": N_("Requirement %(requirement_id)s does not exist."),
    "requirement.buyers_only": N_("Only buyers post requirements."),
    "requirement.not_owner": N_("Only the buyer that posted this requirement can change it."),
    "requirement.unit_required": N_("Choose the unit of the monthly quantity."),
    "photo.invalid": N_("The photos cannot be kept."),
    "photo.not_image": N_("Photos must be JPEG, PNG or WebP images."),
    "photo.too_many": N_("A product can have at most %(count)s photos."),
    "shortlist.invalid": N_("The shortlist entry has invalid fields."),
    "shortlist.buyers_only": N_("Only buyers keep a shortlist of suppliers."),
    "shortlist.full": N_("A shortlist holds at most %(max)s offers; remove some first."),
    # --- catalog: the OCOP list import ----------------------------------------------------
    "import.column.title": N_("Product name"),
    "import.column.producer": N_("Producer"),
    "import.column.stars": N_("Stars"),
    "import.column.group": N_("Product group"),
    "import.column.subgroup": N_("Product sub-group"),
    "import.column.province": N_("Province/city"),
    "import.column.address": N_("Address"),
    "import.column.decision": N_("Decision number"),
    "import.column.certified_on": N_("Issue date"),
    "import.column.certified_until": N_("Expiry date"),
    "import.column.entity_type": N_("Type of entity"),
    "import.column.unit": N_("Unit"),
    "import.column.price": N_("Price"),
    "import.column.capacity": N_("Capacity"),
    "import.column.shelf_life": N_("Shelf life"),
    "import.column.certifications": N_("Certifications"),
    "import.column.description": N_("Description"),
    "import.column.traceability": N_("Traceability link (QR code)"),
    "import.column.phone": N_("Phone"),
    "import.column.email": N_("Email"),
    "import.xls_unsupported": N_(
        "Old .xls workbooks cannot be read; save the sheet as .xlsx or CSV."
    ),
    "import.unknown_encoding": N_(
        "The file is not text in a known encoding (UTF-8, Windows-1258 or Windows-1252)."
    ),
    "import.cannot_open": N_("The file cannot be opened."),
    "import.empty_file": N_("The file is empty."),
    "import.xlsx_named_wrong": N_("This is an Excel workbook; give it a .xlsx name."),
    "import.bad_xlsx": N_("This is not a readable .xlsx workbook."),
    "import.no_sheet": N_("There is no sheet named %(sheet)s; the sheets are %(sheets)s."),
    "import.no_rows": N_("The file has no rows."),
    "import.missing_column": N_(
        "Required columns are missing: %(columns)s. Columns recognised: %(found_columns)s."
    ),
    "import.unknown_default_province": N_(
        "Unknown province %(value)s given for the rows without one."
    ),
    "import.bad_row": N_("The row has invalid cells."),
    "import.empty_row": N_("empty row"),
    "import.cell_empty": N_("is empty"),
    "import.bad_stars": N_("%(value)s is not 3, 4 or 5 stars"),
    "import.unknown_group": N_("unknown product group %(value)s"),
    "import.unknown_province": N_("unknown province %(value)s"),
    "import.no_province": N_("no province in the row or in its address"),
    "import.bad_date": N_("%(value)s is not a date (write dd/mm/yyyy)"),
    "import.unknown_unit": N_("unknown unit %(value)s"),
    "import.bad_number": N_("%(value)s is not a number"),
    "import.duplicate_row": N_("same product as row %(row)s"),
    "import.unknown_certification": N_("certification %(value)s not recognised; left out"),
    "import.certificate_expired": N_(
        "OCOP certificate expired on %(day)s; imported, but the rating does not count"
    ),
    # --- matching and search --------------------------------------------------------------
    "match.invalid": N_("The answer has invalid fields."),
    "match.not_found": N_("Match %(match_id)s does not exist."),
    "match.not_a_side": N_("Only the buyer and the producer of a match can answer it."),
    "match.decline_reason_required": N_(
        "Say why you decline, so that future suggestions fit better."
    ),
    "match.wrong_status": N_(
        "This suggestion has already moved on; it cannot take this answer now."
    ),
    "match.requirement_owner_only": N_(
        "Only the buyer that posted the requirement sees its matches."
    ),
    "match.offer_owner_only": N_("Only the producer that owns the offer sees its matches."),
    "search.invalid": N_("Check the search filters."),
    "search.price_range": N_("The highest price must be at least the lowest price."),
    # --- events ---------------------------------------------------------------------------
    # --- notifications --------------------------------------------------------------------
}


def message_id(code: str) -> str:
    """The English text of a code (the code itself when unknown, so that nothing is lost)."""
    return MESSAGES.get(code, code)
