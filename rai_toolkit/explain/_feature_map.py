"""Map the columns a preprocessing pipeline produces back to the raw input columns.

SHAP values of an additive explanation can be summed over any partition of the
features without losing exactness. If every transformed column depends on
exactly one raw column (one-hot, ordinal, scaling, imputation, ...), summing
the SHAP values of the transformed columns that come from each raw column
gives an exact explanation in the raw feature space.

:func:`column_sources` returns, for each transformed column, the position of
the raw column it comes from, or ``None`` when a step mixes columns or is not
known to us (PCA, PolynomialFeatures, an arbitrary FunctionTransformer, ...).
Only steps whose column structure we know are mapped; anything else makes the
caller fall back to a model-agnostic explainer rather than produce wrong
numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["UnmappableStep", "column_sources", "describe_step"]

#: Transformers whose i-th output column is a function of the i-th input column only.
_ONE_TO_ONE = {
    ("sklearn.preprocessing", "StandardScaler"),
    ("sklearn.preprocessing", "MinMaxScaler"),
    ("sklearn.preprocessing", "MaxAbsScaler"),
    ("sklearn.preprocessing", "RobustScaler"),
    ("sklearn.preprocessing", "QuantileTransformer"),
    ("sklearn.preprocessing", "PowerTransformer"),
    ("sklearn.preprocessing", "OrdinalEncoder"),
    ("sklearn.preprocessing", "Binarizer"),
}


class UnmappableStep(Exception):
    """Internal signal: a preprocessing step cannot be mapped to raw columns."""

    def __init__(self, step: Any) -> None:
        super().__init__(describe_step(step))
        self.step = step


def describe_step(step: Any) -> str:
    """Return a short human-readable name of a pipeline step.

    Parameters
    ----------
    step : object
        A transformer, or the strings ``"passthrough"`` / ``"drop"``.

    Returns
    -------
    str
        The class name, e.g. ``"PCA"``.
    """
    if isinstance(step, str):
        return repr(step)
    return type(step).__name__


def _key(step: Any) -> tuple[str, str]:
    module = type(step).__module__
    # sklearn.preprocessing._data -> sklearn.preprocessing
    public = ".".join(p for p in module.split(".") if not p.startswith("_"))
    return public, type(step).__name__


def _check_width(step: Any, n_in: int) -> None:
    n_seen = getattr(step, "n_features_in_", None)
    if n_seen is not None and int(n_seen) != n_in:
        raise UnmappableStep(step)


def _one_hot_counts(encoder: Any, n_in: int) -> list[int]:
    counts = getattr(encoder, "_n_features_outs", None)
    if counts is None:  # pragma: no cover - older or newer scikit-learn
        if getattr(encoder, "infrequent_categories_", None) is not None and any(
            c is not None for c in encoder.infrequent_categories_
        ):
            raise UnmappableStep(encoder)
        drop_idx = getattr(encoder, "drop_idx_", None)
        counts = [
            len(cats) - int(drop_idx is not None and drop_idx[i] is not None)
            for i, cats in enumerate(encoder.categories_)
        ]
    counts = [int(c) for c in counts]
    if len(counts) != n_in:
        raise UnmappableStep(encoder)
    return counts


def _sources(step: Any, n_in: int) -> np.ndarray:
    """Return an int array: for each output column of ``step``, its input column."""
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return np.arange(n_in)
    if isinstance(step, str) and step == "drop":
        return np.arange(0)
    module, name = _key(step)
    if not module.startswith("sklearn"):
        raise UnmappableStep(step)
    if (module, name) in _ONE_TO_ONE:
        _check_width(step, n_in)
        return np.arange(n_in)
    if name == "FunctionTransformer":
        # Only the identity is known to keep columns apart.
        if step.func is None and step.inverse_func is None:
            return np.arange(n_in)
        raise UnmappableStep(step)
    if name == "OneHotEncoder":
        _check_width(step, n_in)
        return np.repeat(np.arange(n_in), _one_hot_counts(step, n_in))
    if name == "KBinsDiscretizer":
        _check_width(step, n_in)
        if step.encode == "ordinal":
            return np.arange(n_in)
        return np.repeat(np.arange(n_in), _one_hot_counts(step._encoder, n_in))
    if name == "SimpleImputer":
        _check_width(step, n_in)
        if getattr(step, "keep_empty_features", False) or step.strategy == "constant":
            kept = np.arange(n_in)
        else:
            kept = np.flatnonzero(~pd.isna(np.asarray(step.statistics_, dtype=object)))
        if step.add_indicator and getattr(step, "indicator_", None) is not None:
            kept = np.concatenate([kept, np.asarray(step.indicator_.features_, dtype=int)])
        return kept
    if name == "MissingIndicator":
        _check_width(step, n_in)
        return np.asarray(step.features_, dtype=int)
    if name == "Pipeline":
        sources = np.arange(n_in)
        for _, sub in step.steps:
            sources = sources[_sources(sub, len(sources))]
        return sources
    if name == "ColumnTransformer":
        return _column_transformer_sources(step, n_in)
    raise UnmappableStep(step)


def _column_transformer_sources(ct: Any, n_in: int) -> np.ndarray:
    _check_width(ct, n_in)
    indices = getattr(ct, "_transformer_to_input_indices", None)
    if indices is None:  # pragma: no cover - scikit-learn < 1.2
        raise UnmappableStep(ct)
    parts = []
    for name, trans, _ in ct.transformers_:
        cols = np.asarray(indices.get(name, []), dtype=int)
        if (isinstance(trans, str) and trans == "drop") or cols.size == 0:
            continue
        parts.append(cols[_sources(trans, cols.size)])
    return np.concatenate(parts) if parts else np.arange(0)


def column_sources(preprocessor: Any, n_in: int) -> np.ndarray:
    """Return, for each column ``preprocessor`` outputs, the raw input column it comes from.

    Parameters
    ----------
    preprocessor : transformer, list of transformers or None
        The fitted preprocessing steps of a pipeline, applied in order.
        ``None`` or an empty list means "no preprocessing".
    n_in : int
        Number of raw input columns.

    Returns
    -------
    numpy.ndarray
        Integer positions in ``range(n_in)``, one per transformed column.

    Raises
    ------
    UnmappableStep
        If a step mixes columns or is not a transformer we know how to map.
    """
    steps = preprocessor if isinstance(preprocessor, list) else [preprocessor]
    sources = np.arange(n_in)
    for step in steps:
        sources = sources[_sources(step, len(sources))]
    return sources
