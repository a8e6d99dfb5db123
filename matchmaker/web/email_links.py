"""Where email links land: view, accept or decline a match, choose a frequency, unsubscribe.
And, outside production, ``/dev/mail`` to read the mail the app would have sent.

Not page blueprints: a link from an email (and a mail client's one-click unsubscribe) carries
a signed token, not a form's CSRF token.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_babel import force_locale
from sqlalchemy.orm import joinedload

from matchmaker.accounts.models import User
from matchmaker.conversations import services as conversations
from matchmaker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from matchmaker.explanations import say_explanation
from matchmaker.extensions import db_session, get_notifier, get_settings
from matchmaker.i18n import say, say_error, say_fields
from matchmaker.matching.access import give_feedback
from matchmaker.matching.fit import fit_percent
from matchmaker.matching.models import Match
from matchmaker.notifications import preferences
from matchmaker.notifications.emails import language_of
from matchmaker.notifications.links import BadLink, ExpiredLink, LinkClaims
from matchmaker.notifications.models import FREQUENCIES
from matchmaker.settings import Settings
from matchmaker.translations import render

blueprint = Blueprint(
    "notifications", __name__, url_prefix="/notifications", template_folder="templates"
)
dev_mail = Blueprint("dev_mail", __name__, url_prefix="/dev/mail", template_folder="templates")


def _t(code: str, /, **params: Any) -> str:
    """A coded message in the page's language (the template calls it ``t``)."""
    return say(code, params)


def _page(language: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The link page in the recipient's language; ``message`` is a code of :mod:`texts`."""
    context.setdefault("match", None)
    with force_locale(language):
        context["message"] = say(context["message"], context.pop("params", {}))
        error = context.get("error")
        if error is not None:
            fields = say_fields(error.errors)
            context["error"] = next(iter(fields.values()), None) or say_error(error)
        return render_template(
            "notifications/page.html",
            t=_t,
            explain=say_explanation,
            language=language,
            fit_percent=fit_percent,
            **context,
        ), status


def _resolve(action: str, token: str) -> tuple[LinkClaims, User]:
    try:
        claims = get_notifier().links.load(action, token)
    except ExpiredLink:
        abort(_bad_link("link.expired"))
    except BadLink:
        abort(_bad_link())
    user = db_session().get(User, claims.user_id, options=[joinedload(User.organization)])
    if user is None or not user.is_active:
        abort(_bad_link())
    return claims, user


def _bad_link(code: str = "link.bad_link") -> Response:
    in_english = render(code, None, "en")
    body, status = _page("vi", 400, message=code, message_en=in_english)
    return Response(body, status, mimetype="text/html")


def _language(user: User) -> str:
    return language_of(user)


def _said(error: DomainError, user: User) -> str:
    """A domain error in the recipient's language."""
    with force_locale(_language(user)):
        return say_error(error)


def _match_action(action: str, feedback: str, token: str, done_key: str) -> tuple[str, int]:
    claims, user = _resolve(action, token)
    if claims.match_id is None:
        abort(_bad_link())
    match: Match | None = None
    try:
        match = give_feedback(db_session(), user, claims.match_id, feedback, None)
    except (NotFound, Forbidden):
        abort(_bad_link())
    except Conflict as exc:
        match = db_session().get(Match, claims.match_id)
        if action != "view":  # looking again at an answered match is fine
            return _page(_language(user), 409, message="link.conflict",
                         params={"detail": _said(exc, user)}, match=match)  # fmt: skip
    return _page(_language(user), message=done_key, match=match)


def _shown_match(action: str, token: str) -> tuple[User, Match]:
    """The match a link names, for showing only: nothing is recorded."""
    claims, user = _resolve(action, token)
    match = db_session().get(Match, claims.match_id) if claims.match_id is not None else None
    if match is None or (user.role != "admin" and user.organization_id not in _sides(match)):
        abort(_bad_link())
    return user, match


def _sides(match: Match) -> tuple[int, int]:
    return match.requirement.organization_id, match.offer.organization_id


# A link in an email acts only on POST. Mail scanners and link previews fetch every link of a
# message (GET, HEAD) before anyone reads it: those see a page with a button and change
# nothing. The signed token in the address is the authority, so the form needs no CSRF token
# (a forged POST would need the token, which only the recipient's email holds).


@blueprint.route("/view/<token>", methods=["GET", "POST"])
def view(token: str) -> tuple[str, int]:
    if request.method == "POST":
        return _match_action("view", "viewed", token, "link.viewed")
    user, match = _shown_match("view", token)
    links = get_notifier().links
    return _page(_language(user), message="link.viewed", match=match, answer_links={
        "accept": links.path("accept", user.id, match.id),
        "decline": links.path("decline", user.id, match.id),
    })  # fmt: skip


@blueprint.route("/accept/<token>", methods=["GET", "POST"])
def accept(token: str) -> tuple[str, int]:
    if request.method == "POST":
        return _match_action("accept", "accepted", token, "link.accepted")
    user, match = _shown_match("accept", token)
    return _page(_language(user), message="link.accept_ask", match=match,
                 confirm="link.accept_submit")  # fmt: skip


@blueprint.route("/decline/<token>", methods=["GET", "POST"])
def decline(token: str) -> tuple[str, int]:
    user, match = _shown_match("decline", token)
    session = db_session()
    language = _language(user)
    if request.method != "POST":  # GET, HEAD: only the page
        return _page(language, message="link.decline_ask", match=match, decline_form=True)
    try:
        give_feedback(session, user, match.id, "declined", request.form.get("reason"))
    except Invalid as exc:
        return _page(language, 422, message="link.decline_ask", error=exc,
                     match=match, decline_form=True)  # fmt: skip
    except Conflict as exc:
        return _page(language, 409, message="link.conflict",
                     params={"detail": _said(exc, user)}, match=match)  # fmt: skip
    except (NotFound, Forbidden):
        abort(_bad_link())
    return _page(language, message="link.declined", match=match)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> tuple[str, int]:
    """GET from the email's link asks; POST (the page's button, or a mail client's one-click
    unsubscribe, RFC 8058) unsubscribes."""
    _claims, user = _resolve("unsubscribe", token)
    if request.method != "POST":  # GET, HEAD: only the page
        return _page(_language(user), message="link.unsubscribe_ask",
                     confirm="link.unsubscribe_submit")  # fmt: skip
    preferences.unsubscribe(db_session(), user.id)
    return _page(_language(user), message="link.unsubscribed")


@blueprint.route("/mute/<token>", methods=["GET", "POST"])
def mute_thread(token: str) -> tuple[str, int]:
    """GET from a message notice asks; POST (the page's button) stops that thread's emails."""
    claims, user = _resolve("mute", token)
    if claims.thread_id is None:
        abort(_bad_link())
    if request.method != "POST":  # GET, HEAD: only the page
        return _page(_language(user), message="link.mute_ask", confirm="link.mute_submit")
    try:
        conversations.mute(db_session(), user, claims.thread_id)
    except (NotFound, Forbidden):
        abort(_bad_link())
    return _page(_language(user), message="link.muted")


@blueprint.route("/preferences/<token>", methods=["GET", "POST"])
def choose_frequency(token: str) -> tuple[str, int]:
    _claims, user = _resolve("preferences", token)
    session = db_session()
    language = _language(user)
    message = "link.preferences"
    if request.method == "POST":
        preferences.set_frequency(session, user.id, request.form.get("frequency", ""))
        message = "link.preferences_saved"
    current = preferences.get_preference(session, user.id)
    return _page(language, message=message, frequencies=FREQUENCIES,
                 current=current.frequency, preferences_form=True)  # fmt: skip


def register(app: Flask, settings: Settings) -> None:
    app.register_blueprint(blueprint)
    if not settings.is_production:
        app.register_blueprint(dev_mail)


# --- /dev/mail: the local outbox, outside production ------------------------------------------

_NAME = re.compile(r"^[0-9]+-[0-9a-f]{8}\.eml$")


def _read(name: str) -> EmailMessage:
    if not _NAME.match(name):
        abort(404)
    path = get_settings().mail_outbox_path / name
    if not path.is_file():
        abort(404)
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)  # type: ignore[return-value]


@dev_mail.get("")
def mail_index() -> str:
    folder = get_settings().mail_outbox_path
    names = sorted((p.name for p in folder.glob("*.eml")), reverse=True) if folder.is_dir() else []
    messages = [(name, _read(name)) for name in names[:200]]
    return render_template("notifications/dev_mail.html", messages=messages, folder=folder)


@dev_mail.get("/<name>")
def mail_message(name: str) -> Response:
    message = _read(name)
    wants_text = request.args.get("format") == "text"
    part = message.get_body(("plain",) if wants_text else ("html", "plain"))
    content = part.get_content() if part is not None else ""
    is_html = part is not None and part.get_content_subtype() == "html"
    return Response(content, mimetype="text/html" if is_html else "text/plain")
