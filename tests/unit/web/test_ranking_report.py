"""The nightly training's report, for admins only, in both languages."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.extensions import get_settings
from matchmaker.matching.training import LOG_FILE, TOO_LITTLE_FEEDBACK, train_nightly

from .conftest import MakeUser, sign_in


def test_admins_see_each_training_run_and_why_it_was_kept_back(
    app: Flask, client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    models = get_settings(app).effective_models_path
    run = train_nightly(db, models)
    assert (run.reason, run.version, run.promoted) == (TOO_LITTLE_FEEDBACK, None, False)

    officer = make_user("officer")
    sign_in(client, officer)
    assert client.get("/admin/ranking/").status_code in (302, 403)

    admin = app.test_client()
    sign_in(admin, make_user("admin"))
    admin.get("/lang/en")
    page = admin.get("/admin/ranking/").get_data(as_text=True)
    assert "No model: too little feedback yet" in page
    assert "the hand-set ranking" in page
    # The producers' view is trained the same night, on the producers' own answers.
    assert run.producer is not None and run.producer["reason"] == TOO_LITTLE_FEEDBACK
    assert "Producers&#39; view" in page or "Producers' view" in page
    admin.get("/lang/vi")
    page = admin.get("/admin/ranking/").get_data(as_text=True)
    assert "Chưa có mô hình" in page
    assert "Góc nhìn của chủ thể" in page


RUN = {
    "at": "2026-12-04T19:05:12+00:00", "examples": 1832, "positives": 214,
    "version": "20261204-190512", "promoted": False, "reason": "no_improvement",
    "figures": {"validation_groups": 41, "candidate_ndcg": 0.8123, "current_ndcg": 0.8071,
                "gain": 0.0052, "gain_interval": [-0.0113, 0.0217],
                "candidate_relevance": 0.9312, "current_relevance": 0.9371},
    "current": None, "producer": None,
}  # fmt: skip


def test_a_runs_time_and_figures_read_as_the_admin_writes_them(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    models = get_settings(app).effective_models_path
    models.mkdir(parents=True, exist_ok=True)
    (models / LOG_FILE).write_text(json.dumps(RUN) + "\n", encoding="utf-8")
    sign_in(client, make_user("admin"))
    page = client.get("/admin/ranking/").get_data(as_text=True)
    # In Vietnam it was already the next morning; a decimal point reads as thousands there.
    assert "02:05, 5/12/2026" in page and "2026-12-04" not in page
    assert "0,812 / 0,807" in page and "+0,005 (-0,011, +0,022)" in page
    assert "0,931 / 0,937" in page and "0.812" not in page
    client.get("/lang/en")
    page = client.get("/admin/ranking/").get_data(as_text=True)
    assert "Dec 5, 2026, 2:05" in page and "0.812 / 0.807" in page
