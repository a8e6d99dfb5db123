"""Page forms: labels and choices in the page's language, numbers typed the local way.

Field names are the domain's, so that a service's coded field errors land on the right input
(:func:`apply_errors`); the rules themselves (lengths, ranges, formats) are the domain's and
are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.catalog.models import BUYER_TYPES, ENTITY_TYPES
from matchmaker.errors import Invalid
from matchmaker.i18n import say
from matchmaker.ranking import reference
from matchmaker.web import i18n

ENTITY_LABELS = {
    "enterprise": _l("Enterprise"),
    "cooperative": _l("Cooperative"),
    "cooperative_group": _l("Cooperative group"),
    "household": _l("Household business"),
}
BUYER_LABELS = {
    "supermarket": _l("Supermarket chain"),
    "ecommerce": _l("E-commerce platform"),
    "introduction_point": _l("OCOP introduction point"),
    "exporter": _l("Exporter"),
    "wholesaler": _l("Wholesaler"),
    "horeca": _l("Hotel or restaurant"),
}


def options(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


STARS = [("3", "3 ★"), ("4", "4 ★"), ("5", "5 ★")]
IMAGE_TYPES = ["jpg", "jpeg", "png", "webp"]


def required() -> InputRequired:
    return InputRequired(message=_l("This field is required."))


def at_most(length: int) -> Length:
    return Length(max=length, message=_l("Use at most %(max)d characters."))


class LocalDateField(DateField):
    """A date picker whose complaint about a bad value is in the page's language."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date."))) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NumberField(StringField):
    """A number as people type it in the page's language: "1.500,5" in Vietnamese,
    "1,500.5" in English, or plain digits. What was typed is kept when it is wrong."""

    def __init__(self, *args: Any, whole: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.whole = whole
        self.number: float | int | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(" ", "")
        self.data = text
        self.number = None
        if not text:
            return
        try:
            # Strict: "1.5" on a Vietnamese page may mean 15 or 1,5, so it is asked, not guessed.
            value = parse_decimal(text, locale=i18n.lang(), strict=True)
        except NumberFormatError as error:
            if error.suggestions and len(error.suggestions) == 2:
                one, other = error.suggestions
                raise ValueError(
                    str(_l("Did you mean %(one)s or %(other)s?", one=one, other=other))
                ) from None
            value = None
        if value is None or (self.whole and value != value.to_integral_value()):
            raise ValueError(
                str(_l("Enter a whole number, e.g. 120000"))
                if self.whole
                else str(_l("Enter a number, e.g. 1500"))
            )
        self.number = int(value) if self.whole else float(value)

    def process_data(self, value: Any) -> None:
        self.number = value
        if value is None:
            self.data = ""
        elif isinstance(value, float | int | Decimal):
            self.data = i18n.number(float(value))
        else:
            self.data = str(value)


def _category_choices() -> list[SelectChoice]:
    """Every group and sub-group, under the group's name."""
    names = {c.code: i18n.localized(c) for c in reference.categories() if c.is_group}
    return [
        SelectChoice(c.code, i18n.localized(c), optgroup=names[c.group])
        for c in reference.categories()
    ]


def _province_choices() -> list[SelectChoice]:
    return options(i18n.province_pairs())


def _reference_choices(items: Iterable[Any]) -> list[SelectChoice]:
    return options((item.code, i18n.localized(item)) for item in items)


def _blank(label: Any) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[required(), at_most(320)])
    password = PasswordField(_l("Password"), validators=[required()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[required()])
    new_password = PasswordField(
        _l("New password (at least 8 characters)"), validators=[required(), at_most(256)]
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[
            required(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )


class OrganizationFields(FlaskForm):
    name = StringField(_l("Organization name"), validators=[required()])
    entity_type = SelectField(_l("Type of producer"), validators=[Optional()])
    buyer_type = SelectField(_l("Type of buyer"), validators=[Optional()])
    province = SelectField(_l("Province or city"), validators=[required()])
    address = StringField(_l("Address"))
    phone = StringField(_l("Phone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = _blank(_l("Choose…"))
        self.entity_type.choices = choose + options((c, ENTITY_LABELS[c]) for c in ENTITY_TYPES)
        self.buyer_type.choices = choose + options((c, BUYER_LABELS[c]) for c in BUYER_TYPES)
        self.province.choices = choose + _province_choices()


class OrganizationForm(OrganizationFields):
    contact_email = EmailField(_l("Contact email"))
    preferred_language = SelectField(
        _l("Language for emails"), choices=options(i18n.LANGUAGE_NAMES.items())
    )

    def data_for(self, kind: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name.data,
            "province": self.province.data,
            "address": self.address.data or None,
            "contact_email": self.contact_email.data or None,
            "phone": self.phone.data or None,
            "preferred_language": self.preferred_language.data,
        }
        if kind == "producer":
            data["entity_type"] = self.entity_type.data or None
        if kind == "buyer":
            data["buyer_type"] = self.buyer_type.data or None
        return data


class SignUpForm(OrganizationFields):
    role = RadioField(
        _l("I am a"),
        choices=options(
            (
                ("producer", _l("Producer (I sell OCOP products)")),
                ("buyer", _l("Buyer (I source products)")),
            )
        ),
        validators=[required()],
    )
    person_name = StringField(_l("Your name"), validators=[required()])
    email = EmailField(_l("Email"), validators=[required()])
    password = PasswordField(_l("Password (at least 8 characters)"), validators=[required()])

    def organization_data(self) -> dict[str, Any]:
        data = {
            "name": self.name.data,
            "province": self.province.data,
            "address": self.address.data or None,
            "phone": self.phone.data or None,
            "contact_email": self.email.data,
            "preferred_language": i18n.lang(),
        }
        if self.role.data == "producer" and self.entity_type.data:
            data["entity_type"] = self.entity_type.data
        if self.role.data == "buyer" and self.buyer_type.data:
            data["buyer_type"] = self.buyer_type.data
        return {k: v for k, v in data.items() if v is not None}


class OfferForm(FlaskForm):
    title = StringField(_l("Product name"), validators=[required()])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    category = SelectField(_l("Product group"), validators=[required()])
    unit = SelectField(_l("Unit of sale"), validators=[required()])
    ocop_stars = SelectField(
        _l("OCOP stars"),
        choices=_blank(_l("No OCOP rating")) + options(STARS),
        validators=[Optional()],
    )
    ocop_potential_five_star = BooleanField(_l("Potential 5-star product"))
    ocop_certified_on = LocalDateField(_l("OCOP certificate issued on"), validators=[Optional()])
    ocop_certified_until = LocalDateField(
        _l("OCOP certificate valid until"), validators=[Optional()]
    )
    ocop_decision_number = StringField(_l("Decision number"), validators=[Optional()])
    certifications = MultiCheckboxField(_l("Other certifications"), validators=[Optional()])
    province = SelectField(_l("Province or city"), validators=[required()])
    monthly_capacity = NumberField(_l("Monthly capacity"))
    min_order_quantity = NumberField(_l("Minimum order"))
    unit_price_vnd = NumberField(_l("Price per unit (VND)"), whole=True)
    shelf_life_days = NumberField(_l("Shelf life (days)"), whole=True)
    traceability_url = URLField(_l("Traceability link (QR code)"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=options((("active", _l("Listed")), ("paused", _l("Paused")))),
        default="active",
    )
    photos = MultipleFileField(
        _l("Photos (JPEG, PNG or WebP)"),
        validators=[FileAllowed(IMAGE_TYPES, _l("Photos must be JPEG, PNG or WebP images."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = _blank(_l("Choose…")) + _category_choices()
        self.unit.choices = _blank(_l("Choose…")) + _reference_choices(reference.units())
        self.certifications.choices = _reference_choices(reference.certifications())
        self.province.choices = _province_choices()

    def offer_data(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "category": self.category.data or None,
            "unit": self.unit.data or None,
            "ocop_stars": int(self.ocop_stars.data) if self.ocop_stars.data else None,
            "ocop_potential_five_star": bool(self.ocop_potential_five_star.data),
            "ocop_certified_on": self.ocop_certified_on.data,
            "ocop_certified_until": self.ocop_certified_until.data,
            "ocop_decision_number": self.ocop_decision_number.data or None,
            "certifications": list(self.certifications.data or []),
            "province": self.province.data,
            "monthly_capacity": self.monthly_capacity.number,
            "min_order_quantity": self.min_order_quantity.number,
            "unit_price_vnd": self.unit_price_vnd.number,
            "shelf_life_days": self.shelf_life_days.number,
            "traceability_url": self.traceability_url.data or None,
            "status": self.status.data or "active",
        }


class RequirementForm(FlaskForm):
    title = StringField(_l("What do you need?"), validators=[required()])
    description = TextAreaField(_l("Details"), validators=[Optional()])
    category = SelectField(_l("Product group"), validators=[Optional()])
    min_ocop_stars = SelectField(
        _l("Lowest OCOP rating"),
        choices=_blank(_l("Any")) + options(STARS),
        validators=[Optional()],
    )
    required_certifications = MultiCheckboxField(
        _l("Certifications required"), validators=[Optional()]
    )
    unit = SelectField(_l("Unit"), validators=[Optional()])
    quantity_per_month = NumberField(_l("Quantity per month"))
    max_unit_price_vnd = NumberField(_l("Highest price per unit (VND)"), whole=True)
    delivery_provinces = MultiCheckboxField(
        _l("Deliver to (none ticked: nationwide)"), validators=[Optional()]
    )
    min_shelf_life_days = NumberField(_l("Shortest shelf life (days)"), whole=True)
    needed_by = LocalDateField(_l("Needed by"), validators=[Optional()])
    valid_until = LocalDateField(_l("Open until"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=options((("open", _l("Open")), ("paused", _l("Paused")), ("closed", _l("Closed")))),
        default="open",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = _blank(_l("Any")) + _category_choices()
        self.unit.choices = _blank(_l("Any")) + _reference_choices(reference.units())
        self.required_certifications.choices = _reference_choices(reference.certifications())
        self.delivery_provinces.choices = _province_choices()

    def requirement_data(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "category": self.category.data or None,
            "min_ocop_stars": int(self.min_ocop_stars.data) if self.min_ocop_stars.data else None,
            "required_certifications": list(self.required_certifications.data or []),
            "unit": self.unit.data or None,
            "quantity_per_month": self.quantity_per_month.number,
            "max_unit_price_vnd": self.max_unit_price_vnd.number,
            "delivery_provinces": list(self.delivery_provinces.data or []),
            "min_shelf_life_days": self.min_shelf_life_days.number,
            "needed_by": self.needed_by.data,
            "valid_until": self.valid_until.data,
            "status": self.status.data or "open",
        }


DECLINE_REASONS = {
    "price": _l("Price does not fit"),
    "quality": _l("Rating or certifications do not fit"),
    "volume": _l("Volume or capacity does not fit"),
    "distance": _l("Too far for delivery"),
    "product": _l("Not the product we need"),
    "other": _l("Other reason"),
}


class FeedbackForm(FlaskForm):
    action = SelectField(
        choices=options((a, a) for a in ("viewed", "accepted", "declined", "contacted", "deal")),
        validators=[required()],
    )
    reason = SelectField(
        _l("Why?"), choices=_blank(_l("Choose…")) + options(DECLINE_REASONS.items()),
        validators=[Optional()],
    )  # fmt: skip
    note = StringField(_l("Note (optional)"), validators=[Optional(), at_most(400)])

    def reason_text(self) -> str | None:
        """What the ranking learns from: the reason's code, and the user's words if any."""
        if not self.reason.data:
            return self.note.data or None
        return f"{self.reason.data}: {self.note.data}" if self.note.data else self.reason.data


FREQUENCY_LABELS = {
    "instant": _l("Right away, one email per new match"),
    "daily": _l("Once a day, a summary"),
    "weekly": _l("Once a week, a summary"),
    "never": _l("Never: stop all email about matches"),
}


class NotificationForm(FlaskForm):
    frequency = RadioField(
        _l("Email me about new matches"),
        choices=options(FREQUENCY_LABELS.items()),
        validators=[required()],
    )


class ShortlistForm(FlaskForm):
    offer_id = StringField(validators=[required()])
    note = StringField(
        _l("Note for your colleagues"),
        validators=[Optional()],
    )


class ImportForm(FlaskForm):
    spreadsheet = FileField(
        _l("OCOP list (XLSX or CSV)"),
        validators=[FileAllowed(["xlsx", "csv"], _l("Choose an .xlsx or .csv file."))],
    )


class ConfirmImportForm(FlaskForm):
    """Confirms a previewed import (the form carries only its CSRF token)."""


class ChooseGroupForm(FlaskForm):
    category = StringField(validators=[required()])


class UserStateForm(FlaskForm):
    active = SelectField(choices=options((("1", "1"), ("0", "0"))))


def apply_errors(form: FlaskForm, error: Invalid, aliases: Mapping[str, str] | None = None) -> bool:
    """Puts a service's coded field errors, in the page's language, on the form's fields;
    True when every one found a field."""
    placed = True
    for item in error.errors:
        name = (aliases or {}).get(item.field, item.field)
        field: Field | None = getattr(form, name, None)
        if isinstance(field, Field):
            field.errors = [*field.errors, say(item.code, item.params)]
        else:
            placed = False
    return placed
