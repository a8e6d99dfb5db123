"""Signed one-click links in emails: view, accept or decline a match; preferences; unsubscribe;
mute a conversation.

A link carries the user and the match it was made for and is signed with the app's secret key,
one salt per action, so a view link cannot be turned into an accept link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

MATCH_ACTIONS = ("view", "accept", "decline")
USER_ACTIONS = ("preferences", "unsubscribe")
# Mute a thread's emails: a link that names the thread, and lives as long as unsubscribing.
THREAD_ACTIONS = ("mute",)
ACTIONS = MATCH_ACTIONS + USER_ACTIONS + THREAD_ACTIONS


class BadLink(Exception):
    """The link was tampered with, made for another action, or has expired."""


class ExpiredLink(BadLink):
    """A genuine link, older than links of its kind may be."""


@dataclass(frozen=True)
class LinkClaims:
    action: str
    user_id: int
    match_id: int | None
    thread_id: int | None = None


class Links:
    def __init__(
        self,
        secret_key: str,
        base_url: str,
        max_age: timedelta,
        user_max_age: timedelta = timedelta(days=90),
    ) -> None:
        self._secret_key = secret_key
        self._base_url = base_url.rstrip("/")
        self._max_age = max_age
        self._user_max_age = user_max_age

    def _serializer(self, action: str) -> URLSafeTimedSerializer:
        if action not in ACTIONS:
            raise ValueError(f"unknown link action {action!r}")
        return URLSafeTimedSerializer(self._secret_key, salt=f"matchmaker.notifications.{action}")

    def token(
        self, action: str, user_id: int, match_id: int | None = None, thread_id: int | None = None
    ) -> str:
        payload: dict[str, Any] = {"u": user_id}
        if match_id is not None:
            payload["m"] = match_id
        if thread_id is not None:
            payload["t"] = thread_id
        return self._serializer(action).dumps(payload)

    def url(
        self, action: str, user_id: int, match_id: int | None = None, thread_id: int | None = None
    ) -> str:
        return self._base_url + self.path(action, user_id, match_id, thread_id)

    def path(
        self, action: str, user_id: int, match_id: int | None = None, thread_id: int | None = None
    ) -> str:
        """The link's path on this site (for a page that links to another action)."""
        return f"/notifications/{action}/{self.token(action, user_id, match_id, thread_id)}"

    def load(self, action: str, token: str) -> LinkClaims:
        # A leaked link must not work for ever: unsubscribing and preferences links live
        # longer than a match's (an old email's unsubscribe should still work for a while),
        # and once expired the page says to sign in and choose there.
        max_age = self._max_age if action in MATCH_ACTIONS else self._user_max_age
        try:
            data = self._serializer(action).loads(token, max_age=int(max_age.total_seconds()))
            user_id = int(data["u"])
            match_id = int(data["m"]) if "m" in data else None
            thread_id = int(data["t"]) if "t" in data else None
        except SignatureExpired as exc:
            raise ExpiredLink(str(exc)) from None
        except (BadData, KeyError, TypeError, ValueError) as exc:
            raise BadLink(str(exc)) from None
        if (action in MATCH_ACTIONS) != (match_id is not None):
            raise BadLink("the link does not name what it acts on")
        if (action in THREAD_ACTIONS) != (thread_id is not None):
            raise BadLink("the link does not name what it acts on")
        return LinkClaims(action, user_id, match_id, thread_id)
