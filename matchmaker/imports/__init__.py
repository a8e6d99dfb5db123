"""An officer's list import as a job: the uploaded file kept in the store, a preview of every
row, the confirmation, progress that any web process reads, and the report kept for audits.

The work itself runs on the worker (``imports.run``, queued through the outbox) or,
for the command line, in its own process through the same :func:`~matchmaker.imports.jobs.run_job`.
"""
