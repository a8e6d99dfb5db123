from pathlib import Path

from flask import Flask

from matchmaker.app import create_app
from matchmaker.imports.jobs import RUN_IMPORT
from matchmaker.jobs import QUEUES
from matchmaker.settings import Settings


def test_every_task_goes_to_its_own_queue_only(app: Flask) -> None:
    celery_app = app.extensions["celery"]
    routing_keys = {q.name: q.routing_key for q in celery_app.conf.task_queues}
    assert routing_keys == {name: name for name in QUEUES}
    for task, queue in [("matching.requirement_changed", "matching"),
                        ("email.send_notifications", "email"),
                        ("maintenance.send_digests", "maintenance")]:  # fmt: skip
        route = celery_app.amqp.router.route({}, task)
        assert (route["queue"].name, route["routing_key"]) == (queue, queue)


def test_reliability_settings(app: Flask) -> None:
    conf = app.extensions["celery"].conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert {"daily-digests", "weekly-digests", "reminders", "nightly-rematch"} <= set(
        conf.beat_schedule
    )


def test_every_periodic_task_is_in_the_beat_schedule(app: Flask) -> None:
    celery_app = app.extensions["celery"]
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    # An import job's run is queued by the officer's upload, not by the clock.
    periodic = {name for name in celery_app.tasks if name.startswith("maintenance.")} - {RUN_IMPORT}
    assert periodic, "no maintenance task registered"
    assert periodic | {"matching.rematch_all"} <= scheduled
    assert {"maintenance.event_housekeeping", "maintenance.recover_stalled_imports"} <= scheduled


def test_redis_when_configured_else_an_sqlite_broker_in_the_instance_folder(
    tmp_path: Path,
) -> None:
    embedded = create_app(Settings(instance_path=tmp_path)).extensions["celery"]
    assert embedded.conf.broker_url == f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    redis = create_app(Settings(instance_path=tmp_path, redis_url="redis://r:6379/0"))
    assert redis.extensions["celery"].conf.broker_url == "redis://r:6379/0"
