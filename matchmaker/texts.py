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
    # --- catalog: organizations, offers, requirements -------------------------------------
    # --- catalog: the OCOP list import ----------------------------------------------------
    # --- matching and search --------------------------------------------------------------
    # --- events ---------------------------------------------------------------------------
    # --- notifications --------------------------------------------------------------------
    # --- files ----------------------------------------------------------------------------
    "photo.not_image": N_("Photos must be JPEG, PNG or WebP images."),
    "photo.too_large": N_("A photo can be at most %(max)s MB."),
    "photo.too_many": N_("A product can have at most %(count)s photos."),
}


def message_id(code: str) -> str:
    """The English text of a code (the code itself when unknown, so that nothing is lost)."""
    return MESSAGES.get(code, code)
