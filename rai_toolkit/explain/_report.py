"""``explain_model`` and the :class:`ExplanationReport` it returns."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._io import json_safe
from rai_toolkit._readonly import ReadOnly, store
from rai_toolkit._result import Result, Summary
from rai_toolkit._scalars import (
    SeedLike,
    as_generator,
    check_bool,
    check_choice,
    check_int,
    check_random_state,
)
from rai_toolkit._validation import (
    check_columns,
    check_data_frame,
    check_fitted,
    check_label,
    encode_sensitive,
    model_features,
    resolve_columns,
)
from rai_toolkit.exceptions import ArgumentError, SamplingWarning
from rai_toolkit.explain._model_output import OUTPUTS, describe_parts, resolve_output
from rai_toolkit.explain._shap_values import METHODS, compute_shap

__all__ = ["SCHEMA", "ExplanationReport", "explain_model"]

#: Identifier and version of the :meth:`ExplanationReport.to_dict` schema.
SCHEMA = "rai_toolkit.explanation/1"



class ExplanationReport(Result):
    """SHAP explanation of a model in its raw feature space.

    Built by :func:`explain_model` or :func:`fit_glassbox`; everything is
    computed once, the properties only read.

    Parameters
    ----------
    values : numpy.ndarray
        SHAP values, shape (n_rows, n_features), one column per raw feature.
    base_values : numpy.ndarray
        Base value per row, shape (n_rows,).
    model_output : numpy.ndarray
        The model's own output per row in the explained space.
    data : pandas.DataFrame
        The rows explained (all columns, so that groups can be formed from
        columns that are not model inputs).
    features : list
        Raw feature names, in model input order.
    output : str
        ``"log_odds"``, ``"probability"`` or ``"raw"``.
    method : str
        ``"tree"``, ``"linear"``, ``"permutation"``, ``"kernel"`` or ``"ebm"``.
    detail : str, default=""
        Human-readable description of the explainer that ran.
    explained_class : object, optional
        Class whose output is explained (classifiers).
    model : object, optional
        The explained model.
    global_importance : pandas.Series, optional
        Overrides the default mean |SHAP| importance (used for EBM term importances).
    """

    def __init__(
        self,
        values: np.ndarray,
        base_values: np.ndarray,
        model_output: np.ndarray,
        data: pd.DataFrame,
        *,
        features: Sequence[Hashable],
        output: str,
        method: str,
        detail: str = "",
        explained_class: Any = None,
        model: Any = None,
        global_importance: pd.Series | None = None,
    ) -> None:
        features = list(features)
        values = np.asarray(values, dtype=float)
        base_values = np.asarray(base_values, dtype=float)
        model_output = np.asarray(model_output, dtype=float)
        residual = values.sum(axis=1) + base_values - model_output
        frame = pd.DataFrame(values, index=data.index, columns=features)
        if global_importance is None:
            global_importance = frame.abs().mean(axis=0)
        importance = global_importance.sort_values(ascending=False, kind="stable")
        importance.name = "mean_abs_shap" if method != "ebm" else "ebm_term_importance"
        store(
            self,
            values=frame,
            base_values=pd.Series(base_values, index=data.index, name="base_value"),
            model_output=pd.Series(model_output, index=data.index, name=output),
            global_importance=importance,
            feature_names=features,
            output=output,
            method=method,
            detail=detail,
            additivity_error=float(np.max(np.abs(residual))) if len(residual) else 0.0,
            explained_class=explained_class,
            model=model,
            data=data,
        )
        self._explanation: Any = None

    # ------------------------------------------------------------------ properties
    @property
    def shap_values(self) -> Any:
        """``shap.Explanation`` in the raw feature space (values, base_values, data).

        Built on first access from the computed values (building it indexes
        every row, which is slow for large data that never needs it).
        """
        if self._explanation is None:
            import shap

            raw = self._data[self._features]
            numeric = all(pd.api.types.is_numeric_dtype(t) for t in raw.dtypes)
            self._explanation = shap.Explanation(
                values=self._values.to_numpy(),
                base_values=self._base.to_numpy(),
                data=raw.to_numpy() if numeric else raw.to_numpy(dtype=object),
                feature_names=[str(f) for f in self._features],
                output_names=self._output,
            )
        return self._explanation

    values = ReadOnly[pd.DataFrame]("SHAP values as a DataFrame: rows of ``data`` x raw features.")

    base_values = ReadOnly[pd.Series]("Base (expected) value per row.", source="_base")

    @property
    def base_value(self) -> float:
        """Mean base value (constant for every method but the glassbox)."""
        return float(self._base.mean())

    model_output = ReadOnly[pd.Series](
        "The model's own output per row, in the space of :attr:`output`.",
    )

    global_importance = ReadOnly[pd.Series](
        "Mean |SHAP| per raw feature, sorted descending (EBM: term importances).",
        source="_importance",
    )

    feature_names = ReadOnly[list](
        "Raw feature names, in model input order.",
        source="_features",
        copy=list,
    )

    output = ReadOnly[str](
        'Space the values add up in: ``"log_odds"``, ``"probability"`` or ``"raw"``.',
    )

    method = ReadOnly[str](
        'Explainer that ran: ``"tree"``, ``"linear"``, ``"permutation"``, ``"kernel"``, ....',
    )

    detail = ReadOnly[str]("Description of the explainer call.")

    additivity_error = ReadOnly[float]("Max over rows of ``|sum(shap) + base - model output|``.")

    explained_class = ReadOnly[Any]("Class whose output is explained (None for regressors).")

    model = ReadOnly[Any]("The explained model (the fitted EBM for :func:`fit_glassbox`).")

    data = ReadOnly[pd.DataFrame]("The explained rows, all columns as given.")

    @property
    def n_rows(self) -> int:
        """Number of explained rows."""
        return int(self._values.shape[0])

    # --------------------------------------------------------------------- methods
    def local(self, i: int) -> pd.DataFrame:
        """Explain one row: raw value and SHAP value per feature.

        Parameters
        ----------
        i : int
            Position of the row (0-based, like ``data.iloc``).

        Returns
        -------
        pandas.DataFrame
            Indexed by feature, columns ``value`` and ``shap``, sorted by
            decreasing ``|shap|``. ``attrs`` holds ``base_value``,
            ``model_output``, ``output`` and the row ``label``.

        Raises
        ------
        ArgumentError
            If ``i`` is not a valid row position.
        """
        i = check_int(i, argument="i", hint="i is a row position (0-based, like data.iloc).")
        if not -self.n_rows <= i < self.n_rows:
            raise ArgumentError(
                f"i={i} is out of range; the report explains {self.n_rows} rows "
                f"(positions 0..{self.n_rows - 1})."
            )
        shap_row = self._values.iloc[i]
        frame = pd.DataFrame(
            {"value": self._data[self._features].iloc[i].astype(object), "shap": shap_row}
        )
        order = np.argsort(-np.abs(shap_row.to_numpy()), kind="stable")
        frame = frame.iloc[order]
        frame.attrs.update(
            base_value=float(self._base.iloc[i]),
            model_output=float(self._model_output.iloc[i]),
            output=self._output,
            label=self._values.index[i],
        )
        return frame

    def by_group(
        self, sensitive_feature: Hashable, *, signed: bool = False, bins: Any = None
    ) -> pd.DataFrame:
        """Mean |SHAP| (or mean SHAP) per group of a sensitive feature.

        Parameters
        ----------
        sensitive_feature : hashable or pandas.Series
            Column of the explained ``data`` (it need not be a model input), or
            a named Series matched to the explained rows by index.
        signed : bool, default=False
            Average the signed SHAP values instead of their absolute values.
        bins : int or sequence, optional
            Bins for a continuous sensitive feature (see ``prepare_data``).

        Returns
        -------
        pandas.DataFrame
            One row per group, one column per raw feature (ordered by global
            importance), plus a ``count`` column.

        Raises
        ------
        DataValidationError
            If the column is missing or continuous without ``bins``.
        """
        signed = check_bool(signed, argument="signed")
        columns = resolve_columns(
            self._data, sensitive_features=sensitive_feature, target_required=False
        )
        if len(columns.sensitive_features) != 1:
            raise ArgumentError(
                f"sensitive_feature must name one column; received "
                f"{len(columns.sensitive_features)}. Call by_group once per feature.",
                argument="sensitive_feature",
            )
        sensitive_feature = columns.sensitive_features[0]
        groups = encode_sensitive(
            columns.data,
            [sensitive_feature],
            bins=None if bins is None else {sensitive_feature: bins},
        )[sensitive_feature]
        table = self._values if signed else self._values.abs()
        grouped = table.groupby(groups.to_numpy(), sort=True)
        out = grouped.mean()[list(self._importance.index)]
        out.insert(0, "count", grouped.size())
        out.index.name = sensitive_feature
        return out

    def to_dict(self, *, include_values: bool = False) -> dict:
        """Return a JSON-serialisable summary.

        Schema (``"schema": "rai_toolkit.explanation/1"``): ``method``,
        ``detail``, ``output``, ``explained_class``, ``n_rows``, ``features``
        (model input order), ``base_value`` (mean), ``additivity_error``,
        ``global_importance`` (``{feature: value}``, descending) and, with
        ``include_values=True``, ``values`` (list of rows, features order) and
        ``base_values``.

        Parameters
        ----------
        include_values : bool, default=False
            Add the per-row SHAP values (large for many rows).

        Returns
        -------
        dict
            The summary.
        """
        out = {
            "schema": SCHEMA,
            "method": self._method,
            "detail": self._detail,
            "output": self._output,
            "explained_class": json_safe(self._explained_class),
            "n_rows": self.n_rows,
            "features": [str(f) for f in self._features],
            "base_value": self.base_value,
            "additivity_error": self._additivity_error,
            "global_importance": {
                str(k): float(v) for k, v in self._importance.items()
            },
        }
        if check_bool(include_values, argument="include_values"):
            out["values"] = self._values.to_numpy().tolist()
            out["base_values"] = self._base.to_numpy().tolist()
        return out

    def _summary(self) -> Summary:
        top = ", ".join(f"{k}={v:.3g}" for k, v in self._importance.head(5).items())
        cls = "" if self._explained_class is None else f", class {self._explained_class!r}"
        return Summary(
            title="Explanation",
            head=(
                f"method={self._method!r}, output={self._output!r}, "
                f"rows={self.n_rows}, features={len(self._features)}, "
                f"additivity_error={self._additivity_error:.2g}, top: {top}"
            ),
            text=(
                f"{self.n_rows:,} rows explained by {self._method} ({self._detail}), output "
                f"{self._output}{cls}. Base value {self.base_value:.4g}; additivity error "
                f"{self._additivity_error:.2g}."
            ),
            tables=[("", self._importance.head(15).rename_axis("feature").to_frame())],
        )


def _background(
    X: pd.DataFrame,
    background: Any,
    *,
    features: list,
    max_background: int,
    random_state: Any,
) -> tuple[pd.DataFrame, bool]:
    rng = as_generator(random_state)
    if background is None:
        if len(X) <= max_background:
            return X, False
        rows = np.sort(rng.choice(len(X), size=max_background, replace=False))
        return X.iloc[rows], False
    background = check_data_frame(background, argument="background")
    check_columns(background, features, argument="features", data_argument="background")
    bg = background[features]
    if len(bg) > max_background:
        warnings.warn(
            f"`background` has {len(bg)} rows; a random sample of max_background="
            f"{max_background} is used. Raise max_background to use more.",
            SamplingWarning,
            stacklevel=3,
        )
        rows = np.sort(rng.choice(len(bg), size=max_background, replace=False))
        bg = bg.iloc[rows]
    return bg, True


@public
def explain_model(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable | None = None,
    features: Sequence[Hashable] | None = None,
    background: pd.DataFrame | None = None,
    max_background: int = 100,
    method: str = "auto",
    output: str = "auto",
    random_state: SeedLike = None,
    pos_label: Any = None,
) -> ExplanationReport:
    """Explain a model with SHAP values in its raw feature space.

    A scikit-learn Pipeline is split into its preprocessing and its final
    estimator. When every preprocessing step keeps columns apart (one-hot,
    ordinal, scalers, imputers, ColumnTransformer, nested Pipelines) the final
    estimator is explained exactly - TreeSHAP for tree ensembles, linear SHAP
    for linear models - and the values of the encoded columns are summed back
    to their source column, which is exact because SHAP values are additive.
    Otherwise a model-agnostic explainer calls the whole model on raw rows
    (non-numeric columns are passed to SHAP as integer codes and decoded inside
    the call).

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted model, called on raw rows of ``data``.
    data : pandas.DataFrame
        Rows to explain. May hold further columns (target, sensitive features)
        that are not model inputs; :meth:`ExplanationReport.by_group` uses them.
    target : hashable or pandas.Series, optional
        Target column, never a model input (a named Series is added to the
        data, matched by index).
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``;
        beside a model that does, it must name the same columns.
    background : pandas.DataFrame, optional
        Reference rows. Default: a sample of ``max_background`` rows of
        ``data``. TreeSHAP is path-dependent (no background) unless a
        background is given or a boosted model is explained in probability.
    max_background : int, default=100
        Maximum number of background rows.
    method : {"auto", "tree", "linear", "permutation", "kernel"}, default="auto"
        Explainer; ``"auto"`` picks the exact one that applies, else
        ``"permutation"`` (with a FallbackWarning when an exact one was expected).
    output : {"auto", "log_odds", "probability", "raw"}, default="auto"
        Space the values add up in. ``"auto"``: log-odds for boosted and
        linear classifiers, probability for forests, single trees and other
        classifiers, ``"raw"`` (``predict``) for regressors.
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed for the background sample and the permutation explainer.
    pos_label : object, optional
        Class to explain; default ``classes_[1]`` (required for multiclass).

    Returns
    -------
    ExplanationReport
        SHAP values per raw feature, importances, additivity error.

    Raises
    ------
    NotFittedError
        If the model is not fitted.
    DataValidationError
        If ``data`` lacks model columns (they are named).
    ArgumentError
        Unknown ``method``/``output``, or an output the model cannot produce.
    ModelError
        If the model fails or has no numeric output.

    Examples
    --------
    >>> from lightgbm import LGBMClassifier
    >>> from sklearn.compose import make_column_transformer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import OneHotEncoder
    >>> from rai_toolkit.datasets import load_adult
    >>> ds = load_adult()
    >>> df = ds.frame.sample(2000, random_state=0)
    >>> X = df.drop(columns="income")
    >>> pre = make_column_transformer(
    ...     (OneHotEncoder(handle_unknown="ignore"), ds.categorical_features),
    ...     remainder="passthrough")
    >>> model = make_pipeline(pre, LGBMClassifier(n_estimators=20, verbose=-1))
    >>> model = model.fit(X, df["income"])
    >>> report = explain_model(model, df, target="income")
    >>> report.method, report.output, report.additivity_error < 1e-6
    ('tree', 'log_odds', True)
    """
    data = check_data_frame(data)
    method = check_choice(method, argument="method", choices=METHODS)
    output = check_choice(output, argument="output", choices=OUTPUTS)
    max_background = check_int(max_background, argument="max_background", low=1)
    random_state = check_random_state(random_state)
    if pos_label is not None:
        check_label(pos_label)
    check_fitted(model)
    columns = resolve_columns(
        data, target=target, features=features, model=model, target_required=False
    )
    data, target, features = columns.data, columns.target, columns.features
    cols = model_features(model, data, target=target, features=features)
    X = data[cols]
    parts = describe_parts(model, cols, pos_label=pos_label)
    out = resolve_output(parts, X, output)
    bg, given = _background(
        X, background, features=cols, max_background=int(max_background),
        random_state=random_state,
    )
    result = compute_shap(
        parts, out, X, background=bg, background_given=given, method=method,
        random_state=random_state,
    )
    return ExplanationReport(
        result.values,
        result.base_values,
        result.model_output,
        data,
        features=cols,
        output=out.name,
        method=result.method,
        detail=result.detail,
        explained_class=parts.explained_class,
        model=model,
    )
