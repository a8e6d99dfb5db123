"""The officer's page of producers' claims: someone registered as a producer the province lists,
and waits for an officer of that province (or an admin) to approve that it is theirs."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from matchmaker.accounts import claims
from matchmaker.errors import Conflict
from matchmaker.extensions import db_session
from matchmaker.i18n import say_error
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required, signed_in_user

bp = blueprint("claims", __name__, url_prefix="/officer/claims")
STAFF = ("officer", "admin")


@bp.get("/")
@role_required(*STAFF)
def index() -> str:
    waiting, decided = claims.claims_for(db_session(), signed_in_user())
    return render_template("officer/claims.html", waiting=waiting, decided=decided)


@bp.post("/<int:claim_id>/<any(approve, refuse):answer>")
@role_required(*STAFF)
def decide(claim_id: int, answer: str) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        found = claims.decide(db_session(), signed_in_user(), claim_id, approve=answer == "approve")
    except Conflict as error:  # decided meanwhile, by another officer
        flash(say_error(error), "error")
        return redirect(url_for("claims.index"))  # type: ignore[return-value]
    name, producer = found.user.name, found.organization.name
    if found.status == "approved":
        flash(_("%(name)s now keeps %(producer)s and can sign in.", name=name, producer=producer),
              "success")  # fmt: skip
    else:
        flash(_("The request of %(name)s was refused; they are told by email.", name=name),
              "success")  # fmt: skip
    return redirect(url_for("claims.index"))  # type: ignore[return-value]
