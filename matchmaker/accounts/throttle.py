"""Throttling of sign-in attempts, with the ``limits`` package (memory or Redis storage)."""

from __future__ import annotations

import math
import time
from functools import cached_property
from typing import Any

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from matchmaker.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, code: str, /, *, retry_after: int, **params: Any) -> None:
        super().__init__(code, retry_after=retry_after, **params)
        self.retry_after = retry_after  # seconds until an attempt is allowed again


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
                reset_at, _ = self._limiter.get_window_stats(self.limit, "login", key)
                wait = max(1, math.ceil(reset_at - time.time()))
                raise TooManyRequests("account.too_many_attempts", retry_after=wait)
