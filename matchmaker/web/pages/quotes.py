"""The producer's quote on a requirement, and the buyer's side-by-side comparison of quotes."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.catalog import access as catalog
from matchmaker.catalog.models import Offer
from matchmaker.conversations.services import attachments_of_quotes
from matchmaker.errors import Conflict, Invalid
from matchmaker.extensions import db_session, get_settings
from matchmaker.i18n import say, say_error, say_fields
from matchmaker.inputs import parse, record_id
from matchmaker.quotes import services
from matchmaker.quotes.comparison import freight_note, to_xlsx
from matchmaker.quotes.inputs import QuoteChanges, QuoteInput
from matchmaker.quotes.models import DELIVERY_TERMS
from matchmaker.ranking import reference
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, signed_in_user

bp = blueprint("quotes", __name__)

SORTS: dict[str, services.Sort] = {"price": "price", "delivered": "delivered", "stars": "stars"}
NUMBERS = ("unit_price_vnd", "min_order_quantity", "monthly_volume", "lead_time_days")


def _typed(form: Any) -> dict[str, Any]:
    """The form's fields as the input model reads them: blank is not given, numbers as typed
    in either language's way (a dot or a space between thousands)."""
    data: dict[str, Any] = {}
    for name in (*NUMBERS, "unit", "delivery_terms", "valid_until", "note"):
        value = (form.get(name) or "").strip()
        if not value:
            continue
        if name in NUMBERS:
            text = value.replace(" ", "").replace("\u00a0", "")
            # A price in dong has no fraction: a dot or a comma in it groups thousands.
            if name == "unit_price_vnd":
                text = text.replace(".", "").replace(",", "")
            else:
                text = text.replace(",", ".")
            try:
                data[name] = float(text) if "." in text else int(text)
            except ValueError:
                data[name] = value
        else:
            data[name] = value
    provinces = [p for p in form.getlist("delivery_provinces") if p]
    if provinces:
        data["delivery_provinces"] = provinces
    data["samples_available"] = form.get("samples_available") == "1"
    return data


@bp.route("/requirements/<int:requirement_id>/quote", methods=["GET", "POST"])
@role_required("producer")
def quote_form(requirement_id: int) -> str | Response:
    """New quote, or a revision of the producer's quote with the chosen offer."""
    db, user = db_session(), signed_in_user()
    requirement = catalog.read_requirement(db, user, requirement_id)
    offers: list[Offer] = [o for o in user.organization.offers if o.status == "active"]
    offer_id = record_id(request.values.get("offer_id")) or (offers[0].id if offers else None)
    existing = services.quote_on(db, user, requirement_id, offer_id) if offer_id else None
    chosen = next((o for o in offers if o.id == offer_id), None)
    # A price per the buyer's unit compares best; else per the unit the product is sold in.
    default_unit = requirement.unit or (chosen.unit if chosen else None)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if existing is not None:
        latest = existing.latest
        values = {name: getattr(latest, name) for name in services.TERMS}
    if request.method == "POST":
        typed = _typed(request.form)
        values = typed
        try:
            if existing is not None and existing.status == "open":
                # The form shows every term: one left blank is cleared, not kept.
                every = {name: typed.get(name) for name in services.TERMS}
                services.revise(db, user, existing.id, parse(QuoteChanges, every, "quote.invalid"))
                flash(_("Your quote is revised; the buyer sees the new terms."), "success")
            else:
                data = parse(QuoteInput, {**typed, "offer_id": offer_id}, "quote.invalid")
                services.submit(db, user, requirement_id, data)
                flash(_("Your quote is sent to the buyer."), "success")
            return redirect(url_for("quotes.quote_form", requirement_id=requirement_id,
                                    offer_id=offer_id))  # type: ignore[return-value]  # fmt: skip
        except Invalid as error:
            errors = say_fields(error.errors) or {"": say_error(error)}
        except Conflict as error:
            errors = {"": say_error(error)}
    return render_template(
        "quotes/form.html",
        requirement=requirement,
        offers=offers,
        offer_id=offer_id,
        quote=existing,
        values=values,
        errors=errors,
        units=reference.units(),
        provinces=reference.provinces(),
        terms=DELIVERY_TERMS,
        default_unit=default_unit,
        say=say,
        files=attachments_of_quotes(db, [existing.id]).get(existing.id, []) if existing else [],
    )


@bp.post("/quotes/<int:quote_id>/withdraw")
@role_required("producer")
def withdraw(quote_id: int) -> Response:
    db, user = db_session(), signed_in_user()
    quote = services.withdraw(db, user, quote_id)
    flash(_("Your quote is withdrawn."), "success")
    return redirect(url_for("quotes.quote_form", requirement_id=quote.requirement_id,
                            offer_id=quote.offer_id))  # type: ignore[return-value]  # fmt: skip


@bp.get("/requirements/<int:requirement_id>/quotes")
@role_required("buyer", "officer", "admin")
def compare(requirement_id: int) -> str:
    sort = SORTS.get(request.args.get("sort") or "", "price")
    comparison = services.comparison(
        db_session(), signed_in_user(), requirement_id, sort, freight=get_settings().freight
    )
    files = attachments_of_quotes(db_session(), [line.quote.id for line in comparison.lines])
    return render_template(
        "quotes/compare.html",
        comparison=comparison,
        sort=sort,
        say=say,
        files=files,
        freight_note=freight_note(comparison, say),
    )


@bp.get("/requirements/<int:requirement_id>/quotes.xlsx")
@role_required("buyer", "officer", "admin")
def export(requirement_id: int) -> Response:
    comparison = services.comparison(
        db_session(), signed_in_user(), requirement_id, freight=get_settings().freight
    )
    response = make_response(to_xlsx(comparison, say))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="quotes-{requirement_id}.xlsx"'
    return response


@bp.post("/quotes/<int:quote_id>/answer")
@role_required("buyer", "admin")
def answer(quote_id: int) -> Response:
    db, user = db_session(), signed_in_user()
    quote = services.read_quote(db, user, quote_id)
    back = url_for("quotes.compare", requirement_id=quote.requirement_id) + f"#quote-{quote_id}"
    try:
        if request.form.get("action") == "accept":
            services.accept(db, user, quote_id)
            flash(_("Quote accepted: the deal is recorded and the producer is told."), "success")
        else:
            services.decline(db, user, quote_id, request.form.get("reason"))
            flash(_("Quote declined; the producer sees your reason."), "success")
    except (Invalid, Conflict) as error:
        flash(say_error(error), "error")
    return redirect(back)  # type: ignore[return-value]
