"""Reductions: fairlearn's ExponentiatedGradient and GridSearch refit the model.

Both refit a clone of the estimator many times with reweighted, relabelled
training rows. fairlearn validates ``X`` with ``check_X_y``, which rejects
the string and missing values a Pipeline is built to handle, so fairlearn is
given the row positions (one numeric column) and :class:`_RowEstimator`
looks the rows up in the training frame, shared by every clone, before
fitting the real estimator on them. Called with a DataFrame, it predicts on
that frame directly. Pipelines get ``sample_weight`` routed to their last step.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state

from rai_toolkit._validation import call_model, check_data_frame, model_features
from rai_toolkit.exceptions import ModelError
from rai_toolkit.fairness._criteria import Criterion
from rai_toolkit.mitigation._classifier import MitigatedClassifier, documented
from rai_toolkit.mitigation._criteria import fairlearn_name
from rai_toolkit.mitigation._sample_weight import SampleWeightRouter, with_sample_weight

__all__ = ["ReductionClassifier", "fit_reduction", "fit_grid", "grid_limit"]


class _SharedRows:
    """The training frame, shared (never copied) by the clones fairlearn makes."""

    def __init__(self, frame: pd.DataFrame | None) -> None:
        self.frame = frame

    def __deepcopy__(self, memo: dict) -> _SharedRows:
        return self

    def __copy__(self) -> _SharedRows:
        return self


class _RowEstimator(ClassifierMixin, BaseEstimator):
    """Fits ``estimator`` on the training rows whose positions fairlearn passes as X."""

    def __init__(self, estimator: Any, rows: _SharedRows) -> None:
        self.estimator = estimator
        self.rows = rows

    def _frame(self, X: Any) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            return X
        frame = self.rows.frame
        positions = np.asarray(X)[:, 0].astype(np.int64)
        if positions.shape[0] == frame.shape[0] and np.array_equal(
            positions, np.arange(frame.shape[0])
        ):
            return frame
        return frame.iloc[positions]

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> _RowEstimator:
        kwargs = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight)}
        self.estimator_ = clone(self.estimator).fit(self._frame(X), np.asarray(y), **kwargs)
        self.classes_ = getattr(self.estimator_, "classes_", None)
        return self

    def predict(self, X: Any) -> np.ndarray:
        return np.asarray(self.estimator_.predict(self._frame(X)))


def _unwrap(predictor: Any) -> Any:
    """Return the fitted user-facing estimator inside fairlearn's predictor."""
    if isinstance(predictor, _RowEstimator):
        predictor = predictor.estimator_
    if isinstance(predictor, SampleWeightRouter):
        predictor = predictor.pipeline_
    return predictor


@documented
class ReductionClassifier(MitigatedClassifier):
    """The randomised classifier found by fairlearn's ExponentiatedGradient.

    Made by :func:`~rai_toolkit.mitigation.mitigate` with ``method="reduction"``:
    a mixture of models refitted on reweighted data. Each prediction comes from
    one of them, drawn with probability ``weights[i]`` (as
    ``ExponentiatedGradient.predict`` does); ``predict_proba`` gives the mixture's
    probability of each class. Sensitive features are not needed at predict time.

    Parameters
    ----------
    estimators : sequence of estimators
        Fitted models of the mixture (predicting 0/1).
    weights : sequence of float
        Their mixture weights, summing to 1.
    {features}
    {classes}
    pos_label : object
        Favourable class (predicted when a model outputs 1).
    {random_state}

    {attributes}
    """

    def __init__(
        self,
        estimators: Sequence[Any],
        weights: Sequence[float],
        *,
        features: Sequence[Hashable],
        classes: Any,
        pos_label: Any,
        random_state: int | None = None,
    ) -> None:
        self.estimators = estimators
        self.weights = weights
        self._set_model_inputs(
            features=features, classes=classes, pos_label=pos_label, random_state=random_state
        )

    def _positive_probability(self, X: pd.DataFrame) -> np.ndarray:
        X = check_data_frame(X, argument="X")
        X = X[model_features(self, X)]
        p = np.zeros(X.shape[0])
        for estimator, weight in zip(self.estimators, self.weights):
            p += weight * (call_model(estimator, X, "predict").astype(float) == 1)
        return np.clip(p, 0.0, 1.0)

    @documented
    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability that the randomised classifier predicts each class.

        Parameters
        ----------
        {X}

        Returns
        -------
        numpy.ndarray
            Shape (n, 2), columns in ``classes_`` order.
        """
        return self._class_probabilities(self._positive_probability(X))

    @documented
    def predict(self, X: pd.DataFrame, *, random_state: Any = None) -> np.ndarray:
        """Predict labels, drawing each row's model from the mixture.

        Parameters
        ----------
        {X}
        random_state : int or numpy.random.RandomState, optional
            Seed of the draw; defaults to the ``random_state`` given to
            :func:`~rai_toolkit.mitigation.mitigate`, so repeated calls agree.

        Returns
        -------
        numpy.ndarray
            Class labels.
        """
        p = self._positive_probability(X)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        return self._labels(p >= rng.rand(p.shape[0]))


def _moment(constraint: Criterion) -> Any:
    from fairlearn import reductions

    return getattr(reductions, fairlearn_name(constraint, "reduction"))()


def _row_estimator(model: Any, X: pd.DataFrame) -> tuple[_RowEstimator, np.ndarray, _SharedRows]:
    rows = _SharedRows(X)
    positions = np.arange(X.shape[0], dtype=float).reshape(-1, 1)
    return _RowEstimator(with_sample_weight(clone(model)), rows), positions, rows


def _fairlearn_failed(name: str, constraint: Criterion, X: pd.DataFrame, err: Exception) -> None:
    raise ModelError(
        f"fairlearn {name}(constraints={fairlearn_name(constraint, 'reduction')}()) failed "
        f"while refitting the model on {X.shape[0]} training rows: {type(err).__name__}: "
        f"{err}. Check that the model can be fitted with sample_weight on these rows."
    ) from err


def fit_reduction(
    model: Any,
    X: pd.DataFrame,
    y01: np.ndarray,
    groups: np.ndarray,
    *,
    constraint: Criterion,
    classes: Any,
    pos_label: Any,
    random_state: int,
) -> ReductionClassifier:
    """Run ExponentiatedGradient with a clone of ``model``.

    Parameters
    ----------
    model : estimator
        The estimator to refit (a clone is used).
    X : pandas.DataFrame
        Training rows, model input columns.
    y01 : numpy.ndarray
        1 where the label is ``pos_label``.
    groups : numpy.ndarray
        Group label per row.
    constraint : Criterion
        The fairness criterion to enforce.
    classes : array-like
        The two class labels.
    pos_label : object
        Favourable class.
    random_state : int
        Seed of the randomised predictions.

    Returns
    -------
    ReductionClassifier
        The mitigated model.

    Raises
    ------
    ArgumentError
        If the model cannot take sample weights.
    ModelError
        If fairlearn or a refit fails.
    """
    from fairlearn.reductions import ExponentiatedGradient

    estimator, positions, rows = _row_estimator(model, X)
    mitigator = ExponentiatedGradient(estimator, constraints=_moment(constraint))
    try:
        mitigator.fit(positions, y01, sensitive_features=groups)
    except (ValueError, TypeError, KeyError, IndexError, RuntimeError) as err:
        _fairlearn_failed("ExponentiatedGradient", constraint, X, err)
    finally:
        rows.frame = None  # the mitigated model must not carry the training data
    weights = mitigator.weights_
    keep = [i for i in weights.index if weights[i] > 0]
    total = float(sum(weights[i] for i in keep))
    return ReductionClassifier(
        [_unwrap(mitigator.predictors_[i]) for i in keep],
        [float(weights[i]) / total for i in keep],
        features=list(X.columns),
        classes=classes,
        pos_label=pos_label,
        random_state=random_state,
    )


#: fairlearn's default largest Lagrange multiplier of GridSearch.
_MAX_GRID_LIMIT = 2.0


def grid_limit(y01: np.ndarray, groups: np.ndarray, constraint: Criterion) -> float:
    """Largest Lagrange multiplier of the GridSearch grid.

    A multiplier ``lambda`` on a group's constraint reweights that group's rows by
    about ``lambda / p``, ``p`` the group's share of the rows the constraint
    conditions on (all rows; label 1 for TPR parity; label 0 for FPR parity), while
    the error term weighs each row 1. Once ``lambda / p`` exceeds about 2 the refit
    model predicts one class for the whole group: a useless candidate. So the grid
    spans ``[-2 p_min, 2 p_min]`` (at most fairlearn's default 2), spending the
    ``grid_size`` candidates where the trade-off is.

    Parameters
    ----------
    y01 : numpy.ndarray
        0/1 labels.
    groups : numpy.ndarray
        Group label per row.
    constraint : Criterion
        The fairness criterion to enforce.

    Returns
    -------
    float
        The grid limit.
    """
    events = {
        "TruePositiveRateParity": [y01 == 1],
        "FalsePositiveRateParity": [y01 == 0],
        "EqualizedOdds": [y01 == 1, y01 == 0],
    }.get(fairlearn_name(constraint, "reduction"), [np.ones(len(y01), dtype=bool)])
    shares = []
    for rows in events:
        _, counts = np.unique(np.asarray(groups)[rows], return_counts=True)
        if counts.size:
            shares.append(counts.min() / counts.sum())
    return float(min(_MAX_GRID_LIMIT, 2 * min(shares))) if shares else _MAX_GRID_LIMIT


def fit_grid(
    model: Any,
    X: pd.DataFrame,
    y01: np.ndarray,
    groups: np.ndarray,
    *,
    constraint: Criterion,
    grid_size: int,
) -> list[Any]:
    """Run GridSearch with a clone of ``model``; return its candidates, one per grid point.

    The arguments are those of :func:`fit_reduction`; ``grid_size`` is the number
    of Lagrange multiplier vectors. The candidates are fitted estimators
    predicting 0/1. A failure of fairlearn or of a refit raises ModelError.
    """
    from fairlearn.reductions import GridSearch

    estimator, positions, rows = _row_estimator(model, X)
    search = GridSearch(
        estimator,
        constraints=_moment(constraint),
        grid_size=grid_size,
        grid_limit=grid_limit(y01, groups, constraint),
    )
    try:
        search.fit(positions, y01, sensitive_features=groups)
    except (ValueError, TypeError, KeyError, IndexError, RuntimeError) as err:
        _fairlearn_failed("GridSearch", constraint, X, err)
    finally:
        rows.frame = None
    return [_unwrap(p) for p in search.predictors_]
