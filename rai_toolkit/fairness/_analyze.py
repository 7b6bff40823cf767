"""analyze_fairness: model + data + sensitive columns -> FairnessReport.

Flow: :func:`~rai_toolkit._validation.prepare_data` validates and predicts; the
sensitive columns become integer group codes; for classification one count
table per (class) is built with a single bincount and every metric, interval,
disparity and verdict is derived from it and from its multinomial bootstrap
replicates; regression uses per-group sufficient statistics and a row
bootstrap of them.

:func:`analyze_fairness` is :class:`FairnessOptions` (its options, checked), then
``prepare_data`` (or an engine's count table), then
:func:`fairness_from_checked`; a workflow holding a ``CheckedData`` already
(``report.assess``) builds the first and calls the last, so it validates the data once.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse

from rai_toolkit._api import public
from rai_toolkit._scalars import (
    SeedLike,
    as_generator,
    check_fraction,
    check_int,
    check_random_state,
)
from rai_toolkit._validation import (
    MISSING_GROUP,
    CheckedData,
    check_label,
    check_probabilities,
    prepare_data,
)
from rai_toolkit._warnings import collecting, reemit
from rai_toolkit.engines import EngineCounts, count_table, engine_of, not_binary
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    FallbackWarning,
    MissingGroupWarning,
    SmallGroupWarning,
)
from rai_toolkit.fairness._cells import (
    CHUNK_CELLS,
    MAX_SCORE_BINS,
    N_FINE_BINS,
    CellTable,
    bootstrap_tables,
    build_cells,
    histogram_auc,
)
from rai_toolkit.fairness._estimates import GroupEstimates, group_key, summarise
from rai_toolkit.fairness._groups import GroupIndex, Grouping, encode_groups
from rai_toolkit.fairness._memory import BootstrapSize, check_memory
from rai_toolkit.fairness._metrics import (
    EXACT_PAIR_ROWS,
    LABEL_METRICS,
    REGRESSION_METRICS,
    SCORE_METRICS,
    calibration_noise,
    classification_metrics,
    describe_support,
    exact_auc,
    histogram_pairs,
    metric_support,
    metrics_from_margins,
    regression_metrics,
    score_sums,
    sort_by_score,
    undefined_reasons,
)
from rai_toolkit.fairness._report import CountTables, FairnessReport, ReportMeta, ReportWarning
from rai_toolkit.fairness._verdicts import THRESHOLD_NOTE, check_thresholds, criteria_for

__all__ = ["analyze_fairness"]

#: Smallest accepted positive n_boot; percentile intervals from fewer replicates are noise.
MIN_BOOT = 100
# seed of the consistency draws behind calibration_error_debiased: fixed, so that this point
# estimate is a function of the data alone (not of random_state or of the other groupings)
_NOISE_SEED = 20070101
# regression bootstrap: resampled row indices held at once
_REGRESSION_CHUNK = 2_000_000


def check_n_boot(n_boot: Any) -> int:
    """Return ``n_boot`` if it is 0 (no intervals) or at least :data:`MIN_BOOT`, else raise."""
    expected = f"0 (no intervals) or an integer >= {MIN_BOOT}"
    hint = "Use n_boot=1000 for reported intervals."
    n_boot = check_int(n_boot, argument="n_boot", low=0, expected=expected, hint=hint)
    if 0 < n_boot < MIN_BOOT:
        check_int(n_boot, argument="n_boot", low=MIN_BOOT, expected=expected, hint=hint)
    return n_boot


@dataclass(frozen=True)
class FairnessOptions:
    """The options of a fairness analysis, checked when built (before any data is read).

    Parameters
    ----------
    reference_group, n_boot, ci, random_state, min_group_size, thresholds, bins
        As in :func:`analyze_fairness`. ``random_state`` is kept as
        :func:`~rai_toolkit._scalars.check_random_state` returns it;
        ``thresholds`` are checked against the task by :func:`fairness_from_checked`.

    Raises
    ------
    ArgumentError
        An option outside its accepted values.
    """

    reference_group: Any
    n_boot: int
    ci: float
    random_state: SeedLike
    min_group_size: int
    thresholds: Mapping[str, float] | None
    bins: Mapping[Hashable, Any] | None

    def __post_init__(self) -> None:
        check_n_boot(self.n_boot)
        ci = self.ci
        percent = isinstance(ci, numbers.Real) and not isinstance(ci, bool) and 1 < ci <= 100
        check_fraction(
            ci,
            argument="ci",
            expected="a coverage strictly between 0 and 1 (e.g. 0.95)",
            hint=f"Did you mean ci={ci / 100:g}?" if percent else "",
        )
        check_int(
            self.min_group_size,
            argument="min_group_size",
            low=1,
            hint="The default 30 flags groups too small for stable rates.",
        )
        object.__setattr__(self, "random_state", check_random_state(self.random_state))
        if self.reference_group is not None:
            check_label(
                self.reference_group,
                argument="reference_group",
                expected="a group label, or a tuple with one label per sensitive feature",
                allow_tuple=True,
            )


def _resolve_reference(
    reference_group: Any, groups: GroupIndex, grouping: Grouping, position: int | None
) -> Hashable | None:
    """Return the reference label within ``grouping`` (``position``: feature of a marginal)."""
    if reference_group is None:
        return None
    if position is None:
        label = reference_group
        if len(groups.features) > 1 and not isinstance(label, tuple):
            label = None
    else:
        label = reference_group[position] if len(groups.features) > 1 else reference_group
    index = grouping.index
    if label is None or label not in index:
        shown = [str(g) for g in index]
        expected = (
            "a tuple with one label per sensitive feature "
            f"({', '.join(map(str, groups.features))}) "
            if len(groups.features) > 1
            else ""
        )
        raise ArgumentError(
            f"reference_group={reference_group!r} is not a group of "
            f"{', '.join(map(str, index.names))}; pass {expected}one of: {', '.join(shown)}."
        )
    return label


def _classification(
    groups: GroupIndex,
    groupings: list[Grouping],
    y: np.ndarray,
    y_hat: np.ndarray,
    score: np.ndarray | None,
    *,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], dict[Hashable, dict[str, Any]], CellTable]:
    """Count the rows into a table (the in-memory engine), then derive everything from it."""
    table = build_cells(groups.codes, groups.n_groups, y, y_hat, score)
    exact = None
    if score is not None:
        # the one row-level extra: exact AUCs (ties inside a score bin count one half)
        codes_sorted, y_sorted, tie_id = sort_by_score(score, y, groups.codes, groups.n_groups)
        exact = {}
        for gr in groupings:
            codes = codes_sorted
            if gr.parent is not None and gr.n_groups > 1:
                codes = gr.parent.astype(codes_sorted.dtype)[codes_sorted]
            exact[gr.name] = exact_auc(codes, gr.n_groups, y_sorted, tie_id)
    metrics, per_grouping = table_estimates(
        table, groupings, exact_auc=exact, n_boot=n_boot, rng=rng
    )
    return metrics, per_grouping, table


def _classification_counted(
    groups: GroupIndex,
    groupings: list[Grouping],
    y: np.ndarray,
    y_hat: np.ndarray,
    counted: EngineCounts,
    *,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], dict[Hashable, dict[str, Any]], CellTable]:
    """Sum the entries an engine counted into a table; AUC from the fine score histogram.

    Each grouping's entry also gets ``"auc_bound"``: per group, the bound on the
    error of the histogram AUC (0 where every fine bin holds one distinct score).
    """
    rows = counted.rows
    if not counted.has_scores:
        table = build_cells(groups.codes, groups.n_groups, y, y_hat, rows=rows)
        return (*table_estimates(table, groupings, n_boot=n_boot, rng=rng), table)
    entry = counted.score_columns()
    fine = entry["fine"]
    table = build_cells(
        groups.codes,
        groups.n_groups,
        y,
        y_hat,
        entry["sum_s"],
        rows=rows,
        score_sq=entry["sum_s2"],
        fine=fine,
    )
    low = np.full(N_FINE_BINS, np.inf)
    high = np.full(N_FINE_BINS, -np.inf)
    np.minimum.at(low, fine, entry["min_s"])
    np.maximum.at(high, fine, entry["max_s"])
    pure = low >= high  # one distinct score in the fine bin (or none)
    auc, bounds = {}, {}
    for gr in groupings:
        codes = groups.codes if gr.parent is None else gr.parent[groups.codes]
        auc[gr.name], bounds[gr.name] = histogram_auc(codes, gr.n_groups, y, fine, rows, pure)
    metrics, out = table_estimates(table, groupings, exact_auc=auc, n_boot=n_boot, rng=rng)
    for name, bound in bounds.items():
        out[name]["auc_bound"] = bound
    return metrics, out, table


def table_estimates(
    table: CellTable,
    groupings: list[Grouping],
    *,
    exact_auc: Mapping[Hashable, np.ndarray] | None = None,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], dict[Hashable, dict[str, Any]]]:
    """Point estimates and replicates of every metric of every grouping, from the table alone.

    Parameters
    ----------
    table : CellTable
        Count table of the intersectional groups (from any engine).
    groupings : list of Grouping
        Groupings to summarise (each a merge of the table's groups).
    exact_auc : mapping, optional
        Grouping name -> exact ROC AUC per group, when the rows were available;
        otherwise AUC is the score-histogram estimate.
    n_boot : int
        Bootstrap replicates (multinomial draws of the table).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    metrics : tuple of str
        Metric names, in column order.
    per_grouping : dict
        Grouping name -> ``{"point", "reasons", "support", "replicates", "shift", "noise"}``.
    """
    metrics = LABEL_METRICS + (SCORE_METRICS if table.has_scores else ())
    out: dict[Hashable, dict[str, Any]] = {}
    for gr in groupings:
        counts = gr.aggregate(table.counts, axis=-4)
        args = ()
        if table.has_scores:
            args = (
                gr.aggregate(table.sum_s, axis=-4),
                gr.aggregate(table.sum_s2, axis=-4),
                table.calibration_map,
            )
        values = classification_metrics(counts, *args)
        noise = None
        shift = None
        if table.has_scores:
            # debiased ECE: minus the ECE sampling noise alone gives at the group's scores;
            # replicates subtract the same term (computed once, at the observed scores)
            noise = calibration_noise(
                counts, args[0], table.calibration_map, rng=np.random.default_rng(_NOISE_SEED)
            )
            values["calibration_error_debiased"] = values["calibration_error"] - noise
            if exact_auc is not None:
                # replicate AUCs come from the score histogram; shift them by the binning error
                shift = np.nan_to_num(exact_auc[gr.name] - values["roc_auc"])
                values["roc_auc"] = exact_auc[gr.name]
        out[gr.name] = {
            "point": np.stack([values[m] for m in metrics], axis=-1),
            "reasons": undefined_reasons(counts, list(metrics)),
            "support": metric_support(counts, metrics),
            "replicates": np.empty((n_boot, gr.n_groups, len(metrics))) if n_boot else None,
            "shift": shift,
            "noise": noise,
        }
    if n_boot:
        means = table.cell_means()
        offsets = np.cumsum([0] + [gr.n_groups for gr in groupings])
        exact_pairs = table.n_rows <= EXACT_PAIR_ROWS
        shift_all = noise_all = None
        if table.has_scores:
            noise_all = np.concatenate([out[gr.name]["noise"] for gr in groupings])
            if exact_auc is not None:
                shift_all = np.concatenate([out[gr.name]["shift"] for gr in groupings])
        for start, reps in bootstrap_tables(table.counts, n_boot=n_boot, rng=rng):
            stop = start + reps.shape[0]
            # counts are whole numbers (exact in any order of summation): sum the cells
            # over score bins and over y_hat once, then merge those margins per grouping
            conf = reps.sum(axis=-1)
            hist = None if means is None else reps.sum(axis=-2)
            rep_s = None if means is None else (reps * means[0], reps * means[1])
            # every grouping's groups side by side: the sums over score bins are taken per
            # grouping (as for the point estimates), then one elementwise call divides them all
            confs = [gr.aggregate(conf, axis=-3) for gr in groupings]
            sums = []
            if rep_s is not None:
                # sums of whole (and half) counts once for all groupings: exact in any order
                # (the AUC's up to EXACT_PAIR_ROWS rows). Sums of scores stay per grouping, on
                # the arrays Grouping.aggregate returns: numpy's order of summation follows
                # their memory layout (summed from a contiguous copy, the Brier score of a
                # marginal group changed in the last bit)
                hists = [gr.aggregate(hist, axis=-3) for gr in groupings]
                hist_all = np.concatenate(hists, axis=-3)
                y_bin = hist_all[..., 1, :] @ table.calibration_map
                pairs = histogram_pairs(hist_all, exact=True) if exact_pairs else None
                for gr, h, lo, hi in zip(groupings, hists, offsets[:-1], offsets[1:]):
                    sums.append(
                        score_sums(
                            h,
                            gr.aggregate(rep_s[0], axis=-4).sum(axis=-2),
                            gr.aggregate(rep_s[1], axis=-4).sum(axis=-2),
                            table.calibration_map,
                            pairs=None if pairs is None else (pairs[0][..., lo:hi],
                                                              pairs[1][..., lo:hi]),
                            y_bin=y_bin[..., lo:hi, :],
                        )
                    )  # fmt: skip
            values = metrics_from_margins(
                np.concatenate(confs, axis=-3), np.concatenate(sums, axis=-2) if sums else None
            )
            if shift_all is not None:
                values["roc_auc"] = values["roc_auc"] + shift_all
            if noise_all is not None:
                values["calibration_error_debiased"] = values["calibration_error"] - noise_all
            stacked = np.stack([values[m] for m in metrics], axis=-1)
            for gr, lo, hi in zip(groupings, offsets[:-1], offsets[1:]):
                out[gr.name]["replicates"][start:stop] = stacked[:, lo:hi]
    return metrics, out


def _regression(
    groups: GroupIndex,
    groupings: list[Grouping],
    y: np.ndarray,
    y_hat: np.ndarray,
    *,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[tuple[str, ...], dict[Hashable, dict[str, Any]], None]:
    """Regression metrics from per-group sums, with a row bootstrap of those sums."""
    n, g = y.shape[0], groups.n_groups
    err = y_hat - y
    stats = np.column_stack([np.ones(n), y, y_hat, np.abs(err), err * err])
    n_stats = stats.shape[1]
    sums = np.stack(
        [np.bincount(groups.codes, weights=stats[:, k], minlength=g) for k in range(n_stats)],
        axis=-1,
    )
    reps = None
    if n_boot:
        design = scipy.sparse.csr_matrix(
            (
                stats.ravel(),
                (
                    np.repeat(np.arange(n), n_stats),
                    (groups.codes[:, None] * n_stats + np.arange(n_stats)).ravel(),
                ),
            ),
            shape=(n, g * n_stats),
        )
        reps = np.empty((n_boot, g, n_stats))
        chunk = max(1, min(n_boot, _REGRESSION_CHUNK // n))
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            idx = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
            weights = np.bincount(idx.ravel(), minlength=size * n).reshape(size, n)
            reps[start : start + size] = (design.T @ weights.T.astype(float)).T.reshape(
                size, g, n_stats
            )
    out = {}
    for gr in groupings:
        point_sums = gr.aggregate(sums, axis=0)
        values = regression_metrics(point_sums)
        entry = {
            "point": np.stack([values[m] for m in REGRESSION_METRICS], axis=-1),
            "reasons": {},
            "replicates": None,
            "shift": None,
        }
        if reps is not None:
            rep_values = regression_metrics(gr.aggregate(reps, axis=1))
            entry["replicates"] = np.stack([rep_values[m] for m in REGRESSION_METRICS], axis=-1)
        out[gr.name] = entry
    return REGRESSION_METRICS, out, None


def _multiclass_scores(score: np.ndarray | None, classes: np.ndarray) -> np.ndarray | None:
    if score is None:
        return None
    score = np.asarray(score, dtype=float)
    if score.ndim != 2 or score.shape[1] != len(classes):
        raise DataValidationError(
            f"For a multiclass task y_score must hold one probability per class, shape "
            f"(n_rows, {len(classes)}) in the order of the sorted classes "
            f"{[c.item() if hasattr(c, 'item') else c for c in classes]}; received shape "
            f"{score.shape}. Pass model.predict_proba(X) with columns in that order."
        )
    return check_probabilities(score)


@public
def analyze_fairness(
    model: Any,
    data: Any,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    y_pred: Any = None,
    y_score: Any = None,
    features: Sequence[Hashable] | None = None,
    pos_label: Any = 1,
    reference_group: Any = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: SeedLike = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, float] | None = None,
    bins: Mapping[Hashable, Any] | None = None,
    task: str = "auto",
) -> FairnessReport:
    """Measure how a model's errors and decisions differ between groups of people.

    Every metric is computed per group (intersectional groups when several
    sensitive features are given, plus each feature alone in
    :attr:`FairnessReport.marginal`), with bootstrap percentile intervals, the
    disparities between groups with simultaneous intervals (bootstrap limits of
    every group, combined pairwise), and a pass / fail / inconclusive verdict
    per fairness criterion.

    Parameters
    ----------
    model : estimator or None
        Fitted model called on its training columns (``feature_names_in_``, else
        ``features``, else every column but ``target``); scores come from
        ``predict_proba`` when available. None when ``y_pred`` is given.
    data : pandas.DataFrame or engine table
        Rows to analyse, with the target and sensitive columns. A polars
        DataFrame/LazyFrame, pyarrow Table, DuckDB relation or Spark DataFrame is
        counted where it lives (binary targets; ``y_pred``/``y_score`` as column
        names; see ``docs/engines.md`` and :attr:`FairnessReport.auc_error_bound`).
    target : hashable
        Target column.
    sensitive_features : hashable or sequence of hashable
        Sensitive column(s). Missing values form the group ``"(missing)"``.
    y_pred : column name or array-like, optional
        Predictions, instead of calling ``model``.
    y_score : column name or array-like, optional
        Probability of ``pos_label`` (binary, shape (n,)) or of each sorted class
        (multiclass, shape (n, n_classes)). Enables roc_auc, brier_score,
        calibration_error and calibration_error_debiased.
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``;
        beside a model that does, it must name the same columns.
    pos_label : object, default=1
        The favourable / positive class of a binary task.
    reference_group : label or tuple of labels, optional
        Compare every group with this one instead of max vs min. A tuple gives
        one label per sensitive feature.
    n_boot : int, default=1000
        Bootstrap replicates for the intervals; 0 skips them.
    ci : float, default=0.95
        Coverage of the intervals.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed of the bootstrap.
    min_group_size : int, default=30
        Smallest support for a group to count in a verdict: rows for rate-of-rows
        metrics, positives for the true positive rate, negatives for the false
        positive rate, predicted positives for precision (see
        :attr:`FairnessReport.support`). Groups below it are flagged
        (:class:`SmallGroupWarning`) and left out of the verdicts that read the
        metric. A ``fail`` over the supported groups stands (more groups can only
        widen a disparity); otherwise such a verdict is inconclusive when fewer
        than two supported groups remain or when including the left-out groups
        changes its status.
    thresholds : dict, optional
        Criterion -> threshold, overriding the defaults (see
        :attr:`FairnessReport.thresholds`). Thresholds are policy choices.
    bins : dict, optional
        ``{column: int | edges}`` to group a continuous sensitive feature.
    task : {"auto", "binary", "multiclass", "regression"}
        Learning task; inferred from the target by default.

    Returns
    -------
    FairnessReport
        Group metrics, intervals, disparities and verdicts.

    Raises
    ------
    DataValidationError
        Missing columns, length mismatch, bad labels or scores, a single group,
        empty data or an all-missing target.
    ArgumentError
        An option outside its accepted values (the message lists valid ones).
    NotFittedError, ModelError
        The model is not fitted or fails on the data (or cannot run inside the engine).
    DependencyError
        The package of an engine table is not installed (the message names the extra).

    Examples
    --------
    >>> from rai_toolkit.datasets import load_adult  # doctest: +SKIP
    >>> ds = load_adult()  # doctest: +SKIP
    >>> report = analyze_fairness(model, ds.frame, target="income",
    ...                           sensitive_features=["sex", "race"])  # doctest: +SKIP
    >>> report.verdicts  # doctest: +SKIP
    """
    options = FairnessOptions(
        reference_group=reference_group,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        min_group_size=min_group_size,
        thresholds=thresholds,
        bins=bins,
    )
    engine = engine_of(data)
    counted = None
    if engine is not None:
        # the engine counts the rows where they live; its entries, weighted by their rows,
        # then take the pandas path (same validation, groups and estimates)
        counted = count_table(
            model,
            data,
            engine=engine,
            target=target,
            sensitive_features=sensitive_features,
            y_pred=y_pred,
            y_score=y_score,
            features=features,
            pos_label=pos_label,
            bins=bins,
            task=task,
        )
        model, data, y_pred, y_score = None, counted.frame, counted.pred, None
    with collecting() as caught:
        checked = prepare_data(
            model,
            data,
            target=target,
            sensitive_features=sensitive_features,
            y_pred=y_pred,
            y_score=y_score,
            features=features if counted is None else None,
            pos_label=pos_label,
            bins=bins,
            task=task,
            row_counts=None if counted is None else counted.rows,
        )
    if counted is not None and checked.task != "binary":
        raise not_binary(counted.engine, checked.task, target)
    return fairness_from_checked(
        checked, target=target, options=options, caught=caught, counted=counted, stacklevel=3
    )


def fairness_from_checked(
    checked: CheckedData,
    *,
    target: Hashable,
    options: FairnessOptions,
    caught: Sequence[warnings.WarningMessage] = (),
    counted: EngineCounts | None = None,
    stacklevel: int = 2,
) -> FairnessReport:
    """Report of the fairness room from data validated once (a workflow's entry).

    :func:`analyze_fairness` validates its input and calls this; a workflow such as
    :func:`~rai_toolkit.report.assess` that holds a :class:`CheckedData` already
    calls it directly, so that the data is validated once.

    Parameters
    ----------
    checked : CheckedData
        Output of :func:`~rai_toolkit._validation.prepare_data` (with the same
        ``bins``; ``row_counts`` when ``counted`` is given).
    target : hashable
        Target column name, as the report records it.
    options : FairnessOptions
        The analysis options (``bins`` as given to ``prepare_data``).
    caught : sequence of warnings.WarningMessage, optional
        Warnings recorded while validating (a missing-value group, the model's
        own): raised again from where they were raised, and recorded in the
        report.
    counted : EngineCounts, optional
        The count table of an engine, whose rows ``checked`` holds.
    stacklevel : int, default=2
        Frames above this function that warnings point to.

    Returns
    -------
    FairnessReport
        Group metrics, intervals, disparities and verdicts.
    """
    n_boot, ci, min_group_size = options.n_boot, options.ci, options.min_group_size
    reference_group, random_state = options.reference_group, options.random_state
    n_rows = checked.n_rows if counted is None else int(counted.rows.sum())
    caught = [w for w in caught if not _garbage_notice(w)]
    reemit(caught)  # from where each was raised: a model's own warning stays the caller's
    merged_thresholds = check_thresholds(options.thresholds, checked.task)
    groups = encode_groups(checked.sensitive, binned=list(options.bins or {}))
    features_ = groups.features
    main = groups.intersectional()
    marginals = [groups.marginal(j) for j in range(len(features_))] if len(features_) > 1 else []
    overall = groups.overall()
    groupings = [main, *marginals, overall]
    missing_keys = _missing_group_keys([main, *marginals])
    caught_records = [
        ReportWarning(
            w.category.__name__,
            str(w.message),
            missing_keys if issubclass(w.category, MissingGroupWarning) else (),
        )
        for w in caught
    ]
    references = {main.name: _resolve_reference(reference_group, groups, main, None)}
    for j, gr in enumerate(marginals):
        references[gr.name] = _resolve_reference(reference_group, groups, gr, j)
    if n_boot:
        regression = checked.task == "regression"
        scored = (
            checked.y_score is not None if counted is None else counted.has_scores
        ) and not regression
        size = BootstrapSize(
            group_counts=[gr.n_groups for gr in groupings],
            n_metrics=len(REGRESSION_METRICS)
            if regression
            else len(LABEL_METRICS) + (len(SCORE_METRICS) if scored else 0),
            n_classes=1 if checked.task != "multiclass" else len(checked.classes),
            n_cells=main.n_groups * (5 if regression else 4 * (MAX_SCORE_BINS if scored else 1)),
            chunk_cells=_REGRESSION_CHUNK if regression else CHUNK_CELLS,
        )
        check_memory(size, n_boot=n_boot, features=features_, min_boot=MIN_BOOT)
    rng = as_generator(random_state)

    if checked.task == "regression":
        blocks = {
            None: _regression(
                groups, groupings, checked.y_true, checked.y_pred, n_boot=n_boot, rng=rng
            )
        }
        has_scores = False
    elif checked.task == "binary":
        y = checked.y_true == checked.pos_label
        y_hat = checked.y_pred == checked.pos_label
        if counted is not None:
            blocks = {
                None: _classification_counted(
                    groups, groupings, y, y_hat, counted, n_boot=n_boot, rng=rng
                )
            }
            has_scores = counted.has_scores
        else:
            score = None if checked.y_score is None else np.asarray(checked.y_score, dtype=float)
            blocks = {
                None: _classification(groups, groupings, y, y_hat, score, n_boot=n_boot, rng=rng)
            }
            has_scores = score is not None
    else:
        classes = checked.classes
        scores = _multiclass_scores(checked.y_score, classes)
        has_scores = scores is not None
        blocks = {}
        for k, cls in enumerate(classes):
            label = cls.item() if isinstance(cls, np.generic) else cls
            blocks[label] = _classification(
                groups,
                groupings,
                checked.y_true == cls,
                checked.y_pred == cls,
                None if scores is None else scores[:, k],
                n_boot=n_boot,
                rng=rng,
            )
    criteria = criteria_for(checked.task, has_scores=has_scores)
    class_labels = (
        None
        if checked.classes is None
        else [c.item() if isinstance(c, np.generic) else c for c in checked.classes]
    )

    def estimates(gr: Grouping) -> dict[Hashable, GroupEstimates]:
        result = {}
        for cls, (metrics, per_grouping, _) in blocks.items():
            entry = per_grouping[gr.name]
            total = per_grouping["overall"]
            result[cls] = summarise(
                index=gr.index,
                metrics=metrics,
                point=entry["point"],
                replicates=entry["replicates"],
                overall=total["point"][0],
                overall_replicates=None
                if total["replicates"] is None
                else total["replicates"][:, 0],
                reasons=entry["reasons"],
                criteria=criteria,
                thresholds=merged_thresholds,
                reference=references[gr.name],
                ci=ci,
                n_boot=n_boot,
                min_group_size=min_group_size,
                support=entry.get("support"),
            )
        return result

    def auc_bound(gr: Grouping) -> float | None:
        bound = blocks[None][1][gr.name].get("auc_bound") if None in blocks else None
        return None if bound is None else float(np.nanmax(bound, initial=0.0))

    def bound_warnings(gr: Grouping) -> list[ReportWarning]:
        bound = blocks[None][1][gr.name].get("auc_bound") if None in blocks else None
        if bound is None or not np.nanmax(bound, initial=0.0) > 0:
            return []
        keys = [group_key(gr.index, i) for i in np.flatnonzero(bound > 0)]
        return [
            ReportWarning(
                "FallbackWarning",
                f"roc_auc of {', '.join(map(str, gr.index.names))} on the {counted.engine} "
                f"table comes from a {N_FINE_BINS}-bin score histogram counted by the engine "
                f"(some bins hold several distinct scores): each group's AUC is within "
                f"{np.nanmax(bound):.2g} of the exact value (report.auc_error_bound); "
                f"{len(keys)} group(s) are affected. Other metrics are exact. For an exact AUC "
                f"round the scores to 3 decimals or analyse a pandas frame.",
                tuple(keys),
            )
        ]

    def meta(
        names: list, reference: Any, extra: list[ReportWarning], gr: Grouping
    ) -> ReportMeta:
        return ReportMeta(
            task=checked.task,
            target=target,
            sensitive_features=list(names),
            pos_label=checked.pos_label,
            classes=class_labels,
            n_rows=n_rows,
            n_boot=n_boot,
            ci=float(ci),
            random_state=random_state if isinstance(random_state, int | None) else None,
            min_group_size=min_group_size,
            reference_group=reference,
            thresholds=dict(merged_thresholds),
            threshold_note=THRESHOLD_NOTE,
            warnings=extra,
            auc_error_bound=auc_bound(gr),
        )

    tables = None
    if checked.task != "regression":
        tables = CountTables({cls: b[2] for cls, b in blocks.items()}, (main, *marginals))
    main_est = estimates(main)
    main_warnings = small_group_warnings(main_est, features_, min_group_size=min_group_size)
    for w in main_warnings:
        warnings.warn(w.message, SmallGroupWarning, stacklevel=stacklevel)
    main_warnings += bound_warnings(main)
    for w in bound_warnings(main):
        warnings.warn(w.message, FallbackWarning, stacklevel=stacklevel)
    marginal_reports = {}
    for j, gr in enumerate(marginals):
        est = estimates(gr)
        extra = small_group_warnings(est, [gr.name], min_group_size=min_group_size)
        marginal_reports[gr.name] = FairnessReport(
            meta([gr.name], references[gr.name], caught_records + extra + bound_warnings(gr), gr),
            est,
            marginal=None,
            count_tables=None if tables is None else tables.alone(j + 1),
        )
    return FairnessReport(
        meta(features_, references[main.name], caught_records + main_warnings, main),
        main_est,
        marginal=marginal_reports,
        count_tables=tables,
    )


#: Groups listed by name in a warning message; the rest are counted (all are in ``groups``).
_LISTED_GROUPS = 20


def _listed(keys: list[str], sep: str = ", ") -> str:
    shown = sep.join(keys[:_LISTED_GROUPS])
    more = len(keys) - _LISTED_GROUPS
    return shown if more <= 0 else f"{shown} and {more} more"


def small_group_warnings(
    est: dict[Hashable, GroupEstimates], names: list, *, min_group_size: int
) -> list[ReportWarning]:
    """Warnings about groups too small, or with too little support, for the verdicts.

    Parameters
    ----------
    est : dict
        Class -> estimates of one grouping.
    names : list
        Sensitive feature names of the grouping.
    min_group_size : int
        The support threshold.

    Returns
    -------
    list of ReportWarning
        At most two: small groups, and groups with enough rows but too few cases
        behind a metric a verdict reads; each lists its groups in ``groups``.
    """
    first = next(iter(est.values()))
    small = first.small_groups
    is_small = set(small)
    found = []
    features = ", ".join(map(str, names))
    if small:
        found.append(
            ReportWarning(
                "SmallGroupWarning",
                f"{len(small)} group(s) of {features} have fewer than "
                f"min_group_size={min_group_size} rows: {_listed(small)}. Their metrics are "
                f"unreliable: they are left out of the verdicts (see the excluded_groups column), "
                f"which keep a failure of the supported groups and are otherwise inconclusive "
                f"when including them would change the status.",
                tuple(small),
            )
        )
    # groups with enough rows but too few cases behind a metric a verdict reads
    lows: dict[str, list[str]] = {}
    for cls, e in est.items():
        for u in e.under_supported:
            if u["group"] in is_small:
                continue
            text = describe_support(u["metric"], u["support"])
            if cls is not None:
                text = f"class {cls!r}: {text}"
            entries = lows.setdefault(u["group"], [])
            if text not in entries:
                entries.append(text)
    if lows:
        shown = _listed([f"{g} ({', '.join(t)})" for g, t in lows.items()], sep="; ")
        found.append(
            ReportWarning(
                "SmallGroupWarning",
                f"{len(lows)} group(s) of {features} have enough rows but fewer than "
                f"min_group_size={min_group_size} cases behind a metric a verdict reads: "
                f"{shown}. They are left out of those verdicts (see the excluded_groups column "
                f"and report.support), which keep a failure of the supported groups and are "
                f"otherwise inconclusive when including them would change the status.",
                tuple(lows),
            )
        )
    return found


def _garbage_notice(record: warnings.WarningMessage) -> bool:
    """Whether a warning is the garbage collector closing a library's resource (a socket).

    Such a ``ResourceWarning`` (raw, or routed as a LibraryWarning by a nested call) fires
    wherever the collector happens to run -- e.g. for sockets pyspark leaves behind -- and
    says nothing about the data; it must not enter the report.
    """
    original = getattr(record.message, "original_category", None)
    return issubclass(record.category, ResourceWarning) or original == "ResourceWarning"


def _missing_group_keys(groupings: list[Grouping]) -> tuple[str, ...]:
    """Keys, in every grouping, of the groups holding the explicit missing-value label."""
    keys = []
    for gr in groupings:
        for i, label in enumerate(gr.index):
            labels = label if isinstance(gr.index, pd.MultiIndex) else (label,)
            if any(isinstance(v, str) and v == MISSING_GROUP for v in labels):
                keys.append(group_key(gr.index, i))
    return tuple(dict.fromkeys(keys))
