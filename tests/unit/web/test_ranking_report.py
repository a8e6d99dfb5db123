"""The nightly training's report, for admins only, in both languages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.extensions import get_settings
from matchmaker.matching.training import TOO_LITTLE_FEEDBACK, train_nightly

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
