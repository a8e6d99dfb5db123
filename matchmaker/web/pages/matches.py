"""One suggestion seen from either side, and the answers to it (accept, contact, decline)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.errors import Conflict, Invalid
from matchmaker.extensions import db_session
from matchmaker.i18n import say_error
from matchmaker.matching import access as matching
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
    return render_template("match.html", match=match, feedback=FeedbackForm())


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
