"""The admins' report on the learned ranking: each nightly training, what it learned from,
how it was judged, promoted or not and why; read down the table, the drift over time."""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import lazy_gettext as _l

from matchmaker.extensions import get_settings
from matchmaker.matching import training
from matchmaker.ranking.model import current_version
from matchmaker.web.pages import blueprint
from matchmaker.web.session import role_required

bp = blueprint("ranking", __name__, url_prefix="/admin/ranking")

REASONS = {
    "promoted": _l("Promoted: better on later answers, relevance kept"),
    "no_time_split": _l("Kept back: no answers later than those it learned from"),
    "too_few_positives": _l("Kept back: too few positive answers to learn from"),
    "too_few_groups": _l("Kept back: too few requests with a positive answer to judge it on"),
    "no_improvement": _l("Kept back: not clearly better than the model in use"),
    "relevance_loss": _l("Kept back: it would rank the labelled products worse"),
    "too_little_feedback": _l("No model: too little feedback yet"),
}


@bp.get("/")
@role_required("admin")
def report() -> str:
    models = get_settings().effective_models_path
    return render_template(
        "ranking/report.html",
        # Each run's moment, to be said on the reader's clock (the log keeps it in UTC).
        runs=[
            {**run, "at": datetime.fromisoformat(run["at"])}
            for run in training.training_runs(models)
        ],
        current=current_version(models),
        REASONS=REASONS,
    )
