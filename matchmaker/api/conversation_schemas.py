"""Request and response shapes of the conversations API (v1), also its OpenAPI schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from flask_openapi3 import FileStorage
from pydantic import AfterValidator, AwareDatetime, Field
from werkzeug.datastructures import FileStorage as UploadedFile

from matchmaker.api.schemas import Id, Request, Schema
from matchmaker.conversations import inputs
from matchmaker.conversations.services import MAX_PAGE


def _a_file(value: Any) -> Any:
    if not isinstance(value, UploadedFile):
        raise ValueError("must be a file (multipart/form-data)")
    return value


class MatchThreadPath(Schema):
    match_id: Id


class MeetingThreadPath(Schema):
    event_id: Id
    meeting_id: Id


class MatchFilePath(MatchThreadPath):
    attachment_id: Id


class MeetingFilePath(MeetingThreadPath):
    attachment_id: Id


class QuoteFilesPath(Schema):
    quote_id: Id


class QuoteFilePath(QuoteFilesPath):
    attachment_id: Id


class ConversationPath(Schema):
    conversation_id: Id


class MessageQuery(Request):
    cursor: Id | None = Field(None, description="Messages after this one (`next_cursor`).")
    since: AwareDatetime | None = Field(None, description="Messages written after this moment.")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class MessageCreate(inputs.MessageInput, Request):
    """A message: text up to 4000 characters (line breaks kept)."""


class FileUpload(Schema):
    """A file sent as ``multipart/form-data``: PDF, JPEG, PNG or WebP."""

    file: Annotated[FileStorage, AfterValidator(_a_file)] = Field(
        description="A certificate scan, a price list, a photo. Images are re-encoded "
        "without their metadata."
    )


class MessageFileUpload(FileUpload):
    text: str = Field("", max_length=inputs.TEXT_LENGTH, description="Text to go with the file.")


class ReadMark(Request):
    up_to: Id | None = Field(
        None, description="The last message read (default: the latest of the thread)."
    )


class MuteChoice(Request):
    muted: bool = True


class AttachmentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    url: str
    created_at: datetime


class MessageOut(Schema):
    id: int
    author_name: str
    organization_id: int
    mine: bool = Field(description="Written by your organization.")
    text: str
    attachments: list[AttachmentOut]
    created_at: datetime


class SideOut(Schema):
    id: int
    name: str
    province: str | None
    # Only once the match's mutual consent lets you have them.
    contact_email: str | None = None
    phone: str | None = None


class ThreadOut(Schema):
    id: int | None = Field(description="Empty until the first message.")
    match_id: int | None
    event_id: int | None
    meeting_id: int | None
    title: str
    buyer: SideOut
    producer: SideOut
    can_write: bool
    muted: bool


class MessagePage(Schema):
    thread: ThreadOut
    items: list[MessageOut]
    next_cursor: int | None
    unread: int


class ReadOut(Schema):
    unread: int


class InboxItem(Schema):
    thread: ThreadOut
    unread: int
    last_message_at: datetime | None


class InboxOut(Schema):
    items: list[InboxItem]
    unread: int = Field(
        description="Messages not read in all the organization's threads, listed or not."
    )


class AttachmentList(Schema):
    items: list[AttachmentOut]
