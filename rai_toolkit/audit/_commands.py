"""The logic of ``rai-toolkit audit``, callable with plain arguments.

The command line parses its options and calls :func:`run_audit` with the data
frame it read; everything that can be refused (output paths, category specs,
the audit's own arguments) is refused before any output is written, and the
outputs of one run are written together: each through a temporary file, all
renamed only once every document has been rendered.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd

from rai_toolkit._io import HTML_SUFFIXES, JSON_SUFFIXES, atomic_path, check_output_path
from rai_toolkit.audit._bias_audit import bias_audit
from rai_toolkit.audit._result import BiasAudit
from rai_toolkit.exceptions import ArgumentError

__all__ = ["parse_categories", "run_audit"]


def parse_categories(specs: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    """Turn ``["sex=sex", "race=race"]`` into ``{"sex": "sex", "race": "race"}``.

    A spec without ``=`` names a column used as its own dimension.

    Parameters
    ----------
    specs : sequence of str or mapping
        ``DIMENSION=COLUMN`` strings (a mapping is returned as a dict).

    Returns
    -------
    dict
        Dimension -> column.

    Raises
    ------
    ArgumentError
        If a spec is empty, has an empty side, or a dimension repeats.
    """
    if isinstance(specs, Mapping):
        return dict(specs)
    if isinstance(specs, str) or not isinstance(specs, Sequence) or not specs:
        raise ArgumentError(
            "Name at least one category as DIMENSION=COLUMN, e.g. sex=sex race_ethnicity=race."
        )
    out: dict[str, str] = {}
    for spec in specs:
        if not isinstance(spec, str):
            raise ArgumentError(f"Category spec {spec!r} must be a string DIMENSION=COLUMN.")
        dimension, sep, column = spec.partition("=")
        dimension, column = dimension.strip(), column.strip()
        if not sep:
            column = dimension
        if not dimension or not column:
            raise ArgumentError(
                f"Category spec {spec!r} must be DIMENSION=COLUMN with both sides given, e.g. "
                f"race_ethnicity=race."
            )
        if dimension in out:
            raise ArgumentError(
                f"Dimension {dimension!r} is given twice ({dimension}={out[dimension]} and "
                f"{spec}); give each dimension once."
            )
        out[dimension] = column
    return out


def run_audit(
    data: pd.DataFrame,
    *,
    categories: Sequence[str] | Mapping[str, str],
    out: str | os.PathLike,
    selected: str | None = None,
    score: str | None = None,
    json_path: str | os.PathLike | None = None,
    markdown_path: str | os.PathLike | None = None,
    **options: Any,
) -> tuple[BiasAudit, list[Path]]:
    """Run :func:`bias_audit` and write its HTML (and optionally JSON and Markdown) documents.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows read from the data file.
    categories : sequence of str or mapping
        ``DIMENSION=COLUMN`` specs (see :func:`parse_categories`).
    out : str or path-like
        The HTML document (``.html``).
    selected, score : str, optional
        The outcome column (exactly one).
    json_path, markdown_path : str or path-like, optional
        Also write the JSON document (``.json``) and Markdown (``.md``) here.
    **options
        Passed to :func:`bias_audit` (``standard``, ``date``, ``data_source``,
        ``exclude_small``, ``exclusion_justification``, ``title``, ``n_boot``,
        ``random_state``, ``intersectional``, ``ci``).

    Returns
    -------
    audit : BiasAudit
        The result.
    written : list of pathlib.Path
        The files written, HTML first.

    Raises
    ------
    ArgumentError, DataValidationError
        Before anything is written.
    """
    targets = [(check_output_path(out, suffixes=HTML_SUFFIXES, argument="`out`"), "html")]
    if json_path is not None:
        json_target = check_output_path(json_path, suffixes=JSON_SUFFIXES, argument="`json`")
        targets.append((json_target, "json"))
    if markdown_path is not None:
        targets.append(
            (check_output_path(markdown_path, suffixes=(".md",), argument="`markdown`"), "md")
        )
    audit = bias_audit(
        data, categories=parse_categories(categories), selected=selected, score=score, **options
    )
    texts = {"html": audit.to_html(), "json": audit.to_json(), "md": audit.to_markdown()}
    with ExitStack() as stack:
        for path, kind in targets:
            tmp = stack.enter_context(atomic_path(path))
            tmp.write_text(texts[kind], encoding="utf-8")
    return audit, [p for p, _ in targets]
