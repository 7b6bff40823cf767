"""``assess``: every check of one model on one data set, as small steps over one validated input.

:func:`assess` validates its arguments and the data once
(:func:`~rai_toolkit._validation.prepare_data` gives one :class:`CheckedData`:
predictions, scores, groups, model columns), then runs one short step per
section - fairness, error analysis, explanations, privacy, membership
inference, robustness - each reading that input, and returns the
:class:`~rai_toolkit.report._assessment.Assessment` that the views read.
:func:`impact_assessment` and :func:`run_bundle` run an assessment when they are
not given one; the views (``_impact``, ``_html``, ``_bundle``) never do.
"""

from __future__ import annotations

import datetime as _dt
import os
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._io import MARKDOWN_SUFFIXES, check_output_path, write_text_atomic
from rai_toolkit._result import json_ready
from rai_toolkit._scalars import (
    Progress,
    SeedLike,
    as_generator,
    as_seed,
    check_bool,
    check_int,
    check_mapping,
    check_progress,
    check_text,
    describe,
)
from rai_toolkit._validation import (
    CheckedData,
    ResolvedColumns,
    check_columns,
    check_data_frame,
    prepare_data,
    resolve_columns,
)
from rai_toolkit._version import __version__
from rai_toolkit._warnings import collecting, reemit
from rai_toolkit.error_analysis._analyze import error_analysis
from rai_toolkit.error_analysis._cohorts import check_exclude
from rai_toolkit.error_analysis._result import ErrorAnalysis
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    FallbackWarning,
    MissingGroupWarning,
    RaiToolkitError,
    SamplingWarning,
)
from rai_toolkit.report._assessment import Assessment, json_default
from rai_toolkit.report._bundle import check_bundle_path, file_record, load_signing_key
from rai_toolkit.report._impact import check_fields
from rai_toolkit.report._suppression import (
    INTERSECTIONAL,
    SuppressionPlan,
    check_min_cell_size,
    group_counts,
    plan_suppression,
)

if TYPE_CHECKING:  # the fairness room is imported when a fairness step runs
    from rai_toolkit.fairness._analyze import FairnessOptions

__all__ = ["assess", "impact_assessment", "run_bundle"]

_FAIRNESS_KWARGS = ("reference_group", "ci", "min_group_size", "thresholds", "task", "features",
                    "pos_label")  # fmt: skip


def _model_description(model: Any) -> dict[str, Any]:
    steps = []
    inner = model
    if hasattr(model, "steps"):
        steps = [type(step).__name__ for _, step in model.steps]
        inner = model.steps[-1][1]
    params = {}
    if hasattr(inner, "get_params"):
        try:
            raw = inner.get_params(deep=False)
        except Exception:  # noqa: BLE001 - a description must never fail the assessment
            raw = {}
        for k, v in raw.items():
            if isinstance(v, bool | int | float | str) or v is None:
                params[str(k)] = v
    return {
        "type": type(model).__name__ if model is not None else "precomputed predictions",
        "module": type(model).__module__.split(".")[0] if model is not None else None,
        "steps": steps,
        "estimator": type(inner).__name__ if model is not None else None,
        "parameters": params,
    }


def _pick_disparity_groups(
    output: pd.Series, labels: np.ndarray, plan: SuppressionPlan, feature: Hashable, k: int
) -> tuple[Any, Any] | None:
    """Return the shown groups with the highest and lowest mean model output."""
    means = output.groupby(labels).agg(["mean", "size"])
    hidden = set(plan.suppressed_groups(feature))
    shown = ~means.index.isin(list(hidden))
    means = means[shown & (means["size"] >= k).to_numpy()]
    if len(means) < 2:
        return None
    ordered = means["mean"].sort_values(kind="mergesort")
    return ordered.index[-1], ordered.index[0]


def _check_mitigation(mitigation: Any) -> Any:
    if mitigation is None:
        return None
    from rai_toolkit.mitigation import MitigationResult

    if not isinstance(mitigation, MitigationResult):
        raise ArgumentError(
            f"mitigation must be a MitigationResult returned by rai_toolkit.mitigate(...), or "
            f"None; received {describe(mitigation)}. Run mitigate() first and pass its result "
            f"to include the before/after comparison.",
            argument="mitigation",
        )
    return mitigation


@dataclass
class _Run:
    """The one validated input of an assessment, and what its steps share."""

    model: Any
    given: pd.DataFrame  # the frame as passed (the privacy scan reads it)
    data: pd.DataFrame  # with named Series attached as columns
    columns: ResolvedColumns
    checked: CheckedData
    data_warnings: list[warnings.WarningMessage]
    target: Hashable
    names: list[Hashable]
    train: pd.DataFrame | None
    pos_label: Any
    bins: Mapping[Hashable, Any] | None
    random_state: int
    k: int
    step: Callable[[str], None]
    notes: list[str] = field(default_factory=list)

    def optional(self, label: str, fn: Callable[[], Any]) -> Any:
        """Run a section that may not apply; a failure becomes a note and a warning."""
        try:
            with collecting() as caught:
                out = fn()
            for w in caught:
                if issubclass(w.category, SamplingWarning | FallbackWarning):
                    self.notes.append(f"{label}: {w.message}")
            return out
        except RaiToolkitError as err:
            message = f"{label} not available: {' '.join(str(err).split())}"
            self.notes.append(message)
            warnings.warn(message, FallbackWarning, stacklevel=4)
            return None


def _validate(
    model: Any,
    data: Any,
    *,
    target: Any,
    sensitive_features: Any,
    train: Any,
    bins: Any,
    random_state: int,
    k: int,
    step: Callable[[str], None],
    fairness_kwargs: dict[str, Any],
) -> _Run:
    """Check the data once: one :class:`CheckedData` for every section."""
    data = check_data_frame(data)
    if train is not None:
        train = check_data_frame(train, argument="train")
    given = data
    columns = resolve_columns(
        data,
        target=target,
        sensitive_features=sensitive_features,
        features=fairness_kwargs.get("features"),
        model=model,
    )
    data, target = columns.data, columns.target
    if columns.features is not None:
        fairness_kwargs["features"] = columns.features
    features = fairness_kwargs.pop("features", None)
    pos_label = fairness_kwargs.pop("pos_label", 1)
    with collecting() as caught:
        checked = prepare_data(
            model,
            data,
            target=target,
            sensitive_features=columns.sensitive_features,
            features=features,
            pos_label=pos_label,
            bins=bins,
            task=fairness_kwargs.get("task", "auto"),
        )
    names = list(checked.sensitive.columns)
    for name in names:
        levels = pd.unique(checked.sensitive[name])
        if len(levels) < 2:
            raise DataValidationError(
                f"Sensitive feature {name!r} takes a single value ({levels[0]!r}) in all "
                f"{checked.n_rows} rows; a fairness assessment compares at least two groups. "
                f"Pass data containing several groups, or drop {name!r} from sensitive_features."
            )
    if train is not None:
        # the training rows feed membership inference; a malformed frame is an input
        # error, not a section to leave out
        needed = [target, *checked.features] if model is not None else [target]
        check_columns(
            train, needed, argument="train (target and model columns)", data_argument="train"
        )
    # what the data says (a missing-value group) is for the fairness step to re-emit and
    # record; the rest (the model's own warnings while predicting) reaches the caller now
    data_warnings = [w for w in caught if issubclass(w.category, MissingGroupWarning)]
    reemit(w for w in caught if w not in data_warnings)
    return _Run(
        model=model,
        given=given,
        data=data,
        columns=columns,
        checked=checked,
        data_warnings=data_warnings,
        target=target,
        names=names,
        train=train,
        pos_label=pos_label,
        bins=bins,
        random_state=random_state,
        k=k,
        step=step,
    )


def _check_fairness_report(report: Any, run: _Run) -> Any:
    """Check a fairness report measured elsewhere (on every row of an engine table), or None."""
    if report is None:
        return None
    from rai_toolkit.fairness import FairnessReport

    if not isinstance(report, FairnessReport):
        raise ArgumentError(
            f"fairness_report must be a FairnessReport returned by analyze_fairness(...), or "
            f"None; received {describe(report)}. Pass the report measured on all rows, or leave "
            f"it out to measure fairness on data.",
            argument="fairness_report",
        )
    if list(report.sensitive_features) != list(run.names):
        raise ArgumentError(
            f"fairness_report compares groups of {list(report.sensitive_features)}, but "
            f"sensitive_features is {list(run.names)}. Pass the report of the same sensitive "
            f"features.",
            argument="fairness_report",
        )
    return report


def _fairness(run: _Run, options: FairnessOptions) -> Any:
    """Group metrics and verdicts from the checked predictions and scores."""
    run.step(f"fairness ({options.n_boot} bootstrap replicates)")
    from rai_toolkit.fairness._analyze import fairness_from_checked

    return fairness_from_checked(
        run.checked, target=run.target, options=options, caught=run.data_warnings
    )


def _suppression(run: _Run, fairness_report: Any = None) -> SuppressionPlan:
    """Plan which group cells the shared document hides.

    From all rows' counts when fairness was measured elsewhere (an engine table).
    """
    counts = (
        group_counts(run.checked.sensitive)
        if fairness_report is None
        else fairness_report.by_group["count"].round().astype("int64")
    )
    return plan_suppression(counts, min_cell_size=run.k, intersectional=len(run.names) > 1)


def _errors(run: _Run, plan: SuppressionPlan) -> ErrorAnalysis:
    """Worst cohorts over the model columns and the groups; hidden groups are never named."""
    run.step("error analysis")
    checked, names = run.checked, run.names
    cohort_frame = run.data[[c for c in checked.features if c not in names]].copy()
    for name in names:
        cohort_frame[name] = checked.sensitive[name].map(str).to_numpy()
    exclude = []
    for grouping, group in plan.reasons:
        if grouping == INTERSECTIONAL:
            exclude.append({n: str(v) for n, v in zip(names, group)})
        elif grouping != "overall":
            exclude.append({grouping: str(group)})
    return error_analysis(
        checked,
        cohort_frame,
        cohort_features=list(cohort_frame.columns),
        min_cell_size=run.k,
        rules=check_exclude(exclude),
    )


def _explanations(
    run: _Run, plan: SuppressionPlan, *, max_explain_rows: int | None
) -> tuple[Any, dict[Hashable, Any]]:
    """SHAP values on (a sample of) the rows, and the attribution of each feature's widest gap."""
    run.step("explanations (SHAP)")
    data, checked = run.data, run.checked
    rows = data
    if max_explain_rows is not None and len(data) > max_explain_rows:
        rng = np.random.default_rng(run.random_state)
        pick = np.sort(rng.choice(len(data), size=max_explain_rows, replace=False))
        rows = data.iloc[pick]
        run.notes.append(
            f"Explanations: SHAP values were computed on a random sample of "
            f"{max_explain_rows:,} of the {len(data):,} rows (max_explain_rows); every other "
            f"section uses all rows."
        )
    from rai_toolkit.explain import explain_disparity, explain_model

    explanation = run.optional(
        "Explanations",
        lambda: explain_model(
            run.model,
            rows,
            target=run.target,
            features=checked.features or None,
            random_state=run.random_state,
            pos_label=run.pos_label if checked.task == "binary" else None,
        ),
    )
    gaps: dict[Hashable, Any] = {}
    if explanation is None:
        return None, gaps
    sample_labels = checked.sensitive.loc[rows.index]
    for name in run.names:
        labels = sample_labels[name].to_numpy()
        pair = _pick_disparity_groups(explanation.model_output, labels, plan, name, run.k)
        if pair is None:
            continue
        gap = run.optional(
            f"Disparity attribution for {name}",
            lambda name=name, pair=pair, labels=labels: explain_disparity(
                None,
                rows.assign(**{name: labels}),
                sensitive_feature=name,
                groups=pair,
                report=explanation,
            ),
        )
        if gap is not None:
            gaps[name] = gap
    return explanation, gaps


def _privacy(run: _Run) -> Any:
    """Personal data and k-anonymity of the table as given."""
    run.step("privacy scan")
    from rai_toolkit.security import check_privacy

    return run.optional("Privacy check", lambda: check_privacy(run.given))


def _membership(run: _Run) -> Any:
    """Membership-inference attack on the training rows against the evaluation rows."""
    run.step("membership inference")
    from rai_toolkit.security import membership_inference_risk

    train = run.train
    # columns added from Series (target, sensitive features) that train does not hold
    # are not part of the evaluation table the model saw
    holdout = run.data[
        [c for c in run.data.columns if c not in run.columns.attached or c in train.columns]
    ]
    return run.optional(
        "Membership inference",
        lambda: membership_inference_risk(
            run.model,
            train,
            holdout,
            target=run.target,
            features=run.checked.features or None,
            random_state=run.random_state,
        ),
    )


def _robustness(run: _Run) -> Any:
    """Prediction flips under small perturbations, from the checked predictions."""
    run.step("robustness")
    from rai_toolkit.security._robustness import measure_robustness

    return run.optional(
        "Robustness",
        lambda: measure_robustness(
            run.model,
            run.data,
            run.checked,
            target=run.target,
            rng=as_generator(run.random_state),
        ),
    )


def _context(
    run: _Run,
    *,
    n_boot: int,
    max_explain_rows: int | None,
    title: str | None,
    dataset_description: str | None,
    model_source: str | None,
    impact_fields: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Return the settings and the data and model card, as the document records them."""
    checked, pos_label, bins = run.checked, run.pos_label, run.bins
    settings = {
        "target": str(run.target),
        "sensitive_features": [str(n) for n in run.names],
        "n_boot": n_boot,
        "min_cell_size": run.k,
        "random_state": run.random_state,
        "bins": None if bins is None else {str(c): str(b) for c, b in bins.items()},
        "max_explain_rows": max_explain_rows,
        "pos_label": pos_label if isinstance(pos_label, int | str) else json_default(pos_label),
    }
    model_card = {
        "model": _model_description(run.model),
        "task": checked.task,
        "n_rows": int(checked.n_rows),
        "n_columns": int(run.data.shape[1]),
        "features": [str(f) for f in checked.features],
        "n_train_rows": None if run.train is None else int(len(run.train)),
        "dataset_description": dataset_description,
        "classes": None
        if checked.classes is None
        else [json_default(c) if isinstance(c, np.generic) else c for c in checked.classes],
        "base_rate": float(np.mean(checked.y_true == pos_label))
        if checked.task == "binary"
        else None,
    }
    return {
        "title": title,
        "created_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "toolkit_version": __version__,
        "settings": settings,
        "model_card": json_ready(model_card),
        "model_source": model_source,
        "impact": dict(impact_fields or {}),
    }


@public
def assess(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    train: pd.DataFrame | None = None,
    explain: bool = True,
    privacy: bool = True,
    robustness: bool = True,
    mitigation: Any = None,
    n_boot: int = 1000,
    min_cell_size: int = 10,
    random_state: SeedLike = None,
    title: str | None = None,
    dataset_description: str | None = None,
    bins: Mapping[Hashable, Any] | None = None,
    max_explain_rows: int | None = 5000,
    model_source: str | None = None,
    impact_fields: Mapping[str, Any] | None = None,
    progress: Progress = None,
    fairness_report: Any = None,
    **fairness_kwargs: Any,
) -> Assessment:
    """Run every Responsible AI check on a model and bundle the results for sharing.

    Parameters
    ----------
    model : estimator
        Fitted model with ``predict`` (and ``predict_proba`` for scores).
    data : pandas.DataFrame
        Evaluation rows (held out from training), with the target and the
        sensitive columns.
    target : hashable or pandas.Series
        Target column (or a named Series matched to the rows by index).
    sensitive_features : hashable, pandas.Series, DataFrame or sequence of them
        Sensitive column(s), by name or as named Series (fairlearn style).
    train : pandas.DataFrame, optional
        The training rows; enables the membership-inference check.
    explain : bool, default=True
        Compute SHAP explanations and the attribution of group gaps.
    privacy : bool, default=True
        Scan ``data`` for personal data and measure its k-anonymity.
    robustness : bool, default=True
        Measure how often predictions flip under small perturbations, by group.
    mitigation : MitigationResult, optional
        A mitigation already run (:func:`rai_toolkit.mitigation.mitigate`); its
        before/after comparison and trade-off are included.
    n_boot : int, default=1000
        Bootstrap replicates for the fairness intervals.
    min_cell_size : int, default=10
        Groups with fewer rows show no numbers in the shared report; further
        groups are hidden so that none can be derived (see Notes).
    random_state : int, numpy.random.Generator or RandomState, optional
        Seed for the bootstrap, samples and perturbations (a generator gives one
        int seed, recorded in the report's settings).
    title : str, optional
        Report title.
    dataset_description : str, optional
        Provenance of the data, shown in the data and model card.
    bins : dict, optional
        ``{column: int | edges}`` for continuous sensitive features.
    max_explain_rows : int or None, default=5000
        SHAP values are computed on a random sample of at most this many rows
        (stated in the report); None explains every row.
    model_source : str, optional
        How the model was obtained (e.g. "loaded from model.skops with skops"),
        shown in the security section.
    impact_fields : dict, optional
        Human-judgment fields of the impact assessment (``system_name``,
        ``owner``, ``intended_uses``, ...; see :func:`impact_assessment`).
    progress : bool or callable, optional
        ``True`` prints each step to stderr as it starts, a callable is called
        with the name of each step (the CLI shows them), ``None``/``False`` is silent.
    fairness_report : FairnessReport, optional
        Fairness already measured on all rows (e.g. by an engine on a table that
        ``data`` samples, as ``rai-toolkit analyze --engine`` does): used as the
        fairness section, and its group counts decide which groups the shared
        report hides. Its sensitive features must be ``sensitive_features``.
    **fairness_kwargs
        Passed to :func:`~rai_toolkit.fairness.analyze_fairness`:
        ``reference_group``, ``ci``, ``min_group_size``, ``thresholds``,
        ``task``, ``features``, ``pos_label``.

    Returns
    -------
    Assessment
        The results; ``.to_html(path)`` writes the report.

    Raises
    ------
    DataValidationError, ArgumentError, NotFittedError, ModelError
        As :func:`~rai_toolkit.fairness.analyze_fairness` for bad inputs.

    Notes
    -----
    Optional checks (explanations, privacy, membership inference,
    robustness) that fail on this model or data do not stop the assessment:
    the reason is recorded in ``notes`` and shown in the report, with a
    :class:`~rai_toolkit.exceptions.FallbackWarning`.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from rai_toolkit.datasets import make_biased_classification
    >>> ds = make_biased_classification(2000, label_bias=0.3, random_state=0)
    >>> cols = ["x0", "x1", "x2", "x3", "x4", "proxy"]
    >>> model = LogisticRegression().fit(ds.frame[cols], ds.y)
    >>> result = assess(model, ds.frame, target="y", sensitive_features="group",
    ...                 n_boot=200, random_state=0, privacy=False, robustness=False)
    >>> result.scorecard.loc["fairness", "status"]
    'concern'
    """
    step = check_progress(progress)
    unknown = sorted(set(fairness_kwargs) - set(_FAIRNESS_KWARGS))
    if unknown:
        raise ArgumentError(
            f"assess() got unexpected keyword argument(s): {', '.join(unknown)}. Accepted "
            f"fairness options are: {', '.join(_FAIRNESS_KWARGS)}.",
            argument=unknown[0],
        )
    k = check_min_cell_size(min_cell_size)
    max_explain_rows = check_int(
        max_explain_rows, argument="max_explain_rows", low=1, allow_none=True
    )
    n_boot = check_int(n_boot, argument="n_boot", low=0)
    explain = check_bool(explain, argument="explain")
    privacy = check_bool(privacy, argument="privacy")
    robustness = check_bool(robustness, argument="robustness")
    mitigation = _check_mitigation(mitigation)
    title = check_text(title, argument="title")
    dataset_description = check_text(dataset_description, argument="dataset_description")
    model_source = check_text(model_source, argument="model_source")
    impact_fields = check_mapping(impact_fields, argument="impact_fields")
    if impact_fields is not None:
        impact_fields = check_fields(impact_fields, argument="impact_fields")
    bins = check_mapping(bins, argument="bins", hint="Pass e.g. bins={'age': [0, 25, 45, 120]}.")
    # validate everything before the first progress message, so that a bad input
    # gives one error and nothing else
    from rai_toolkit.fairness._analyze import FairnessOptions

    seed = as_seed(random_state)  # one int seed for every step, recorded in the report
    fairness_options = FairnessOptions(
        reference_group=fairness_kwargs.get("reference_group"),
        n_boot=n_boot,
        ci=fairness_kwargs.get("ci", 0.95),
        random_state=seed,
        min_group_size=fairness_kwargs.get("min_group_size", 30),
        thresholds=fairness_kwargs.get("thresholds"),
        bins=bins,
    )
    run = _validate(
        model,
        data,
        target=target,
        sensitive_features=sensitive_features,
        train=train,
        bins=bins,
        random_state=seed,
        k=k,
        step=step,
        fairness_kwargs=fairness_kwargs,
    )
    fairness_report = _check_fairness_report(fairness_report, run)
    if fairness_report is None:
        fairness = _fairness(run, fairness_options)
    else:  # measured elsewhere: the data's own warnings are not in it
        reemit(run.data_warnings)
        fairness = fairness_report
    plan = _suppression(run, fairness_report)
    errors = _errors(run, plan)
    explanation, gaps = None, {}
    if explain and model is not None:
        explanation, gaps = _explanations(run, plan, max_explain_rows=max_explain_rows)
    privacy_report = _privacy(run) if privacy else None
    membership = _membership(run) if train is not None and model is not None else None
    robust = _robustness(run) if robustness and model is not None else None
    if not explain:
        run.notes.append("Explanations were not requested (explain=False).")
    if train is None:
        run.notes.append("Membership inference was not run: pass train= (the training rows).")
    context = _context(
        run,
        n_boot=n_boot,
        max_explain_rows=max_explain_rows,
        title=title,
        dataset_description=dataset_description,
        model_source=model_source,
        impact_fields=impact_fields,
    )
    step("building the report")
    return Assessment(
        fairness=fairness,
        errors=errors,
        suppression=plan,
        explanation=explanation,
        disparity_explanations=gaps,
        privacy=privacy_report,
        membership=membership,
        robustness=robust,
        mitigation=mitigation,
        context=context,
        notes=run.notes,
    )


def impact_assessment(
    assessment: Any = None,
    *,
    model: Any = None,
    data: Any = None,
    target: Hashable | None = None,
    sensitive_features: Hashable | Sequence[Hashable] | None = None,
    system_name: str | None = None,
    path: str | os.PathLike | None = None,
    **fields: Any,
) -> str:
    """Draft a Responsible AI Impact Assessment (Markdown) from measured evidence.

    Parameters
    ----------
    assessment : Assessment, optional
        A finished :func:`assess` result. If None, ``model``, ``data``,
        ``target`` and ``sensitive_features`` are assessed first (without
        explanations, for speed).
    model, data, target, sensitive_features : optional
        Used when ``assessment`` is None, as in :func:`assess`.
    system_name : str, optional
        Name of the system.
    path : str or path-like, optional
        Also write the Markdown to this file (atomically); must end in ``.md``,
        ``.markdown`` or ``.txt``. Checked before any work.
    **fields
        Further human-judgment answers; see :data:`FIELDS` (``owner``,
        ``intended_uses``, ``stakeholders``, ``sign_off``, ...). Lists become
        bullet lists.

    Returns
    -------
    str
        Markdown with five sections: System Information, Intended Uses,
        Adverse Impact, Data Requirements, Summary of Impact. Unanswered
        questions read ``> TODO (owner to complete): ...``.

    Raises
    ------
    ArgumentError
        If neither an assessment nor model and data are given, a field is
        unknown, or ``path`` cannot be written.

    Examples
    --------
    >>> text = impact_assessment(result, system_name="Loan pre-screening")  # doctest: +SKIP
    >>> text.splitlines()[0]  # doctest: +SKIP
    '# Responsible AI Impact Assessment: Loan pre-screening'
    """
    if path is not None:
        check_output_path(path, suffixes=MARKDOWN_SUFFIXES)
    if system_name is not None:
        fields["system_name"] = system_name
    fields = check_fields(fields)
    if assessment is not None and not isinstance(assessment, Assessment):
        raise ArgumentError(
            f"`assessment` must be an Assessment returned by assess(); received "
            f"{describe(assessment)}.",
            argument="assessment",
        )
    if assessment is None:
        if data is None or target is None or sensitive_features is None:
            raise ArgumentError(
                "impact_assessment() needs an Assessment from assess(), or model=, data=, "
                "target= and sensitive_features= to run one.",
                argument="assessment",
            )
        assessment = assess(
            model,
            data,
            target=target,
            sensitive_features=sensitive_features,
            explain=False,
        )
    text = assessment.impact_assessment(**fields)
    if path is not None:
        write_text_atomic(path, text, suffixes=MARKDOWN_SUFFIXES)
    return text


def run_bundle(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Any,
    sensitive_features: Any,
    out: str | os.PathLike,
    signing_key: Any = None,
    overwrite: bool = False,
    data_file: str | os.PathLike | None = None,
    model_file: str | os.PathLike | None = None,
    audit: dict[str, Any] | None = None,
    **assess_options: Any,
) -> tuple[Any, Path]:
    """Assess a model, audit it if asked, and write the evidence bundle: ``rai-toolkit bundle``.

    Everything that can be refused (the bundle path, the key, the files to
    hash, the audit's arguments) is checked before the assessment runs.

    Parameters
    ----------
    model : estimator
        The fitted model (loaded by the caller).
    data : pandas.DataFrame
        Evaluation rows.
    target, sensitive_features
        As :func:`~rai_toolkit.report.assess`.
    out : str or path-like
        The bundle (``.zip``).
    signing_key : Ed25519PrivateKey, str, path-like or bytes, optional
        Sign the manifest.
    overwrite : bool, default=False
        Replace an existing bundle.
    data_file, model_file : str or path-like, optional
        Files whose sha256 is recorded (``data`` itself is hashed when
        ``data_file`` is not given).
    audit : dict, optional
        Keyword arguments of :func:`rai_toolkit.bias_audit` (``categories``,
        ``selected`` or ``score``, ``standard``, ...); the audit is included.
    **assess_options
        Passed to :func:`~rai_toolkit.report.assess`.

    Returns
    -------
    assessment : Assessment
        The assessment.
    path : pathlib.Path
        The written bundle.
    """
    target_path = check_bundle_path(out, overwrite=overwrite)
    key = None if signing_key is None else load_signing_key(signing_key)
    if data_file is not None:
        file_record(data_file, argument="data_file", what="data")
    if model_file is not None:
        file_record(model_file, argument="model_file", what="model")
    audits = []
    if audit is not None:
        from rai_toolkit.audit import bias_audit

        audits.append(bias_audit(data, **audit))
    assessment = assess(
        model, data, target=target, sensitive_features=sensitive_features, **assess_options
    )
    path = assessment.to_bundle(
        target_path,
        signing_key=key,
        overwrite=overwrite,
        audits=audits,
        data=data if data_file is None else data_file,
        model_file=model_file,
    )
    return assessment, path
