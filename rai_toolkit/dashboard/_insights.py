"""Build the Responsible AI dashboard's insights in one call: :func:`build_insights`.

The analyses themselves (explainer, error analysis, causal analysis) are computed by
responsibleai 0.36 in the dashboard runtime, its own Python 3.11 environment (see
``_runtime``). This module checks the inputs, finds the counterfactuals here with the
user's model, and hands the rest across through :mod:`rai_toolkit.dashboard._bridge`:
data and counterfactuals as files, predictions over a loopback channel. The model never
leaves this process.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._result import Result, Summary
from rai_toolkit._scalars import (
    Progress,
    SeedLike,
    as_seed,
    check_choice,
    check_int,
    check_names,
    check_progress,
    describe,
)
from rai_toolkit._validation import (
    call_model,
    check_columns,
    check_data_frame,
    check_fitted,
    check_names_for_two_frames,
    check_sensitive_not_target,
    check_target_values,
    normalise_names,
)
from rai_toolkit.dashboard._cohorts import Cohort
from rai_toolkit.exceptions import (
    ArgumentError,
    DashboardError,
    DataValidationError,
    ModelError,
    SamplingWarning,
)

__all__ = ["COMPONENTS", "SCHEMA", "Insights", "build_insights"]

#: Analyses :func:`build_insights` can compute, in the order they run.
COMPONENTS = ("explainer", "error_analysis", "counterfactual", "causal")
#: Schema tag of :meth:`Insights.to_dict`.
SCHEMA = "rai_toolkit.insights/1"
_TASKS = ("classification", "regression")

RAI_INSIGHTS_MOVED = (
    "Insights.rai_insights is gone: responsibleai 0.36 cannot run next to current numpy / "
    "pandas / scikit-learn, so the RAIInsights object lives in rai_toolkit's dashboard "
    "runtime, not in this process. Its saved form is the folder insights.folder "
    "({folder}), which RAIInsights.load reads in an environment holding responsibleai 0.36 "
    "and rai_toolkit, such as the runtime ({python}). Use launch_dashboard(insights) to "
    "show it and save_insights(insights, path) to share it."
)


class Insights(Result):
    """Computed Responsible AI dashboard insights plus sensitive-group cohorts.

    Made by :func:`build_insights` or :func:`~rai_toolkit.dashboard.load_insights`;
    shown with :func:`~rai_toolkit.dashboard.launch_dashboard`. The computed
    ``RAIInsights`` is kept as a folder (:attr:`folder`) that the dashboard runtime
    reads; the model stays here (:attr:`model`) and answers the dashboard's predictions.

    Parameters
    ----------
    folder : str or os.PathLike
        Folder written by ``RAIInsights.save`` in the dashboard runtime.
    model : object
        The fitted model the insights describe.
    cohorts : list of Cohort
        Cohorts offered in the dashboard's cohort selector.
    info : dict
        Metadata, in the :meth:`to_dict` schema (without ``cohorts``).
    """

    def __init__(
        self,
        folder: str | Path,
        model: Any,
        cohorts: Sequence[Cohort],
        info: dict[str, Any],
        *,
        _owned_dir: str | Path | None = None,
    ):
        self._folder = Path(folder)
        self._model = model
        self._cohorts = list(cohorts)
        self._info = dict(info)
        if _owned_dir is not None:  # a temporary folder of build_insights: ours to remove
            weakref.finalize(self, shutil.rmtree, str(_owned_dir), True)

    @property
    def folder(self) -> Path:
        """Folder holding the computed ``RAIInsights`` (temporary until saved)."""
        return self._folder

    @property
    def model(self) -> Any:
        """The model; the dashboard asks it for predictions in this process."""
        return self._model

    @property
    def rai_insights(self) -> Any:
        """Removed: the ``RAIInsights`` lives in the dashboard runtime (see :attr:`folder`).

        Raises
        ------
        DashboardError
            Always, saying where the computed insights are and how to use them.
        """
        from rai_toolkit.dashboard._runtime import runtime_dir

        raise DashboardError(
            RAI_INSIGHTS_MOVED.format(folder=self._folder, python=runtime_dir() / "bin" / "python")
        )

    @property
    def cohorts(self) -> list[Cohort]:
        """The sensitive-group cohorts, a copy of the list."""
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
        out["cohorts"] = [
            {"name": c.name, "filters": json.loads(json.dumps(
                [f.to_dict() for f in c.cohort_filter_list], default=_json_default))}
            for c in self._cohorts
        ]
        return out

    def _summary(self) -> Summary:
        info = self._info
        timings = info["timings_s"]
        parts = ", ".join(f"{c} {timings.get(c, 0.0):.1f}s" for c in info["components"])
        lines = [
            f"components: {parts or 'none'} (total {timings.get('total', 0.0):.1f}s)",
            f"cohorts: {len(self._cohorts)} ({', '.join(self.cohort_names[:6])}"
            f"{', ...' if len(self._cohorts) > 6 else ''})",
        ]
        cf = info.get("counterfactuals")
        if cf:
            lines.append(
                f"counterfactuals: {cf['per_row']} per row, {cf['complete_share']:.0%} of rows "
                f"complete, {cf['validity']:.1%} flip the prediction"
            )
        timing_rows = [(c, f"{timings.get(c, 0.0):.1f} s") for c in info["components"]]
        return Summary(
            title="Responsible AI insights",
            head=(
                f"{info['task']}, target={info['target']!r}, "
                f"{info['n_train']} train / {info['n_test']} test rows"
            ),
            rows=[*timing_rows, ("total", f"{timings.get('total', 0.0):.1f} s")],
            text=(
                f"{info['task']}, target {info['target']!s}. "
                f"Cohorts: {', '.join(self.cohort_names) or 'none'}. "
                "Open with rai_toolkit.launch_dashboard(insights)."
            ),
            lines=lines,
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
            f"received {components!r}.",
            argument="components",
        ) from err
    check_names(names, argument="components", allowed=COMPONENTS, what="the dashboard components")
    if not names:
        raise ArgumentError(
            f"`components` is empty; name at least one of: {', '.join(COMPONENTS)}.",
            argument="components",
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
            f"`components`.",
            argument=argument,
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
            f"`test` has categories that never occur in `train` ({listed}); causal analysis "
            f"(responsibleai) can only use categories seen in training. Move rows with those "
            f"values into train, remove them from test explicitly, or leave 'causal' out of "
            f"`components` (the other components accept them).",
            argument="test",
        )




def _names(value: Any, argument: str, *, single: bool = False) -> list[str]:
    """Column names given as ``argument``: strings (the dashboard's names), not data."""
    check_names_for_two_frames(value, argument=argument, frames="`train` and `test`")
    names = [value] if single else normalise_names(value, argument=argument)
    odd = [n for n in names if not isinstance(n, str)]
    if odd:
        raise ArgumentError(
            f"`{argument}` must name {'a column' if single else 'columns'} by string; received "
            f"{', '.join(describe(n) for n in odd[:5])}. The dashboard names features by "
            f"string: pass e.g. {argument}={'income' if single else ['sex']!r}.",
            argument=argument,
        )
    return list(names)


def _check_string_columns(frame: pd.DataFrame, argument: str) -> None:
    odd = [c for c in frame.columns if not isinstance(c, str)]
    if odd:
        listed = ", ".join(repr(c) for c in odd[:10])
        raise DataValidationError(
            f"`{argument}` has column names that are not strings ({listed}); the dashboard "
            f"names features by string. Rename the columns to strings and train the model on "
            f"the renamed frame, e.g. X.columns = X.columns.astype(str).",
            argument=argument,
        )


def _write_data(frame: pd.DataFrame, path: Path, argument: str) -> None:
    """Write ``frame`` for the runtime, naming the column Arrow cannot carry."""
    import pyarrow as pa

    from rai_toolkit.dashboard._wire import write_frame

    try:
        write_frame(frame, path)
    except (pa.ArrowException, TypeError, ValueError) as err:
        for col in frame.columns:
            try:
                pa.array(frame[col], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError) as col_err:
                raise DataValidationError(
                    f"Column {col!r} of `{argument}` cannot be handed to the dashboard "
                    f"({type(col_err).__name__}: {col_err}); it mixes value types. Give it "
                    f"one type, e.g. {argument}[{col!r}] = {argument}[{col!r}].astype(str) for "
                    f"a category.",
                    argument=argument,
                ) from err
        raise DataValidationError(
            f"`{argument}` cannot be handed to the dashboard ({type(err).__name__}: {err}).",
            argument=argument,
        ) from err


def _resolve_components(
    components: Sequence[str] | None, treatment_features: Any, say: Any
) -> list[str]:
    if components is not None:
        return _check_components(components)
    if treatment_features is None:
        say(
            "causal analysis skipped: it runs when treatment_features=[...] names features a "
            "person or a policy could change (e.g. ['hours_per_week'])"
        )
        return [c for c in COMPONENTS if c != "causal"]
    return list(COMPONENTS)


def build_insights(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    target: str,
    sensitive_features: str | Sequence[str],
    task: str = "classification",
    components: Sequence[str] | None = None,
    counterfactuals: int = 10,
    treatment_features: Sequence[str] | None = None,
    categorical_features: Sequence[str] | None = None,
    max_test_rows: int = 5000,
    random_state: SeedLike = None,
    progress: Progress = True,
) -> Insights:
    """Compute the Responsible AI dashboard's analyses and sensitive-group cohorts.

    The explainer, error analysis and causal analysis are computed by
    ``responsibleai.RAIInsights`` in the dashboard runtime, an environment of its own
    that rai_toolkit builds on first use (see ``python -m rai_toolkit.dashboard._runtime``).
    The model stays in this process and answers the runtime's prediction requests.
    Counterfactuals are found here by a batched search (all test rows at once, one
    ``predict_proba`` call per round) and stored in the ``RAIInsights`` counterfactual
    manager in dice-ml's format, so the dashboard shows them as its own. Every
    counterfactual is checked with ``model.predict``; the share that flips the
    prediction is in :attr:`Insights.counterfactual_stats`.

    Parameters
    ----------
    model : object
        Fitted model with ``predict`` (and ``predict_proba`` for
        classification) accepting ``test.drop(columns=target)``.
    train : pandas.DataFrame
        Training data, including ``target``. Column names must be strings.
    test : pandas.DataFrame
        Data the dashboard shows, including ``target``.
    target : str
        Target column.
    sensitive_features : str or sequence of str
        Columns whose groups become dashboard cohorts.
    task : {"classification", "regression"}, default="classification"
        Model task.
    components : sequence of str, optional
        Analyses to compute, among ``"explainer"``, ``"error_analysis"``,
        ``"counterfactual"`` and ``"causal"``. Default: all of them, except
        ``"causal"`` when no ``treatment_features`` are given (a progress line says so).
    counterfactuals : int, default=10
        Counterfactuals per test row (binary classification only).
    treatment_features : sequence of str, optional
        Features whose causal effect is estimated; required with ``"causal"``.
    categorical_features : sequence of str, optional
        Categorical columns; default: object, category, bool and string columns.
    max_test_rows : int, default=5000
        Larger test sets are sampled down to this many rows, with a
        :class:`~rai_toolkit.exceptions.SamplingWarning`.
    random_state : int, numpy.random.Generator or numpy.random.RandomState, optional
        Seed for sampling, counterfactual search and causal models (a generator gives
        one draw, used as the seed of all three).
    progress : bool or callable, default=True
        ``True`` prints one line per step to stderr, ``False`` or ``None`` is silent, a
        callable receives each line.

    Returns
    -------
    Insights
        The computed insights and cohorts.

    Raises
    ------
    DataValidationError
        Missing target, sensitive or treatment column; missing values where a
        component needs complete data; test categories unseen in train with
        ``"causal"``; column names that are not strings.
    ArgumentError
        Unknown component or task, bad counts, causal without treatment features.
    ModelError
        The model fails on the test rows (here, or when the runtime asks it).
    DashboardError
        The runtime cannot be built or started, responsibleai rejected the inputs,
        a component failed, or the runtime process died.

    Examples
    --------
    >>> insights = build_insights(model, train, test, target="income",
    ...                           sensitive_features=["sex", "race"],
    ...                           treatment_features=["hours_per_week"])  # doctest: +SKIP
    >>> url = launch_dashboard(insights)  # doctest: +SKIP
    """
    t_start = time.perf_counter()
    say = check_progress(progress)
    train = check_data_frame(train, argument="train")
    test = check_data_frame(test, argument="test")
    [target] = _names(target, "target", single=True)
    check_columns(train, [target], argument="target", data_argument="train")
    check_columns(test, [target], argument="target", data_argument="test")
    task = check_choice(task, argument="task", choices=_TASKS)
    sensitive = _names(sensitive_features, "sensitive_features")
    check_columns(test, sensitive, argument="sensitive_features", data_argument="test")
    check_sensitive_not_target(test, target, sensitive)
    missing_train = [c for c in test.columns if c not in train.columns]
    if missing_train or len(train.columns) != len(test.columns):
        raise DataValidationError(
            f"`train` and `test` must have the same columns; train has "
            f"{', '.join(map(str, train.columns))} and test has "
            f"{', '.join(map(str, test.columns))}. Select the same columns in both."
        )
    _check_string_columns(train, "train")
    for frame, name in ((train, "train"), (test, "test")):
        check_target_values(frame[target], target=target, data_argument=name,
                            purpose="the dashboard needs a label on every row")
    counterfactuals = check_int(counterfactuals, argument="counterfactuals", low=1)
    max_test_rows = check_int(max_test_rows, argument="max_test_rows", low=1)
    # the runtime's causal analysis takes an int seed: a generator gives one draw
    seed = as_seed(random_state)
    if categorical_features is None:
        categorical = _default_categorical(train, target)
    else:
        categorical = _names(categorical_features, "categorical_features")
        check_columns(train, categorical, argument="categorical_features", data_argument="train")
        if target in categorical:
            raise ArgumentError(
                f"`categorical_features` includes the target {target!r}; name input columns "
                f"only (the task says how the target is read).",
                argument="categorical_features",
            )
    names = _resolve_components(components, treatment_features, say)
    treatments: list[Hashable] = []
    if "causal" in names:
        if treatment_features is None:
            raise ArgumentError(
                "The 'causal' component needs treatment_features=[...]: the features a person "
                "or a policy could change (e.g. ['hours_per_week']). Pass them, or leave "
                "'causal' out of `components`.",
                argument="treatment_features",
            )
        treatments = _names(treatment_features, "treatment_features")
        check_columns(train, treatments, argument="treatment_features", data_argument="train")
        if target in treatments:
            raise ArgumentError(
                f"`treatment_features` includes the target {target!r}; name input features.",
                argument="treatment_features",
            )
    elif treatment_features is not None:
        raise ArgumentError(
            "`treatment_features` was given but 'causal' is not in `components`; add 'causal' "
            "or drop treatment_features.",
            argument="treatment_features",
        )
    if "counterfactual" in names:
        _check_complete(train, "train", "counterfactual search")
        _check_complete(test, "test", "counterfactual search")
    if "causal" in names:
        _check_complete(train, "train", "causal analysis")
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
        test = test.sample(n=max_test_rows, random_state=seed)

    check_fitted(model)
    X_test = test.drop(columns=[target])
    methods = ["predict"] + (["predict_proba"] if task == "classification" else [])
    try:
        for method in methods:
            call_model(model, X_test, method)
    except ModelError as err:
        raise ModelError(f"The model failed on the rows of `test`: {err}") from err

    n_classes = len(np.unique(train[target]))
    if "counterfactual" in names and not (task == "classification" and n_classes == 2):
        raise ArgumentError(
            "build_insights computes counterfactuals for binary classification only (they "
            f"target the opposite class); this is {task} with {n_classes} distinct target "
            "values. Leave 'counterfactual' out of `components`.",
            argument="components",
        )

    from rai_toolkit.dashboard._bridge import PredictionChannel, RuntimeProcess
    from rai_toolkit.dashboard._cohorts import sensitive_cohorts

    cohorts = sensitive_cohorts(test, sensitive, categorical_features=categorical)
    classes = None
    if task == "classification":
        classes = np.asarray(getattr(model, "classes_", np.unique(train[target]))).tolist()
    workdir = Path(tempfile.mkdtemp(prefix="rai_toolkit-insights-"))
    runtime = None
    try:
        _write_data(train, workdir / "train.arrow", "train")
        _write_data(test, workdir / "test.arrow", "test")
        # start the runtime now: it loads responsibleai while the counterfactuals are found here
        runtime = RuntimeProcess(say=say, build_progress=say if progress else False)
        cf_stats, search_s = None, 0.0
        if "counterfactual" in names:
            t0 = time.perf_counter()
            say(f"counterfactual search: {counterfactuals} per row for {len(test)} rows")
            cf_stats = _search_counterfactuals(
                model, train, test, workdir, target=target, categorical=categorical,
                total_cfs=int(counterfactuals), random_state=seed, say=say,
            )
            search_s = time.perf_counter() - t0
        job = {
            "target": target,
            "task": task,
            "classes": classes,
            "categorical": [str(c) for c in categorical],
            "components": names,
            "treatment_features": [str(t) for t in treatments],
            "random_state": seed,
            "counterfactuals": int(counterfactuals),
            # dice-ml computes feature importances only from 10 counterfactuals per row up
            "counterfactual_importance": int(counterfactuals) >= 10,
        }
        runtime.step = "computing the insights"
        with PredictionChannel(model, methods=methods) as channel:
            result = runtime.request(
                {"op": "build", "workdir": str(workdir), "channel": channel.spec(), "spec": job}
            )
        runtime.stop()
        for name in ("train.arrow", "test.arrow", "cf_query.arrow", "cf_rows.arrow",
                     "cf_meta.json"):
            (workdir / name).unlink(missing_ok=True)
    except BaseException:
        if runtime is not None:
            runtime.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        if runtime is not None:
            runtime.close_log()
    timings = {name: float(result["timings"].get(name, 0.0)) for name in names}
    if "counterfactual" in timings:
        timings["counterfactual"] += search_s
    timings["total"] = time.perf_counter() - t_start
    info = {
        "schema": SCHEMA,
        "task": task,
        "target": target,
        "n_train": int(len(train)),
        "n_test": int(result["n_test"]),
        "test_rows_given": int(n_given),
        "sensitive_features": list(sensitive),
        "categorical_features": list(categorical),
        "components": names,
        "timings_s": timings,
        "counterfactuals": cf_stats,
    }
    return Insights(workdir / "rai_insights", model, cohorts, info, _owned_dir=workdir)


def _search_counterfactuals(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    workdir: Path,
    *,
    target: Hashable,
    categorical: Sequence[Hashable],
    total_cfs: int,
    random_state: int | None,
    say: Any,
) -> dict[str, Any]:
    """Search counterfactuals here, with the model; write them for the runtime."""
    from rai_toolkit.dashboard._counterfactuals import search_counterfactuals
    from rai_toolkit.dashboard._wire import write_search

    search = search_counterfactuals(
        model,
        train.drop(columns=[target]),
        test.drop(columns=[target]),
        categorical_features=categorical,
        total_cfs=total_cfs,
        random_state=random_state,
        progress=lambda m: say(f"counterfactual {m}"),
    )
    write_search(search, workdir)
    return {
        "method": "rai_toolkit batched random search",
        "per_row": total_cfs,
        "rows": int(len(search.query)),
        "complete_share": search.complete,
        "validity": search.validity,
        "mean_changed_features": search.mean_changed_features,
    }
