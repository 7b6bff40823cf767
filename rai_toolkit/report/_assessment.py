"""``assess``: every check in one call, and the :class:`Assessment` it returns.

``assess`` validates once (:func:`~rai_toolkit._validation.prepare_data`),
predicts once, and hands the predictions to the fairness analysis and the
error analysis; explanations, privacy, membership inference and robustness
run on the same rows. The :class:`Assessment` keeps every result object for
the analyst, and builds the *shareable document* (:meth:`Assessment.to_dict`)
once: small groups suppressed, numbers only read from the result objects. The
HTML report, the JSON file and the CLI summary all read that document.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._io import HTML_SUFFIXES, check_output_path, dump_json, write_text_atomic
from rai_toolkit._scalars import (
    Progress,
    SeedLike,
    as_seed,
    check_bool,
    check_int,
    check_mapping,
    check_progress,
    check_text,
    describe,
)
from rai_toolkit._validation import (
    check_columns,
    check_data_frame,
    prepare_data,
    resolve_columns,
)
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    FallbackWarning,
    RaiToolkitError,
    SamplingWarning,
)
from rai_toolkit.report._document import fairness_section, robustness_section
from rai_toolkit.report._error_analysis import ErrorAnalysis, analyze_errors
from rai_toolkit.report._scorecard import build_scorecard, findings
from rai_toolkit.report._suppression import (
    INTERSECTIONAL,
    SuppressionPlan,
    check_min_cell_size,
    group_counts,
    plan_suppression,
)

__all__ = ["SCHEMA", "Assessment", "assess"]

#: Identifier and version of the :meth:`Assessment.to_dict` schema (docs/report_schema.md).
SCHEMA = "rai_toolkit.assessment/1"

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


class Assessment:
    """Fairness, explanations, error analysis and security checks of one model on one data set.

    Create with :func:`assess`. The result objects are kept as attributes;
    :meth:`to_dict` is the shareable document (small groups suppressed) that
    :meth:`to_html` and :meth:`to_json` write.

    Attributes
    ----------
    fairness : FairnessReport
    explanation : ExplanationReport or None
    disparity_explanations : dict
        Sensitive feature -> DisparityExplanation.
    errors : ErrorAnalysis
    privacy : PrivacyReport or None
    membership : MembershipInferenceResult or None
    robustness : RobustnessReport or None
    mitigation : MitigationResult or None
    suppression : SuppressionPlan
    notes : list of str
        What was skipped, sampled or approximated, and why.
    """

    def __init__(
        self,
        *,
        fairness: Any,
        errors: ErrorAnalysis,
        suppression: SuppressionPlan,
        explanation: Any = None,
        disparity_explanations: Mapping[Hashable, Any] | None = None,
        privacy: Any = None,
        membership: Any = None,
        robustness: Any = None,
        mitigation: Any = None,
        context: Mapping[str, Any] | None = None,
        notes: Sequence[str] = (),
    ) -> None:
        self.fairness = fairness
        self.errors = errors
        self.suppression = suppression
        self.explanation = explanation
        self.disparity_explanations = dict(disparity_explanations or {})
        self.privacy = privacy
        self.membership = membership
        self.robustness = robustness
        self.mitigation = mitigation
        self.notes = list(notes)
        self._context = dict(context or {})
        self._document = self._build_document()

    # ------------------------------------------------------------------ document
    def _explanation_section(self) -> dict[str, Any] | None:
        ex = self.explanation
        if ex is None:
            return None
        d = ex.to_dict()
        top = dict(list(d["global_importance"].items())[:20])
        disparity = {}
        for feature, gap in self.disparity_explanations.items():
            g = gap.to_dict()
            contributions = sorted(g["contributions"].items(), key=lambda kv: -abs(kv[1] or 0.0))
            disparity[str(feature)] = {
                "groups": g["groups"],
                "output": g["output"],
                "total": g["total"],
                "measured_total": g["measured_total"],
                "group_means": {k: g["group_means"][k] for k in g["groups"]},
                "top_contributions": [
                    {"feature": k, "contribution": v} for k, v in contributions[:12]
                ],
                "other_contribution": float(sum(v or 0.0 for _, v in contributions[12:])),
            }
        return {
            "method": d["method"],
            "detail": d["detail"],
            "output": d["output"],
            "explained_class": d["explained_class"],
            "n_rows": d["n_rows"],
            "base_value": d["base_value"],
            "additivity_error": d["additivity_error"],
            "global_importance": top,
            "n_features": len(d["features"]),
            "disparity": disparity,
        }

    def _build_document(self) -> dict[str, Any]:
        ctx = self._context
        plan = self.suppression
        doc: dict[str, Any] = {
            "schema": SCHEMA,
            "title": ctx.get("title") or "Responsible AI assessment",
            "created_at": ctx.get("created_at"),
            "toolkit_version": ctx.get("toolkit_version"),
            "settings": ctx.get("settings", {}),
            "model_card": ctx.get("model_card", {}),
            "suppression": plan.to_dict(),
        }
        doc["fairness"] = fairness_section(self.fairness, plan)
        doc["explanations"] = self._explanation_section()
        doc["error_analysis"] = self.errors.to_dict(top=15)
        security: dict[str, Any] = {
            "privacy": None if self.privacy is None else self.privacy.to_dict(),
            "membership": None if self.membership is None else self.membership.to_dict(),
            "robustness": None
            if self.robustness is None
            else robustness_section(self.robustness, plan),
            "model_source": ctx.get("model_source"),
        }
        doc["security"] = security
        if self.mitigation is not None:
            m = self.mitigation.to_dict()
            doc["mitigation"] = {
                k: m.get(k)
                for k in (
                    "method",
                    "mitigator",
                    "constraint",
                    "disparity_measure",
                    "objective",
                    "n_train",
                    "n_test",
                    "randomized",
                    "needs_sensitive_features",
                    "notes",
                    "comparison",
                    "tradeoff",
                )  # fmt: skip
            }
        else:
            doc["mitigation"] = None
        doc["notes"] = list(self.notes)
        doc["findings"] = findings(doc)
        doc["scorecard"] = build_scorecard(doc)
        from rai_toolkit.report._impact import impact_markdown

        doc["impact_assessment"] = impact_markdown(doc, **ctx.get("impact", {}))
        from rai_toolkit.report._bundle import evidence_map

        doc["regulatory_evidence"] = evidence_map(doc)
        return doc

    # ------------------------------------------------------------------ properties
    @property
    def verdicts(self) -> pd.DataFrame:
        """Every fairness verdict, per grouping (each sensitive feature, and intersectional).

        Columns: ``grouping``, ``criterion``, ``metric``, ``value``, ``lower``,
        ``upper``, ``threshold``, ``direction``, ``status``, ``reason``. Values
        that would reveal a suppressed group are missing (NaN).
        """
        rows = self._document["fairness"]["verdicts"]
        cols = ["grouping", "criterion", "metric", "value", "lower", "upper", "threshold",
                "direction", "status", "reason"]  # fmt: skip
        return pd.DataFrame([{c: r[c] for c in cols} for r in rows], columns=cols)

    @property
    def scorecard(self) -> pd.DataFrame:
        """The Responsible AI scorecard: one row per principle.

        Columns: ``principle``, ``title``, ``status`` (``"meets policy"``,
        ``"concern"``, ``"inconclusive"``, ``"not assessed"`` or ``"human
        review"``), ``evidence``, ``anchor`` (report section id) and
        ``human_judgment``.
        """
        return pd.DataFrame(self._document["scorecard"]).set_index("principle")

    @property
    def findings(self) -> list[str]:
        """Plain-language top findings."""
        return list(self._document["findings"])

    def failed(self, criteria: Sequence[str] | None = None) -> list[str]:
        """Return the criteria whose verdict is ``"fail"`` in any grouping.

        Parameters
        ----------
        criteria : sequence of str, optional
            Only consider these criteria.

        Returns
        -------
        list of str
            Failed criterion names, sorted.
        """
        rows = self._document["fairness"]["verdicts"]
        wanted = None if criteria is None else set(criteria)
        return sorted(
            {
                r["criterion"]
                for r in rows
                if r["status"] == "fail" and (wanted is None or r["criterion"] in wanted)
            }
        )

    # ------------------------------------------------------------------ views
    def to_dict(self) -> dict[str, Any]:
        """Return the shareable document (small groups suppressed).

        The schema (``"schema": "rai_toolkit.assessment/1"``) is documented in
        ``docs/report_schema.md``.

        Returns
        -------
        dict
            A deep copy; JSON-compatible.
        """
        return json.loads(json.dumps(self._document, default=_json_default))

    def to_json(self, path: str | os.PathLike | None = None, *, indent: int | None = 2) -> str:
        """Serialise :meth:`to_dict` as JSON, optionally to a file (written atomically).

        Parameters
        ----------
        path : str or path-like, optional
            Where to write; must end in ``.json``.
        indent : int or None, default=2
            JSON indentation.

        Returns
        -------
        str
            The JSON text.
        """
        return dump_json(self._document, path, indent=indent, default=_json_default)

    def to_html(self, path: str | os.PathLike | None = None) -> str:
        """Render the self-contained HTML report, optionally to a file (written atomically).

        Parameters
        ----------
        path : str or path-like, optional
            Where to write; must end in ``.html`` (or ``.htm``). Checked before rendering.

        Returns
        -------
        str
            The HTML text: one file, inline CSS and SVG, no script, no request.

        Raises
        ------
        ArgumentError
            If ``path`` cannot be written or does not end in ``.html``/``.htm``
            (see :func:`rai_toolkit._io.check_output_path`).
        """
        from rai_toolkit.report._html import render_html

        if path is not None:
            check_output_path(path, suffixes=HTML_SUFFIXES)
        text = render_html(self.to_dict())
        if path is not None:
            write_text_atomic(path, text, suffixes=HTML_SUFFIXES)
        return text

    def to_bundle(
        self,
        path: str | os.PathLike,
        *,
        signing_key: Any = None,
        overwrite: bool = False,
        audits: Sequence[Any] = (),
        data: Any = None,
        model_file: str | os.PathLike | None = None,
    ) -> Path:
        """Write a verifiable evidence bundle: one zip with the report, hashes and a manifest.

        The zip holds ``report.html`` and ``report.json``, each audit in
        ``audits/`` (JSON, HTML, Markdown), ``environment.json`` (Python and
        package versions), ``evidence.json`` (date, toolkit version, sha256 of
        the data and of the model file) and ``manifest.json`` (sha256 of every
        file); with ``signing_key``, ``manifest.sig`` holds an Ed25519
        signature of the manifest. Check it with :func:`rai_toolkit.verify_bundle`.
        The layout is documented in ``docs/bundle.md``.

        Parameters
        ----------
        path : str or path-like
            The ``.zip`` to write. It is written beside and renamed into
            place, so a failed write leaves nothing behind.
        signing_key : Ed25519PrivateKey, str, path-like or bytes, optional
            Private key (object, PEM file or PEM bytes) that signs the manifest;
            make one with :func:`rai_toolkit.generate_keypair`.
        overwrite : bool, default=False
            Replace an existing file at ``path``.
        audits : sequence of BiasAudit, default=()
            Bias audits (:func:`rai_toolkit.bias_audit`) to include.
        data : pandas.DataFrame, str or path-like, optional
            The evaluation data, or its file, whose sha256 is recorded.
        model_file : str or path-like, optional
            The model file whose sha256 is recorded.

        Returns
        -------
        pathlib.Path
            The written bundle.

        Raises
        ------
        ArgumentError
            If ``path`` exists (without ``overwrite``), is not a ``.zip`` or its
            folder is missing; if ``signing_key`` is not an Ed25519 private key;
            if ``data``/``model_file`` is not an existing file.
        """
        from rai_toolkit.report._bundle import write_bundle

        return write_bundle(
            self,
            path,
            signing_key=signing_key,
            overwrite=overwrite,
            audits=audits,
            data=data,
            model_file=model_file,
        )

    def impact_assessment(self, **fields: Any) -> str:
        """Return the Impact Assessment draft as Markdown (see :func:`impact_assessment`).

        Parameters
        ----------
        **fields
            Human-judgment fields to fill in (``system_name``, ``owner``, ...).

        Returns
        -------
        str
            Markdown.
        """
        from rai_toolkit.report._impact import impact_markdown

        return impact_markdown(self.to_dict(), **{**self._context.get("impact", {}), **fields})

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for v in self._document["fairness"]["verdicts"]:
            counts[v["status"]] = counts.get(v["status"], 0) + 1
        verdicts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"
        card = ", ".join(f"{r['principle']}={r['status']}" for r in self._document["scorecard"])
        return (
            f"<Assessment {self._document['title']!r}: {self.fairness.n_rows} rows, "
            f"verdicts: {verdicts}; scorecard: {card}>"
        )

    def _repr_html_(self) -> str:
        from rai_toolkit.report._html import render_fragment

        return render_fragment(self.to_dict())


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date):
        return value.isoformat()
    return str(value)


def _nan_to_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


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
        ``data`` samples): used as the fairness section, and its group counts
        decide which groups the shared report hides.
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
    bins = check_mapping(bins, argument="bins", hint="Pass e.g. bins={'age': [0, 25, 45, 120]}.")
    # one int seed for every step, recorded in the report (a generator gives one draw)
    random_state = as_seed(random_state)
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
    data, target, sensitive_features = columns.data, columns.target, columns.sensitive_features
    if columns.features is not None:
        fairness_kwargs["features"] = columns.features
    features = fairness_kwargs.pop("features", None)
    pos_label = fairness_kwargs.pop("pos_label", 1)
    task = fairness_kwargs.get("task", "auto")
    notes: list[str] = []

    # validate everything before the first progress message, so that a bad input
    # gives one error and nothing else
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # analyze_fairness re-emits them
        checked = prepare_data(
            model,
            data,
            target=target,
            sensitive_features=sensitive_features,
            features=features,
            pos_label=pos_label,
            bins=bins,
            task=task,
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
        check_data_frame(train, argument="train")
        needed = [target, *checked.features] if model is not None else [target]
        check_columns(
            train, needed, argument="train (target and model columns)", data_argument="train"
        )

    step(f"fairness ({n_boot} bootstrap replicates)")
    from rai_toolkit.fairness import FairnessReport, analyze_fairness

    if fairness_report is not None:
        if not isinstance(fairness_report, FairnessReport):
            raise ArgumentError(
                f"fairness_report must be a FairnessReport (from analyze_fairness); received "
                f"{type(fairness_report).__name__}.",
                argument="fairness_report",
            )
    fairness = fairness_report
    if fairness_report is None:
        fairness = analyze_fairness(
            None,
            data,
            target=target,
            sensitive_features=names,
            y_pred=checked.y_pred,
            y_score=checked.y_score,
            pos_label=pos_label,
            n_boot=n_boot,
            random_state=random_state,
            bins=bins,
            **fairness_kwargs,
        )
    counts = (
        group_counts(checked.sensitive)
        if fairness_report is None
        else fairness.by_group["count"].round().astype("int64")
    )
    plan = plan_suppression(counts, min_cell_size=k, intersectional=len(names) > 1)

    step("error analysis")
    cohort_frame = data[[c for c in checked.features if c not in names]].copy()
    for name in names:
        cohort_frame[name] = checked.sensitive[name].map(str).to_numpy()
    cohort_frame["__target__"] = checked.y_true
    exclude = []
    for grouping, group in plan.reasons:
        if grouping == INTERSECTIONAL:
            exclude.append({n: str(v) for n, v in zip(names, group)})
        elif grouping != "overall":
            exclude.append({grouping: str(group)})
    errors = analyze_errors(
        None,
        cohort_frame,
        target="__target__",
        y_pred=checked.y_pred,
        cohort_features=[c for c in cohort_frame.columns if c != "__target__"],
        min_cell_size=k,
        exclude=exclude,
    )

    def optional(label: str, fn: Callable[[], Any]) -> Any:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                out = fn()
            for w in caught:
                if issubclass(w.category, SamplingWarning | FallbackWarning):
                    notes.append(f"{label}: {w.message}")
            return out
        except RaiToolkitError as err:
            message = f"{label} not available: {' '.join(str(err).split())}"
            notes.append(message)
            warnings.warn(message, FallbackWarning, stacklevel=3)
            return None

    explanation, gaps = None, {}
    if explain and model is not None:
        step("explanations (SHAP)")
        rows = data
        if max_explain_rows is not None and len(data) > max_explain_rows:
            rng = np.random.default_rng(random_state)
            pick = np.sort(rng.choice(len(data), size=max_explain_rows, replace=False))
            rows = data.iloc[pick]
            notes.append(
                f"Explanations: SHAP values were computed on a random sample of "
                f"{max_explain_rows:,} of the {len(data):,} rows (max_explain_rows); every other "
                f"section uses all rows."
            )
        from rai_toolkit.explain import explain_model

        explanation = optional(
            "Explanations",
            lambda: explain_model(
                model,
                rows,
                target=target,
                features=checked.features or None,
                random_state=random_state,
                pos_label=pos_label if checked.task == "binary" else None,
            ),
        )
        if explanation is not None:
            from rai_toolkit.explain import explain_disparity

            sample_labels = checked.sensitive.loc[rows.index]
            for name in names:
                pair = _pick_disparity_groups(
                    explanation.model_output, sample_labels[name].to_numpy(), plan, name, k
                )
                if pair is None:
                    continue
                gap = optional(
                    f"Disparity attribution for {name}",
                    lambda name=name, pair=pair: explain_disparity(
                        None,
                        rows.assign(**{name: sample_labels[name].to_numpy()}),
                        sensitive_feature=name,
                        groups=pair,
                        report=explanation,
                    ),
                )
                if gap is not None:
                    gaps[name] = gap

    privacy_report = None
    if privacy:
        step("privacy scan")
        from rai_toolkit.security import check_privacy

        privacy_report = optional("Privacy check", lambda: check_privacy(given))
    membership = None
    if train is not None and model is not None:
        step("membership inference")
        from rai_toolkit.security import membership_inference_risk

        # columns added from Series (target, sensitive features) that train does not hold
        # are not part of the evaluation table the model saw
        holdout = data[
            [c for c in data.columns if c not in columns.attached or c in train.columns]
        ]
        membership = optional(
            "Membership inference",
            lambda: membership_inference_risk(
                model,
                train,
                holdout,
                target=target,
                features=checked.features or None,
                random_state=random_state,
            ),
        )
    robust = None
    if robustness and model is not None:
        step("robustness")
        from rai_toolkit.security import check_robustness

        robust = optional(
            "Robustness",
            lambda: check_robustness(
                model,
                data,
                target=target,
                sensitive_features=names,
                random_state=random_state,
                features=checked.features or None,
                bins=bins,
                pos_label=pos_label,
            ),
        )
    if not explain:
        notes.append("Explanations were not requested (explain=False).")
    if train is None:
        notes.append("Membership inference was not run: pass train= (the training rows).")

    import rai_toolkit

    settings = {
        "target": str(target),
        "sensitive_features": [str(n) for n in names],
        "n_boot": n_boot,
        "min_cell_size": k,
        "random_state": random_state,
        "bins": None if bins is None else {str(c): str(b) for c, b in bins.items()},
        "max_explain_rows": max_explain_rows,
        "pos_label": _json_default(pos_label)
        if not isinstance(pos_label, int | str)
        else pos_label,
    }
    model_card = {
        "model": _model_description(model),
        "task": checked.task,
        "n_rows": int(checked.n_rows),
        "n_columns": int(data.shape[1]),
        "features": [str(f) for f in checked.features],
        "n_train_rows": None if train is None else int(len(train)),
        "dataset_description": dataset_description,
        "classes": None
        if checked.classes is None
        else [_json_default(c) if isinstance(c, np.generic) else c for c in checked.classes],
        "base_rate": float(np.mean(checked.y_true == pos_label))
        if checked.task == "binary"
        else None,
    }
    context = {
        "title": title,
        "created_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "toolkit_version": rai_toolkit.__version__,
        "settings": settings,
        "model_card": _nan_to_none(model_card),
        "model_source": model_source,
        "impact": dict(impact_fields or {}),
    }
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
        notes=notes,
    )
