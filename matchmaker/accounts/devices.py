"""Known devices: a browser or client that has signed in to an account before.

Sign-in attempts are limited per client address and per account, so that passwords cannot be
guessed at speed; but a limit per account alone lets anyone lock a real user out by failing on
purpose. A successful sign-in therefore leaves a signed "known device" cookie naming the
accounts signed in from it. On a known device an account's attempts are counted for that
device alone: others' failures never lock it, so the right password from a known device always
gets through (OWASP's device cookies). Unknown devices share the account's limit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "ocop_device"
MAX_AGE_SECONDS = 365 * 24 * 3600
ACCOUNTS_PER_DEVICE = 5


def _account(email: str) -> str:
    # The cookie names accounts by a digest of their email, not the email itself.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Device:
    id: str
    accounts: tuple[str, ...]

    def knows(self, email: str) -> bool:
        return _account(email) in self.accounts

    @property
    def key(self) -> str:
        """What the device's own attempts are counted under (its id is never logged)."""
        return "device:" + hashlib.sha256(self.id.encode()).hexdigest()[:32]


class KnownDevices:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="matchmaker.known-device")

    def read(self, cookie: str | None) -> Device | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=MAX_AGE_SECONDS)
            return Device(str(data["d"]), tuple(str(a) for a in data["a"]))
        except (BadData, KeyError, TypeError, ValueError):
            return None

    def remember(self, cookie: str | None, email: str) -> str:
        """The cookie's new value once the account of ``email`` signed in on this device."""
        device = self.read(cookie) or Device(secrets.token_urlsafe(16), ())
        account = _account(email)
        others = [a for a in device.accounts if a != account][-(ACCOUNTS_PER_DEVICE - 1) :]
        return self._serializer.dumps({"d": device.id, "a": [*others, account]})


def sign_in_keys(address: str | None, email: str, device: Device | None) -> list[str]:
    """The counters a sign-in attempt for ``email`` counts toward: on a device known to the
    account, the device's own; else the client address's and the account's."""
    email = email.strip().lower()
    if device is not None and device.knows(email):
        return [device.key]
    return [f"ip:{address}", f"email:{email}"]
