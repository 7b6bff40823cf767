"""Options that several commands share, each declared once with the library parameter it sets.

An :class:`Option` is one ``add_argument`` call and the parameters of the
library functions (``assess``, ``load_model``, ``bias_audit``, ...) that the
option sets. The blocks below group the options that belong together; a
command adds blocks with :func:`add_options` and builds its ``FLAGS``
(``{library parameter: flag}``, read by :func:`rai_toolkit.cli._main.describe_error`)
with :func:`flags` from the same declarations, so an option's flag, help and
parameter are written in one place. The ``*_arguments`` functions turn a
block's parsed values into the library's keyword arguments.

Blocks
------
* :data:`MODEL_INPUT`: ``--model``, ``--trust-pickle``, ``--trust``
  (:func:`load_model_input` loads the model);
* :data:`DATA`: ``--data``;
* :data:`QUESTION`: ``--target``, ``--sensitive`` (:func:`question_arguments`);
* :data:`ASSESSMENT`: ``--n-boot``, ``--no-explain``, ``--min-cell-size``,
  ``--pos-label``, ``--title``, ``--seed`` (:func:`assessment_arguments`);
* :data:`AUDIT` (added by :func:`add_audit`, required or optional): ``--category``,
  ``--selected`` | ``--score``, ``--standard``, ``--exclude-small``,
  ``--justification``, ``--date`` (:func:`audit_arguments`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rai_toolkit.cli._parser import choice, int_at_least

__all__ = [
    "ASSESSMENT",
    "AUDIT",
    "DATA",
    "MODEL_INPUT",
    "N_BOOT",
    "QUESTION",
    "SEED",
    "STANDARDS",
    "TITLE",
    "Option",
    "add_audit",
    "add_options",
    "assessment_arguments",
    "audit_arguments",
    "flags",
    "load_model_input",
    "parse_pos_label",
    "question_arguments",
]


@dataclass(frozen=True)
class Option:
    """One command-line option: its flag, the library parameters it sets, its ``add_argument``.

    Parameters
    ----------
    flag : str
        The option string, e.g. ``"--n-boot"``.
    parameters : tuple of str
        Parameters of the library functions this option sets (``("n_boot",)``).
    settings : dict
        Keyword arguments of ``ArgumentParser.add_argument``.
    """

    flag: str
    parameters: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        """The attribute of the parsed arguments that holds the value (``n_boot``)."""
        return str(self.settings.get("dest", self.flag.lstrip("-").replace("-", "_")))

    def add(self, parser: Any, **changes: Any) -> argparse.Action:
        """Add the option to ``parser`` (or an argument group), with ``changes`` to its settings.

        Parameters
        ----------
        parser : argparse.ArgumentParser or argument group
            Where to add it.
        **changes
            ``add_argument`` keywords that differ for this command (e.g. ``help``).

        Returns
        -------
        argparse.Action
            The added action.
        """
        return parser.add_argument(self.flag, **{**self.settings, **changes})


def _option(flag: str, *parameters: str, **settings: Any) -> Option:
    return Option(flag, parameters, settings)


def flags(*blocks: Option | Iterable[Option], **others: str) -> dict[str, str]:
    """Return ``{library parameter: flag}`` of the options in ``blocks``, and ``others``.

    Parameters
    ----------
    *blocks : Option or iterable of Option
        The shared blocks (or single options) a command adds.
    **others : str
        Parameters set by the command's own options, e.g. ``out="--out"``.

    Returns
    -------
    dict
        Parameter -> flag.
    """
    options = [option for block in blocks for option in _options_of(block)]
    return {**{p: option.flag for option in options for p in option.parameters}, **others}


def add_options(parser: argparse.ArgumentParser, *blocks: Option | Iterable[Option]) -> None:
    """Add the options of ``blocks`` to ``parser``, in order.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    *blocks : Option or iterable of Option
        Shared blocks (:data:`MODEL_INPUT`, :data:`QUESTION`, ...) or single options;
        ``Option.add`` adds one with settings this command words differently.
    """
    for block in blocks:
        for option in _options_of(block):
            option.add(parser)


def _options_of(block: Option | Iterable[Option]) -> tuple[Option, ...]:
    return (block,) if isinstance(block, Option) else tuple(block)


# ----------------------------------------------------------------------------- model input
MODEL = _option(
    "--model",
    "model_file",
    required=True,
    metavar="MODEL",
    help="model file: .skops (safe), or .pkl/.pickle/.joblib with --trust-pickle",
)
TRUST_PICKLE = _option(
    "--trust-pickle",
    "allow_pickle",
    action="store_true",
    help="allow .pkl/.joblib models (loading a pickle can execute code)",
)
TRUST = _option(
    "--trust",
    "trusted",
    nargs="+",
    default=[],
    metavar="TYPE",
    help="extra types to trust in a .skops file (review them first)",
)
#: The saved model and what may be trusted when loading it.
MODEL_INPUT = (MODEL, TRUST_PICKLE, TRUST)


def load_model_input(args: argparse.Namespace) -> tuple[Any, str]:
    """Load ``--model`` as ``--trust-pickle`` and ``--trust`` allow; refusals name the flags.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of a command that added :data:`MODEL_INPUT`.

    Returns
    -------
    model : estimator
        The loaded model.
    source : str
        How it was loaded, for the report's model card.

    Raises
    ------
    UnsafeModelError
        If the file holds untrusted types (the message lists the ``--trust``
        to add) or is a pickle without ``--trust-pickle``.
    """
    from pathlib import Path

    from rai_toolkit.cli._console import print_warning
    from rai_toolkit.exceptions import UnsafeModelError
    from rai_toolkit.security import load_model
    from rai_toolkit.security._persistence import PICKLE_SUFFIXES

    path = Path(args.model)
    is_pickle = path.suffix.lower() in PICKLE_SUFFIXES
    if is_pickle and args.trust_pickle:
        print_warning(
            f"loading pickle file {args.model!r} because of --trust-pickle: unpickling can "
            f"execute arbitrary code; only do this for files you trust."
        )
    try:
        model = load_model(path, trusted=args.trust or None, allow_pickle=bool(args.trust_pickle))
    except UnsafeModelError as err:
        raise _phrase_refusal(err, path) from err
    source = f"loaded from {path.name} with " + (
        "pickle (--trust-pickle: the file was trusted, loading a pickle can execute code)"
        if is_pickle
        else "skops (types audited before loading)"
    )
    return model, source


def _phrase_refusal(err: Any, path: Any) -> Any:
    """Say how to proceed with the model-input flags, from the error's structured fields."""
    from rai_toolkit.exceptions import UnsafeModelError

    refused = getattr(err, "untrusted_types", None)
    if refused:
        return UnsafeModelError(
            f"Refusing to load {str(path)!r}: it holds {len(refused)} type(s) that are not "
            f"trusted by default: {', '.join(refused)}. Review them; if you trust them, add "
            f"--trust {' '.join(refused)}"
        )
    if getattr(err, "argument", None) == "allow_pickle":
        return UnsafeModelError(
            f"Refusing to load {str(path)!r}: {path.suffix} files are pickles, and loading a "
            f"pickle can execute arbitrary code. Convert the model once, in a trusted "
            f"environment, with rai_toolkit.security.save_model(model, 'model.skops'); or, only "
            f"if you trust the file's source, add --trust-pickle."
        )
    return err


# ----------------------------------------------------------------------------- data
#: The data file; ``data_file`` is its parameter in ``run_bundle``.
DATA = _option(
    "--data",
    "data",
    "data_file",
    required=True,
    metavar="FILE",
    help="evaluation data: .csv or .parquet",
)


# ----------------------------------------------------------------------------- question
#: The target and the sensitive columns of an assessment.
QUESTION = (
    _option("--target", "target", required=True, metavar="COL", help="target column"),
    _option(
        "--sensitive",
        "sensitive_features",
        required=True,
        nargs="+",
        metavar="COL",
        help="sensitive column(s)",
    ),
)


def question_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """Return ``target`` and ``sensitive_features`` (:data:`QUESTION`) for ``assess``."""
    return {"target": args.target, "sensitive_features": args.sensitive}


# ----------------------------------------------------------------------------- assessment
N_BOOT = _option(
    "--n-boot",
    "n_boot",
    type=int_at_least(0),
    default=1000,
    metavar="N",
    help="bootstrap replicates (default 1000; 0 for no intervals)",
)
TITLE = _option("--title", "title", help="report title")
SEED = _option(
    "--seed",
    "random_state",
    type=int_at_least(0),
    default=0,
    help="random seed, 0 or more (default 0)",
)
#: The settings of ``assess`` that ``analyze`` and ``bundle`` both offer.
ASSESSMENT = (
    N_BOOT,
    _option("--no-explain", "explain", action="store_true", help="skip SHAP explanations"),
    _option(
        "--min-cell-size",
        "min_cell_size",
        type=int_at_least(1),
        default=10,
        metavar="K",
        help="hide groups with fewer rows (default 10)",
    ),
    _option(
        "--pos-label",
        "pos_label",
        metavar="LABEL",
        help="favourable class (default 1; parsed as a number when possible)",
    ),
    TITLE,
    SEED,
)


def parse_pos_label(value: str | None) -> Any:
    """Return ``--pos-label`` as a number when it reads as one (default 1)."""
    if value is None:
        return 1
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def assessment_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """Return the keywords of ``assess`` that :data:`ASSESSMENT` sets."""
    return {
        "explain": not args.no_explain,
        "n_boot": args.n_boot,
        "min_cell_size": args.min_cell_size,
        "pos_label": parse_pos_label(args.pos_label),
        "title": args.title,
        "random_state": args.seed,
    }


# ----------------------------------------------------------------------------- audit
#: Standards of ``bias_audit`` (the audit room's ``STANDARDS``; kept here so --help is instant).
STANDARDS = ("nyc_ll144", "eeoc")
#: The standard ``bias_audit`` applies when ``--standard`` is not given.
DEFAULT_STANDARD = "nyc_ll144"

CATEGORY = _option(
    "--category",
    "categories",
    action="append",
    metavar="DIMENSION=COLUMN",
    help="a dimension and its column, e.g. sex=sex; repeat for each dimension",
)
SELECTED = _option("--selected", "selected", metavar="COL", help="0/1 column: 1 = selected")
SCORE = _option(
    "--score", "score", metavar="COL", help="numeric score; rate = share above the median score"
)
#: The bias audit's question and its exclusions (``bias_audit`` keywords).
AUDIT = (
    CATEGORY,
    SELECTED,
    SCORE,
    _option(
        "--standard",
        "standard",
        type=choice(STANDARDS, what="standard"),
        help=f"one of: {', '.join(STANDARDS)} (default {DEFAULT_STANDARD})",
    ),
    _option(
        "--exclude-small",
        "exclude_small",
        action="store_true",
        help="leave categories under 2%% of the rows out of the impact ratio's reference",
    ),
    _option(
        "--justification",
        "exclusion_justification",
        metavar="TEXT",
        help="why small categories are excluded",
    ),
    _option("--date", "date", metavar="YYYY-MM-DD", help="audit date (default today)"),
)


def add_audit(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """Add the bias audit options: ``--category``, ``--selected`` | ``--score``, ``--standard``, ...

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    required : bool
        Whether the audit must be asked for (``audit``) or is optional (``bundle``:
        :func:`audit_arguments` then checks that the options ask for a whole one).
    """
    category, selected, score, standard, *rest = AUDIT
    category.add(parser, required=required)
    outcome = parser.add_mutually_exclusive_group(required=required)
    selected.add(outcome)
    score.add(outcome)
    add_options(parser, standard, rest)


def audit_arguments(args: argparse.Namespace) -> dict[str, Any] | None:
    """Return the ``bias_audit`` keywords of the audit options, or None when none was given.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of a command that added :func:`add_audit`.

    Returns
    -------
    dict or None
        ``categories`` (``{dimension: column}``), ``selected``, ``score``,
        ``standard``, ``exclude_small``, ``exclusion_justification`` and ``date``.

    Raises
    ------
    ArgumentError
        If an audit option is given without ``--category``, or ``--category``
        without ``--selected`` or ``--score``.
    """
    from rai_toolkit.exceptions import ArgumentError

    given = [option.flag for option in AUDIT if getattr(args, option.dest) not in (None, False)]
    if not given:
        return None
    if args.category is None:
        raise ArgumentError(
            f"{', '.join(given)} {'belongs' if len(given) == 1 else 'belong'} to a bias audit, "
            f"which needs --category DIMENSION=COLUMN (repeat it for each dimension) besides "
            f"--selected COL or --score COL; add --category, or drop {', '.join(given)}.",
            argument="categories",
        )
    if args.selected is None and args.score is None:
        raise ArgumentError(
            "--category asks for a bias audit, which needs the outcome column: add --selected "
            "COL (0/1, 1 = selected) or --score COL (numeric score).",
            argument="selected",
        )
    from rai_toolkit.audit._commands import parse_categories

    return {
        "categories": parse_categories(args.category),
        "selected": args.selected,
        "score": args.score,
        "standard": args.standard or DEFAULT_STANDARD,
        "exclude_small": args.exclude_small,
        "exclusion_justification": args.justification,
        "date": args.date,
    }
