"""Command-line interface: ``rai-toolkit`` (also ``python -m rai_toolkit``).

Adding a subcommand
-------------------
Write ``_add_<name>_parser(subparsers)`` that builds the subparser(s) and
sets ``handler="<key>"`` with ``set_defaults``, write the handler
``_<key>(args) -> int``, append the builder to ``_PARSER_BUILDERS`` and the
handler to ``_HANDLERS``. Import heavy modules (pandas, shap, responsibleai)
inside the handler, never at module level, so ``rai-toolkit --version`` and
``--help`` stay fast. Raise :class:`~rai_toolkit.exceptions.RaiToolkitError`
subclasses for user errors: :func:`main` turns them into one ``error:`` line
on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

import rai_toolkit
from rai_toolkit.exceptions import RaiToolkitError

__all__ = ["main"]

#: Exit status for a usage or input error (the argparse convention).
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def _version() -> str:
    """Return the toolkit version: ``rai_toolkit.__version__``, else the installed metadata."""
    version = getattr(rai_toolkit, "__version__", None)
    if version is None:  # e.g. a stale editable install that maps rai_toolkit as a namespace
        from importlib.metadata import version as installed_version

        version = installed_version("rai-toolkit")
    return str(version)


# ----------------------------------------------------------------------- datasets
def _add_datasets_parser(subparsers: argparse._SubParsersAction) -> None:
    datasets = subparsers.add_parser(
        "datasets",
        help="list and inspect the bundled datasets",
        description="List and inspect the datasets bundled with rai_toolkit.",
    )
    datasets.set_defaults(handler="datasets", parser=datasets)
    actions = datasets.add_subparsers(dest="datasets_command", metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="one line per dataset: name, rows, target, sensitive features",
        description="Print one line per bundled dataset.",
    )
    listing.set_defaults(handler="datasets list")
    show = actions.add_parser(
        "show",
        help="describe one dataset",
        description="Print a dataset's description, shape, columns and target base rate.",
    )
    show.add_argument("name", metavar="NAME", help="dataset name, see `rai-toolkit datasets list`")
    show.set_defaults(handler="datasets show")


def _datasets_list(args: argparse.Namespace) -> int:
    from rai_toolkit.datasets import list_datasets, load_dataset

    rows = [("name", "rows", "target", "sensitive features")]
    for name in list_datasets():
        ds = load_dataset(name)
        rows.append((name, str(ds.shape[0]), ds.target, ", ".join(ds.sensitive_features)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for name, n_rows, target, sensitive in rows:
        print(f"{name:<{widths[0]}}  {n_rows:>{widths[1]}}  {target:<{widths[2]}}  {sensitive}")
    return 0


def _datasets_show(args: argparse.Namespace) -> int:
    from rai_toolkit.datasets import load_dataset

    ds = load_dataset(args.name)
    n_rows, n_cols = ds.shape
    y = ds.y
    print(f"{ds.name}")
    print(ds.description)
    print()
    print(f"shape: {n_rows} rows x {n_cols} columns")
    print(
        f"target: {ds.target} (base rate {ds.base_rate:.4f}; "
        f"{int((y == 1).sum())} of {n_rows} rows are 1)"
    )
    print(f"sensitive features: {', '.join(ds.sensitive_features)}")
    print("columns:")
    roles = {ds.target: "target", **{c: "sensitive" for c in ds.sensitive_features}}
    width = max(len(str(c)) for c in ds.frame.columns)
    for column, dtype in ds.frame.dtypes.items():
        role = roles.get(column, "")
        print(f"  {column!s:<{width}}  {dtype!s:<8}  {role}".rstrip())
    return 0


def _datasets_help(args: argparse.Namespace) -> int:
    args.parser.print_help(sys.stderr)
    return EXIT_USAGE


# ------------------------------------------------------------------------ registry
from rai_toolkit.dashboard._cli import add_dashboard_parser, run_dashboard  # noqa: E402
from rai_toolkit.report._cli import add_report_parsers, analyze_command, demo_command  # noqa: E402

_PARSER_BUILDERS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_datasets_parser,
    add_report_parsers,
    add_dashboard_parser,
]

_HANDLERS: dict[str, Handler] = {
    "datasets": _datasets_help,
    "datasets list": _datasets_list,
    "datasets show": _datasets_show,
    "analyze": analyze_command,
    "demo": demo_command,
    "dashboard": run_dashboard,
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rai-toolkit",
        description="Fairness, explanations and Responsible AI reports for tabular models.",
    )
    parser.add_argument("--version", action="version", version=f"rai-toolkit {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for build in _PARSER_BUILDERS:
        build(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rai-toolkit`` command line.

    Parameters
    ----------
    argv : sequence of str or None, default=None
        Arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 for a usage error or an error raised by
        rai_toolkit (reported as one ``error: ...`` line on stderr).

    Examples
    --------
    >>> from rai_toolkit.cli import main
    >>> main(["--version"])
    rai-toolkit 0.1.0
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version and usage errors
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    handler_key = getattr(args, "handler", None)
    if handler_key is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _HANDLERS[handler_key](args)
    except RaiToolkitError as err:
        message = " ".join(str(err).split())
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into e.g. `head`, which closed early
        sys.stdout = open(os.devnull, "w")  # silence the flush at exit
        return 1
