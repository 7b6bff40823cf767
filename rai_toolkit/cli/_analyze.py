"""``rai-toolkit analyze``: assess a saved model on a data file and write the report.

Order of work: the command line and every output path are checked first (a
bad ``--out`` fails in a second, not after the analysis), then the data and
the model are read, the assessment runs, and the HTML report, the JSON
document and the full fairness report (``--fairness-json``, the input of
``rai-toolkit diff``) are written together as one transaction: either all
appear or none (a file they would replace is kept as it was).

With ``--engine polars|duckdb|spark`` (needed for a folder or a glob) the
Parquet data are scanned lazily and never loaded into pandas: fairness counts
every row where the data live (the model runs in the engine), and the sections
that read rows -- explanations, error analysis, privacy, robustness -- run on a
sample of at most ``--sample-rows`` rows drawn by the engine, as the report's
notes say. The fairness group counts of all rows decide which groups are hidden.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rai_toolkit.cli._console import EXIT_CRITERION_FAILED, EXIT_OK, Progress
from rai_toolkit.cli._options import (
    ASSESSMENT,
    DATA,
    MODEL_INPUT,
    QUESTION,
    add_options,
    assessment_arguments,
    flags,
    load_model_input,
    question_arguments,
)
from rai_toolkit.cli._parser import did_you_mean, int_at_least
from rai_toolkit.cli._summary import print_summary
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["ANY", "FLAGS", "DESCRIPTION", "add_arguments", "parse_fail_on", "run"]

#: Parameters of ``assess`` / ``load_model`` -> the flag of this command that sets them.
FLAGS = flags(MODEL_INPUT, DATA, QUESTION, ASSESSMENT, engine="--engine", train="--train")

#: Where ``--engine`` counts fairness.
ENGINES = ("pandas", "polars", "duckdb", "spark")

#: ``--fail-on any``: every criterion the assessment evaluated.
ANY = "any"


def _criterion_names() -> tuple[str, ...]:
    from rai_toolkit.fairness._criteria_names import CRITERION_NAMES

    return CRITERION_NAMES


def parse_fail_on(value: str) -> list[str]:
    """Parse ``--fail-on``: comma-separated criterion names, or ``any`` for all of them.

    Parameters
    ----------
    value : str
        The flag's value.

    Returns
    -------
    list of str
        Criterion names of the fairness room's registry, or ``["any"]``.

    Raises
    ------
    argparse.ArgumentTypeError
        If the list is empty or names an unknown criterion (with the closest name).
    """
    criteria = _criterion_names()
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise argparse.ArgumentTypeError("is empty; name at least one criterion, or 'any'")
    if "any" in names:
        return [ANY]
    for name in names:
        if name not in criteria:
            hint = did_you_mean(name, criteria)
            raise argparse.ArgumentTypeError(
                f"unknown criterion {name!r}{hint or ';'} {'C' if hint else 'c'}hoose from: "
                f"{', '.join(criteria)}, or 'any'"
            )
    return list(dict.fromkeys(names))


#: What ``rai-toolkit analyze --help`` says the command does.
DESCRIPTION = (
    "Run fairness, explanations, error analysis, privacy and robustness checks of a "
    "saved model on a CSV or Parquet file and write one self-contained HTML report "
    "(and, with --json, its JSON document). Output paths are checked before any work; "
    "the outputs of a run are written together or not at all."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit analyze`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    add_options(parser, MODEL_INPUT)
    DATA.add(
        parser,
        metavar="PATH",
        help=(
            "evaluation data with the target column: a .csv or .parquet file; with --engine, "
            "a .parquet file, a folder of them or a glob (e.g. 'logs/*.parquet')"
        ),
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        metavar="{pandas,polars,duckdb,spark}",
        help=(
            "where fairness is counted: pandas (default) loads one file; polars, duckdb or "
            "spark scan a Parquet file, folder or glob lazily and count every row in the engine"
        ),
    )
    parser.add_argument(
        "--sample-rows",
        type=int_at_least(1000),
        default=100_000,
        metavar="N",
        help=(
            "with an engine: rows sampled for explanations, error analysis, privacy and "
            "robustness (default 100000); fairness uses every row"
        ),
    )
    add_options(parser, QUESTION)
    parser.add_argument("--out", required=True, metavar="HTML", help="report path (.html)")
    parser.add_argument("--json", metavar="JSON", help="also write the JSON document (.json)")
    parser.add_argument(
        "--train",
        metavar="FILE",
        help="training data (.csv/.parquet) for the membership-inference check",
    )
    parser.add_argument(
        "--fail-on",
        type=parse_fail_on,
        metavar="CRITERION[,CRITERION]",
        help=(
            "exit 1 if one of these verdicts fails; any of: "
            f"{', '.join(_criterion_names())}, or 'any'"
        ),
    )
    add_options(parser, ASSESSMENT)
    parser.add_argument(
        "--fairness-json",
        metavar="JSON",
        help=(
            "also write the full fairness report (FairnessReport.to_json, with its count "
            "tables) for 'rai-toolkit diff'; unlike the shared report and --json it does not "
            "hide groups smaller than --min-cell-size, so keep it internal"
        ),
    )


def _check_fail_on(names: list[str] | None, assessment: Any) -> list[str] | None:
    """Return the criteria to gate on; a named one without any verdict is an error, not a pass."""
    if names is None:
        return None
    evaluated = list(
        dict.fromkeys(v["criterion"] for v in assessment.to_dict()["fairness"]["verdicts"])
    )
    if names == [ANY]:
        return evaluated
    missing = [name for name in names if name not in evaluated]
    if missing:
        raise ArgumentError(
            f"--fail-on names {', '.join(missing)}, but this assessment has no verdict on "
            f"{'it' if len(missing) == 1 else 'them'}: it evaluated "
            f"{', '.join(evaluated) or 'no criterion'}. A criterion applies only to some models "
            f"(calibration needs predicted probabilities; bounded_group_loss is for regression). "
            f"Remove it from --fail-on (or use 'any'); nothing was written."
        )
    return names


def _check_outputs(args: argparse.Namespace) -> list[tuple[str, str, tuple[str, ...]]]:
    """Check every output path before any work; return (flag, path, suffixes) per output."""
    from rai_toolkit._io import HTML_SUFFIXES, JSON_SUFFIXES, check_output_path

    outputs = [("--out", args.out, HTML_SUFFIXES)]
    if args.json is not None:
        outputs.append(("--json", args.json, JSON_SUFFIXES))
    if args.fairness_json is not None:
        outputs.append(("--fairness-json", args.fairness_json, JSON_SUFFIXES))
    for flag, path, suffixes in outputs:
        check_output_path(path, argument=flag, suffixes=suffixes)
    return outputs


def _engine(args: argparse.Namespace) -> str:
    """Return --engine (default pandas, which reads one file: a folder or glob needs an engine)."""
    import glob
    import os

    engine = args.engine or "pandas"
    if engine == "pandas" and (os.path.isdir(args.data) or glob.has_magic(args.data)):
        kind = "folder" if os.path.isdir(args.data) else "glob"
        raise DataValidationError(
            f"--data {args.data!r} is a {kind}; pandas reads one file. Pass --engine polars, "
            f"duckdb or spark to scan a folder or glob of Parquet files lazily, or pass one "
            f".csv or .parquet file."
        )
    return engine


def _engine_fairness(args: argparse.Namespace, engine: str, model: Any) -> tuple[Any, str, Any]:
    """Fairness of every row, counted by the engine; a pandas sample for the other sections."""
    from rai_toolkit._io import scan_table
    from rai_toolkit.engines._sample import sample_rows
    from rai_toolkit.fairness import analyze_fairness

    table = scan_table(args.data, engine=engine, argument="--data")
    settings = assessment_arguments(args)
    fairness = analyze_fairness(
        model,
        table,
        **question_arguments(args),
        **{name: settings[name] for name in ("pos_label", "n_boot", "random_state")},
    )
    sample = sample_rows(
        table, engine=engine, n=args.sample_rows, n_rows=fairness.n_rows, seed=args.seed
    )
    description = (
        f"{Path(args.data).name}: {fairness.n_rows} rows scanned by {engine}; fairness counts "
        f"all of them, explanations, error analysis, privacy and robustness use a sample of "
        f"{len(sample)} rows"
    )
    return sample, description, fairness


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit analyze``: exit 1 when a ``--fail-on`` criterion failed."""
    outputs = _check_outputs(args)
    from rai_toolkit._io import OutputFiles, read_table

    engine = _engine(args)
    if engine == "pandas":
        data = read_table(args.data, argument="--data")
        description, fairness = f"file {Path(args.data).name}", None
    train = None if args.train is None else read_table(args.train, argument="--train")
    model, source = load_model_input(args)
    if engine != "pandas":
        data, description, fairness = _engine_fairness(args, engine, model)
    from rai_toolkit.report import assess

    assessment = assess(
        model,
        data,
        **question_arguments(args),
        **assessment_arguments(args),
        train=train,
        dataset_description=description,
        model_source=source,
        progress=Progress(),
        fairness_report=fairness,
    )
    fail_on = _check_fail_on(args.fail_on, assessment)
    render: dict[str, Callable[[], str]] = {
        "--out": assessment.to_html,
        "--json": assessment.to_json,
        "--fairness-json": assessment.fairness.to_json,
    }
    with OutputFiles() as files:
        for flag, path, suffixes in outputs:
            files.write_text(path, render[flag](), argument=flag, suffixes=suffixes)
    written = files.commit()
    print_summary(assessment, written)
    if fail_on is not None:
        failed = assessment.failed(fail_on)
        if failed:
            print(f"fail-on: {', '.join(failed)} failed (exit status 1)", file=sys.stderr)
            return EXIT_CRITERION_FAILED
    return EXIT_OK
