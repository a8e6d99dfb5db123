"""Background work: the Celery app (:mod:`~matchmaker.jobs.celery_app`), the outbox relay, the
worker's logs and health, and the commands that start them.

The tasks themselves live in the ``workers`` package, written with ``@shared_task`` so that
they never import the app: a worker imports them when it starts (the ``imports`` setting), and
everyone else sends tasks by name through the outbox. The application never imports
``workers``; ``workers`` imports the application.
"""

# Queues: ``matching`` (ranking after a change, the nightly re-match), ``email`` (sending) and
# ``maintenance`` (digests, reminders, housekeeping), so a slow re-match never holds up mail.
QUEUES = ("matching", "email", "maintenance")

# The modules that define the tasks, imported by a worker when it starts.
TASK_MODULES = ("workers.tasks", "workers.event_tasks", "workers.import_tasks")
