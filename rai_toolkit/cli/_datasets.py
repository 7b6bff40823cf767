"""``rai-toolkit datasets list`` and ``rai-toolkit datasets show NAME``."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_OK
from rai_toolkit.cli._parser import UsageError, choice

__all__ = ["DESCRIPTION", "add_arguments", "run"]

ACTIONS = ("list", "show")


#: What ``rai-toolkit datasets --help`` says the command does.
DESCRIPTION = (
    "List and inspect the datasets bundled with rai_toolkit. `list` prints one line per "
    "dataset (name, rows, target, sensitive features); `show NAME` prints a dataset's "
    "description, shape, columns and target base rate."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit datasets`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    parser.add_argument(
        "action", metavar="ACTION", type=choice(ACTIONS, what="action"), help="list or show"
    )
    parser.add_argument(
        "name", metavar="NAME", nargs="?", help="dataset to show, see `rai-toolkit datasets list`"
    )


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit datasets`` (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    if args.action == "list":
        if args.name is not None:
            raise UsageError(
                f"`datasets list` takes no NAME (received {args.name!r}); to describe one "
                f"dataset run `rai-toolkit datasets show {args.name}`",
                prog="rai-toolkit datasets",
            )
        return _list()
    if args.name is None:
        raise UsageError(
            "`datasets show` needs the NAME of a dataset, e.g. `rai-toolkit datasets show "
            "adult`; `rai-toolkit datasets list` lists them",
            prog="rai-toolkit datasets",
        )
    return _show(args.name)


def _list() -> int:
    from rai_toolkit.datasets import list_datasets, load_dataset

    rows = [("name", "rows", "target", "sensitive features")]
    for name in list_datasets():
        ds = load_dataset(name)
        rows.append((name, str(ds.shape[0]), ds.target, ", ".join(ds.sensitive_features)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for name, n_rows, target, sensitive in rows:
        print(f"{name:<{widths[0]}}  {n_rows:>{widths[1]}}  {target:<{widths[2]}}  {sensitive}")
    return EXIT_OK


def _show(name: str) -> int:
    from rai_toolkit.datasets import load_dataset

    ds = load_dataset(name)
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
    return EXIT_OK
