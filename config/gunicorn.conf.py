"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py``.

The application reads its own settings (MATCHMAKER_*); this file only sizes the server.
Each worker process keeps its own offer index in memory, so workers = cores and requests
are served by threads within each worker.
"""

import multiprocessing
import os

wsgi_app = "matchmaker.app:create_app()"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow leaks cannot grow without bound, but rarely: a
# new worker builds its offer index before it answers (about 30 s at 100,000 offers), and at
# 60 requests/s a limit of 5,000 would have each worker doing that every minute and a half.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
