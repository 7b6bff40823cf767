"""Postprocessing: fairlearn's ThresholdOptimizer on an already fitted model.

ThresholdOptimizer only needs the model's scores, but it validates its input
with ``check_X_y``, which rejects the string and missing values a Pipeline is
built to handle. So the model is scored once by us and fairlearn optimises
thresholds on that single score column (an identity "estimator" hands the
column back). :class:`PostprocessedClassifier` scores new rows with the
model and applies the fitted group thresholds; it needs each row's sensitive
features at predict time, since the thresholds are per group.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from rai_toolkit._docstrings import shared_text
from rai_toolkit._validation import (
    call_model,
    check_data_frame,
    model_features,
    positive_scores,
)
from rai_toolkit.exceptions import ArgumentError, DataValidationError, ModelError
from rai_toolkit.fairness._criteria import Criterion
from rai_toolkit.mitigation._classifier import SHARED_DOCS, MitigatedClassifier
from rai_toolkit.mitigation._criteria import fairlearn_name, fairlearn_objective
from rai_toolkit.mitigation._groups import group_labels, sensitive_frame

__all__ = ["PostprocessedClassifier", "fit_postprocess", "score_method", "model_scores"]

MISSING_SENSITIVE_MESSAGE = (
    "{cls}.predict needs `sensitive_features`: the mitigation applies a different decision "
    "threshold to each group of {names}, so it must know every row's group. Call "
    "model.predict(X, sensitive_features=data[{names_list}]) with the sensitive columns of the "
    "same rows (they need not be model inputs)."
)

#: The mitigated classifiers' shared docstring text, and what predicting with group
#: thresholds takes and raises (in predict and predict_proba).
_documented = shared_text(
    {
        **SHARED_DOCS,
        "sensitive_features": (
            "sensitive_features : DataFrame, Series or array-like\n"
            "    Required. The sensitive features of the same rows (a DataFrame holding the\n"
            "    sensitive columns, e.g. the full data, or their values)."
        ),
        "raises": (
            "Raises\n------\nArgumentError\n    If ``sensitive_features`` is not given.\n"
            "DataValidationError\n"
            "    If they do not match ``X`` or hold a group unseen in training."
        ),
    }
)


def score_method(model: Any) -> str:
    """Return the method giving a fitted model's positive-class score, predict_proba first.

    ``"predict_proba"``, ``"decision_function"`` or ``"predict"``.
    """
    for method in ("predict_proba", "decision_function"):
        if hasattr(model, method):
            return method
    return "predict"


def model_scores(model: Any, X: pd.DataFrame, method: str, pos_label: Any) -> np.ndarray:
    """Score rows with the model: larger means more likely ``pos_label``.

    Parameters
    ----------
    model : estimator
        Fitted model.
    X : pandas.DataFrame
        Model input.
    method : str
        From :func:`score_method`.
    pos_label : object
        Positive class.

    Returns
    -------
    numpy.ndarray
        Float scores, shape (n,).
    """
    out = call_model(model, X, method)
    classes = list(getattr(model, "classes_", [pos_label]))
    if method == "predict_proba":
        return positive_scores(out, classes, pos_label).astype(float)
    if method == "decision_function":
        out = out.astype(float)
        if out.ndim != 1:
            raise ModelError(
                f"{type(model).__name__}.decision_function returned shape {out.shape}; "
                f"postprocessing needs one score per row (binary classification)."
            )
        # decision_function is oriented towards classes_[1]
        return -out if len(classes) == 2 and classes[0] == pos_label else out
    return (out == pos_label).astype(float)


class _ScoreColumn(BaseEstimator):
    """Identity estimator: X is one column of scores, returned as the decision function."""

    def fit(self, X: Any, y: Any = None) -> _ScoreColumn:  # pragma: no cover - prefit
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return np.asarray(X, dtype=float)[:, 0]

    def __sklearn_is_fitted__(self) -> bool:
        return True


@_documented
class PostprocessedClassifier(MitigatedClassifier):
    """A fitted model with fairlearn ThresholdOptimizer group thresholds applied.

    Made by :func:`~rai_toolkit.mitigation.mitigate` with ``method="postprocess"``.
    Predictions are randomised where the optimal rule mixes two thresholds for a
    group; ``random_state`` fixes them.

    Parameters
    ----------
    estimator : estimator
        The fitted, unmitigated model.
    threshold_optimizer : fairlearn.postprocessing.ThresholdOptimizer
        Fitted on the model's scores (one column).
    {features}
    sensitive_features : sequence of hashable
        Sensitive columns defining the groups.
    {classes}
    pos_label : object
        Favourable class.
    score_method : str
        Model method giving the scores.
    known_groups : sequence of str
        Group labels seen when fitting.
    bins : mapping, optional
        Bin edges for numeric sensitive features.
    {random_state}

    {attributes}
    """

    def __init__(
        self,
        estimator: Any,
        threshold_optimizer: Any,
        *,
        features: Sequence[Hashable],
        sensitive_features: Sequence[Hashable],
        classes: Any,
        pos_label: Any,
        score_method: str,
        known_groups: Sequence[str],
        bins: Mapping[Hashable, Any] | None = None,
        random_state: int | None = None,
    ) -> None:
        self.estimator = estimator
        self.threshold_optimizer = threshold_optimizer
        self.sensitive_features = sensitive_features
        self.score_method = score_method
        self.known_groups = known_groups
        self.bins = bins
        self._set_model_inputs(
            features=features, classes=classes, pos_label=pos_label, random_state=random_state
        )

    def _scores_and_groups(self, X: Any, sensitive_features: Any) -> tuple[np.ndarray, np.ndarray]:
        if sensitive_features is None:
            names = list(self.sensitive_features)
            raise ArgumentError(
                MISSING_SENSITIVE_MESSAGE.format(
                    cls=type(self).__name__,
                    names=", ".join(map(repr, names)),
                    names_list=names,
                )
            )
        X = check_data_frame(X, argument="X")
        cols = model_features(self, X)
        scores = model_scores(self.estimator, X[cols], self.score_method, self.pos_label)
        frame = sensitive_frame(sensitive_features, self.sensitive_features, X)
        groups = group_labels(frame, list(self.sensitive_features), bins=self.bins)
        unseen = sorted(set(groups) - set(self.known_groups))
        if unseen:
            raise DataValidationError(
                f"`sensitive_features` holds group(s) {', '.join(map(repr, unseen))} that were "
                f"not in the training data; the postprocessed model has thresholds only for "
                f"{', '.join(map(repr, self.known_groups))}. Mitigate again with training data "
                f"that covers every group."
            )
        return scores, groups

    def _positive_probability(self, scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
        pmf = self.threshold_optimizer._pmf_predict(
            scores.reshape(-1, 1), sensitive_features=groups
        )
        return np.asarray(pmf)[:, 1]

    @_documented
    def predict_proba(self, X: pd.DataFrame, *, sensitive_features: Any = None) -> np.ndarray:
        """Probability that the randomised mitigated rule predicts each class.

        Parameters
        ----------
        {X}
        {sensitive_features}

        Returns
        -------
        numpy.ndarray
            Shape (n, 2), columns in ``classes_`` order.

        {raises}
        """
        return self._class_probabilities(
            self._positive_probability(*self._scores_and_groups(X, sensitive_features))
        )

    @_documented
    def predict(
        self, X: pd.DataFrame, *, sensitive_features: Any = None, random_state: Any = None
    ) -> np.ndarray:
        """Predict labels with the group thresholds.

        Parameters
        ----------
        {X}
        {sensitive_features}
        random_state : int or numpy.random.RandomState, optional
            Seed of the randomised thresholds; defaults to the ``random_state`` given
            to :func:`~rai_toolkit.mitigation.mitigate`, so repeated calls agree.

        Returns
        -------
        numpy.ndarray
            Class labels.

        {raises}
        """
        scores, groups = self._scores_and_groups(X, sensitive_features)
        seed = self.random_state if random_state is None else random_state
        positive = self.threshold_optimizer.predict(
            scores.reshape(-1, 1), sensitive_features=groups, random_state=seed
        )
        return self._labels(np.asarray(positive) == 1)


def fit_postprocess(
    model: Any,
    X: pd.DataFrame,
    y01: np.ndarray,
    groups: np.ndarray,
    *,
    constraint: Criterion,
    objective: str,
    sensitive_features: Sequence[Hashable],
    classes: Any,
    pos_label: Any,
    bins: Mapping[Hashable, Any] | None,
    random_state: int,
) -> PostprocessedClassifier:
    """Fit ThresholdOptimizer on the model's scores of the training rows.

    Parameters
    ----------
    model : estimator
        Fitted model.
    X : pandas.DataFrame
        Training rows, model input columns.
    y01 : numpy.ndarray
        1 where the label is ``pos_label``.
    groups : numpy.ndarray
        Group label per row (:func:`group_labels`).
    constraint : Criterion
        The criterion to enforce.
    objective : str
        The objective (a fairness metric name).
    sensitive_features : sequence of hashable
        Sensitive columns.
    classes : array-like
        The two class labels.
    pos_label : object
        Favourable class.
    bins : mapping or None
        Bin edges of numeric sensitive features.
    random_state : int
        Seed of the randomised predictions.

    Returns
    -------
    PostprocessedClassifier
        The mitigated model.

    Raises
    ------
    ModelError
        If fairlearn fails.
    """
    from fairlearn.postprocessing import ThresholdOptimizer

    method = score_method(model)
    scores = model_scores(model, X, method, pos_label)
    optimizer = ThresholdOptimizer(
        estimator=_ScoreColumn(),
        constraints=fairlearn_name(constraint, "postprocess"),
        objective=fairlearn_objective(objective),
        prefit=True,
        predict_method="decision_function",
    )
    try:
        optimizer.fit(scores.reshape(-1, 1), y01, sensitive_features=groups)
    except (ValueError, TypeError, KeyError, IndexError) as err:
        raise ModelError(
            f"fairlearn ThresholdOptimizer(constraints="
            f"{fairlearn_name(constraint, 'postprocess')!r}, "
            f"objective={fairlearn_objective(objective)!r}) failed on {X.shape[0]} training rows: "
            f"{type(err).__name__}: {err}. Check that every group has rows of both classes."
        ) from err
    return PostprocessedClassifier(
        model,
        optimizer,
        features=list(X.columns),
        sensitive_features=list(sensitive_features),
        classes=classes,
        pos_label=pos_label,
        score_method=method,
        known_groups=sorted(set(groups.tolist())),
        bins=bins,
        random_state=random_state,
    )
