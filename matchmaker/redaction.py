"""What logs must not keep: the signed tokens of one-click email links.

A link from an email (``/notifications/accept/<token>``, unsubscribe, preferences…) acts for
its recipient without a password, so an access log that keeps it hands that power to whoever
reads the log. Every log line that holds a path or a URL goes through :func:`redact`."""

from __future__ import annotations

import logging
import re

# The signed part of an email link's path, and a token or code carried in a query string.
_LINK = re.compile(r"(/notifications/(?:view|accept|decline|unsubscribe|preferences)/)[^/?#\s\"]+")
_QUERY = re.compile(r"((?:^|[?&])(?:token|invite_code)=)[^&#\s\"]+", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _QUERY.sub(r"\g<1>" + REDACTED, _LINK.sub(r"\g<1>" + REDACTED, text))


class RedactingFilter(logging.Filter):
    """Redacts a record's message and arguments (Werkzeug's request log, say)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
