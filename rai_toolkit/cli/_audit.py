"""``rai-toolkit audit``: a NYC Local Law 144 or EEOC bias audit of a data file."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_OK
from rai_toolkit.cli._parser import add_command, choice, int_at_least

__all__ = ["FLAGS", "add_parser", "run"]

#: Parameters of ``bias_audit`` / ``run_audit`` -> the flag of this command that sets them.
FLAGS = {
    "data": "--data",
    "categories": "--category",
    "selected": "--selected",
    "score": "--score",
    "standard": "--standard",
    "date": "--date",
    "data_source": "--data-source",
    "exclude_small": "--exclude-small",
    "exclusion_justification": "--justification",
    "intersectional": "--no-intersection",
    "title": "--title",
    "n_boot": "--n-boot",
    "random_state": "--seed",
    "out": "--out",
    "json": "--out",
    "markdown": "--out",
}

#: Standards the command offers (the audit room's ``STANDARDS``; kept here so --help is instant).
STANDARDS = ("nyc_ll144", "eeoc")
#: ``--out`` suffix -> document kind.
KINDS = {".html": "html", ".htm": "html", ".json": "json", ".md": "md"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``audit`` command (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    parser = add_command(
        subparsers,
        "audit",
        description=(
            "Bias audit of selections (or scores) in a CSV or Parquet file: selection or "
            "scoring rate and impact ratio per category of each dimension and of their "
            "intersection, with bootstrap intervals (NYC Local Law 144; --standard eeoc adds "
            "the four-fifths rule, Fisher's exact test and the shortfall). Writes each --out "
            "file (.html, .json, .md) together, or none."
        ),
    )
    parser.add_argument("--data", required=True, metavar="FILE", help="data: .csv or .parquet")
    parser.add_argument(
        "--category",
        required=True,
        action="append",
        metavar="DIMENSION=COLUMN",
        help="a dimension and its column, e.g. sex=sex; repeat for each dimension",
    )
    outcome = parser.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--selected", metavar="COL", help="0/1 column: 1 = selected")
    outcome.add_argument(
        "--score", metavar="COL", help="numeric score; rate = share above the median score"
    )
    parser.add_argument(
        "--standard",
        type=choice(STANDARDS, what="standard"),
        default="nyc_ll144",
        help=f"one of: {', '.join(STANDARDS)} (default nyc_ll144)",
    )
    parser.add_argument(
        "--out",
        required=True,
        nargs="+",
        metavar="FILE",
        help="documents to write: .html (self-contained), .json, .md (one of each at most)",
    )
    parser.add_argument(
        "--exclude-small",
        action="store_true",
        help="leave categories under 2%% of the rows out of the impact ratio's reference",
    )
    parser.add_argument("--justification", metavar="TEXT", help="why small categories are excluded")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="audit date (default today)")
    parser.add_argument(
        "--data-source",
        default="historical",
        metavar="KIND",
        help="historical or test data (default historical)",
    )
    parser.add_argument(
        "--no-intersection", action="store_true", help="skip the intersectional categories"
    )
    parser.add_argument("--title", help="audit title")
    parser.add_argument(
        "--n-boot",
        type=int_at_least(0),
        default=1000,
        metavar="N",
        help="bootstrap replicates of the intervals (default 1000)",
    )
    parser.add_argument(
        "--seed", type=int_at_least(0), default=0, help="random seed, 0 or more (default 0)"
    )
    return parser


def _outputs(paths: list[str]) -> dict[str, str]:
    """Map each ``--out`` file to its kind; one file per kind, suffixes checked."""
    from pathlib import Path

    from rai_toolkit.exceptions import ArgumentError

    found: dict[str, str] = {}
    for path in paths:
        kind = KINDS.get(Path(path).suffix.lower())
        if kind is None:
            raise ArgumentError(f"--out {path!r} must end in .html, .json or .md.", argument="out")
        if kind in found:
            raise ArgumentError(
                f"--out names two {kind} files ({found[kind]!r} and {path!r}); give one of each "
                f"kind at most.",
                argument="out",
            )
        found[kind] = path
    return found


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit audit``; return the exit status: 0 on success."""
    outputs = _outputs(args.out)
    from rai_toolkit._io import OutputFiles, check_output_path, read_table
    from rai_toolkit.audit._commands import parse_categories, run_audit

    for path in outputs.values():
        check_output_path(path, argument="--out")
    categories = parse_categories(args.category)
    data = read_table(args.data, argument="--data")
    options = dict(
        standard=args.standard, date=args.date, data_source=args.data_source,
        exclude_small=args.exclude_small, exclusion_justification=args.justification,
        intersectional=not args.no_intersection, title=args.title, n_boot=args.n_boot,
        random_state=args.seed,
    )  # fmt: skip
    if "html" in outputs:
        audit, written = run_audit(
            data, categories=categories, selected=args.selected, score=args.score,
            out=outputs["html"], json_path=outputs.get("json"),
            markdown_path=outputs.get("md"), **options,
        )  # fmt: skip
    else:
        from rai_toolkit.audit import bias_audit

        audit = bias_audit(
            data, categories=categories, selected=args.selected, score=args.score, **options
        )
        render = {"json": audit.to_json, "md": audit.to_markdown}
        with OutputFiles() as files:
            for kind, path in outputs.items():
                files.write_text(path, render[kind](), argument="--out")
        written = files.commit()
    print(repr(audit))
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK
