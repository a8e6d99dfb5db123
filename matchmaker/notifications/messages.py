"""The email notice of a thread's new messages: every message the reader has not read since
the one that started the notice, in one email, or nothing when it read them all meanwhile or
muted the thread. The writers are named, never their email or phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Organization
from matchmaker.conversations.models import Conversation, Message, ThreadReader
from matchmaker.events.models import Meeting
from matchmaker.matching.models import Match
from matchmaker.notifications.links import Links
from matchmaker.notifications.models import Notification
from matchmaker.translations import Voice

# Longer messages are cut in the email; the page shows them whole.
EXCERPT = 600


def thread_path(conversation: Conversation, session: Session) -> str:
    """The thread's page on the site."""
    if conversation.match_id is not None:
        return f"/matches/{conversation.match_id}/messages"
    meeting = session.get(Meeting, conversation.meeting_id)
    assert meeting is not None
    return f"/events/{meeting.event_id}/meetings/{meeting.id}/messages"


def _title(session: Session, conversation: Conversation) -> str:
    if conversation.match_id is not None:
        match = session.get(Match, conversation.match_id)
        return match.requirement.title if match is not None else ""
    meeting = session.get(Meeting, conversation.meeting_id)
    return meeting.request.event.name if meeting is not None else ""


def thread_notice(
    session: Session,
    user: User,
    notification: Notification,
    context: dict[str, Any],
    voice: Voice,
    links: Links,
    base_url: str,
) -> tuple[str, str] | None:
    conversation = session.get(Conversation, notification.payload["conversation_id"])
    if conversation is None or user.organization_id not in (
        conversation.buyer_id,
        conversation.producer_id,
    ):
        return None
    reader = session.get(ThreadReader, (conversation.id, user.id))
    if reader is not None and reader.muted_at is not None:
        return None
    after = max(reader.last_read_id if reader else 0, notification.payload["from_message_id"] - 1)
    unread = list(
        session.scalars(
            select(Message)
            .where(
                Message.conversation_id == conversation.id,
                Message.id > after,
                Message.organization_id != user.organization_id,
            )
            .options(selectinload(Message.attachments))
            .order_by(Message.id)
        )
    )
    if not unread:
        return None  # read on the site meanwhile
    other_id = (
        conversation.producer_id
        if user.organization_id == conversation.buyer_id
        else conversation.buyer_id
    )
    other = session.get(Organization, other_id)
    assert other is not None
    title = _title(session, conversation)
    context.update(
        intro=voice.say("email.intro_messages", org=other.name, title=title),
        messages=[
            {
                "author": f"{m.author_name} ({other.name})" if m.author_name else other.name,
                "when": f"{voice.date(m.created_at)} {voice.clock(m.created_at)}",
                "text": m.body if len(m.body) <= EXCERPT else m.body[:EXCERPT] + "…",
                "files": voice.say("email.messages_files", count=len(m.attachments))
                if m.attachments
                else None,
            }
            for m in unread
        ],
        thread_url=base_url.rstrip("/") + thread_path(conversation, session),
        mute_url=links.url("mute", user.id, thread_id=conversation.id),
    )
    if len(unread) == 1:
        subject = voice.say("email.subject_message", org=other.name, title=title)
    else:
        count = len(unread)
        subject = voice.say("email.subject_messages", org=other.name, count=count, title=title)
    return subject, "messages"
