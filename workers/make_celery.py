"""Entry module for Celery's own command line (Flower, ``celery inspect``), as in Flask's
examples/celery: ``celery -A workers.make_celery inspect active``. Importing it builds the
app, which is what the ``celery`` command needs; the application never imports it."""

from matchmaker.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
