"""The ``analyze`` and ``demo`` subcommands of ``rai-toolkit``.

Handlers return an exit status: 0 on success, 1 when a ``--fail-on`` criterion
fails. Input problems raise a :class:`~rai_toolkit.exceptions.RaiToolkitError`,
which :func:`rai_toolkit.cli.main` prints as one ``error: ...`` line with exit
status 2. Output files are written only after every check has run (each
through a temporary file and a rename), so a failed run leaves no file behind.
Progress and warnings go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["add_report_parsers", "analyze_command", "demo_command"]

#: Criteria accepted by ``--fail-on`` (``any`` means every criterion).
CRITERIA = (
    "demographic_parity", "equalized_odds", "equal_opportunity", "predictive_parity",
    "disparate_impact", "calibration", "bounded_group_loss",
)  # fmt: skip


def add_report_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` and ``demo`` subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From ``ArgumentParser.add_subparsers``.
    """
    analyze = subparsers.add_parser(
        "analyze",
        help="assess a saved model on a data file and write an HTML report",
        description=(
            "Run fairness, explanations, error analysis, privacy and robustness checks of a "
            "saved model on a CSV or Parquet file and write one self-contained HTML report."
        ),
    )
    analyze.add_argument(
        "--model",
        required=True,
        metavar="MODEL",
        help="model file: .skops (safe), or .pkl/.joblib with --trust-pickle",
    )
    analyze.add_argument(
        "--data",
        required=True,
        metavar="FILE",
        help="evaluation data: .csv or .parquet, with the target column",
    )
    analyze.add_argument("--target", required=True, metavar="COL", help="target column")
    analyze.add_argument(
        "--sensitive", required=True, nargs="+", metavar="COL", help="sensitive column(s)"
    )
    analyze.add_argument("--out", required=True, metavar="HTML", help="report path (.html)")
    analyze.add_argument("--json", metavar="JSON", help="also write the JSON document here")
    analyze.add_argument(
        "--train",
        metavar="FILE",
        help="training data (.csv/.parquet) for the membership-inference check",
    )
    analyze.add_argument(
        "--fail-on",
        metavar="CRITERION[,CRITERION]",
        help=f"exit 1 if one of these verdicts fails; any of: {', '.join(CRITERIA)}, or 'any'",
    )
    analyze.add_argument(
        "--trust-pickle",
        action="store_true",
        help="allow .pkl/.joblib models (loading a pickle can execute code)",
    )
    analyze.add_argument(
        "--trust",
        nargs="+",
        default=[],
        metavar="TYPE",
        help="extra types to trust in a .skops file (review them first)",
    )
    analyze.add_argument(
        "--n-boot",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap replicates (default 1000; 0 for no intervals)",
    )
    analyze.add_argument("--no-explain", action="store_true", help="skip SHAP explanations")
    analyze.add_argument(
        "--min-cell-size",
        type=int,
        default=10,
        metavar="K",
        help="hide groups with fewer rows (default 10)",
    )
    analyze.add_argument(
        "--pos-label",
        metavar="LABEL",
        help="favourable class (default 1; parsed as a number when possible)",
    )
    analyze.add_argument("--title", help="report title")
    analyze.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    analyze.set_defaults(handler="analyze")
    analyze.error = _one_line_error(analyze)  # type: ignore[method-assign]

    demo = subparsers.add_parser(
        "demo",
        help="train the reference model on bundled UCI Adult and write its report",
        description=(
            "Train a one-hot + LightGBM model on the original Adult training split, assess it "
            "on the test split (sensitive features sex and race) and write the HTML report "
            "and its JSON document."
        ),
    )
    demo.add_argument(
        "--out",
        default="reports/adult_demo.html",
        metavar="HTML",
        help="report path (default reports/adult_demo.html; JSON next to it)",
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="fewer bootstrap replicates and SHAP rows, for a fast look",
    )
    demo.set_defaults(handler="demo")
    demo.error = _one_line_error(demo)  # type: ignore[method-assign]


def _one_line_error(parser: argparse.ArgumentParser) -> Callable[[str], None]:
    """Replace argparse's usage dump by one ``error: ...`` line (exit status 2)."""

    def error(message: str) -> None:
        print(f"error: {message} (see `{parser.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)

    return error


def _progress() -> Callable[[str], None]:
    start = time.perf_counter()

    def show(step: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f}s] {step} ...", file=sys.stderr, flush=True)

    return show


def _read_table(path: str, *, argument: str) -> Any:
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise DataValidationError(
            f"{argument} file {path!r} does not exist (or is not a file); pass the path of a "
            f".csv or .parquet file."
        )
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(p)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(p)
        else:
            raise DataValidationError(
                f"{argument} file {path!r} has extension {suffix or '(none)'!r}; expected .csv "
                f"or .parquet."
            )
    except DataValidationError:
        raise
    except pd.errors.EmptyDataError as err:
        raise DataValidationError(
            f"{argument} file {path!r} is empty; pass a CSV with a header row and data rows."
        ) from err
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as err:
        kind = "CSV" if suffix == ".csv" else "Parquet"
        raise DataValidationError(
            f"{argument} file {path!r} could not be read as {kind} ({type(err).__name__}: "
            f"{' '.join(str(err).split())[:200]}). Check that it is a valid {kind} file."
        ) from err
    if frame.shape[0] == 0:
        raise DataValidationError(
            f"{argument} file {path!r} has a header but no data rows; pass a file with rows."
        )
    return frame


def _fail_on(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise ArgumentError("--fail-on is empty; name at least one criterion, or 'any'.")
    if "any" in names:
        return list(CRITERIA)
    unknown = [n for n in names if n not in CRITERIA]
    if unknown:
        raise ArgumentError(
            f"--fail-on names unknown criterion {', '.join(unknown)}; choose from: "
            f"{', '.join(CRITERIA)}, or 'any'."
        )
    return names


def _check_out(path: str, *, option: str, suffixes: tuple[str, ...]) -> Path:
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise ArgumentError(
            f"{option} {path!r} should end in {' or '.join(suffixes)}; received "
            f"{p.suffix or 'no extension'}."
        )
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ArgumentError(
            f"{option} {path!r}: folder {str(parent)!r} does not exist; create it first."
        )
    return p


def _pos_label(value: str | None) -> Any:
    if value is None:
        return 1
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def _print_summary(assessment: Any, paths: list[Path]) -> None:
    doc = assessment.to_dict()
    print(doc["title"])
    print("Verdicts:")
    for v in doc["fairness"]["verdicts"]:
        value = "hidden" if v["value"] is None else f"{v['value']:.3f}"
        print(f"  {v['status'].upper():<12} {v['grouping']:<15} {v['criterion']:<20} {value}")
    print("Scorecard:")
    for r in doc["scorecard"]:
        print(f"  {r['title']:<24} {r['status']}")
    if doc["findings"]:
        print("Top findings:")
        for f in doc["findings"][:5]:
            print(f"  - {f}")
    for p in paths:
        print(f"Wrote {p}")


def _run_quietly(fn: Callable[[], Any]) -> Any:
    """Run ``fn``, printing each warning as one ``warning: ...`` line on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return fn()
        finally:
            seen = set()
            for w in caught:
                if issubclass(w.category, DeprecationWarning | FutureWarning):
                    continue
                text = " ".join(str(w.message).split())
                if text not in seen:
                    seen.add(text)
                    print(f"warning: {text}", file=sys.stderr)


def analyze_command(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit analyze``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    int
        0, or 1 if a ``--fail-on`` criterion failed.
    """
    fail_on = _fail_on(args.fail_on)
    out = _check_out(args.out, option="--out", suffixes=(".html", ".htm"))
    json_out = (
        None if args.json is None else _check_out(args.json, option="--json", suffixes=(".json",))
    )
    if args.n_boot < 0:
        raise ArgumentError(f"--n-boot must be 0 or more; received {args.n_boot}.")
    data = _read_table(args.data, argument="--data")
    train = None if args.train is None else _read_table(args.train, argument="--train")

    from rai_toolkit.security import load_model

    model_path = Path(args.model)
    suffix = model_path.suffix.lower()
    if suffix in (".pkl", ".pickle", ".joblib") and args.trust_pickle:
        print(
            f"warning: loading pickle file {args.model!r} because of --trust-pickle: unpickling "
            f"can execute arbitrary code; only do this for files you trust.",
            file=sys.stderr,
        )
    from rai_toolkit.exceptions import UnsafeModelError

    try:
        model = _run_quietly(
            lambda: load_model(
                model_path, trusted=args.trust or None, allow_pickle=bool(args.trust_pickle)
            )
        )
    except UnsafeModelError as err:
        refused = getattr(err, "untrusted_types", None)
        if err.argument == "allow_pickle":
            raise UnsafeModelError(
                f"Refusing to load {str(model_path)!r}: {suffix} files are pickles, and loading "
                f"a pickle can execute arbitrary code. Convert the model once with "
                f"rai_toolkit.security.save_model(model, 'model.skops'); or, only if you trust "
                f"the file's source, add --trust-pickle.",
                argument="allow_pickle",
            ) from err
        if not refused:
            raise
        raise UnsafeModelError(
            f"Refusing to load {str(model_path)!r}: it holds {len(refused)} type(s) that are "
            f"not trusted by default: {', '.join(refused)}. Review them; if you trust them, "
            f"add --trust {' '.join(refused)}"
        ) from err
    source = f"loaded from {model_path.name} with " + (
        "pickle (--trust-pickle: the file was trusted, loading a pickle can execute code)"
        if suffix in (".pkl", ".pickle", ".joblib")
        else "skops (types audited before loading)"
    )
    from rai_toolkit.report._assessment import assess

    assessment = _run_quietly(
        lambda: assess(
            model,
            data,
            target=args.target,
            sensitive_features=args.sensitive,
            train=train,
            explain=not args.no_explain,
            n_boot=args.n_boot,
            min_cell_size=args.min_cell_size,
            random_state=args.seed,
            title=args.title,
            pos_label=_pos_label(args.pos_label),
            dataset_description=f"file {Path(args.data).name}",
            model_source=source,
            progress=_progress(),
        )
    )
    html = assessment.to_html()
    text = assessment.to_json() if json_out is not None else None
    from rai_toolkit._io import write_text_atomic

    written = [write_text_atomic(out, html)]
    if json_out is not None:
        written.append(write_text_atomic(json_out, text))
    _print_summary(assessment, written)
    if fail_on is not None:
        failed = assessment.failed(fail_on)
        if failed:
            print(f"fail-on: {', '.join(failed)} failed", file=sys.stderr)
            return 1
    return 0


def demo_command(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit demo``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    int
        0 on success.
    """
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ArgumentError(f"--out {args.out!r} should end in .html.")
    from rai_toolkit.report._demo import run_demo

    assessment, html_path, json_path = _run_quietly(
        lambda: run_demo(out, quick=args.quick, progress=_progress())
    )
    _print_summary(assessment, [html_path, json_path])
    return 0
