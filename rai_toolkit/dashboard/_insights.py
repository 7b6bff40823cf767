"""Build the Responsible AI dashboard's insights in one call: :func:`build_insights`."""

from __future__ import annotations

import contextlib
import html
import io
import json
import sys
import time
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._validation import (
    call_model,
    check_columns,
    check_data_frame,
    check_fitted,
    normalise_names,
)
from rai_toolkit.exceptions import (
    ArgumentError,
    DashboardError,
    DataValidationError,
    DependencyError,
    ModelError,
    SamplingWarning,
)

__all__ = ["COMPONENTS", "SCHEMA", "Insights", "build_insights"]

#: Analyses :func:`build_insights` can compute, in the order they run.
COMPONENTS = ("explainer", "error_analysis", "counterfactual", "causal")
#: Schema tag of :meth:`Insights.to_dict`.
SCHEMA = "rai_toolkit.insights/1"
_TASKS = ("classification", "regression")


def _import_responsibleai() -> Any:
    try:
        import responsibleai
    except ImportError as err:  # pragma: no cover - part of the locked stack
        raise DependencyError(
            "build_insights needs the `responsibleai` package (pip install responsibleai==0.36.0)."
        ) from err
    return responsibleai


class Insights:
    """Computed Responsible AI dashboard insights plus sensitive-group cohorts.

    Made by :func:`build_insights` or :func:`~rai_toolkit.dashboard.load_insights`;
    shown with :func:`~rai_toolkit.dashboard.launch_dashboard`.

    Parameters
    ----------
    rai_insights : responsibleai.RAIInsights
        The computed insights.
    cohorts : list of raiutils.cohort.Cohort
        Cohorts offered in the dashboard's cohort selector.
    info : dict
        Metadata, in the :meth:`to_dict` schema (without ``cohorts``).
    """

    def __init__(self, rai_insights: Any, cohorts: list[Any], info: dict[str, Any]):
        self._rai = rai_insights
        self._cohorts = list(cohorts)
        self._info = dict(info)

    @property
    def rai_insights(self) -> Any:
        """The computed ``responsibleai.RAIInsights``."""
        return self._rai

    @property
    def cohorts(self) -> list[Any]:
        """The sensitive-group cohorts (``raiutils.cohort.Cohort``), a copy of the list."""
        return list(self._cohorts)

    @property
    def cohort_names(self) -> list[str]:
        """Names of :attr:`cohorts`, as shown in the dashboard."""
        return [c.name for c in self._cohorts]

    @property
    def components(self) -> list[str]:
        """Computed analyses, among :data:`COMPONENTS`."""
        return list(self._info["components"])

    @property
    def timings(self) -> pd.Series:
        """Seconds spent per component (and ``total``)."""
        return pd.Series(self._info["timings_s"], name="seconds", dtype=float)

    @property
    def counterfactual_stats(self) -> dict[str, Any] | None:
        """Counterfactual checks: rows, per-row count, complete share, validity share."""
        stats = self._info.get("counterfactuals")
        return None if stats is None else dict(stats)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary.

        Returns
        -------
        dict
            Keys (stable schema ``rai_toolkit.insights/1``): ``schema``; ``task``
            (``"classification"`` or ``"regression"``); ``target``; ``n_train``,
            ``n_test`` (rows the dashboard shows); ``test_rows_given`` (rows passed
            before sampling); ``sensitive_features`` (list of str);
            ``categorical_features`` (list of str); ``components`` (list of str);
            ``timings_s`` ({component or "total": seconds}); ``counterfactuals``
            (``None`` or {``method``, ``per_row``, ``rows``, ``complete_share``,
            ``validity``, ``mean_changed_features``}); ``cohorts`` (list of
            {``name``, ``filters``: [{``method``, ``arg``, ``column``}]}).
        """
        out = json.loads(json.dumps(self._info, default=_json_default))
        out["cohorts"] = [json.loads(c.to_json()) for c in self._cohorts]
        out["cohorts"] = [
            {"name": c["name"], "filters": c["cohort_filter_list"] or []} for c in out["cohorts"]
        ]
        return out

    def to_json(self, **kwargs: Any) -> str:
        """Return :meth:`to_dict` as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    def __repr__(self) -> str:
        info = self._info
        parts = ", ".join(f"{c} {info['timings_s'].get(c, 0.0):.1f}s" for c in info["components"])
        lines = [
            f"Insights({info['task']}, target={info['target']!r}, "
            f"{info['n_train']} train / {info['n_test']} test rows)",
            f"  components: {parts or 'none'} (total {info['timings_s'].get('total', 0.0):.1f}s)",
            f"  cohorts: {len(self._cohorts)} ({', '.join(self.cohort_names[:6])}"
            f"{', ...' if len(self._cohorts) > 6 else ''})",
        ]
        cf = info.get("counterfactuals")
        if cf:
            lines.append(
                f"  counterfactuals: {cf['per_row']} per row, {cf['complete_share']:.0%} of rows "
                f"complete, {cf['validity']:.1%} flip the prediction"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        info = self._info
        rows = "".join(
            f"<tr><td>{html.escape(c)}</td><td>{info['timings_s'].get(c, 0.0):.1f} s</td></tr>"
            for c in info["components"]
        )
        cf = info.get("counterfactuals")
        cf_html = (
            f"<p>Counterfactuals: {cf['per_row']} per test row; {cf['complete_share']:.0%} of rows "
            f"complete; {cf['validity']:.1%} verified to flip the prediction.</p>"
            if cf
            else ""
        )
        cohorts = ", ".join(html.escape(n) for n in self.cohort_names) or "none"
        return (
            f"<div><strong>Responsible AI insights</strong> ({html.escape(info['task'])}, "
            f"target <code>{html.escape(str(info['target']))}</code>, {info['n_train']} train / "
            f"{info['n_test']} test rows)<table><tr><th>component</th><th>time</th></tr>{rows}"
            f"<tr><td><em>total</em></td><td>{info['timings_s'].get('total', 0.0):.1f} s</td>"
            f"</tr></table>{cf_html}<p>Cohorts: {cohorts}</p>"
            f"<p>Open with <code>rai_toolkit.launch_dashboard(insights)</code>.</p></div>"
        )


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


def _check_components(components: Any) -> list[str]:
    if isinstance(components, str):
        components = [components]
    try:
        names = list(components)
    except TypeError as err:
        raise ArgumentError(
            f"`components` must be a sequence of names among {', '.join(COMPONENTS)}; "
            f"received {components!r}."
        ) from err
    unknown = [c for c in names if c not in COMPONENTS]
    if unknown:
        raise ArgumentError(
            f"Unknown component(s) {', '.join(repr(u) for u in unknown)} in `components`; "
            f"valid components are: {', '.join(COMPONENTS)}."
        )
    if not names:
        raise ArgumentError(
            f"`components` is empty; name at least one of: {', '.join(COMPONENTS)}."
        )
    return [c for c in COMPONENTS if c in names]


def _default_categorical(train: pd.DataFrame, target: Hashable) -> list[Hashable]:
    return [
        c
        for c in train.columns
        if c != target
        and (
            pd.api.types.is_object_dtype(train[c])
            or isinstance(train[c].dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(train[c])
            or pd.api.types.is_string_dtype(train[c])
        )
    ]


def _check_complete(frame: pd.DataFrame, argument: str, needed_by: str) -> None:
    counts = frame.isna().sum()
    counts = counts[counts > 0]
    if len(counts):
        listed = ", ".join(f"{c!r} ({n})" for c, n in counts.items())
        raise DataValidationError(
            f"`{argument}` has missing values in {listed}; {needed_by} needs complete rows. "
            f"Fill them explicitly (e.g. {argument}[cols] = {argument}[cols].fillna('(missing)') "
            f"for categories) in both train and test, or leave {needed_by.split()[0]!r} out of "
            f"`components`."
        )


def _check_test_categories(
    train: pd.DataFrame, test: pd.DataFrame, categorical: Sequence[Hashable]
) -> None:
    unseen = {}
    for col in categorical:
        extra = set(test[col].dropna().unique()) - set(train[col].dropna().unique())
        if extra:
            unseen[col] = sorted(map(str, extra))
    if unseen:
        listed = "; ".join(f"{c!r}: {', '.join(v)}" for c, v in unseen.items())
        raise DataValidationError(
            f"`test` has categories that never occur in `train` ({listed}); counterfactual "
            f"and causal analysis can only use categories seen in training. Move rows with "
            f"those values into train, or remove them from test explicitly."
        )


def _progress_printer(enabled: bool):
    def say(message: str) -> None:
        if enabled:
            print(f"[rai_toolkit] {message}", file=sys.stderr, flush=True)

    return say


def build_insights(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    task: str = "classification",
    components: Sequence[str] = COMPONENTS,
    counterfactuals: int = 10,
    treatment_features: Sequence[Hashable] | None = None,
    categorical_features: Sequence[Hashable] | None = None,
    max_test_rows: int = 5000,
    random_state: int | None = None,
    progress: bool = True,
) -> Insights:
    """Compute the Responsible AI dashboard's analyses and sensitive-group cohorts.

    Wraps ``responsibleai.RAIInsights``: the explainer, error analysis and
    causal analysis are computed by it; counterfactuals are found by a batched
    search (all test rows at once, one ``predict_proba`` call per round) and
    stored in the ``RAIInsights`` counterfactual manager in dice-ml's format,
    so the dashboard shows them as its own. Every counterfactual is checked
    with ``model.predict``; the share that flips the prediction is in
    :attr:`Insights.counterfactual_stats`.

    Parameters
    ----------
    model : object
        Fitted model with ``predict`` (and ``predict_proba`` for
        classification) accepting ``test.drop(columns=target)``.
    train : pandas.DataFrame
        Training data, including ``target``.
    test : pandas.DataFrame
        Data the dashboard shows, including ``target``.
    target : hashable
        Target column.
    sensitive_features : hashable or sequence of hashable
        Columns whose groups become dashboard cohorts.
    task : {"classification", "regression"}, default="classification"
        Model task.
    components : sequence of str, default=COMPONENTS
        Analyses to compute, among ``"explainer"``, ``"error_analysis"``,
        ``"counterfactual"`` and ``"causal"``.
    counterfactuals : int, default=10
        Counterfactuals per test row (binary classification only).
    treatment_features : sequence of hashable, optional
        Features whose causal effect is estimated; required with ``"causal"``.
    categorical_features : sequence of hashable, optional
        Categorical columns; default: object, category, bool and string columns.
    max_test_rows : int, default=5000
        Larger test sets are sampled down to this many rows, with a
        :class:`~rai_toolkit.exceptions.SamplingWarning`.
    random_state : int, optional
        Seed for sampling, counterfactual search and causal models.
    progress : bool, default=True
        Print one line per step to stderr.

    Returns
    -------
    Insights
        The computed insights and cohorts.

    Raises
    ------
    DataValidationError
        Missing target, sensitive or treatment column; missing values where a
        component needs complete data.
    ArgumentError
        Unknown component or task, bad counts, causal without treatment features.
    ModelError
        The model fails on the test rows.
    DashboardError
        ``responsibleai`` rejected the inputs or a component failed.

    Examples
    --------
    >>> insights = build_insights(model, train, test, target="income",
    ...                           sensitive_features=["sex", "race"],
    ...                           treatment_features=["hours_per_week"])  # doctest: +SKIP
    >>> url = launch_dashboard(insights)  # doctest: +SKIP
    """
    t_start = time.perf_counter()
    say = _progress_printer(progress)
    train = check_data_frame(train, argument="train")
    test = check_data_frame(test, argument="test")
    check_columns(train, [target], argument="target", data_argument="train")
    check_columns(test, [target], argument="target", data_argument="test")
    if task not in _TASKS:
        raise ArgumentError(f"`task` must be one of {', '.join(_TASKS)}; received {task!r}.")
    names = _check_components(components)
    sensitive = normalise_names(sensitive_features, argument="sensitive_features")
    check_columns(test, sensitive, argument="sensitive_features", data_argument="test")
    missing_train = [c for c in test.columns if c not in train.columns]
    if missing_train or len(train.columns) != len(test.columns):
        raise DataValidationError(
            f"`train` and `test` must have the same columns; train has "
            f"{', '.join(map(str, train.columns))} and test has "
            f"{', '.join(map(str, test.columns))}. Select the same columns in both."
        )
    if isinstance(counterfactuals, bool) or not isinstance(counterfactuals, int | np.integer):
        raise ArgumentError(f"`counterfactuals` must be an int >= 1; received {counterfactuals!r}.")
    if counterfactuals < 1:
        raise ArgumentError(f"`counterfactuals` must be >= 1; received {counterfactuals}.")
    if not isinstance(max_test_rows, int | np.integer) or max_test_rows < 1:
        raise ArgumentError(f"`max_test_rows` must be an int >= 1; received {max_test_rows!r}.")
    if categorical_features is None:
        categorical = _default_categorical(train, target)
    else:
        categorical = normalise_names(categorical_features, argument="categorical_features")
        check_columns(train, categorical, argument="categorical_features", data_argument="train")
    treatments: list[Hashable] = []
    if "causal" in names:
        if treatment_features is None:
            raise ArgumentError(
                "The 'causal' component needs treatment_features=[...]: the features a person "
                "or a policy could change (e.g. ['hours_per_week']). Pass them, or leave "
                "'causal' out of `components`."
            )
        treatments = normalise_names(treatment_features, argument="treatment_features")
        check_columns(train, treatments, argument="treatment_features", data_argument="train")
        if target in treatments:
            raise ArgumentError(
                f"`treatment_features` includes the target {target!r}; name input features."
            )
    elif treatment_features is not None:
        raise ArgumentError(
            "`treatment_features` was given but 'causal' is not in `components`; add 'causal' "
            "or drop treatment_features."
        )
    if "counterfactual" in names:
        _check_complete(train, "train", "counterfactual search")
        _check_complete(test, "test", "counterfactual search")
    if "causal" in names:
        _check_complete(train, "train", "causal analysis")
    if "counterfactual" in names or "causal" in names:
        _check_test_categories(train, test, categorical)

    n_given = len(test)
    if n_given > max_test_rows:
        warnings.warn(
            f"`test` has {n_given} rows, more than max_test_rows={max_test_rows}; the dashboard "
            f"shows a random sample of {max_test_rows} rows (random_state={random_state}). "
            f"Pass max_test_rows={n_given} to keep every row (slower).",
            SamplingWarning,
            stacklevel=2,
        )
        test = test.sample(n=max_test_rows, random_state=random_state)

    check_fitted(model)
    X_test = test.drop(columns=[target])
    try:
        call_model(model, X_test, "predict")
        if task == "classification":
            call_model(model, X_test, "predict_proba")
    except ModelError as err:
        raise ModelError(f"The model failed on the rows of `test`: {err}") from err

    cf_binary = task == "classification" and len(np.unique(train[target])) == 2
    if "counterfactual" in names and not cf_binary:
        raise ArgumentError(
            "build_insights computes counterfactuals for binary classification only (they "
            f"target the opposite class); this is {task} with "
            f"{len(np.unique(train[target]))} distinct target values. Leave 'counterfactual' out "
            "of `components`, or add it with RAIInsights.counterfactual.add(desired_class=...)."
        )

    from rai_toolkit.dashboard._cohorts import sensitive_cohorts

    cohorts = sensitive_cohorts(test, sensitive, categorical_features=categorical)

    responsibleai = _import_responsibleai()
    say(f"RAIInsights: {len(train)} train rows, {len(test)} test rows, components: {names}")
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured):
            rai = responsibleai.RAIInsights(
                model,
                train,
                test,
                target_column=target,
                task_type=task,
                maximum_rows_for_test=max(len(test), 1),
                feature_metadata=responsibleai.FeatureMetadata(
                    categorical_features=[str(c) for c in categorical]
                ),
            )
    except Exception as err:  # noqa: BLE001 - RAIInsights raises many types
        raise DashboardError(
            f"responsibleai.RAIInsights rejected the inputs: {type(err).__name__}: {err}"
        ) from err

    timings: dict[str, float] = {}
    cf_stats = None
    for name in names:
        t0 = time.perf_counter()
        say(f"{name} ...")
        try:
            with contextlib.redirect_stdout(captured):
                if name == "explainer":
                    rai.explainer.add()
                    rai.explainer.compute()
                elif name == "error_analysis":
                    rai.error_analysis.add()
                    rai.error_analysis.compute()
                elif name == "causal":
                    rai.causal.add(
                        treatment_features=[str(t) for t in treatments],
                        random_state=random_state,
                    )
                    rai.causal.compute()
                else:
                    cf_stats = _add_counterfactuals(
                        rai,
                        model,
                        train,
                        test,
                        target=target,
                        categorical=categorical,
                        total_cfs=int(counterfactuals),
                        random_state=random_state,
                        say=say,
                    )
        except (ModelError, ArgumentError, DataValidationError):
            raise
        except Exception as err:  # noqa: BLE001 - report which component failed
            raise DashboardError(
                f"Computing the {name!r} component failed: {type(err).__name__}: {err}. "
                f"Leave it out of `components` to build the others."
            ) from err
        timings[name] = time.perf_counter() - t0
        say(f"{name} done in {timings[name]:.1f} s")
    timings["total"] = time.perf_counter() - t_start
    info = {
        "schema": SCHEMA,
        "task": task,
        "target": target,
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "test_rows_given": int(n_given),
        "sensitive_features": list(sensitive),
        "categorical_features": list(categorical),
        "components": names,
        "timings_s": timings,
        "counterfactuals": cf_stats,
    }
    return Insights(rai, cohorts, info)


def _add_counterfactuals(
    rai: Any,
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    target: Hashable,
    categorical: Sequence[Hashable],
    total_cfs: int,
    random_state: int | None,
    say: Any,
) -> dict[str, Any]:
    """Search counterfactuals in batch and store them in ``rai.counterfactual``."""
    import jsonschema
    from responsibleai.managers.counterfactual_manager import CounterfactualManager

    from rai_toolkit.dashboard._counterfactuals import search_counterfactuals, to_dice_explanations

    manager = rai.counterfactual
    # dice-ml computes feature importances only from 10 counterfactuals per row up
    importance = total_cfs >= 10
    manager.add(
        total_CFs=total_cfs,
        desired_class="opposite",
        method="random",
        feature_importance=importance,
    )
    config = manager._counterfactual_config_list[-1]
    train_X = train.drop(columns=[target])
    search = search_counterfactuals(
        model,
        train_X,
        test.drop(columns=[target]),
        categorical_features=categorical,
        total_cfs=total_cfs,
        random_state=random_state,
        progress=lambda m: say(f"counterfactual {m}"),
    )
    explanations = to_dice_explanations(
        search,
        train,
        target=target,
        continuous_features=config.continuous_features,
        importance=importance,
    )
    schema = CounterfactualManager._get_counterfactual_schema(version="2.0")
    jsonschema.validate(json.loads(explanations.to_json()), schema)
    config.explainer = manager._create_diceml_explainer(
        method=config.method, continuous_features=config.continuous_features
    )
    config.counterfactual_obj = explanations
    config.is_computed = True
    changed = [
        float(
            (cfs.reset_index(drop=True) != search.query.iloc[[i] * len(cfs)].reset_index(drop=True))
            .sum(axis=1)
            .mean()
        )
        for i, cfs in enumerate(search.counterfactuals)
        if len(cfs)
    ]
    return {
        "method": "rai_toolkit batched random search",
        "per_row": total_cfs,
        "rows": int(len(search.query)),
        "complete_share": search.complete,
        "validity": search.validity,
        "mean_changed_features": float(np.mean(changed)) if changed else float("nan"),
    }
