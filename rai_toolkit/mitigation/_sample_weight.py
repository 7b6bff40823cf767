"""Route ``sample_weight`` to the final step of a scikit-learn Pipeline.

fairlearn's reductions refit the estimator with ``estimator.fit(X, y,
sample_weight=w)``. A :class:`~sklearn.pipeline.Pipeline` rejects that
keyword (it wants ``<last_step>__sample_weight``), so pipelines are wrapped in
:class:`SampleWeightRouter`, which passes the weights on to the last step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, has_fit_parameter

from rai_toolkit.exceptions import ArgumentError

__all__ = ["SampleWeightRouter", "sample_weight_key", "with_sample_weight"]


def sample_weight_key(estimator: Any) -> str | None:
    """Return the fit keyword that takes sample weights, or None if there is none.

    Parameters
    ----------
    estimator : estimator
        A scikit-learn compatible estimator or Pipeline (nested pipelines too).

    Returns
    -------
    str or None
        ``"sample_weight"``, ``"<step>__sample_weight"`` (``"a__b__sample_weight"`` for
        nested pipelines), or None when the (final) estimator's ``fit`` has no
        ``sample_weight`` parameter.
    """
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        if last is None or last == "passthrough":
            return None
        inner = sample_weight_key(last)
        return None if inner is None else f"{name}__{inner}"
    try:
        return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None
    except (TypeError, ValueError):
        return None


class SampleWeightRouter(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A Pipeline whose ``fit`` accepts ``sample_weight`` and gives it to the last step.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The pipeline to fit; it is cloned, never modified.

    Attributes
    ----------
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted clone.
    classes_ : numpy.ndarray
        Class labels of the fitted pipeline.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> SampleWeightRouter:
        """Fit a clone of the pipeline, routing ``sample_weight`` to its last step.

        Parameters
        ----------
        X : array-like or DataFrame
            Training input.
        y : array-like
            Labels.
        sample_weight : array-like, optional
            Row weights.

        Returns
        -------
        SampleWeightRouter
            self.
        """
        params = {}
        if sample_weight is not None:
            key = sample_weight_key(self.pipeline)
            if key is None:
                raise ArgumentError(
                    f"The last step of the pipeline ({type(self.pipeline.steps[-1][1]).__name__})"
                    f" does not accept sample_weight."
                )
            params[key] = np.asarray(sample_weight)
        self.pipeline_ = clone(self.pipeline).fit(X, y, **params)
        self.classes_ = getattr(self.pipeline_, "classes_", None)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Return the fitted pipeline's predictions of ``X``."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Return the fitted pipeline's class probabilities of ``X``, shape (n, n_classes)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(X)


def with_sample_weight(estimator: Any) -> Any:
    """Return ``estimator`` (or its routing wrapper) ready for ``fit(X, y, sample_weight=w)``.

    Parameters
    ----------
    estimator : estimator
        The unfitted estimator that the reductions refit.

    Returns
    -------
    estimator
        ``estimator`` itself, or a :class:`SampleWeightRouter` around a Pipeline.

    Raises
    ------
    ArgumentError
        If the estimator cannot take sample weights.
    """
    key = sample_weight_key(estimator)
    if key is None:
        final = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
        raise ArgumentError(
            f"method='reduction' refits the model with per-row sample weights, but "
            f"{type(final).__name__}.fit does not accept `sample_weight`. Use "
            f"method='postprocess' (ThresholdOptimizer works with any fitted classifier), or "
            f"a model whose fit takes sample_weight (e.g. LogisticRegression, LGBMClassifier)."
        )
    if key == "sample_weight":
        return estimator
    return SampleWeightRouter(estimator)
