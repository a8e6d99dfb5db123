"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8
# zxcvbn's scores run 0-4; 3 is "safely unguessable: moderate protection from an offline
# slow-hash scenario", which an Argon2 hash is. It refuses common passwords ("12345678",
# "password"), names, dates, keyboard walks and words with digits tacked on.
MIN_STRENGTH = 3
# Words of this service a password should not lean on, beside the person's own (email, name).
SITE_WORDS = ("ocop", "matchmaker", "matkhau", "vietnam", "xinchao", "password")
# zxcvbn reads at most this many characters (a longer password is judged by its start).
_JUDGED = 72


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def too_guessable(password: str, *, about: tuple[str, ...] = ()) -> bool:
    """Whether a password is too easy to guess (zxcvbn, Dropbox's estimator, which knows
    common passwords, names, dates and patterns). ``about``: what the person typed about
    themselves (email, name, organization), which a password should not be built from."""
    from zxcvbn import zxcvbn  # its word lists take 0.15 s to load: only when a password is set

    inputs = [*SITE_WORDS, *(word for text in about for word in text.lower().split() if word)]
    return bool(zxcvbn(password[:_JUDGED], user_inputs=inputs)["score"] < MIN_STRENGTH)
