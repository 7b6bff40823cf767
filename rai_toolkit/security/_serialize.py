"""Turn result values into plain JSON-safe Python objects for ``to_dict()``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["json_safe", "frame_records"]


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to builtins; NaN becomes None.

    Parameters
    ----------
    value : object
        A scalar, mapping, sequence, numpy array or pandas object.

    Returns
    -------
    object
        Built from ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` and ``None``.
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, pd.Series):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index):
        return [json_safe(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    return str(value)


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` (index reset into columns) as JSON-safe dicts.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.

    Returns
    -------
    list of dict
        One dict per row.
    """
    return [json_safe(row) for row in frame.to_dict(orient="records")]
