"""One suggestion seen from either side, the answers to it (accept, contact, decline), and
the orders either side records once it became a deal."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.errors import Conflict, Forbidden, Invalid
from matchmaker.extensions import db_session
from matchmaker.i18n import say, say_error, say_fields
from matchmaker.inputs import parse
from matchmaker.matching import access as matching
from matchmaker.matching import orders
from matchmaker.matching.models import Match
from matchmaker.ranking import reference
from matchmaker.web.forms import FeedbackForm
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, safe_next, signed_in_user

bp = blueprint("matches", __name__, url_prefix="/matches")
SIDE_ROLES = ("producer", "buyer")


@bp.get("/<int:match_id>")
@role_required("producer", "buyer", "officer", "admin")
def detail(match_id: int) -> str:
    user = signed_in_user()
    db = db_session()
    match = matching.read_match(db, user, match_id)
    # Opening a suggestion is the "viewed" step of the funnel, for the two sides only.
    if user.role in SIDE_ROLES and match.status in ("suggested", "notified"):
        match = matching.give_feedback(db, user, match_id, "viewed", None)
    return _page(match)


def _page(
    match: Match, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> str:
    user = signed_in_user()
    return render_template(
        "match.html",
        match=match,
        feedback=FeedbackForm(),
        orders=orders.orders_of(db_session(), user, match.id),
        may_order=match.status == "deal" and orders.may_record_order(user, match),
        order_errors=errors or {},
        order_values=values or {},
        units=reference.units(),
        say=say,
    )


def _order_typed(form: Any) -> dict[str, Any]:
    """The order form as the input model reads it: blank is not given; a value in dong has no
    fraction (a dot, a comma or a space in it groups thousands), a quantity may have one."""
    data: dict[str, Any] = {}
    for name in ("value_vnd", "quantity", "unit", "ordered_on", "note"):
        value = (form.get(name) or "").strip()
        if not value:
            continue
        if name in ("value_vnd", "quantity"):
            text = value.replace(" ", "").replace("\u00a0", "")
            text = (
                text.replace(".", "").replace(",", "")
                if name == "value_vnd"
                else (text.replace(",", "."))
            )
            with contextlib.suppress(ValueError):  # left as typed: the model says what is wrong
                value = float(text) if "." in text else int(text)
        data[name] = value
    return data


@bp.post("/<int:match_id>/orders")
@role_required("producer", "buyer", "officer", "admin")
def record_order(match_id: int) -> str | Response:
    db, user = db_session(), signed_in_user()
    match = matching.read_match(db, user, match_id)
    typed = _order_typed(request.form)
    try:
        order = orders.record_order(db, user, match_id, parse(orders.OrderInput, typed,
                                                              "order.invalid"))  # fmt: skip
    except Invalid as error:
        return _page(match, say_fields(error.errors) or {"": say_error(error)}, typed)
    except (Conflict, Forbidden) as error:
        return _page(match, {"": say_error(error)}, typed)
    flash(_("The repeat order is recorded.") if order.kind == "repeat"
          else _("The first order is recorded."), "success")  # fmt: skip
    return redirect(url_for("matches.detail", match_id=match_id))  # type: ignore[return-value]


MESSAGES = {
    "accepted": lambda: _(
        "Accepted. The other side is told; contact details are shown below and emailed as soon"
        " as both sides may have them."
    ),
    "declined": lambda: _("Declined. Thank you: the reason improves future suggestions."),
    "contacted": lambda: _("Marked as contacted."),
    "deal": lambda: _("Congratulations on the deal!"),
    "viewed": lambda: _("Marked as viewed."),
}


@bp.post("/<int:match_id>/feedback")
@role_required("producer", "buyer", "admin")
def feedback(match_id: int) -> Response:
    form = FeedbackForm()
    back = safe_next(request.form.get("next"), url_for("matches.detail", match_id=match_id))
    if not form.validate():
        flash(_("Choose what to do with this suggestion."), "error")
        return redirect(back)  # type: ignore[return-value]
    action = form.action.data or ""
    try:
        matching.give_feedback(db_session(), signed_in_user(), match_id, action, form.reason_text())
    except Invalid as error:
        flash(say_error(error), "error")
    except Conflict:
        flash(_("This suggestion has already moved on; the page shows where it stands now."),
              "error")  # fmt: skip
    else:
        flash(MESSAGES[action](), "success")
    return redirect(back)  # type: ignore[return-value]
