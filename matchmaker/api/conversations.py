"""Conversations: the thread of a match or of an event meeting, its messages and files, read
marks and the inbox; and the files on quotes (certificate scans, price lists)."""

from __future__ import annotations

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.accounts.models import User
from matchmaker.api import conversation_schemas as c
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.catalog.models import Organization
from matchmaker.conversations import services
from matchmaker.conversations.attachments import Upload
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.models import Attachment, Message
from matchmaker.conversations.services import Subject, Thread
from matchmaker.downloads import file_response
from matchmaker.errors import NotFound
from matchmaker.extensions import db_session, get_settings
from matchmaker.files.store import open_store
from matchmaker.inputs import parse

TAG = Tag(name="conversations", description="Threads of matches and event meetings, and files")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}
FILE: Responses = {
    200: {"description": "The file (PDF, JPEG, PNG or WebP).",
          "content": {"application/octet-stream": {"schema": {"type": "string",
                                                              "format": "binary"}}}},
    401: s.Problem, 404: s.Problem, 422: s.Problem,
}  # fmt: skip
# Room for the multipart envelope around the largest file taken.
ENVELOPE_BYTES = 64 * 1024
UPLOADS = frozenset(
    {
        "api_conversations.upload_match_file",
        "api_conversations.upload_meeting_file",
        "api_conversations.upload_quote_file",
    }
)


def _side(org: Organization, shown: Organization | None) -> c.SideOut:
    contact = shown is not None and shown.id == org.id
    return c.SideOut(
        id=org.id,
        name=org.name,
        province=org.province,
        contact_email=org.contact_email if contact else None,
        phone=org.phone if contact else None,
    )


def thread_out(thread: Thread, user: User) -> c.ThreadOut:
    conversation = thread.conversation
    return c.ThreadOut(
        id=conversation.id if conversation else None,
        match_id=thread.subject.match_id,
        event_id=thread.subject.event_id,
        meeting_id=thread.subject.meeting_id,
        title=thread.title,
        buyer=_side(thread.buyer, thread.other_contact),
        producer=_side(thread.producer, thread.other_contact),
        can_write=thread.member,
        muted=conversation is not None and services.is_muted(db_session(), user, conversation.id),
    )


def _base(subject: Subject) -> str:
    if subject.match_id is not None:
        return f"/api/v1/matches/{subject.match_id}"
    return f"/api/v1/events/{subject.event_id}/meetings/{subject.meeting_id}"


def attachment_out(attachment: Attachment, base: str) -> c.AttachmentOut:
    return c.AttachmentOut(
        id=attachment.id,
        file_name=attachment.file_name,
        content_type=attachment.content_type,
        size=attachment.size,
        url=f"{base}/attachments/{attachment.id}",
        created_at=attachment.created_at,
    )


def message_out(message: Message, subject: Subject, user: User) -> c.MessageOut:
    return c.MessageOut(
        id=message.id,
        author_name=message.author_name,
        organization_id=message.organization_id,
        mine=message.organization_id == user.organization_id,
        text=message.body,
        attachments=[attachment_out(a, _base(subject)) for a in message.attachments],
        created_at=message.created_at,
    )


def _page(subject: Subject, query: c.MessageQuery) -> Response:
    user = current_user()
    thread, page = services.messages(
        db_session(), user, subject, cursor=query.cursor, since=query.since, limit=query.limit
    )
    return json(
        c.MessagePage(
            thread=thread_out(thread, user),
            items=[message_out(m, subject, user) for m in page.items],
            next_cursor=page.next_cursor,
            unread=page.unread,
        )
    )


def _post(subject: Subject, text: str, files: list[Upload]) -> Response:
    settings, db, user = get_settings(), db_session(), current_user()
    data = parse(MessageInput, {"text": text}, "message.invalid")
    message = services.post_message(
        db, user, subject, data, files=files, store=open_store(settings, db),
        storage=settings.storage, notices=settings.notifications,
    )  # fmt: skip
    return json(message_out(message, subject, user), 201)


def _upload(form: c.FileUpload) -> Upload:
    return Upload(form.file.filename or "", form.file.stream.read())


def _file(attachment: Attachment) -> Response:
    blob = open_store(get_settings(), db_session()).get(attachment.key)
    if blob is None:
        raise NotFound("attachment.not_found")
    return file_response(blob.data, attachment.content_type, attachment.file_name)


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_conversations", __name__, url_prefix="/api/v1", abp_tags=[TAG], signed_in=True
    )

    @api.before_request
    def allow_a_file() -> None:
        if request.method == "POST" and request.endpoint in UPLOADS:
            request.max_content_length = get_settings().storage.attachment_max_bytes + (
                ENVELOPE_BYTES
            )

    # --- the thread of a match --------------------------------------------------------------

    @api.get("/matches/<int:match_id>/messages", responses={200: c.MessagePage, **ERRORS})
    def list_match_messages(path: c.MatchThreadPath, query: c.MessageQuery) -> Response:
        """The match's messages, oldest first (its two sides, officers of their provinces,
        admins); ``next_cursor`` pages on, ``since`` gives only newer ones."""
        return _page(Subject(match_id=path.match_id), query)

    @api.post("/matches/<int:match_id>/messages", responses={201: c.MessageOut, **ERRORS})
    def post_match_message(path: c.MatchThreadPath, body: c.MessageCreate) -> Response:
        """Write to the other side of the match (its buyer or producer). The other side is
        emailed a few minutes later, all new messages in one email, unless it read them."""
        return _post(Subject(match_id=path.match_id), body.text, [])

    @api.post("/matches/<int:match_id>/messages/read", responses={200: c.ReadOut, **ERRORS})
    def read_match_messages(path: c.MatchThreadPath, body: c.ReadMark) -> Response:
        """Mark the thread read up to a message (default: all of it)."""
        unread = services.mark_read(
            db_session(), current_user(), Subject(match_id=path.match_id), body.up_to
        )
        return json(c.ReadOut(unread=unread))

    @api.post("/matches/<int:match_id>/attachments", responses={201: c.MessageOut, **ERRORS})
    def upload_match_file(path: c.MatchThreadPath, form: c.MessageFileUpload) -> Response:
        """Send a file (PDF, JPEG, PNG, WebP) in the thread, with optional text."""
        return _post(Subject(match_id=path.match_id), form.text, [_upload(form)])

    @api.get("/matches/<int:match_id>/attachments/<int:attachment_id>", responses=FILE)
    def get_match_file(path: c.MatchFilePath) -> Response:
        """A file of the thread, for those who may read it."""
        subject = Subject(match_id=path.match_id)
        return _file(services.attachment_in(db_session(), current_user(), path.attachment_id,
                                            subject=subject))  # fmt: skip

    # --- the thread of an event meeting -----------------------------------------------------

    meeting = "/events/<int:event_id>/meetings/<int:meeting_id>"

    @api.get(f"{meeting}/messages", responses={200: c.MessagePage, **ERRORS})
    def list_meeting_messages(path: c.MeetingThreadPath, query: c.MessageQuery) -> Response:
        """The meeting's messages (its two firms, the event's organizers and the officers of
        its province, admins)."""
        return _page(Subject(event_id=path.event_id, meeting_id=path.meeting_id), query)

    @api.post(f"{meeting}/messages", responses={201: c.MessageOut, **ERRORS})
    def post_meeting_message(path: c.MeetingThreadPath, body: c.MessageCreate) -> Response:
        """Write to the other firm of the meeting."""
        return _post(Subject(event_id=path.event_id, meeting_id=path.meeting_id), body.text, [])

    @api.post(f"{meeting}/messages/read", responses={200: c.ReadOut, **ERRORS})
    def read_meeting_messages(path: c.MeetingThreadPath, body: c.ReadMark) -> Response:
        """Mark the meeting's thread read up to a message (default: all of it)."""
        subject = Subject(event_id=path.event_id, meeting_id=path.meeting_id)
        unread = services.mark_read(db_session(), current_user(), subject, body.up_to)
        return json(c.ReadOut(unread=unread))

    @api.post(f"{meeting}/attachments", responses={201: c.MessageOut, **ERRORS})
    def upload_meeting_file(path: c.MeetingThreadPath, form: c.MessageFileUpload) -> Response:
        """Send a file in the meeting's thread, with optional text."""
        subject = Subject(event_id=path.event_id, meeting_id=path.meeting_id)
        return _post(subject, form.text, [_upload(form)])

    @api.get(f"{meeting}/attachments/<int:attachment_id>", responses=FILE)
    def get_meeting_file(path: c.MeetingFilePath) -> Response:
        """A file of the meeting's thread."""
        subject = Subject(event_id=path.event_id, meeting_id=path.meeting_id)
        return _file(services.attachment_in(db_session(), current_user(), path.attachment_id,
                                            subject=subject))  # fmt: skip

    # --- the inbox --------------------------------------------------------------------------

    @api.get("/conversations", responses={200: c.InboxOut, **ERRORS})
    def list_conversations() -> Response:
        """Your organization's threads, latest first, with the messages you have not read."""
        user = current_user()
        lines = services.inbox(db_session(), user)
        items = [
            c.InboxItem(
                thread=thread_out(line.thread, user),
                unread=line.unread,
                last_message_at=line.last.created_at if line.last else None,
            )
            for line in lines
        ]
        # The total of every thread, beyond the first page: the number the menu shows.
        return json(c.InboxOut(items=items, unread=services.unread_total(db_session(), user)))

    @api.post("/conversations/<int:conversation_id>/mute", responses={200: c.ThreadOut, **ERRORS})
    def mute_conversation(path: c.ConversationPath, body: c.MuteChoice) -> Response:
        """No more emails about this thread (``muted: false``: again)."""
        db, user = db_session(), current_user()
        conversation = services.mute(db, user, path.conversation_id, body.muted)
        thread = services.read_thread(db, user, services.subject_of(db, conversation))
        return json(thread_out(thread, user))

    # --- files on quotes --------------------------------------------------------------------

    @api.get("/quotes/<int:quote_id>/attachments", responses={200: c.AttachmentList, **ERRORS})
    def list_quote_files(path: c.QuoteFilesPath) -> Response:
        """The quote's files (a certificate scan, a price list), for those who read it."""
        found = services.quote_attachments(db_session(), current_user(), path.quote_id)
        base = f"/api/v1/quotes/{path.quote_id}"
        return json(c.AttachmentList(items=[attachment_out(a, base) for a in found]))

    @api.post("/quotes/<int:quote_id>/attachments", responses={201: c.AttachmentOut, **ERRORS})
    def upload_quote_file(path: c.QuoteFilesPath, form: c.FileUpload) -> Response:
        """Add a file to your quote (the producer that made it): PDF, JPEG, PNG or WebP."""
        settings, db = get_settings(), db_session()
        attachment = services.attach_to_quote(
            db, current_user(), path.quote_id, _upload(form), store=open_store(settings, db),
            storage=settings.storage,
        )  # fmt: skip
        return json(attachment_out(attachment, f"/api/v1/quotes/{path.quote_id}"), 201)

    @api.get("/quotes/<int:quote_id>/attachments/<int:attachment_id>", responses=FILE)
    def get_quote_file(path: c.QuoteFilePath) -> Response:
        """One of the quote's files."""
        return _file(services.attachment_in(db_session(), current_user(), path.attachment_id,
                                            quote_id=path.quote_id))  # fmt: skip

    @api.delete(
        "/quotes/<int:quote_id>/attachments/<int:attachment_id>",
        responses={204: None, **ERRORS},
    )
    def delete_quote_file(path: c.QuoteFilePath) -> Response:
        """Remove a file from your quote."""
        db = db_session()
        services.remove_quote_attachment(db, current_user(), path.quote_id, path.attachment_id,
                                         store=open_store(get_settings(), db))  # fmt: skip
        return Response(status=204)

    return api
