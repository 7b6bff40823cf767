"""Sensitive group labels as fairlearn's mitigators receive them.

fairlearn groups rows by one label per row. We hand it strings: the label of
a single sensitive feature, or ``"a & b"`` for several (intersectional
groups), with missing values as the explicit ``"(missing)"`` group, exactly
as the rest of the toolkit encodes them. The same function encodes the
sensitive features a postprocessed model receives at predict time, so the
groups match those it was fitted on.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._scalars import check_mapping
from rai_toolkit._validation import align_values, encode_sensitive
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["GROUP_SEPARATOR", "check_bins", "group_labels", "sensitive_frame"]

#: Joins the labels of several sensitive features into one intersectional group label.
GROUP_SEPARATOR = " & "


def group_labels(
    data: pd.DataFrame,
    names: Sequence[Hashable],
    *,
    bins: Mapping[Hashable, Any] | None = None,
) -> np.ndarray:
    """Return one string group label per row of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        Holds the sensitive columns ``names``.
    names : sequence of hashable
        Sensitive feature columns.
    bins : mapping, optional
        Explicit bin edges for numeric sensitive features.

    Returns
    -------
    numpy.ndarray
        Object array of str, shape (n,).
    """
    encoded = encode_sensitive(data, list(names), bins=bins)
    as_text = encoded.astype(str)
    if as_text.shape[1] == 1:
        return as_text.iloc[:, 0].to_numpy(dtype=object)
    return as_text.agg(GROUP_SEPARATOR.join, axis=1).to_numpy(dtype=object)


def sensitive_frame(values: Any, names: Sequence[Hashable], rows: pd.DataFrame) -> pd.DataFrame:
    """Turn the ``sensitive_features=`` given at predict time into a frame of ``names``.

    Parameters
    ----------
    values : DataFrame, Series, array-like
        A DataFrame holding the sensitive columns (e.g. the full data), a Series or
        1-D array for a single sensitive feature, or a 2-D array with one column per
        sensitive feature in ``names`` order.
    names : sequence of hashable
        Sensitive feature names the model was fitted with.
    rows : pandas.DataFrame
        ``X``: a Series or DataFrame is matched to its rows by index label
        (:func:`rai_toolkit._validation.align_values`), never by position.

    Returns
    -------
    pandas.DataFrame
        Columns ``names``, one row per row of ``X``.

    Raises
    ------
    DataValidationError
        If the values do not match ``names`` or ``n_rows``.
    """
    names = list(names)
    n_rows = rows.shape[0]
    if isinstance(values, pd.Series | pd.DataFrame):
        aligned = align_values(values, rows, argument="sensitive_features", data_argument="X")
        values = (
            pd.DataFrame(aligned, columns=values.columns)
            if isinstance(values, pd.DataFrame)
            else pd.Series(aligned, name=values.name)
        )
    if isinstance(values, pd.DataFrame):
        if all(n in values.columns for n in names):
            frame = values[names]
        elif values.shape[1] == len(names):
            frame = values.set_axis(names, axis=1)
        else:
            raise DataValidationError(
                f"`sensitive_features` is a DataFrame with columns "
                f"{', '.join(map(str, values.columns))}; the model was fitted with sensitive "
                f"feature(s) {', '.join(map(repr, names))}. Pass a DataFrame holding those "
                f"columns, e.g. sensitive_features=data[{names!r}]."
            )
    else:
        arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values,
                                                                                  dtype=object)
        if arr.ndim == 1 and len(names) == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise DataValidationError(
                f"`sensitive_features` has shape {arr.shape}; expected ({n_rows}, {len(names)}) "
                f"values of {', '.join(map(repr, names))}. Pass data[{names!r}]."
            )
        frame = pd.DataFrame(arr, columns=names)
    if frame.shape[0] != n_rows:
        raise DataValidationError(
            f"`sensitive_features` has {frame.shape[0]} rows but X has {n_rows}; pass the "
            f"sensitive features of the same rows."
        )
    return frame


def check_bins(bins: Mapping[Hashable, Any] | None) -> dict:
    """Accept only explicit edges: quantile bins would move with the data at predict time.

    Parameters
    ----------
    bins : mapping or None
        ``{column: edges}``.

    Returns
    -------
    dict
        The bins.

    Raises
    ------
    ArgumentError
        If ``bins`` is not a mapping, or a bin specification is an int.
    """
    bins = check_mapping(
        bins, argument="bins", hint="Pass e.g. bins={'age': [-inf, 25, 45, 65, inf]}."
    ) or {}
    for name, spec in bins.items():
        if isinstance(spec, int | np.integer):
            raise ArgumentError(
                f"bins[{name!r}]={spec} asks for quantile bins, which would be recomputed on "
                f"every dataset the mitigated model sees, so groups would differ between "
                f"fitting and prediction. Pass explicit edges, e.g. bins={{{name!r}: "
                f"[-inf, 25, 45, 65, inf]}}.",
                argument="bins",
            )
    return bins
