"""The tasks a Celery worker runs: thin, written with ``@shared_task`` so that they never import
the app; each takes ids, opens a unit of work and calls a service.

The application builds the Celery app (``matchmaker.jobs.celery_app.celery_init_app``) and
``matchmaker worker`` starts it; the worker imports these modules when it starts. Nothing in
the application imports this package.
"""
