"""Membership inference: telling a model's training rows from unseen rows."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from rai_toolkit._api import public
from rai_toolkit._readonly import ReadOnly
from rai_toolkit._result import Summary, documented_to_dict
from rai_toolkit._scalars import SeedLike, as_generator, check_int, check_memory, check_random_state
from rai_toolkit._validation import (
    call_model,
    check_columns,
    check_data_frame,
    check_fitted,
    check_names_for_two_frames,
    check_target_values,
    infer_task,
    model_features,
    normalise_names,
)
from rai_toolkit.exceptions import DataValidationError, FallbackWarning
from rai_toolkit.security._result import SecurityResult
from rai_toolkit.security._serialize import json_safe

__all__ = ["MembershipInferenceResult", "membership_inference_risk", "RISK_THRESHOLDS"]

#: Policy for the plain-language risk level from the attack AUC: below 0.55 is
#: "low", below 0.65 "moderate", otherwise "high". These are a policy choice of
#: this package, not a standard; an AUC of 0.5 means the attacker is guessing.
RISK_THRESHOLDS: tuple[float, float] = (0.55, 0.65)

#: False-positive rate at which ``tpr_at_low_fpr`` is read off the ROC curve.
LOW_FPR = 0.01

_EPS = 1e-12

#: Bytes held per bootstrap replicate besides the two weight vectors: its AUC.
_BYTES_PER_REPLICATE = 8

_LABELS_NOT_CLASSES = (
    "The target {target!r} of `{frame}` holds label(s) {labels} that are not among the "
    "model's classes_ ({classes}). The attack reads the probability the model gives each "
    "row's true label, so the labels must be coded as when the model was trained (e.g. 0/1, "
    "not 1/2 or 'no'/'yes'). Recode the target of `{frame}` to the model's classes."
)


class MembershipInferenceResult(SecurityResult):
    """Result of :func:`membership_inference_risk`.

    Attributes
    ----------
    attack : str
        ``"loss-threshold"`` or ``"label-only"``.
    auc : float
        ROC AUC of the attack separating members from non-members (0.5 = guessing).
    auc_ci : tuple of float or None
        95% bootstrap interval of the AUC.
    advantage : float
        Membership advantage, max over thresholds of TPR - FPR.
    tpr_at_low_fpr : float
        Share of members identified while flagging at most 1% of non-members.
    risk : str
        ``"low"``, ``"moderate"`` or ``"high"`` (see :data:`RISK_THRESHOLDS`).
    details : pandas.Series
        Sample sizes and mean loss / accuracy of members and non-members.
    interpretation : str
        Plain-language summary.
    """

    def __init__(
        self,
        *,
        attack: str,
        loss: str | None,
        auc: float,
        auc_ci: tuple[float, float] | None,
        advantage: float,
        tpr_at_low_fpr: float,
        details: pd.Series,
    ) -> None:
        self._attack = attack
        self._loss = loss
        self._auc = float(auc)
        self._auc_ci = auc_ci
        self._advantage = float(advantage)
        self._tpr = float(tpr_at_low_fpr)
        self._details = details
        low, high = RISK_THRESHOLDS
        self._risk = "low" if self._auc < low else "moderate" if self._auc < high else "high"
        self._interpretation = self._interpret()

    attack = ReadOnly[str](
        'Attack used: ``"loss-threshold"`` (Yeom et al. 2018) or ``"label-only"``.',
    )

    auc = ReadOnly[float](
        "ROC AUC of the attack; 0.5 means it cannot tell members from non-members.",
    )

    auc_ci = ReadOnly[tuple[float, float] | None](
        "95% percentile bootstrap interval of :attr:`auc`, or None if not computed.",
    )

    advantage = ReadOnly[float](
        "Membership advantage: the largest TPR - FPR over attack thresholds.",
    )

    tpr_at_low_fpr = ReadOnly[float](
        """TPR of the attack at FPR <= 1% (:data:`LOW_FPR`): members exposed with few false alarms.

        1% rather than 0.1% because with a few thousand rows the 0.1% point
        rests on a handful of non-members.
        """,
        source="_tpr",
    )

    @property
    def low_fpr(self) -> float:
        """The false-positive rate used for :attr:`tpr_at_low_fpr`."""
        return LOW_FPR

    risk = ReadOnly[str]('Risk level from the AUC: ``"low"``, ``"moderate"`` or ``"high"``.')

    details = ReadOnly[pd.Series](
        "Sample sizes and mean loss / accuracy of members and non-members.",
        copy=pd.Series.copy,
    )

    def _interpret(self) -> str:
        low, high = RISK_THRESHOLDS
        ci = (
            ""
            if self._auc_ci is None
            else (f" (95% CI {self._auc_ci[0]:.3f}-{self._auc_ci[1]:.3f})")
        )
        text = (
            f"A {self._attack} membership-inference attack separates training rows from unseen "
            f"rows with AUC {self._auc:.3f}{ci}; 0.5 means guessing. Risk is {self._risk} "
            f"(policy: AUC < {low} low, < {high} moderate, otherwise high). Membership advantage "
            f"is {self._advantage:.3f}, and at a {LOW_FPR:.0%} false-positive rate the attack "
            f"identifies {self._tpr:.1%} of training rows."
        )
        if self._attack == "label-only":
            text += (
                " The model has no predict_proba, so the weaker label-only attack was used "
                "(a row predicted correctly is guessed to be a member); a stronger attacker "
                "with scores could do better, so treat this as a lower bound."
            )
        if self._risk != "low":
            text += (
                " The model behaves measurably differently on its training rows: regularise it "
                "(e.g. limit tree depth, raise min_samples_leaf, stronger penalty), train on more "
                "data, or use differentially private training before releasing scores."
            )
        return text

    @documented_to_dict
    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-safe builtins.

        {to_dict_returns}

                {
                  "attack": "loss-threshold" | "label-only",
                  "loss": "cross-entropy" | "squared-error" | None,
                  "auc": float, "auc_ci": [float, float] | None,
                  "advantage": float, "tpr_at_low_fpr": float, "low_fpr": float,
                  "risk": "low" | "moderate" | "high",
                  "risk_thresholds": [float, float],
                  "details": {"n_members": int, "n_nonmembers": int,
                              "mean_loss_members": float | None,
                              "mean_loss_nonmembers": float | None,
                              "accuracy_members": float | None,
                              "accuracy_nonmembers": float | None},
                  "interpretation": str,
                }
        """
        return {
            "attack": self._attack,
            "loss": self._loss,
            "auc": self._auc,
            "auc_ci": None if self._auc_ci is None else list(self._auc_ci),
            "advantage": self._advantage,
            "tpr_at_low_fpr": self._tpr,
            "low_fpr": LOW_FPR,
            "risk": self._risk,
            "risk_thresholds": list(RISK_THRESHOLDS),
            "details": json_safe(self._details),
            "interpretation": self._interpretation,
        }

    def _summary(self) -> Summary:
        return Summary(
            title="Membership inference",
            head=(
                f"attack={self._attack!r}, auc={self._auc:.3f}, advantage={self._advantage:.3f}, "
                f"tpr_at_{LOW_FPR:.0%}_fpr={self._tpr:.3f}, risk={self._risk!r}"
            ),
            rows=[
                ("attack", self._attack),
                ("AUC", f"{self._auc:.3f}"),
                ("advantage", f"{self._advantage:.3f}"),
                (f"TPR at {LOW_FPR:.0%} FPR", f"{self._tpr:.3f}"),
                ("risk", self._risk),
            ],
            text=self._interpretation,
        )


def _check_same_columns(train: pd.DataFrame, holdout: pd.DataFrame) -> None:
    only_train = [c for c in train.columns if c not in holdout.columns]
    only_holdout = [c for c in holdout.columns if c not in train.columns]
    if only_train or only_holdout:
        raise DataValidationError(
            f"`train` and `holdout` must have the same columns; only in train: "
            f"{', '.join(map(repr, only_train)) or '(none)'}; only in holdout: "
            f"{', '.join(map(repr, only_holdout)) or '(none)'}. Pass both splits of the same "
            f"table."
        )


class _WeightedAUC:
    """AUC of members vs non-members for any row weights, in O(n) per call.

    A bootstrap replicate is a multinomial re-weighting of the rows, so the
    scores are sorted once and each replicate only counts, for each member,
    the weighted non-members with a lower (and an equal) score.
    """

    def __init__(self, member: np.ndarray, nonmember: np.ndarray) -> None:
        self.unique, self.inverse = np.unique(nonmember, return_inverse=True)
        pos = np.searchsorted(self.unique, member, side="left")
        self.pos = pos
        self.tie = (pos < len(self.unique)) & (
            self.unique[np.minimum(pos, len(self.unique) - 1)] == member
        )

    def __call__(self, w_member: np.ndarray, w_nonmember: np.ndarray) -> float:
        per_value = np.bincount(self.inverse, weights=w_nonmember, minlength=len(self.unique))
        below = np.r_[0.0, np.cumsum(per_value)][self.pos]
        equal = np.where(self.tie, per_value[np.minimum(self.pos, len(per_value) - 1)], 0.0)
        wins = np.sum(w_member * (below + 0.5 * equal))
        return float(wins / (w_member.sum() * w_nonmember.sum()))


def _bootstrap_auc(
    member: np.ndarray, nonmember: np.ndarray, n_bootstrap: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Percentile interval of the AUC, resampling members and non-members separately."""
    auc = _WeightedAUC(member, nonmember)
    n_m, n_o = len(member), len(nonmember)
    aucs = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        w_m = np.bincount(rng.integers(0, n_m, n_m), minlength=n_m).astype(float)
        w_o = np.bincount(rng.integers(0, n_o, n_o), minlength=n_o).astype(float)
        aucs[b] = auc(w_m, w_o)
    lo, hi = np.quantile(aucs, [0.025, 0.975])
    return float(lo), float(hi)


def _check_labels(
    frame: pd.DataFrame, name: str, target: Hashable, classes: np.ndarray
) -> None:
    """Refuse target labels the classifier never learned (wrong coding, e.g. 1/2 for 0/1)."""
    known = set(classes.tolist())
    unknown = [v for v in pd.unique(frame[target]).tolist() if v not in known]
    if unknown:
        raise DataValidationError(
            _LABELS_NOT_CLASSES.format(
                target=target,
                frame=name,
                labels=", ".join(repr(v) for v in unknown[:10]),
                classes=", ".join(repr(v) for v in classes.tolist()),
            ),
            argument="target",
        )


@public
def membership_inference_risk(
    model: Any,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    target: Hashable,
    features: Sequence[Hashable] | None = None,
    n_samples: int | None = None,
    n_bootstrap: int = 200,
    random_state: SeedLike = None,
) -> MembershipInferenceResult:
    """Measure how well a loss-threshold attack tells training rows from unseen rows.

    The attack of Yeom et al. (2018) exploits that a model fits its training
    rows better than new ones: the attack score of a row is minus the model's
    loss on its true label (cross-entropy of ``predict_proba``; squared error
    for regressors), and a low loss suggests "member". Equal numbers of members
    (rows of ``train``) and non-members (rows of ``holdout``) are drawn without
    replacement, ``min(len(train), len(holdout))`` of each (capped by
    ``n_samples``), so an AUC of 0.5 means the attack is no better than guessing.

    A classifier without ``predict_proba`` gets the weaker label-only attack:
    "predicted correctly -> member", with a :class:`FallbackWarning`.

    Parameters
    ----------
    model : estimator
        Fitted model, trained on (a superset of) ``train``.
    train : pandas.DataFrame
        Rows the model was trained on, with the target column.
    holdout : pandas.DataFrame
        Rows from the same population that the model never saw; same columns.
    target : hashable
        Target column.
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``
        (by default every column but the target); beside a model that does,
        it must name the same columns.
    n_samples : int, optional
        At most this many members and as many non-members.
    n_bootstrap : int, default=200
        Bootstrap replicates for the AUC interval; 0 skips it.
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed for sampling and bootstrap.

    Returns
    -------
    MembershipInferenceResult
        AUC (with bootstrap CI), advantage, TPR at 1% FPR, risk level and interpretation.

    Raises
    ------
    DataValidationError
        If a frame is empty or not a DataFrame, the frames' columns differ, a
        column is missing, a target value is missing or infinite, or a target
        label is not among a classifier's ``classes_`` (labels coded
        differently from training would make every row look like a poor fit).
    ArgumentError, NotFittedError, ModelError
        On a bad ``n_samples``/``n_bootstrap``/``random_state``, an unfitted
        model or a failing model call.

    Warns
    -----
    FallbackWarning
        When the model has no ``predict_proba`` and the label-only attack is used.

    Examples
    --------
    >>> from rai_toolkit.security import membership_inference_risk
    >>> res = membership_inference_risk(model, train, test, target="income")  # doctest: +SKIP
    >>> res.auc, res.risk  # doctest: +SKIP
    (0.51, 'low')
    """
    train = check_data_frame(train, argument="train")
    holdout = check_data_frame(holdout, argument="holdout")
    n_samples = check_int(n_samples, argument="n_samples", low=1, allow_none=True)
    n_bootstrap = check_int(n_bootstrap, argument="n_bootstrap", low=0)
    random_state = check_random_state(random_state)
    check_names_for_two_frames(target, argument="target", frames="`train` and `holdout`")
    _check_same_columns(train, holdout)
    check_columns(train, [target], argument="target", data_argument="train")
    if features is not None:
        features = normalise_names(features, argument="features")
    check_fitted(model)
    cols = model_features(model, train, target=target, features=features)
    purpose = "the attack needs the true label of every row"
    for frame, name in ((train, "train"), (holdout, "holdout")):
        check_target_values(frame[target], target=target, data_argument=name, purpose=purpose)
    classes = getattr(model, "classes_", None)
    classifier = classes is not None and hasattr(model, "predict_proba")
    if classes is not None:
        classes = np.asarray(classes)
        for frame, name in ((train, "train"), (holdout, "holdout")):
            _check_labels(frame, name, target, classes)
    n = min(len(train), len(holdout))
    if n_samples is not None:
        n = min(n, n_samples)
    check_memory(
        n_bootstrap * _BYTES_PER_REPLICATE + 4 * n * 8,
        argument="n_bootstrap",
        what=f"n_bootstrap={n_bootstrap:,} bootstrap replicates",
        fix="Use fewer replicates (the default 200 gives a stable 95% interval).",
    )

    rng = as_generator(random_state)
    members = train.iloc[np.sort(rng.choice(len(train), n, replace=False))]
    nonmembers = holdout.iloc[np.sort(rng.choice(len(holdout), n, replace=False))]
    both = pd.concat([members, nonmembers], ignore_index=True)
    X = both[cols]
    y = both[target].to_numpy()
    is_member = np.r_[np.ones(n, dtype=bool), np.zeros(n, dtype=bool)]

    task = (
        "classification"
        if classes is not None
        else infer_task(pd.concat([train[target], holdout[target]]).to_numpy())
    )
    loss_values: np.ndarray | None = None
    correct: np.ndarray | None = None
    if classifier or (task != "regression" and hasattr(model, "predict_proba")):
        attack, loss_name = "loss-threshold", "cross-entropy"
        proba = call_model(model, X, "predict_proba")
        classes = list(getattr(model, "classes_", np.unique(y)))
        if proba.ndim == 1:
            proba = np.c_[1.0 - proba, proba]
        index = {c: i for i, c in enumerate(classes)}
        col = np.array([index.get(v, -1) for v in y])
        p_true = np.where(col >= 0, proba[np.arange(len(y)), np.clip(col, 0, None)], 0.0)
        loss_values = -np.log(np.clip(p_true, _EPS, 1.0))
        score = -loss_values
        correct = np.asarray(classes, dtype=object)[proba.argmax(axis=1)] == y
    elif task == "regression":
        attack, loss_name = "loss-threshold", "squared-error"
        pred = call_model(model, X, "predict").astype(float).ravel()
        loss_values = (y.astype(float) - pred) ** 2
        score = -loss_values
    else:
        attack, loss_name = "label-only", None
        warnings.warn(
            f"{type(model).__name__} has no predict_proba, so the label-only membership attack "
            f"is used (predicted correctly -> member); it is weaker than the loss-threshold "
            f"attack, so the risk may be underestimated.",
            FallbackWarning,
            stacklevel=2,
        )
        pred = call_model(model, X, "predict").ravel()
        correct = pred == y
        score = correct.astype(float)

    labels = is_member.astype(int)
    auc = roc_auc_score(labels, score)
    fpr, tpr, _ = roc_curve(labels, score)
    advantage = float(np.max(tpr - fpr))
    tpr_low = float(tpr[fpr <= LOW_FPR].max())
    ci = None
    if n_bootstrap:
        ci = _bootstrap_auc(score[is_member], score[~is_member], int(n_bootstrap), rng)
    details = pd.Series(
        {
            "n_members": n,
            "n_nonmembers": n,
            "mean_loss_members": np.nan if loss_values is None else loss_values[is_member].mean(),
            "mean_loss_nonmembers": (
                np.nan if loss_values is None else loss_values[~is_member].mean()
            ),
            "accuracy_members": np.nan if correct is None else correct[is_member].mean(),
            "accuracy_nonmembers": np.nan if correct is None else correct[~is_member].mean(),
        },
        dtype=object,
        name="details",
    )
    return MembershipInferenceResult(
        attack=attack,
        loss=loss_name,
        auc=auc,
        auc_ci=ci,
        advantage=advantage,
        tpr_at_low_fpr=tpr_low,
        details=details,
    )
