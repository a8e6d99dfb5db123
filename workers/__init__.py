"""The tasks a Celery worker runs: thin, written with ``@shared_task`` so that they never import
the app; each takes ids, opens a unit of work and calls a service.

The Celery app itself is built by the application (:func:`matchmaker.jobs.celery_init_app`);
``matchmaker worker`` starts it and it imports these modules when it starts. Nothing in the
application imports this package.
"""
