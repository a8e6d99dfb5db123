"""Conversation use cases: read a thread, write in it (text and files), mark it read, list a
user's threads with their unread counts, mute a thread; and the files on quotes.

Who reads a thread: the users of its two organizations; officers whose province is the
buyer's, the offer's or its producer's (a match) or the event's (a meeting), and admins.
Only the two organizations write. Anybody else is told the thread does not exist (404), as
for the match itself. The other side's email and phone show only once the match's mutual
consent lets them (:func:`matchmaker.matching.consent.contact_shared`); what a user writes in
a message is its own to share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Organization
from matchmaker.conversations.attachments import (
    FIELD,
    MAX_ATTACHMENTS,
    Upload,
    clean_upload,
    storage_key,
)
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.models import Attachment, Conversation, Message, ThreadReader
from matchmaker.db import add_new, transaction, utcnow
from matchmaker.errors import Forbidden, Invalid, NotFound, field_error
from matchmaker.events.models import Meeting
from matchmaker.files.store import FileStore
from matchmaker.matching import consent
from matchmaker.matching.models import Match
from matchmaker.notifications.models import Notification, NotificationPreference
from matchmaker.quotes.models import Quote
from matchmaker.quotes.services import can_read_quote
from matchmaker.settings import NotificationSettings, StorageSettings

MAX_PAGE = 200


@dataclass(frozen=True)
class Subject:
    """What a thread is about: a match, or a meeting of an event."""

    match_id: int | None = None
    event_id: int | None = None
    meeting_id: int | None = None


@dataclass
class Thread:
    """A thread as one user may see it; ``conversation`` is None until its first message."""

    subject: Subject
    buyer: Organization
    producer: Organization
    conversation: Conversation | None
    # The user's organization is one of the two sides: it may write.
    member: bool
    # The contact details the user may see of the other side (None: none of them).
    other_contact: Organization | None
    title: str
    match: Match | None = None
    meeting: Meeting | None = None


@dataclass(frozen=True)
class MessagePage:
    items: Sequence[Message]
    next_cursor: int | None
    unread: int


@dataclass(frozen=True)
class InboxLine:
    thread: Thread
    unread: int
    last: Message | None


def _officer_sees(user: User, *provinces: str | None) -> bool:
    if user.role != "officer":
        return False
    scope = can.officer_scope(user)
    return scope is None or scope in provinces


def _match_thread(session: Session, user: User, match_id: int) -> Thread:
    match = session.get(Match, match_id)
    if match is None or not can.can_read_match(user, match.requirement, match.offer):
        raise NotFound("conversation.not_found")
    buyer, producer = match.requirement.buyer, match.offer.producer
    member = user.role in ("buyer", "producer") and user.organization_id in (buyer.id, producer.id)
    other_contact = None
    if member:
        other = producer if user.organization_id == buyer.id else buyer
        if consent.contact_shared(session, match, other.id):
            other_contact = other
    conversation = session.scalar(select(Conversation).where(Conversation.match_id == match.id))
    title = f"{match.requirement.title} — {match.offer.title}"
    return Thread(Subject(match_id=match.id), buyer, producer, conversation, member,
                  other_contact, title, match=match)  # fmt: skip


def _meeting_thread(session: Session, user: User, event_id: int, meeting_id: int) -> Thread:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("conversation.not_found")
    request = meeting.request
    event = request.event
    buyer, producer = request.buyer.organization, request.producer.organization
    member = user.role in ("buyer", "producer") and user.organization_id in (buyer.id, producer.id)
    organizer = user.role == "officer" and user.organization_id == event.organization_id
    if not (
        member
        or organizer
        or can.is_admin(user)
        or _officer_sees(user, event.organization.province)
    ):
        raise NotFound("conversation.not_found")
    other_contact = None
    if member and request.match is not None:
        other = producer if user.organization_id == buyer.id else buyer
        if consent.contact_shared(session, request.match, other.id):
            other_contact = other
    conversation = session.scalar(select(Conversation).where(Conversation.meeting_id == meeting.id))
    title = f"{event.name}: {buyer.name} — {producer.name}"
    return Thread(Subject(event_id=event_id, meeting_id=meeting.id), buyer, producer,
                  conversation, member, other_contact, title, meeting=meeting)  # fmt: skip


def read_thread(session: Session, user: User, subject: Subject) -> Thread:
    """The thread of a match or meeting, if the user may read it; NotFound otherwise."""
    if subject.match_id is not None:
        return _match_thread(session, user, subject.match_id)
    assert subject.event_id is not None and subject.meeting_id is not None
    return _meeting_thread(session, user, subject.event_id, subject.meeting_id)


def subject_of(session: Session, conversation: Conversation) -> Subject:
    if conversation.match_id is not None:
        return Subject(match_id=conversation.match_id)
    meeting = session.get(Meeting, conversation.meeting_id)
    assert meeting is not None
    return Subject(event_id=meeting.event_id, meeting_id=meeting.id)


def _thread_of(session: Session, user: User, conversation: Conversation) -> Thread:
    if conversation.match_id is not None:
        return _match_thread(session, user, conversation.match_id)
    meeting = session.get(Meeting, conversation.meeting_id)
    assert meeting is not None
    return _meeting_thread(session, user, meeting.event_id, meeting.id)


def _started(session: Session, thread: Thread) -> Conversation:
    if thread.conversation is not None:
        return thread.conversation
    conversation = Conversation(
        match_id=thread.subject.match_id,
        meeting_id=thread.subject.meeting_id,
        buyer_id=thread.buyer.id,
        producer_id=thread.producer.id,
    )
    try:
        with session.begin_nested():
            session.add(conversation)
    except IntegrityError:  # the other side wrote the first message a moment ago
        found = session.scalar(
            select(Conversation).where(
                Conversation.match_id == thread.subject.match_id
                if thread.subject.match_id is not None
                else Conversation.meeting_id == thread.subject.meeting_id
            )
        )
        assert found is not None
        conversation = found
    thread.conversation = conversation
    return conversation


def _reader(session: Session, conversation_id: int, user_id: int) -> ThreadReader:
    reader = session.get(ThreadReader, (conversation_id, user_id))
    if reader is None:
        reader = ThreadReader(conversation_id=conversation_id, user_id=user_id, last_read_id=0)
        try:
            with session.begin_nested():
                session.add(reader)
        except IntegrityError:
            found = session.get(ThreadReader, (conversation_id, user_id))
            assert found is not None
            reader = found
    return reader


def _unread(user: User) -> Select[int, int]:
    """Each thread's id and how many of its messages the user has not read: the other side's,
    after the user's place in it. The one rule of a thread's count, the inbox's and the
    menu's; the caller says which threads. Counted thread by thread, so that the messages
    after the place come off the (thread, id) index: as a join, PostgreSQL guesses too many
    of them and scans every message instead."""
    unread = (
        select(func.count())
        .select_from(Message)
        .where(
            Message.conversation_id == Conversation.id,
            Message.id > func.coalesce(ThreadReader.last_read_id, 0),
            Message.organization_id != user.organization_id,
        )
        .scalar_subquery()
    )
    return (
        select(Conversation.id, unread.label("unread"))
        .select_from(Conversation)
        .outerjoin(
            ThreadReader,
            (ThreadReader.conversation_id == Conversation.id) & (ThreadReader.user_id == user.id),
        )
    )


def _organization_threads(user: User) -> ColumnElement[bool]:
    """The threads of the inbox: those of the user's organization that have a message."""
    return (
        (Conversation.buyer_id == user.organization_id)
        | (Conversation.producer_id == user.organization_id)
    ) & Conversation.last_message_at.is_not(None)


def _unread_count(session: Session, conversation_id: int, user: User) -> int:
    row = session.execute(_unread(user).where(Conversation.id == conversation_id)).first()
    return row.unread if row is not None else 0


def messages(
    session: Session,
    user: User,
    subject: Subject,
    *,
    cursor: int | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> tuple[Thread, MessagePage]:
    """The thread's messages, oldest first, after ``cursor`` (a message id) or ``since``."""
    thread = read_thread(session, user, subject)
    if thread.conversation is None:
        return thread, MessagePage([], None, 0)
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        select(Message)
        .where(Message.conversation_id == thread.conversation.id)
        .options(selectinload(Message.attachments))
        .order_by(Message.id)
        .limit(limit + 1)
    )
    if cursor is not None:
        query = query.where(Message.id > cursor)
    if since is not None:
        query = query.where(Message.created_at > since)
    found = list(session.scalars(query))
    more = len(found) > limit
    items = found[:limit]
    unread = _unread_count(session, thread.conversation.id, user) if thread.member else 0
    return thread, MessagePage(items, items[-1].id if more else None, unread)


def _too_many() -> Invalid:
    problem = field_error(FIELD, "attachment.too_many", count=MAX_ATTACHMENTS)
    return Invalid("attachment.too_many", errors=[problem])


def _check_write(thread: Thread) -> None:
    if not thread.member:
        raise Forbidden("conversation.sides_only")


@transaction
def post_message(
    session: Session,
    user: User,
    subject: Subject,
    data: MessageInput,
    *,
    files: Sequence[Upload] = (),
    store: FileStore,
    storage: StorageSettings,
    notices: NotificationSettings,
) -> Message:
    """A message from one side of the thread, with text, files or both. The other users of
    both sides hear of it by email a few minutes later, unless they read it first."""
    thread = read_thread(session, user, subject)
    _check_write(thread)
    if not data.text and not files:
        raise Invalid("message.empty", errors=[field_error("text", "message.empty")])
    if len(files) > MAX_ATTACHMENTS:
        raise _too_many()
    cleaned = [clean_upload(upload, storage) for upload in files]
    conversation = _started(session, thread)
    message = Message(
        conversation_id=conversation.id,
        user_id=user.id,
        organization_id=user.organization_id,
        author_name=user.name[:200],
        body=data.text,
    )
    session.add(message)
    session.flush()
    for file in cleaned:
        key = storage_key("messages", message.id, file.extension)
        store.put(key, file.data, file.content_type)
        session.add(Attachment(message_id=message.id, user_id=user.id, key=key,
                               file_name=file.name, content_type=file.content_type,
                               size=len(file.data)))  # fmt: skip
    conversation.last_message_at = message.created_at or utcnow()
    _reader(session, conversation.id, user.id).last_read_id = message.id
    _plan_notices(session, conversation, message, user, notices)
    session.flush()
    session.refresh(message, ["attachments"])
    return message


def _plan_notices(
    session: Session,
    conversation: Conversation,
    message: Message,
    author: User,
    config: NotificationSettings,
) -> None:
    """An email to wait ``message_notice_minutes`` for each user of the other side who has
    none waiting for this thread; one waiting already will carry this message too."""
    other = (
        conversation.producer_id
        if author.organization_id == conversation.buyer_id
        else conversation.buyer_id
    )
    readers = session.scalars(
        select(User).where(User.organization_id == other, User.is_active.is_(True))
    ).all()
    if not readers:
        return
    unsubscribed = set(
        session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_([u.id for u in readers]),
                NotificationPreference.unsubscribed_at.is_not(None),
            )
        )
    )
    due = utcnow() + timedelta(minutes=config.message_notice_minutes)
    for user in readers:
        reader = _reader(session, conversation.id, user.id)
        if reader.muted_at is not None or user.id in unsubscribed:
            continue
        if reader.notice_id is not None and _pending(session, reader.notice_id):
            continue
        notice = Notification(
            user_id=user.id,
            kind="messages",
            idempotency_key=f"messages:{conversation.id}:user:{user.id}:{message.id}",
            payload={"conversation_id": conversation.id, "from_message_id": message.id},
            next_attempt_at=due,
            # Not queued now: the relay's sweep queues it once it is due.
            enqueued_at=None,
        )
        added = add_new(session, [notice], _fresh)
        if added:
            session.flush()
            reader.notice_id = added[0].id


def _pending(session: Session, notification_id: int) -> bool:
    """Whether the notice still waits (read from the table: a sender may have sent it)."""
    state = session.scalar(select(Notification.state).where(Notification.id == notification_id))
    return state == "pending"


def _fresh(notice: Notification) -> Notification:
    return Notification(user_id=notice.user_id, kind=notice.kind,
                        idempotency_key=notice.idempotency_key, payload=notice.payload,
                        next_attempt_at=notice.next_attempt_at, enqueued_at=None)  # fmt: skip


@transaction
def mark_read(session: Session, user: User, subject: Subject, up_to: int | None = None) -> int:
    """The user has read the thread up to message ``up_to`` (all of it when None); returns
    how many it has left unread. Reading never goes back."""
    thread = read_thread(session, user, subject)
    if thread.conversation is None or not thread.member:
        return 0
    latest = session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == thread.conversation.id)
    )
    target = min(up_to, latest or 0) if up_to is not None else (latest or 0)
    reader = _reader(session, thread.conversation.id, user.id)
    reader.last_read_id = max(reader.last_read_id, target)
    session.flush()
    return _unread_count(session, thread.conversation.id, user)


@transaction
def mute(session: Session, user: User, conversation_id: int, muted: bool = True) -> Conversation:
    """No more emails about this thread for this user (or again, with ``muted=False``)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("conversation.not_found")
    thread = _thread_of(session, user, conversation)
    _check_write(thread)
    reader = _reader(session, conversation.id, user.id)
    reader.muted_at = utcnow() if muted else None
    if muted and reader.notice_id is not None and _pending(session, reader.notice_id):
        session.execute(
            update(Notification)
            .where(Notification.id == reader.notice_id, Notification.state == "pending")
            .values(state="cancelled", last_error="muted")
        )
    session.flush()
    return conversation


def is_muted(session: Session, user: User, conversation_id: int) -> bool:
    reader = session.get(ThreadReader, (conversation_id, user.id))
    return reader is not None and reader.muted_at is not None


def inbox(session: Session, user: User, limit: int = 100) -> list[InboxLine]:
    """The threads of the user's organization, latest first, with what it has not read."""
    conversations = session.scalars(
        select(Conversation)
        .where(_organization_threads(user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    ids = [c.id for c in conversations]
    if not ids:
        return []
    # The latest message and the unread count of every thread in two queries, not two each.
    latest_ids = select(func.max(Message.id)).where(Message.conversation_id.in_(ids))
    latest = {
        m.conversation_id: m
        for m in session.scalars(
            select(Message)
            .where(Message.id.in_(latest_ids.group_by(Message.conversation_id)))
            .options(selectinload(Message.attachments))
        )
    }
    unread = {
        conversation_id: count
        for conversation_id, count in session.execute(_unread(user).where(Conversation.id.in_(ids)))
    }
    lines = []
    for conversation in conversations:
        thread = _thread_of(session, user, conversation)
        lines.append(InboxLine(thread, unread.get(conversation.id, 0), latest.get(conversation.id)))
    return lines


def unread_total(session: Session, user: User) -> int:
    """How many messages the user has not read in all the threads of its inbox (the sum of
    the inbox's counts, beyond its first page too), in one query."""
    counts = _unread(user).where(_organization_threads(user)).subquery()
    return int(session.scalar(select(func.coalesce(func.sum(counts.c.unread), 0))) or 0)


# --- files ----------------------------------------------------------------------------------


def read_attachment(session: Session, user: User, attachment_id: int) -> Attachment:
    """A file the user may read: that of a message of a thread or of a quote it may read."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("attachment.not_found")
    try:
        if attachment.message_id is not None:
            message = session.get(Message, attachment.message_id)
            assert message is not None
            _thread_of(session, user, message.conversation)
        else:
            quote = session.get(Quote, attachment.quote_id)
            if quote is None or not can_read_quote(user, quote):
                raise NotFound("attachment.not_found")
    except NotFound:
        raise NotFound("attachment.not_found") from None
    return attachment


def attachment_in(
    session: Session,
    user: User,
    attachment_id: int,
    *,
    subject: Subject | None = None,
    quote_id: int | None = None,
) -> Attachment:
    """A file by its id, only under the thread or quote it belongs to."""
    attachment = read_attachment(session, user, attachment_id)
    if quote_id is not None and attachment.quote_id != quote_id:
        raise NotFound("attachment.not_found")
    if subject is not None:
        message = session.get(Message, attachment.message_id) if attachment.message_id else None
        conversation = message.conversation if message else None
        if conversation is None or (conversation.match_id, conversation.meeting_id) != (
            subject.match_id,
            subject.meeting_id,
        ):
            raise NotFound("attachment.not_found")
    return attachment


def quote_attachments(session: Session, user: User, quote_id: int) -> list[Attachment]:
    quote = session.get(Quote, quote_id)
    if quote is None or not can_read_quote(user, quote):
        raise NotFound("quote.not_found", quote_id=quote_id)
    return list(
        session.scalars(
            select(Attachment).where(Attachment.quote_id == quote_id).order_by(Attachment.id)
        )
    )


def attachments_of_quotes(
    session: Session, quote_ids: Sequence[int]
) -> dict[int, list[Attachment]]:
    """The files of each of these quotes (for a comparison the caller may already read)."""
    found: dict[int, list[Attachment]] = {}
    for attachment in session.scalars(
        select(Attachment).where(Attachment.quote_id.in_(quote_ids)).order_by(Attachment.id)
    ):
        assert attachment.quote_id is not None
        found.setdefault(attachment.quote_id, []).append(attachment)
    return found


@transaction
def attach_to_quote(
    session: Session,
    user: User,
    quote_id: int,
    upload: Upload,
    *,
    store: FileStore,
    storage: StorageSettings,
) -> Attachment:
    """The producer that made the quote adds a file to it (a certificate scan, a price
    list); its buyer sees it in the comparison."""
    quote = session.get(Quote, quote_id)
    if quote is None or not can_read_quote(user, quote):
        raise NotFound("quote.not_found", quote_id=quote_id)
    if not (can.is_admin(user) or user.organization_id == quote.organization_id):
        raise Forbidden("quote.producer_only")
    count = session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.quote_id == quote_id)
    )
    if (count or 0) >= MAX_ATTACHMENTS:
        raise _too_many()
    file = clean_upload(upload, storage)
    key = storage_key("quotes", quote.id, file.extension)
    store.put(key, file.data, file.content_type)
    attachment = Attachment(quote_id=quote.id, user_id=user.id, key=key, file_name=file.name,
                            content_type=file.content_type, size=len(file.data))  # fmt: skip
    session.add(attachment)
    session.flush()
    return attachment


@transaction
def remove_quote_attachment(
    session: Session, user: User, quote_id: int, attachment_id: int, *, store: FileStore
) -> None:
    attachment = attachment_in(session, user, attachment_id, quote_id=quote_id)
    quote = session.get(Quote, quote_id)
    assert quote is not None
    if not (can.is_admin(user) or user.organization_id == quote.organization_id):
        raise Forbidden("quote.producer_only")
    store.delete(attachment.key)
    session.delete(attachment)
    session.flush()


@transaction
def quote_subject(session: Session, user: User, quote_id: int) -> Subject:
    """The thread of a quote: its match's (one is made for a quote on a requirement the
    ranking never paired with the offer, as an accepted quote would)."""
    quote = session.get(Quote, quote_id)
    if quote is None or not can_read_quote(user, quote):
        raise NotFound("quote.not_found", quote_id=quote_id)
    match = session.scalar(
        select(Match).where(
            Match.requirement_id == quote.requirement_id, Match.offer_id == quote.offer_id
        )
    )
    if match is None:
        match = Match(requirement_id=quote.requirement_id, offer_id=quote.offer_id, score=0.0,
                      rank=0)  # fmt: skip
        try:
            with session.begin_nested():
                session.add(match)
        except IntegrityError:  # made a moment ago by the other side
            match = session.scalar(
                select(Match).where(
                    Match.requirement_id == quote.requirement_id,
                    Match.offer_id == quote.offer_id,
                )
            )
            assert match is not None
    return Subject(match_id=match.id)
