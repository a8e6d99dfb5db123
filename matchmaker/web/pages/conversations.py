"""The thread under a match or an event meeting (read, reply, attach a file, mute), the inbox
of a firm's threads with their unread counts, and the files of threads and quotes."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from matchmaker.conversations import services
from matchmaker.conversations.attachments import Upload
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.services import Subject
from matchmaker.downloads import file_response
from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.extensions import db_session, get_settings
from matchmaker.files.store import open_store
from matchmaker.i18n import say_error, say_fields
from matchmaker.inputs import parse
from matchmaker.web.pages import blueprint
from matchmaker.web.session import current_user, role_required, safe_next, signed_in_user

bp = blueprint("conversations", __name__)
READERS = ("producer", "buyer", "officer", "admin")
# Who has an inbox: the two sides. Officers and admins read threads but have none.
INBOX_ROLES = ("producer", "buyer")


def _url(subject: Subject) -> str:
    if subject.match_id is not None:
        return url_for("conversations.match_thread", match_id=subject.match_id)
    return url_for("conversations.meeting_thread", event_id=subject.event_id,
                   meeting_id=subject.meeting_id)  # fmt: skip


def _thread_page(subject: Subject) -> str | Response:
    db, user, settings = db_session(), signed_in_user(), get_settings()
    errors: dict[str, str] = {}
    text = ""
    if request.method == "POST":
        text = request.form.get("text", "")
        files = [Upload(f.filename or "", f.stream.read())
                 for f in request.files.getlist("files") if f.filename]  # fmt: skip
        try:
            data = parse(MessageInput, {"text": text}, "message.invalid")
            services.post_message(db, user, subject, data, files=files,
                                  store=open_store(settings, db), storage=settings.storage,
                                  notices=settings.notifications)  # fmt: skip
            return redirect(_url(subject) + "#latest")  # type: ignore[return-value]
        except Invalid as error:
            errors = say_fields(error.errors) or {"": say_error(error)}
        except Forbidden as error:
            errors = {"": say_error(error)}
    thread, page = services.messages(db, user, subject, limit=services.MAX_PAGE)
    if thread.member and thread.conversation is not None and page.unread:
        services.mark_read(db, user, subject)
    muted = thread.conversation is not None and services.is_muted(db, user, thread.conversation.id)
    return render_template("conversations/thread.html", thread=thread, messages=page.items,
                           more=page.next_cursor is not None, errors=errors, text=text,
                           muted=muted, action=_url(subject))  # fmt: skip


@bp.route("/matches/<int:match_id>/messages", methods=["GET", "POST"])
@role_required(*READERS)
def match_thread(match_id: int) -> str | Response:
    return _thread_page(Subject(match_id=match_id))


@bp.route("/events/<int:event_id>/meetings/<int:meeting_id>/messages", methods=["GET", "POST"])
@role_required(*READERS)
def meeting_thread(event_id: int, meeting_id: int) -> str | Response:
    return _thread_page(Subject(event_id=event_id, meeting_id=meeting_id))


@bp.get("/quotes/<int:quote_id>/messages")
@role_required("producer", "buyer", "officer", "admin")
def quote_thread(quote_id: int) -> Response:
    """The comparison's link: the thread of the quote's match (made when there is none)."""
    subject = services.quote_subject(db_session(), signed_in_user(), quote_id)
    return redirect(_url(subject))  # type: ignore[return-value]


@bp.get("/messages")
@role_required(*INBOX_ROLES)
def inbox() -> str:
    db, user = db_session(), signed_in_user()
    lines = services.inbox(db, user)
    return render_template("conversations/inbox.html", lines=lines, subject_url=_url)


def unread_messages() -> int:
    """What the menu's Messages link counts: the inbox's unread messages of the signed-in
    user. Asked by the page layout only where it shows the link, at most once a page."""
    if "unread_messages" not in g:
        user = current_user()
        count = 0
        if user is not None and user.role in INBOX_ROLES:
            count = services.unread_total(db_session(), user)
        g.unread_messages = count
    return int(g.unread_messages)


@bp.post("/conversations/<int:conversation_id>/mute")
@role_required("producer", "buyer")
def mute(conversation_id: int) -> Response:
    db, user = db_session(), signed_in_user()
    muted = request.form.get("muted") == "1"
    conversation = services.mute(db, user, conversation_id, muted)
    if muted:
        flash(_("You will get no more emails about this conversation."), "success")
    else:
        flash(_("You will get emails about this conversation's new messages again."), "success")
    return redirect(_url(services.subject_of(db, conversation)))  # type: ignore[return-value]


@bp.get("/attachments/<int:attachment_id>")
@role_required(*READERS)
def attachment(attachment_id: int) -> Response:
    db = db_session()
    found = services.read_attachment(db, signed_in_user(), attachment_id)
    blob = open_store(get_settings(), db).get(found.key)
    if blob is None:
        raise NotFound("attachment.not_found")
    return file_response(blob.data, found.content_type, found.file_name)


@bp.post("/quotes/<int:quote_id>/attachments")
@role_required("producer", "admin")
def attach_to_quote(quote_id: int) -> Response:
    db, user, settings = db_session(), signed_in_user(), get_settings()
    back = safe_next(request.form.get("back"), url_for("public.home"))
    file = request.files.get("file")
    upload = Upload(file.filename or "", file.stream.read()) if file else Upload("", b"")
    try:
        services.attach_to_quote(db, user, quote_id, upload, store=open_store(settings, db),
                                 storage=settings.storage)  # fmt: skip
        flash(_("The file is attached to your quote; the buyer sees it beside it."), "success")
    except Invalid as error:
        flash(next(iter(say_fields(error.errors).values()), None) or say_error(error), "error")
    return redirect(back)  # type: ignore[return-value]
