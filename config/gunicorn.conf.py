"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py``.

The application reads its own settings (MATCHMAKER_*); this file only sizes the server.
Each worker process keeps its own offer index in memory, so workers = cores and requests
are served by threads within each worker.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from matchmaker.redaction import redact

wsgi_app = "matchmaker.app:create_app()"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks cannot grow without bound, but rarely: a
# new worker builds its offer index before it answers (bench/api.py: 61–79 s for two workers
# at once at 100,000 offers), and at 30 requests/s a worker would reach 5,000 in 3 minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"


class RedactingLogger(Logger):
    """The access log without the tokens of one-click email links (in the request line, the
    path, the query string or a Referer)."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = RedactingLogger
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
