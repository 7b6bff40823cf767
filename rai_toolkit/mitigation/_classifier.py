"""The base of the classifiers a mitigation returns: fitted when made, scikit-learn compatible."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = ["MitigatedClassifier"]


class MitigatedClassifier(ClassifierMixin, BaseEstimator):
    """Base of :class:`PostprocessedClassifier` and :class:`ReductionClassifier`.

    Both are fitted when :func:`~rai_toolkit.mitigation.mitigate` makes them;
    :meth:`_set_model_inputs` stores the parameters they share and the fitted
    attributes ``classes_`` and ``feature_names_in_``.
    """

    def _set_model_inputs(
        self,
        *,
        features: Sequence[Hashable],
        classes: Any,
        pos_label: Any,
        random_state: int | None,
    ) -> None:
        self.features = features
        self.classes = classes
        self.pos_label = pos_label
        self.random_state = random_state
        self.classes_ = np.asarray(classes)
        self.feature_names_in_ = np.asarray(list(features), dtype=object)

    def _class_probabilities(self, positive: np.ndarray) -> np.ndarray:
        """Shape (n, 2) probabilities in ``classes_`` order from those of ``pos_label``."""
        pos_first = self.classes_[0] == self.pos_label
        return np.column_stack([positive, 1 - positive] if pos_first else [1 - positive, positive])

    def _labels(self, positive: np.ndarray) -> np.ndarray:
        """``pos_label`` where ``positive`` is true, the other class elsewhere."""
        neg_label = [c for c in self.classes_.tolist() if c != self.pos_label][0]
        out = np.where(positive, self.pos_label, neg_label)
        return out.astype(self.classes_.dtype) if self.classes_.dtype != object else out

    def __sklearn_is_fitted__(self) -> bool:
        return True
