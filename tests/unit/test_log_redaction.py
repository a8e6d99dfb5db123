"""Logs keep no secrets: no SQL values on a database error, no email link tokens in the
access log or the development server's request log."""

from __future__ import annotations

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from gunicorn.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from matchmaker.settings import PROJECT_ROOT

TOKEN = "eyJ1Ijo3LCJtIjo0Mn0.aXk2bQ.Zx9-Sig_nature"


def test_a_database_error_does_not_carry_the_statement_s_values(connection: Connection) -> None:
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError) as failed:
        connection.execute(
            text(
                "INSERT INTO users (organization_id, email, name, password_hash, role, is_active,"
                " created_at, updated_at) VALUES (:org, :email, 'Lan', :hash, 'buyer', true,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"org": 987654, "email": "lan@htx.vn", "hash": "$argon2id$v=19$secret-hash"},
        )
    savepoint.rollback()
    message = str(failed.value)
    assert "lan@htx.vn" not in message and "secret-hash" not in message
    assert "parameters hidden" in message


def test_the_access_log_keeps_no_email_link_token() -> None:
    conf = runpy.run_path(str(Path(PROJECT_ROOT) / "config" / "gunicorn.conf.py"))
    cfg = Config()
    logger = conf["logger_class"](cfg)
    path = f"/notifications/accept/{TOKEN}"
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"{path}?token={TOKEN}", "PATH_INFO": path,
        "QUERY_STRING": f"token={TOKEN}", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7", "HTTP_REFERER": f"https://m.example.vn/notifications/view/{TOKEN}",
    }  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = cfg.access_log_format % atoms
    assert TOKEN not in line and TOKEN not in repr(atoms)
    assert "/notifications/accept/[redacted]" in line


def test_the_development_server_s_request_log_keeps_no_token(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info(
            '%s - - [04/Dec/2026 10:00:00] "%s" %s -',
            "127.0.0.1", f"GET /notifications/unsubscribe/{TOKEN} HTTP/1.1", "200",
        )  # fmt: skip
    assert "/notifications/unsubscribe/[redacted]" in caplog.text
    assert TOKEN not in caplog.text
