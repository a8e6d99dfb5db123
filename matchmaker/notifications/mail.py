"""Sending email: over SMTP with one reused connection, or into a local folder in development.

Both raise :class:`TransientMailError` for what may work later (connection refused, 4xx) and
:class:`PermanentMailError` for what never will (5xx); the caller decides about retries.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from matchmaker.settings import Settings, SmtpSettings

# Replies that say the mailbox itself is wrong: the address bounced.
BOUNCE_CODES = (550, 551, 553)
# An SMTP connection idle this long is checked with NOOP before it is trusted again.
IDLE_CHECK_SECONDS = 20.0


class TransientMailError(Exception):
    """Try again later."""


class PermanentMailError(Exception):
    """Do not try again; ``bounced`` when the recipient's address was refused."""

    def __init__(self, message: str, *, bounced: bool = False) -> None:
        super().__init__(message)
        self.bounced = bounced


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    language: str = "vi"
    headers: dict[str, str] = field(default_factory=dict)

    def as_message(self, sender: str) -> Message:
        # The older MIME classes with an explicit Header: Python 3.11's EmailMessage folds a
        # long Vietnamese subject into encoded words that lose the spaces between them.
        message = MIMEMultipart("alternative")
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = Header(self.subject, "utf-8")  # type: ignore[assignment]
        message["Date"] = formatdate(localtime=False)
        # Stable per notification: a copy that slips through twice shows once in the mailbox.
        message["Message-ID"] = self.message_id
        message["Content-Language"] = self.language
        for name, value in self.headers.items():
            message[name] = value
        message.attach(MIMEText(self.text, "plain", "utf-8"))
        message.attach(MIMEText(self.html, "html", "utf-8"))
        return message


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> None: ...

    def close(self) -> None: ...


class SmtpMailer:
    """One SMTP connection per process, opened on first use and reused for every email."""

    def __init__(self, config: SmtpSettings) -> None:
        self._config = config
        self._connection: smtplib.SMTP | None = None
        self._last_used = 0.0
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        config = self._config
        try:
            connection: smtplib.SMTP
            if config.ssl:
                connection = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout_seconds,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
                if config.starttls:
                    connection.starttls(context=ssl.create_default_context())
            if config.username:
                connection.login(config.username, config.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentMailError(f"SMTP login refused: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientMailError(f"cannot reach the SMTP server: {exc}") from exc
        return connection

    def _usable_connection(self) -> smtplib.SMTP:
        if self._connection is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            try:
                self._connection.noop()
            except (smtplib.SMTPException, OSError):
                self._drop()
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def send(self, email: OutgoingEmail) -> None:
        with self._lock:
            connection = self._usable_connection()
            message = email.as_message(self._config.sender)
            try:
                refused = connection.send_message(message, to_addrs=[email.to])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                self._raise_for(code, reply, recipient=True)
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code >= 500:
                    self._reset()
                else:
                    self._drop()
                self._raise_for(exc.smtp_code, exc.smtp_error, recipient=False)
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                raise TransientMailError(f"SMTP connection failed: {exc}") from exc
            self._last_used = time.monotonic()
            if refused:
                code, reply = next(iter(refused.values()))
                self._raise_for(code, reply, recipient=True)

    def _raise_for(self, code: int, reply: bytes | str, *, recipient: bool) -> None:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
        if code >= 500:
            raise PermanentMailError(f"{code} {text}", bounced=recipient or code in BOUNCE_CODES)
        raise TransientMailError(f"{code} {text}")

    def _reset(self) -> None:
        try:
            if self._connection is not None:
                self._connection.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    self._connection.quit()
            self._drop()


class DirectoryMailer:
    """Development mail: each email becomes an .eml file, readable at ``/dev/mail``."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self._sender = sender

    def send(self, email: OutgoingEmail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(email.as_message(self._sender).as_bytes())
        os.replace(partial, self.folder / name)  # readers never see half an email

    def close(self) -> None:
        pass


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp.host:
        return SmtpMailer(settings.smtp)
    return DirectoryMailer(settings.mail_outbox_path, settings.smtp.sender)
