"""``ranking train``, ``ranking evaluate``, ``ranking train-groups``...: a click group to mount
under ``matchmaker``.

The feedback source is a parameter so the same commands train from the database (the
matching package passes a callable), from the labelled evaluation set, or from a JSONL file
of feedback examples (one ``example_to_dict`` object per line)::

    from matchmaker.ranking.cli import make_ranking_cli
    cli.add_command(make_ranking_cli(feedback_source=lambda: feedback_from_db(session)))

numpy, scipy and scikit-learn are imported inside the commands so that ``matchmaker --help``
and unrelated commands stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from matchmaker.ranking.evalset import SampleGenerator
    from matchmaker.ranking.model import FeedbackExample

FeedbackSource = Callable[[], Iterable["FeedbackExample"]]

_SOURCES = ("eval", "jsonl", "db")


def _load_examples(
    source: str, file: Path | None, eval_dir: Path | None, db: FeedbackSource | None
) -> list[FeedbackExample]:
    from matchmaker.ranking.codec import read_jsonl
    from matchmaker.ranking.evalset import eval_feedback
    from matchmaker.ranking.evaluation import load_eval_set
    from matchmaker.ranking.model import example_from_dict

    if source == "jsonl":
        if file is None:
            raise click.UsageError("--file is required with --source jsonl")
        return [example_from_dict(row) for row in read_jsonl(file)]
    if source == "db":
        if db is None:
            raise click.UsageError("no database feedback source is configured for this command")
        return list(db())
    return eval_feedback(load_eval_set(eval_dir))


def make_ranking_cli(
    feedback_source: FeedbackSource | None = None,
    models_dir: Path | Callable[[], Path] | None = None,
    sample_generator: SampleGenerator | None = None,
) -> click.Group:
    """The ``ranking`` command group; ``models_dir`` is the default for ``--models-dir`` (a
    callable is asked only when a command runs); ``sample_generator`` is what
    ``build-eval-set`` draws the evaluation set from."""
    default_source = "db" if feedback_source is not None else "eval"

    def models_option(required: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
        return click.option(
            "--models-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=models_dir,
            required=required and models_dir is None,
            help="Directory of versioned ranking models.",
        )

    source_options = [
        click.option(
            "--source",
            type=click.Choice(_SOURCES),
            default=default_source,
            show_default=True,
            help="Where the feedback comes from.",
        ),
        click.option(
            "--file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="JSONL file of feedback examples (with --source jsonl).",
        ),
        click.option(
            "--eval-dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Evaluation set directory (default: the one shipped with the package).",
        ),
        click.option("-k", "k", default=10, show_default=True, help="Cut-off for NDCG and recall."),
    ]

    def with_source(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(source_options):
            command = option(command)
        return command

    @click.group("ranking")
    def ranking() -> None:
        """Train and evaluate the match ranking model."""

    @ranking.command("train")
    @models_option(required=True)
    @with_source
    @click.option(
        "--promote",
        type=click.Choice(["if_better", "always", "never"]),
        default="if_better",
        show_default=True,
        help="Make the new model current.",
    )
    def train_command(
        models_dir: Path,
        source: str,
        file: Path | None,
        eval_dir: Path | None,
        k: int,
        promote: str,
    ) -> None:
        """Train a ranker on match feedback and compare it with the current one."""
        from matchmaker.ranking.model import train

        examples = _load_examples(source, file, eval_dir, feedback_source)
        try:
            report = train(examples, models_dir, k=k, promote=promote, source=source)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        click.echo(report.as_text())
        if report.path is not None:
            click.echo(f"saved {report.version} in {report.path}")

    @ranking.command("rollback")
    @models_option(required=True)
    def rollback_command(models_dir: Path) -> None:
        """Rank again with the model that was current before this one (the hand-set scorer
        when there was none); running processes follow within a minute."""
        from matchmaker.ranking.model import current_version, rollback

        was = current_version(models_dir) or "hand-set"
        now = rollback(models_dir) or "hand-set"
        click.echo(f"current model: {now} (was {was})")

    @ranking.command("evaluate")
    @models_option(required=False)
    @with_source
    @click.option("--no-baselines", is_flag=True, help="Skip the BM25 baselines.")
    def evaluate_command(
        models_dir: Path | None,
        source: str,
        file: Path | None,
        eval_dir: Path | None,
        k: int,
        no_baselines: bool,
    ) -> None:
        """NDCG@5/@k, junk shown and violations of the engine beside BM25 on the labelled
        real-listing set (--eval-dir for another), per style of request; no database needed.
        With --source jsonl or db, the current model against the hand-set scorer on that
        feedback too."""
        explicit_source = (
            click.get_current_context().get_parameter_source("source")
            is not click.core.ParameterSource.DEFAULT
        )
        from matchmaker.ranking.evaluation import evaluate, load_eval_set
        from matchmaker.ranking.model import feedback_quality, feedback_table, load_scorer
        from matchmaker.ranking.scoring import HandScorer

        scorer = load_scorer(models_dir)
        learned = [] if isinstance(scorer, HandScorer) else [scorer]
        report = evaluate(load_eval_set(eval_dir), k=k, scorers=learned, baselines=not no_baselines)
        click.echo(report.as_text())
        if learned and getattr(scorer, "manifest", {}).get("source") == "eval":
            from matchmaker.ranking.evalset import training_half

            seen = {r.id for r in training_half(load_eval_set(eval_dir).requirements)}
            click.echo(f"note: {scorer.name} learned from half of this set; on the unseen half:")
            for system in report.systems[: 1 + len(learned)]:
                unseen = [v for r, v in system.per_requirement.items() if r not in seen]
                click.echo(f"  {system.name:<24} NDCG@{k} {sum(unseen) / max(len(unseen), 1):.4f}")
        if not learned:
            click.echo("no current learned model: hand-set scorer only")
        if source != "eval" and explicit_source:
            table = feedback_table(_load_examples(source, file, eval_dir, feedback_source))
            click.echo(f"feedback ({len(table.labels)} examples), ranked within each requirement:")
            for name, candidate in [(scorer.name, scorer), ("hand-set", HandScorer())]:
                quality = feedback_quality(candidate, table, k)
                click.echo(
                    f"  {name:<20} NDCG@{k} {quality.ndcg:.4f}  recall@{k} {quality.recall:.4f}"
                )

    @ranking.command("learn-synonyms")
    @models_option(required=True)
    @with_source
    @click.option(
        "--min-buyers",
        default=3,
        show_default=True,
        help="Distinct buyers who must have accepted matches joining two words.",
    )
    def learn_synonyms_command(
        models_dir: Path,
        source: str,
        file: Path | None,
        eval_dir: Path | None,
        k: int,
        min_buyers: int,
    ) -> None:
        """Learn the words buyers use for what listings call otherwise, from their answers;
        the pairs are read into the vocabulary when the offer index is next built."""
        from matchmaker.ranking import synonyms

        examples = _load_examples(source, file, eval_dir, feedback_source)
        learned = synonyms.learn(examples, min_buyers=min_buyers)
        path = synonyms.write(learned, models_dir)
        for s in learned:
            click.echo(
                f"{s.asked} = {s.listed}  ({s.buyers} buyers, {s.accepted} accepted, "
                f"{s.declined} declined)"
            )
        click.echo(f"{len(learned)} learned pairs from {len(examples)} answers, in {path}")

    @ranking.command("build-eval-set")
    @click.option("--seed", default=2025, show_default=True)
    @click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Directory to write (default: the package's data/eval).",
    )
    def build_eval_set_command(seed: int, out: Path | None) -> None:
        """Regenerate the labelled evaluation set from the sample generator."""
        from matchmaker.ranking.evalset import build_eval_set, write_eval_set
        from matchmaker.ranking.evaluation import default_eval_dir

        if sample_generator is None:
            raise click.UsageError("no sample generator is configured for this command")
        target = out or default_eval_dir()
        summary = write_eval_set(build_eval_set(sample_generator, seed), target)
        click.echo(f"wrote {summary} to {target}")

    @ranking.command("train-groups")
    @click.option("--seed", default=None, type=int, help="Split and model seed [default: 2025].")
    @click.option(
        "--names",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Labelled names to learn from (default: the package's data/groups/names.tsv).",
    )
    @click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Model file to write (default: the one shipped in the package).",
    )
    @click.option(
        "--cross-validate/--no-cross-validate",
        default=True,
        help="Also print the cross-validated accuracy (five more fits) [default: on].",
    )
    def train_groups_command(
        seed: int | None, names: Path | None, out: Path | None, cross_validate: bool
    ) -> None:
        """Train the OCOP group and sub-group classifier for list imports without a group
        column; prints its accuracy on held-out names and writes the model file."""
        from matchmaker.ranking import grouping

        model, report = grouping.train(
            grouping.load_names(names),
            seed=grouping.SEED if seed is None else seed,
            cross_validate=cross_validate,
        )
        click.echo(report.as_text())
        path = model.save(out)
        click.echo(f"saved the model ({path.stat().st_size // 1024} KB) to {path}")

    return ranking


ranking = make_ranking_cli(models_dir=None)
