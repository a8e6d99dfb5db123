"""Throttling of sign-in attempts, with the ``limits`` package (memory or Redis storage)."""

from __future__ import annotations

from functools import cached_property

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from matchmaker.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"


class LoginThrottle:
    """Limits sign-in attempts per client address and per account. With Redis configured the
    count is shared, so that several web workers and machines count together."""

    def __init__(self, storage_uri: str, limit: str) -> None:
        self._storage_uri = storage_uri
        self.limit = parse(limit)

    @cached_property
    def _limiter(self) -> MovingWindowRateLimiter:
        return MovingWindowRateLimiter(storage_from_string(self._storage_uri))

    def hit(self, *keys: str) -> None:
        for key in keys:
            if not self._limiter.hit(self.limit, "login", key):
                raise TooManyRequests(f"Too many sign-in attempts; wait a minute ({self.limit}).")
