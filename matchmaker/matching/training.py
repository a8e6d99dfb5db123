"""The nightly training: the buyers' answers since the start, a LambdaMART refinement trained
and judged by the promotion gate, and a line in the training log that admins read.

The log (``training-log.jsonl`` in the models directory) keeps one line per run: when, how
many examples and positives, the validation figures, whether the model was promoted and why.
Read in order, it shows the drift of the answers and of the model over time.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.matching.answers import training_examples
from matchmaker.matching.feedback import feedback_examples
from matchmaker.ranking.model import current_version, train
from matchmaker.ranking.producer_model import train_producer_side

LOG_FILE = "training-log.jsonl"
# Why a run made no model (beside the promotion gate's reasons).
TOO_LITTLE_FEEDBACK = "too_little_feedback"


@dataclass(frozen=True, slots=True)
class TrainingRun:
    at: datetime
    examples: int
    positives: int
    version: str | None
    promoted: bool
    reason: str
    figures: dict[str, Any]
    current: str | None
    # The producer side's run: examples, positives, version, promoted, reason, figures.
    producer: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "examples": self.examples,
            "positives": self.positives,
            "version": self.version,
            "promoted": self.promoted,
            "reason": self.reason,
            "figures": self.figures,
            "current": self.current,
            "producer": self.producer,
        }


def train_nightly(session: Session, models_dir: Path) -> TrainingRun:
    """Trains on every answer so far; promotes only what the gate lets through; logs the run."""
    examples = list(feedback_examples(session))
    positives = sum(1 for e in examples if e.positive)
    try:
        report = train(examples, models_dir, promote="if_better", source="db")
    except ValueError:
        run = TrainingRun(utcnow(), len(examples), positives, None, False, TOO_LITTLE_FEEDBACK,
                          {}, current_version(models_dir))  # fmt: skip
    else:
        decision = report.decision
        run = TrainingRun(
            utcnow(), report.examples, report.positives, report.version, report.promoted,
            decision.reason if decision else "", decision.figures if decision else {},
            current_version(models_dir),
        )  # fmt: skip
    run = dataclasses.replace(run, producer=train_producer_nightly(session, models_dir))
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / LOG_FILE).open("a", encoding="utf-8") as log:
        log.write(json.dumps(run.as_dict(), ensure_ascii=False) + "\n")
    return run


def train_producer_nightly(session: Session, models_dir: Path) -> dict[str, Any]:
    """The producer side's training on the producers' own answers, through the same gate."""
    examples = list(training_examples(session, "producer"))
    try:
        return train_producer_side(examples, models_dir).as_dict()
    except ValueError:
        positives = sum(1 for e in examples if e.positive)
        return {"examples": len(examples), "positives": positives, "version": None,
                "promoted": False, "reason": TOO_LITTLE_FEEDBACK, "figures": {}}  # fmt: skip


def training_runs(models_dir: Path, limit: int = 60) -> list[dict[str, Any]]:
    """The latest runs, newest first."""
    path = models_dir / LOG_FILE
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines) if line.strip()]
