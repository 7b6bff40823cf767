"""Options that several commands share, each declared once with the library parameter it sets.

An :class:`Option` is one ``add_argument`` call and the parameters of the
library functions (``assess``, ``load_model``, ``bias_audit``, ...) that the
option sets. The blocks below group the options that belong together; a
command adds a block with its ``add_*`` function and builds its ``FLAGS``
(``{library parameter: flag}``, read by :func:`rai_toolkit.cli._main.describe_error`)
with :func:`flags` from the same declarations, so an option's flag, help and
parameter are written in one place.

Blocks
------
* :data:`MODEL_INPUT` (:func:`add_model_input`): ``--model``, ``--trust-pickle``, ``--trust``;
* :data:`DATA` (:func:`add_data`): ``--data``;
* :data:`QUESTION` (:func:`add_question`): ``--target``, ``--sensitive``;
* :data:`ASSESSMENT` (:func:`add_assessment`): ``--n-boot``, ``--no-explain``,
  ``--min-cell-size``, ``--pos-label``, ``--title``, ``--seed``;
* :data:`AUDIT` (:func:`add_audit`): ``--category``, ``--selected`` | ``--score``,
  ``--standard``, ``--exclude-small``, ``--justification``, ``--date``;
  :func:`audit_arguments` turns them into keyword arguments of ``bias_audit``.
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
    "add_assessment",
    "add_audit",
    "add_data",
    "add_model_input",
    "add_question",
    "audit_arguments",
    "flags",
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


def flags(*blocks: Iterable[Option], **others: str) -> dict[str, str]:
    """Return ``{library parameter: flag}`` of the options in ``blocks``, and ``others``.

    Parameters
    ----------
    *blocks : iterable of Option
        The shared blocks (or single options in a tuple) a command adds.
    **others : str
        Parameters set by the command's own options, e.g. ``out="--out"``.

    Returns
    -------
    dict
        Parameter -> flag.
    """
    mapping = {p: option.flag for block in blocks for option in block for p in option.parameters}
    return {**mapping, **others}


def _add_all(parser: argparse.ArgumentParser, block: Iterable[Option]) -> None:
    for option in block:
        option.add(parser)


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


def add_model_input(parser: argparse.ArgumentParser) -> None:
    """Add ``--model``, ``--trust-pickle`` and ``--trust`` (read by ``analyze._load_model``).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    """
    _add_all(parser, MODEL_INPUT)


# ----------------------------------------------------------------------------- data
#: The data file; ``data_file`` is its parameter in ``run_bundle``.
DATA = (
    _option(
        "--data",
        "data",
        "data_file",
        required=True,
        metavar="FILE",
        help="evaluation data: .csv or .parquet",
    ),
)


def add_data(parser: argparse.ArgumentParser, **changes: Any) -> None:
    """Add ``--data``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    **changes
        ``add_argument`` keywords this command words differently (``help``, ``metavar``).
    """
    DATA[0].add(parser, **changes)


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


def add_question(parser: argparse.ArgumentParser) -> None:
    """Add ``--target`` and ``--sensitive``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    """
    _add_all(parser, QUESTION)


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


def add_assessment(parser: argparse.ArgumentParser) -> None:
    """Add the assessment settings: ``--n-boot`` ... ``--seed`` (see :data:`ASSESSMENT`).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser.
    """
    _add_all(parser, ASSESSMENT)


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
    _add_all(parser, [standard, *rest])


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
