"""mitigate(): fairlearn mitigation in one call, with before/after and the trade-off."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from rai_toolkit._api import public
from rai_toolkit._scalars import MAX_SEED, SeedLike, as_seed, check_bool, check_int
from rai_toolkit._validation import (
    call_model,
    check_columns,
    check_data_frame,
    check_fitted,
    check_names_for_two_frames,
    model_features,
    normalise_names,
    prepare_data,
)
from rai_toolkit._warnings import collecting, ignoring, reemit
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    ModelError,
    NotFittedError,
)
from rai_toolkit.fairness._criteria import Criterion
from rai_toolkit.mitigation._criteria import (
    check_constraint,
    check_method,
    check_objective,
    count_table,
    disparity,
    objective_value,
)
from rai_toolkit.mitigation._groups import check_bins, group_labels
from rai_toolkit.mitigation._postprocess import fit_postprocess
from rai_toolkit.mitigation._reduction import fit_grid, fit_reduction
from rai_toolkit.mitigation._result import (
    TRADEOFF_COLUMNS,
    MitigationResult,
    _Settings,
    pareto_front,
)

__all__ = ["mitigate"]

RANDOMIZED_NOTE = (
    "{mitigator} predictions are randomised (a row near a threshold, or a mixture of "
    "models, gets a random label); random_state={seed} fixes them, and model.predict uses "
    "it by default."
)
TRAIN_SCORES_NOTE = (
    "ThresholdOptimizer chose the group thresholds on the model's scores of `train`; if the "
    "model fits its training rows much better than new rows, thresholds fitted on a separate "
    "validation set generalise better (pass that set as `train`)."
)
SENSITIVE_AT_PREDICT_NOTE = (
    "The mitigated model needs each row's sensitive features at predict time: "
    "model.predict(X, sensitive_features=data[{names!r}])."
)


def _check_same_columns(train: pd.DataFrame, test: pd.DataFrame) -> None:
    only_train = [c for c in train.columns if c not in test.columns]
    only_test = [c for c in test.columns if c not in train.columns]
    if only_train or only_test:
        parts = []
        if only_train:
            parts.append(f"only in train: {', '.join(map(repr, only_train))}")
        if only_test:
            parts.append(f"only in test: {', '.join(map(repr, only_test))}")
        raise DataValidationError(
            f"`train` and `test` must have the same columns; {'; '.join(parts)}. Split one "
            f"DataFrame into train and test, or align them, e.g. test = test[train.columns]."
        )


def _check_groups(groups: np.ndarray, names: list, argument: str) -> None:
    labels = pd.unique(groups)
    if len(labels) < 2:
        raise DataValidationError(
            f"Sensitive feature(s) {', '.join(map(repr, names))} have a single group "
            f"({labels[0]!r}) in `{argument}`; mitigation balances outcomes between groups, so "
            f"it needs at least two. Check the column, or pass data that covers several groups."
        )


def _seed(random_state: Any) -> int:
    """Return an int seed (fairlearn's randomised predictions need one; the result records it)."""
    seed = as_seed(random_state)
    return int(np.random.default_rng().integers(0, MAX_SEED)) if seed is None else seed


def _base_model(
    model: Any,
    train: pd.DataFrame,
    *,
    target: Hashable,
    features: Sequence[Hashable] | None,
    prefit: bool,
    method: str,
) -> Any:
    """Return the fitted unmitigated model: ``model`` itself, or a clone fitted on train."""
    if prefit:
        try:
            check_fitted(model)
        except NotFittedError as err:
            raise NotFittedError(
                f"`model` ({type(model).__name__}) is not fitted, but prefit=True says it is. "
                f"Fit it first (model.fit(X, y)), or pass prefit=False to fit a clone on `train`."
                + (" method='postprocess' thresholds the scores of a fitted model."
                   if method == "postprocess" else "")
            ) from err
        return model
    if not hasattr(model, "fit"):
        raise ArgumentError(
            f"prefit=False needs an estimator with a `fit` method; received "
            f"{type(model).__name__}. Pass a scikit-learn compatible estimator."
        )
    cols = model_features(None, train, target=target, features=features)
    try:
        fitted = clone(model)
    except TypeError as err:
        raise ArgumentError(
            f"prefit=False needs a scikit-learn compatible estimator that sklearn.base.clone can "
            f"copy; {type(model).__name__} cannot be cloned ({err}). Fit it yourself and pass "
            f"prefit=True."
        ) from err
    try:
        fitted.fit(train[cols], train[target])
    except Exception as err:  # noqa: BLE001 - any fit failure is reported with context
        raise ModelError(
            f"{type(model).__name__}.fit failed on `train` ({train.shape[0]} rows, columns "
            f"{', '.join(map(str, cols[:10]))}{', ...' if len(cols) > 10 else ''}): "
            f"{type(err).__name__}: {err}."
        ) from err
    return fitted


def _tradeoff_row(
    candidate: str,
    kind: str,
    y01: np.ndarray,
    pred01: np.ndarray,
    groups: np.ndarray,
    criterion: Criterion,
    objective: str,
) -> dict[str, Any]:
    _, table = count_table(y01, pred01, groups)
    return {
        "candidate": candidate,
        "kind": kind,
        "objective": objective_value(table, objective),
        "disparity": disparity(table, criterion),
    }


def _before_and_after(
    base: Any, test: pd.DataFrame, *, features: list, pred: np.ndarray, score: np.ndarray,
    **report_args: Any,
) -> tuple[Any, Any]:
    """Return the reports of the model before and after on ``test``.

    Both reports describe the same rows and groups, so they often give the same
    warning (a small group); each distinct warning is passed on once.
    """
    from rai_toolkit.fairness import analyze_fairness

    with collecting() as caught:
        before = analyze_fairness(base, test, features=features, **report_args)
        after = analyze_fairness(None, test, y_pred=pred, y_score=score, **report_args)
    distinct: dict[tuple[type, str], warnings.WarningMessage] = {}
    for record in caught:
        distinct.setdefault((record.category, str(record.message)), record)
    reemit(distinct.values())
    return before, after


@public
def mitigate(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    constraint: str = "demographic_parity",
    method: str = "postprocess",
    grid_size: int = 20,
    random_state: SeedLike = None,
    features: Sequence[Hashable] | None = None,
    objective: str = "accuracy",
    n_boot: int = 1000,
    prefit: bool = True,
    pos_label: Any = 1,
    bins: Mapping[Hashable, Any] | None = None,
) -> MitigationResult:
    """Mitigate a binary classifier's group disparity with fairlearn and show the effect.

    Fits a fairlearn mitigator on ``train`` and compares the model before and after on
    the held-out ``test`` rows: two :class:`~rai_toolkit.fairness.FairnessReport`
    (same metrics, bootstrap intervals and verdicts) and a trade-off table of
    candidate models' objective against the constraint's disparity.

    ``method="postprocess"`` applies fairlearn's ``ThresholdOptimizer`` to the
    fitted model's scores (``predict_proba``, else ``decision_function``, else
    ``predict``): one threshold (or a random mix of two) per group, so the
    mitigated model needs the sensitive features at predict time.
    ``method="reduction"`` refits clones of the model with fairlearn's
    ``ExponentiatedGradient`` (the returned model: a randomised mixture of refits)
    and ``GridSearch`` (``grid_size`` further candidates for the trade-off); the
    model's ``fit`` must take ``sample_weight`` (for a Pipeline, its last step's).
    Sensitive features go to fairlearn separately; they are model inputs only if
    the model was trained on them.

    Parameters
    ----------
    model : estimator
        Binary classifier: fitted (``prefit=True``) or to be fitted on ``train``.
    train : pandas.DataFrame
        Rows the mitigator is fitted on (features, target, sensitive columns).
    test : pandas.DataFrame
        Held-out rows, same columns, on which before and after are compared.
    target : hashable
        Target column.
    sensitive_features : hashable or sequence of hashable
        Sensitive column(s); several define intersectional groups.
    constraint : str, default="demographic_parity"
        The fairness criterion to enforce. ``"postprocess"``: demographic_parity,
        equalized_odds, equal_opportunity (fairlearn's true_positive_rate_parity,
        also accepted), false_positive_rate_parity, true_negative_rate_parity,
        false_negative_rate_parity. ``"reduction"``: demographic_parity,
        equalized_odds, equal_opportunity, false_positive_rate_parity,
        error_rate_parity.
    method : {"postprocess", "reduction"}, default="postprocess"
        Mitigation method.
    grid_size : int, default=20
        GridSearch candidates for the trade-off (``method="reduction"``).
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed of the randomised mitigated predictions and of the bootstrap. When None
        (or a generator) an int seed is drawn and recorded in
        :attr:`MitigationResult.random_state`.
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``;
        beside a model that does, it must name the same columns.
    objective : str, default="accuracy"
        The metric the mitigator maximises under the constraint (fairness metric
        names; fairlearn's accuracy_score and balanced_accuracy_score are accepted
        too). ``"postprocess"``: accuracy, balanced_accuracy, selection_rate,
        true_positive_rate, true_negative_rate (the first two with
        equalized_odds). ``"reduction"``: accuracy (fairlearn 0.7's reductions
        minimise the error rate).
    n_boot : int, default=1000
        Bootstrap replicates of the before/after reports (0: no intervals).
    prefit : bool, default=True
        Whether ``model`` is already fitted; if False a clone is fitted on ``train``.
    pos_label : object, default=1
        Favourable class.
    bins : mapping, optional
        Explicit bin edges for numeric sensitive features, ``{column: [edges]}``.

    Returns
    -------
    MitigationResult
        ``.model``, ``.before``, ``.after``, ``.tradeoff``, ``.comparison``.

    Raises
    ------
    ArgumentError
        Unknown method, constraint or objective; a model that cannot take
        ``sample_weight`` with ``method="reduction"``; bad options.
    DataValidationError
        train/test with different columns, a sensitive feature with one group, a
        non-binary target, missing columns.
    NotFittedError
        An unfitted model with ``prefit=True``.
    ModelError
        The model or fairlearn fails on the data.

    Examples
    --------
    >>> from rai_toolkit.mitigation import mitigate
    >>> result = mitigate(model, train, test, target="income",
    ...                   sensitive_features="sex")  # doctest: +SKIP
    >>> result.comparison  # doctest: +SKIP
    >>> result.model.predict(X, sensitive_features=X["sex"])  # doctest: +SKIP
    """
    from rai_toolkit.fairness._analyze import check_n_boot

    method = check_method(method)
    spec = check_constraint(constraint, method)
    objective = check_objective(objective, method, spec)
    grid_size = check_int(grid_size, argument="grid_size", low=2)
    n_boot = check_n_boot(n_boot)  # before the mitigator is fitted, not after
    seed = _seed(random_state)
    bins = check_bins(bins)
    prefit = check_bool(prefit, argument="prefit")
    train = check_data_frame(train, argument="train")
    test = check_data_frame(test, argument="test")
    _check_same_columns(train, test)
    for argument, value in (("target", target), ("sensitive_features", sensitive_features)):
        check_names_for_two_frames(value, argument=argument, frames="`train` and `test`")
    names = normalise_names(sensitive_features, argument="sensitive_features")
    check_columns(train, [target], argument="target", data_argument="train")
    check_columns(train, names, argument="sensitive_features", data_argument="train")
    if features is not None:
        features = normalise_names(features, argument="features")
        check_columns(train, features, argument="features", data_argument="train")

    base = _base_model(
        model, train, target=target, features=features, prefit=prefit, method=method
    )
    cols = model_features(base, train, target=target, features=features)
    checked = prepare_data(
        base, train, target=target, sensitive_features=names, features=cols,
        pos_label=pos_label, bins=bins,
    )
    if checked.task != "binary":
        raise DataValidationError(
            f"mitigate supports binary classification (fairlearn's mitigators do); target "
            f"{target!r} looks {checked.task} ({len(pd.unique(train[target]))} distinct values "
            f"in `train`). Binarise it, e.g. data[{target!r}] = (data[{target!r}] == label)."
        )
    classes = checked.classes
    with ignoring():  # the MissingGroupWarning was already given by prepare_data for train
        groups_train = group_labels(train, names, bins=bins)
    groups_test = group_labels(test, names, bins=bins)
    _check_groups(groups_train, names, "train")
    _check_groups(groups_test, names, "test")
    y01_train = (train[target].to_numpy() == pos_label).astype(int)
    y01_test = (test[target].to_numpy() == pos_label).astype(int)
    X_train, X_test = train[cols], test[cols]

    base_pred01 = (call_model(base, X_test, "predict") == pos_label).astype(int)
    rows = [_tradeoff_row("unmitigated", "unmitigated", y01_test, base_pred01, groups_test,
                          spec, objective)]
    notes = [RANDOMIZED_NOTE.format(mitigator=
                                    "ThresholdOptimizer" if method == "postprocess"
                                    else "ExponentiatedGradient", seed=seed)]
    if method == "postprocess":
        unseen = sorted(set(groups_test) - set(groups_train))
        if unseen:
            raise DataValidationError(
                f"`test` holds group(s) {', '.join(map(repr, unseen))} of "
                f"{', '.join(map(repr, names))} that are not in `train`; ThresholdOptimizer "
                f"fits one threshold per group, so `train` must cover every group."
            )
        mitigated = fit_postprocess(
            base, X_train, y01_train, groups_train, constraint=spec, objective=objective,
            sensitive_features=names, classes=classes, pos_label=pos_label, bins=bins,
            random_state=seed,
        )
        pred = mitigated.predict(X_test, sensitive_features=test[names])
        proba = mitigated.predict_proba(X_test, sensitive_features=test[names])
        kind = "threshold_optimizer"
        notes += [TRAIN_SCORES_NOTE, SENSITIVE_AT_PREDICT_NOTE.format(names=names)]
    else:
        with ignoring(FutureWarning):  # fairlearn 0.7 on pandas 1.5
            mitigated = fit_reduction(
                model, X_train, y01_train, groups_train, constraint=spec, classes=classes,
                pos_label=pos_label, random_state=seed,
            )
            candidates = fit_grid(
                model, X_train, y01_train, groups_train, constraint=spec, grid_size=grid_size
            )
        for i, cand in enumerate(candidates):
            cand_pred = (call_model(cand, X_test, "predict") == 1).astype(int)
            rows.append(_tradeoff_row(f"grid_search_{i:02d}", "grid_search", y01_test,
                                      cand_pred, groups_test, spec, objective))
        pred = mitigated.predict(X_test)
        proba = mitigated.predict_proba(X_test)
        kind = "exponentiated_gradient"
    pred01 = (pred == pos_label).astype(int)
    rows.append(_tradeoff_row(kind, kind, y01_test, pred01, groups_test, spec, objective))
    tradeoff = pd.DataFrame(rows)
    tradeoff["pareto"] = pareto_front(tradeoff["objective"].to_numpy(),
                                      tradeoff["disparity"].to_numpy())
    tradeoff["selected"] = tradeoff["kind"] == kind
    tradeoff = tradeoff[list(TRADEOFF_COLUMNS)]

    score = proba[:, list(classes).index(pos_label)]
    report_args = dict(
        target=target, sensitive_features=names, pos_label=pos_label, n_boot=n_boot,
        random_state=seed, bins=bins or None,
    )
    before, after = _before_and_after(
        base, test, features=cols, pred=pred, score=score, **report_args
    )
    settings = _Settings(
        method=method, constraint=spec, objective=objective, target=target,
        pos_label=pos_label, sensitive_features=names, features=list(cols),
        n_train=int(train.shape[0]), n_test=int(test.shape[0]), random_state=seed,
        grid_size=grid_size if method == "reduction" else None, notes=notes,
    )
    return MitigationResult(
        settings=settings, model=mitigated, before=before, after=after, tradeoff=tradeoff
    )
