"""Throttling of sign-in attempts, with the ``limits`` package (memory or Redis storage)."""

from __future__ import annotations

import logging
import math
import time
from functools import cached_property
from typing import Any

from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from matchmaker.errors import DomainError

log = logging.getLogger(__name__)
# What a shared store that cannot be reached raises.
_UNREACHABLE = (RedisError, OSError, StorageError)


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, code: str, /, *, retry_after: int, **params: Any) -> None:
        super().__init__(code, retry_after=retry_after, **params)
        self.retry_after = retry_after  # seconds until an attempt is allowed again


class LoginThrottle:
    """Limits sign-in attempts per client address and per account. With Redis configured the
    count is shared, so that several web workers and machines count together."""

    # While the shared store (Redis) cannot be reached, attempts are counted in this process
    # instead, and the store is tried again after this many seconds: sign-in keeps answering,
    # and each web process still holds every account and address to the limit.
    RETRY_SHARED_AFTER = 30.0

    def __init__(self, storage_uri: str, limit: str) -> None:
        self._storage_uri = storage_uri
        self.limit = parse(limit)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared_down_until = 0.0

    @cached_property
    def _limiter(self) -> MovingWindowRateLimiter:
        options: dict[str, Any] = {}
        if self._storage_uri.startswith(("redis://", "rediss://")):
            options = {"socket_connect_timeout": 1, "socket_timeout": 1}
        return MovingWindowRateLimiter(storage_from_string(self._storage_uri, **options))

    def _count(self, key: str) -> MovingWindowRateLimiter | None:
        """Counts an attempt; the limiter that refused it, or None when it is allowed."""
        if time.monotonic() >= self._shared_down_until:
            try:
                if self._limiter.hit(self.limit, "login", key):
                    return None
                return self._limiter
            except _UNREACHABLE:
                log.warning(
                    "the sign-in limit's store is unreachable: counting in this process",
                    exc_info=True,
                )
                self._shared_down_until = time.monotonic() + self.RETRY_SHARED_AFTER
        return None if self._local.hit(self.limit, "login", key) else self._local

    def hit(self, *keys: str) -> None:
        for key in keys:
            refused_by = self._count(key)
            if refused_by is not None:
                try:
                    reset_at, _ = refused_by.get_window_stats(self.limit, "login", key)
                except _UNREACHABLE:
                    reset_at = time.time() + self.limit.get_expiry()
                wait = max(1, math.ceil(reset_at - time.time()))
                raise TooManyRequests("account.too_many_attempts", retry_after=wait)
