"""Imports every model module so that ``Base.metadata`` knows every table."""

from matchmaker.accounts.models import ApiToken, PageSession, User
from matchmaker.catalog.models import Offer, OfferChange, Organization, Requirement
from matchmaker.conversations.models import Attachment, Conversation, Message, ThreadReader
from matchmaker.db import Base
from matchmaker.events.models import (
    Event,
    EventEmail,
    EventParticipant,
    Meeting,
    MeetingRequest,
    ScheduleRun,
)
from matchmaker.files.models import StoredFile
from matchmaker.imports.models import ImportJob, ImportRow
from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.impressions import Impression
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.orders import MatchOrder
from matchmaker.notifications.models import (
    MatchAlert,
    Notification,
    NotificationPreference,
    WorkerHeartbeat,
)
from matchmaker.outbox import OutboxMessage
from matchmaker.quotes.models import Quote, QuoteRevision

__all__ = [
    "ApiToken", "Attachment", "Base", "Conversation", "Event", "EventEmail", "EventParticipant",
    "ImportJob", "ImportRow", "Impression", "Match", "MatchAlert", "MatchAnswer", "MatchEvent",
    "MatchOrder", "Meeting", "MeetingRequest", "Message", "Notification", "NotificationPreference",
    "Offer", "OfferChange", "Organization", "OutboxMessage", "PageSession", "Quote",
    "QuoteRevision", "Requirement", "ScheduleRun", "StoredFile", "ThreadReader", "User",
    "WorkerHeartbeat",
]  # fmt: skip
