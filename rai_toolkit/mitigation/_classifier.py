"""The base of the classifiers a mitigation returns: fitted when made, scikit-learn compatible."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from rai_toolkit._docstrings import shared_text

__all__ = ["SHARED_DOCS", "MitigatedClassifier", "documented"]

#: Docstring text of what every mitigated classifier takes and holds alike
#: (:meth:`MitigatedClassifier._set_model_inputs`), for its ``{key}`` lines.
SHARED_DOCS = {
    "features": "features : sequence of hashable\n    Model input columns.",
    "classes": "classes : array-like\n    The two class labels.",
    "random_state": "random_state : int, optional\n    Default seed of :meth:`predict`.",
    "attributes": (
        "Attributes\n----------\n"
        "classes_ : numpy.ndarray\n    The class labels.\n"
        "feature_names_in_ : numpy.ndarray\n    Model input columns."
    ),
    "X": "X : pandas.DataFrame\n    Rows with the model's input columns.",
}
#: Fills a mitigated classifier's docstring from :data:`SHARED_DOCS`.
documented = shared_text(SHARED_DOCS)


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
