"""What is explained: the model's parts and the output space the SHAP values add up to.

A model is split into its preprocessing steps and its final estimator, and
one scalar output per row is chosen:

* ``"probability"`` - ``predict_proba`` of the explained class;
* ``"log_odds"`` - the log-odds of that class: the estimator's own margin when
  it is verified to equal ``logit(predict_proba)`` (logistic regression,
  gradient boosting with log-loss, LightGBM ``binary``), else
  ``logit(predict_proba)`` computed with probabilities clipped to
  ``[1e-12, 1 - 1e-12]``;
* ``"raw"`` - ``predict`` for regressors; the decision function (margin) for
  classifiers that have one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rai_toolkit._validation import call_model
from rai_toolkit.exceptions import ArgumentError, ModelError

__all__ = [
    "OUTPUTS",
    "ModelParts",
    "ModelOutput",
    "split_model",
    "resolve_output",
    "tree_kind",
    "is_linear",
]

OUTPUTS = ("auto", "log_odds", "probability", "raw")

#: Probabilities are clipped to [EPS, 1 - EPS] before taking the logit.
EPS = 1e-12

_FORESTS = {
    "RandomForestClassifier",
    "RandomForestRegressor",
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ExtraTreeClassifier",
    "ExtraTreeRegressor",
}
_BOOSTED = {
    ("sklearn", "GradientBoostingClassifier"),
    ("sklearn", "GradientBoostingRegressor"),
    ("sklearn", "HistGradientBoostingClassifier"),
    ("sklearn", "HistGradientBoostingRegressor"),
    ("lightgbm", "LGBMClassifier"),
    ("lightgbm", "LGBMRegressor"),
    ("xgboost", "XGBClassifier"),
    ("xgboost", "XGBRegressor"),
}

_BAD_OUTPUT = (
    "output={output!r} is not valid; choose one of 'auto', 'log_odds', 'probability', 'raw'."
)
_NON_NUMERIC = (
    "{name}.predict returns non-numeric values (e.g. {example!r}) and the model has neither "
    "predict_proba nor decision_function, so there is no numeric output to explain. Use a "
    "classifier with predict_proba (e.g. SVC(probability=True)), or wrap the model so that "
    "predict returns numbers."
)


def _top_module(obj: Any) -> str:
    return type(obj).__module__.split(".")[0]


def tree_kind(estimator: Any) -> str | None:
    """Return the tree ensemble kind of a model's final estimator, or None if it is none.

    ``"forest"`` for averaged trees (natural output: probability), ``"boosted"``
    for gradient boosting (natural output: margin).
    """
    name = type(estimator).__name__
    top = _top_module(estimator)
    if top == "sklearn" and name in _FORESTS:
        return "forest"
    if (top, name) in _BOOSTED:
        return "boosted"
    return None


def is_linear(estimator: Any) -> bool:
    """Return whether a final estimator's margin is linear in its inputs.

    True for scikit-learn linear models and linear SVMs, not for GLMs with a link function.
    """
    module = type(estimator).__module__
    if not (hasattr(estimator, "coef_") and hasattr(estimator, "intercept_")):
        return False
    if module.startswith("sklearn.linear_model") and "_glm" not in module:
        return True
    return type(estimator).__name__ in ("LinearSVC", "LinearSVR")


@dataclass(frozen=True)
class ModelParts:
    """A model split into preprocessing and final estimator.

    Attributes
    ----------
    model : object
        The whole model, called on raw rows.
    steps : list
        Fitted preprocessing steps, applied in order (empty without a Pipeline).
    estimator : object
        The final estimator.
    features : list
        Raw input columns, in the order the model expects.
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    classes : numpy.ndarray or None
        The model's ``classes_``.
    pos_index : int or None
        Index in ``classes`` of the explained class.
    """

    model: Any
    steps: list
    estimator: Any
    features: list
    task: str
    classes: np.ndarray | None
    pos_index: int | None

    @property
    def explained_class(self) -> Any:
        """The class whose output is explained (None for regression)."""
        if self.classes is None or self.pos_index is None:
            return None
        value = self.classes[self.pos_index]
        return value.item() if hasattr(value, "item") else value

    def transform(self, X: pd.DataFrame) -> Any:
        """Apply the preprocessing steps to raw rows (no densifying, no casting)."""
        out: Any = X
        for step in self.steps:
            out = step.transform(out)
        return out


def dense_float(matrix: Any) -> np.ndarray:
    """Return a transformed matrix as a dense float64 array (raises on non-numeric)."""
    if sp.issparse(matrix):
        matrix = matrix.toarray()
    if isinstance(matrix, pd.DataFrame):
        matrix = matrix.to_numpy()
    return np.asarray(matrix, dtype=float)


def split_model(model: Any) -> tuple[list, Any]:
    """Split a scikit-learn Pipeline into (preprocessing steps, final estimator).

    Parameters
    ----------
    model : object
        A fitted estimator or Pipeline.

    Returns
    -------
    steps : list
        Preprocessing steps ('passthrough'/None steps removed).
    estimator : object
        The final estimator; ``model`` itself when it is not a Pipeline.
    """
    if type(model).__name__ == "Pipeline" and _top_module(model) == "sklearn":
        steps = [s for _, s in model.steps[:-1] if s is not None and s != "passthrough"]
        final = model.steps[-1][1]
        if type(final).__name__ == "Pipeline":
            inner_steps, final = split_model(final)
            steps = steps + inner_steps
        return steps, final
    return [], model


def _classes(model: Any) -> np.ndarray | None:
    try:
        classes = model.classes_
    except AttributeError:
        return None
    return None if classes is None else np.asarray(classes)


def describe_parts(model: Any, features: list, *, pos_label: Any = None) -> ModelParts:
    """Split ``model`` and work out the task and the explained class.

    Parameters
    ----------
    model : object
        Fitted model.
    features : list
        Raw input columns.
    pos_label : object, optional
        Class to explain; default ``classes_[1]`` for binary models.

    Returns
    -------
    ModelParts
        The split model.

    Raises
    ------
    ArgumentError
        If ``pos_label`` is not a class of the model, or is missing for a
        multiclass model.
    """
    steps, estimator = split_model(model)
    classes = _classes(model)
    if classes is None:
        if pos_label is not None:
            raise ArgumentError(
                f"pos_label={pos_label!r} was given but {type(model).__name__} has no "
                f"classes_ (it is not a classifier); leave pos_label=None."
            )
        return ModelParts(model, steps, estimator, list(features), "regression", None, None)
    labels = classes.tolist()
    if pos_label is None:
        if len(labels) > 2:
            raise ArgumentError(
                f"The model has {len(labels)} classes ({', '.join(map(repr, labels))}); pass "
                f"pos_label= naming the class whose output to explain."
            )
        pos_index = len(labels) - 1
    elif pos_label in labels:
        pos_index = labels.index(pos_label)
    else:
        raise ArgumentError(
            f"pos_label={pos_label!r} is not among the model's classes_ "
            f"({', '.join(map(repr, labels))}); pass one of them."
        )
    task = "binary" if len(labels) <= 2 else "multiclass"
    return ModelParts(model, steps, estimator, list(features), task, classes, pos_index)


@dataclass(frozen=True)
class ModelOutput:
    """The scalar model output that the explanation adds up to.

    Attributes
    ----------
    name : str
        ``"log_odds"``, ``"probability"`` or ``"raw"``.
    function : callable
        ``function(X_raw) -> ndarray (n,)``: the output on raw rows.
    source : str
        How it is computed, e.g. ``"decision_function"`` or ``"logit(predict_proba)"``.
    """

    name: str
    function: Callable[[pd.DataFrame], np.ndarray]
    source: str

    def __call__(self, X: pd.DataFrame) -> np.ndarray:
        return self.function(X)


def _proba_fn(parts: ModelParts) -> Callable[[pd.DataFrame], np.ndarray]:
    def proba(X: pd.DataFrame) -> np.ndarray:
        out = np.asarray(call_model(parts.model, X, "predict_proba"), dtype=float)
        return out[:, parts.pos_index] if out.ndim == 2 else out

    return proba


def _margin_fn(parts: ModelParts) -> Callable[[pd.DataFrame], np.ndarray] | None:
    binary = parts.task == "binary"
    sign = -1.0 if binary and parts.pos_index == 0 else 1.0

    def pick(out: np.ndarray) -> np.ndarray:
        out = np.asarray(out, dtype=float)
        if out.ndim == 2 and out.shape[1] > 1:
            return out[:, parts.pos_index]
        return sign * out.ravel()

    if hasattr(parts.model, "decision_function"):
        return lambda X: pick(call_model(parts.model, X, "decision_function"))
    top = _top_module(parts.estimator)
    if top in ("lightgbm", "xgboost"):
        keyword = {"lightgbm": "raw_score", "xgboost": "output_margin"}[top]

        def margin(X: pd.DataFrame) -> np.ndarray:
            Xt = parts.transform(X) if parts.steps else X
            try:
                return pick(parts.estimator.predict(Xt, **{keyword: True}))
            except Exception as err:  # noqa: BLE001 - reported with context
                raise ModelError(
                    f"{type(parts.estimator).__name__}.predict({keyword}=True) failed: "
                    f"{type(err).__name__}: {err}."
                ) from err

        return margin
    return None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1.0 - EPS)
    return np.log(p) - np.log1p(-p)


def _margin_is_log_odds(
    margin: Callable[[pd.DataFrame], np.ndarray],
    proba: Callable[[pd.DataFrame], np.ndarray],
    sample: pd.DataFrame,
) -> bool:
    m = margin(sample)
    p = proba(sample)
    ok = (p > 1e-6) & (p < 1 - 1e-6)
    if not ok.any():
        return False
    return bool(np.allclose(m[ok], _logit(p[ok]), rtol=1e-6, atol=1e-6))


def _numeric_predict(parts: ModelParts, sample: pd.DataFrame) -> Callable | None:
    pred = np.asarray(call_model(parts.model, sample, "predict"))
    if not (np.issubdtype(pred.dtype, np.number) or np.issubdtype(pred.dtype, np.bool_)):
        try:
            pred.astype(float)
        except (TypeError, ValueError):
            example = pred.ravel()[0] if pred.size else None
            raise ModelError(
                _NON_NUMERIC.format(name=type(parts.model).__name__, example=example)
            ) from None

    def predict(X: pd.DataFrame) -> np.ndarray:
        return np.asarray(call_model(parts.model, X, "predict"), dtype=float).ravel()

    return predict


def resolve_output(parts: ModelParts, X: pd.DataFrame, output: str) -> ModelOutput:
    """Choose the output space for ``output`` and build the function computing it.

    Parameters
    ----------
    parts : ModelParts
        The split model.
    X : pandas.DataFrame
        Raw model input (a few rows are used to inspect the model).
    output : {"auto", "log_odds", "probability", "raw"}
        Requested output space.

    Returns
    -------
    ModelOutput
        The resolved output.

    Raises
    ------
    ArgumentError
        If ``output`` is unknown or the model cannot produce it.
    ModelError
        If the model has no numeric output at all.
    """
    if output not in OUTPUTS:
        raise ArgumentError(_BAD_OUTPUT.format(output=output))
    sample = X.iloc[: min(len(X), 200)]
    name = type(parts.model).__name__
    if parts.task == "regression":
        if output not in ("auto", "raw"):
            raise ArgumentError(
                f"output={output!r} applies to classifiers, but {name} is a regressor (it has "
                f"no classes_); use output='raw' (or 'auto') to explain its predictions."
            )
        return ModelOutput("raw", _numeric_predict(parts, sample), "predict")

    has_proba = hasattr(parts.model, "predict_proba")
    proba = _proba_fn(parts) if has_proba else None
    margin = _margin_fn(parts)
    if proba is None and margin is None:
        predict = _numeric_predict(parts, sample)
        if output not in ("auto", "raw"):
            raise ArgumentError(
                f"output={output!r} needs predict_proba, which {name} does not have; use "
                f"output='raw' to explain its numeric predictions."
            )
        return ModelOutput("raw", predict, "predict")
    margin_lo = margin is not None and proba is not None and _margin_is_log_odds(
        margin, proba, sample
    )
    source = "decision_function" if hasattr(parts.model, "decision_function") else "raw margin"
    if output == "auto":
        kind = tree_kind(parts.estimator)
        if kind == "forest" or (kind is None and not is_linear(parts.estimator)):
            output = "probability" if proba is not None else "raw"
        else:
            output = "log_odds" if margin_lo else ("raw" if margin is not None else "probability")
    if output == "probability":
        if proba is None:
            raise ArgumentError(
                f"output='probability' needs predict_proba, which {name} does not have; use "
                f"output='raw' to explain its decision function."
            )
        return ModelOutput("probability", proba, "predict_proba")
    if output == "log_odds":
        if margin_lo:
            return ModelOutput("log_odds", margin, source)
        if proba is None:
            raise ArgumentError(
                f"output='log_odds' needs predict_proba, which {name} does not have; use "
                f"output='raw' to explain its decision function."
            )
        return ModelOutput("log_odds", lambda X: _logit(proba(X)), "logit(predict_proba)")
    # output == "raw"
    if margin is None:
        raise ArgumentError(
            f"output='raw' for a classifier means its decision function, which {name} does not "
            f"have; use output='probability' or 'log_odds'."
        )
    return ModelOutput("raw", margin, source)
