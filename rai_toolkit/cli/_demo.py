"""``rai-toolkit demo``: the reference model on bundled UCI Adult, assessed and reported."""

from __future__ import annotations

import argparse
from pathlib import Path

from rai_toolkit.cli._console import EXIT_OK, Progress

__all__ = ["DESCRIPTION", "add_arguments", "run"]


#: What ``rai-toolkit demo --help`` says the command does.
DESCRIPTION = (
    "Train a one-hot + LightGBM model on the original Adult training split, assess it "
    "on the test split (sensitive features sex and race) and write the HTML report "
    "and its JSON document (next to it, same name, .json)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit demo`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    parser.add_argument(
        "--out",
        default="reports/adult_demo.html",
        metavar="HTML",
        help="report path (default reports/adult_demo.html; JSON next to it)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer bootstrap replicates and SHAP rows, for a fast look",
    )


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit demo`` (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    from rai_toolkit._io import HTML_SUFFIXES, JSON_SUFFIXES, check_output_path

    out = check_output_path(args.out, argument="--out", suffixes=HTML_SUFFIXES, make_parents=True)
    check_output_path(
        out.with_suffix(".json"), argument="the JSON beside --out", suffixes=JSON_SUFFIXES,
        make_parents=True,
    )  # fmt: skip
    from rai_toolkit.cli._summary import print_summary
    from rai_toolkit.report._demo import run_demo

    assessment, html_path, json_path = run_demo(Path(out), quick=args.quick, progress=Progress())
    print_summary(assessment, [html_path, json_path])
    return EXIT_OK
