"""The shareable document: result objects read once, with small groups suppressed.

:func:`fairness_section` turns ``FairnessReport.to_dict()`` into the fairness
part of :meth:`Assessment.to_dict`, hiding every group the
:class:`~rai_toolkit.report._suppression.SuppressionPlan` hides, and every
number that would reveal one of them:

* the group's count, metrics and intervals, and its "undefined metric" notes
  (e.g. "no positives" tells the outcome of everyone in the group);
* a disparity (and the verdict judged on it) when a hidden group holds the
  highest or lowest value of that metric, or is the reference group, since
  ``max - min`` then gives the hidden value from a shown one.

Nothing here computes a metric; it only reads and blanks.
"""

from __future__ import annotations

import math
from typing import Any

from rai_toolkit.report._suppression import INTERSECTIONAL, SuppressionPlan

__all__ = ["fairness_section", "robustness_section"]

HIDDEN_DISPARITY = (
    "hidden: a group too small to show holds the highest or lowest value, so the value "
    "would reveal it"
)


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _safe_reason(verdict: dict[str, Any], hidden_keys: set) -> str | None:
    """Return the verdict's reason, without details of groups the report hides.

    A fairness verdict's ``reason`` names the groups it left out with their
    support, and gives the numbers over all groups; both could reveal a group
    too small to show. When a hidden group is among ``excluded_groups``, the
    reason shown is instead ``reason_with_supported_groups`` (which, by the
    fairness schema, names no group and uses no left-out group's numbers),
    followed by a count of the hidden groups and, when including the left-out
    groups changed the status (``decided_by``), that fact without numbers.
    """
    reason = verdict.get("reason")
    excluded = [k for k in verdict.get("excluded_groups") or [] if k in hidden_keys]
    if not reason or not excluded:
        return reason
    kept = [verdict.get("reason_with_supported_groups") or ""]
    kept.append(
        f"{len(excluded)} group(s) too small to show in this report were left out of this "
        f"verdict and are not named"
    )
    if verdict.get("decided_by") == "left_out_groups_change_status":
        kept.append("the outcome would differ with those groups, so the verdict is inconclusive")
    return "; ".join(k for k in kept if k)


def _grouping_section(
    result: dict[str, Any],
    *,
    name: str,
    features: list[str],
    plan: SuppressionPlan,
    reference: Any,
    n_rows: int,
) -> dict[str, Any]:
    metrics = [m for m in result["metrics"] if m != "count"]
    groups = []
    hidden_keys = set()
    for g in result["groups"]:
        labels = [g["labels"][str(f)] for f in features]
        key = tuple(labels) if name == INTERSECTIONAL else labels[0]
        grouping = INTERSECTIONAL if name == INTERSECTIONAL else features[0]
        hidden = plan.is_suppressed(grouping, key)
        if hidden:
            hidden_keys.add(g["key"])
            groups.append(
                {
                    "key": g["key"],
                    "labels": labels,
                    "suppressed": True,
                    "count": None,
                    "small": None,
                    "metrics": None,
                    "lower": None,
                    "upper": None,
                }
            )
        else:
            groups.append(
                {
                    "key": g["key"],
                    "labels": labels,
                    "suppressed": False,
                    "count": g["count"],
                    "small": g["small"],
                    "metrics": {m: g["metrics"].get(m) for m in metrics},
                    "lower": {m: g["lower"].get(m) for m in metrics},
                    "upper": {m: g["upper"].get(m) for m in metrics},
                }
            )

    def reveals(metric: str, left_out: frozenset = frozenset()) -> bool:
        if not hidden_keys - left_out:
            return False
        values = [
            (g["key"], _num(g["metrics"][metric]))
            for g in result["groups"]
            if _num(g["metrics"].get(metric)) is not None and g["key"] not in left_out
        ]
        if not values:
            return False
        top = max(v for _, v in values)
        bottom = min(v for _, v in values)
        for key, v in values:
            if key in hidden_keys and (v == top or v == bottom):
                return True
        if reference is not None:
            ref_labels = reference if isinstance(reference, list | tuple) else [reference]
            for g in result["groups"]:
                if g["key"] in hidden_keys and [str(x) for x in g["labels"].values()] == [
                    str(x) for x in ref_labels
                ]:
                    return True
        return False

    disparities = []
    for d in result["disparities"]:
        hide = reveals(d["metric"])
        row = {"metric": d["metric"], "suppressed": hide}
        for k, v in d.items():
            if k != "metric":
                row[k] = None if hide else _num(v)
        disparities.append(row)
    verdicts = []
    for v in result["verdicts"]:
        used = [m for m in v.get("metrics") or [] if m in metrics]
        # a verdict is computed without the groups it left out, so only the groups it
        # used can be revealed by its value
        left_out = frozenset(v.get("excluded_groups") or ())
        hide = any(reveals(m, left_out) for m in used)
        verdicts.append(
            {
                "grouping": name,
                "criterion": v["criterion"],
                "metric": v.get("metric"),
                "value": None if hide else _num(v.get("value")),
                "lower": None if hide else _num(v.get("lower")),
                "upper": None if hide else _num(v.get("upper")),
                "threshold": _num(v.get("threshold")),
                "direction": v.get("direction"),
                "status": v.get("status"),
                "reason": HIDDEN_DISPARITY if hide else _safe_reason(v, hidden_keys),
                "suppressed": hide,
            }
        )
    undefined = [u for u in result.get("undefined", []) if u.get("group") not in hidden_keys]
    overall = {
        "count": n_rows if not plan.overall_suppressed else None,
        "metrics": {m: result["overall"]["metrics"].get(m) for m in metrics},
        "lower": {m: result["overall"]["lower"].get(m) for m in metrics},
        "upper": {m: result["overall"]["upper"].get(m) for m in metrics},
    }
    return {
        "name": name,
        "features": [str(f) for f in features],
        "class": result.get("class"),
        "metrics": metrics,
        "groups": groups,
        "overall": overall,
        "disparities": disparities,
        "verdicts": verdicts,
        "undefined": undefined,
        "small_groups": [s for s in result.get("small_groups", []) if s not in hidden_keys],
    }


def fairness_section(fairness: Any, plan: SuppressionPlan) -> dict[str, Any]:
    """Build the suppressed fairness part of the document from a FairnessReport.

    Parameters
    ----------
    fairness : FairnessReport
        The report (read through its ``to_dict()``).
    plan : SuppressionPlan
        Groups to hide.

    Returns
    -------
    dict
        ``{"task", "target", "sensitive_features", "n_rows", "n_boot", "ci",
        "min_group_size", "reference_group", "thresholds", "threshold_note",
        "bootstrap", "warnings", "groupings": [grouping...], "verdicts": [...]}``
        where a grouping is ``{"name", "features", "class", "metrics", "groups":
        [{"key", "labels", "suppressed", "count", "small", "metrics", "lower",
        "upper"}], "overall", "disparities", "verdicts", "undefined",
        "small_groups"}``; hidden numbers are ``None``.
    """
    doc = fairness.to_dict()
    features = [str(f) for f in doc["sensitive_features"]]
    groupings = []
    several = len(features) > 1
    for feature in features:
        part = doc["marginal"].get(feature) if several else doc
        for result in part["results"]:
            groupings.append(
                _grouping_section(
                    result,
                    name=feature,
                    features=[feature],
                    plan=plan,
                    reference=part.get("reference_group"),
                    n_rows=doc["n_rows"],
                )
            )
    if several:
        for result in doc["results"]:
            groupings.append(
                _grouping_section(
                    result,
                    name=INTERSECTIONAL,
                    features=features,
                    plan=plan,
                    reference=doc.get("reference_group"),
                    n_rows=doc["n_rows"],
                )
            )
    verdicts = [v for g in groupings for v in g["verdicts"]]
    hidden = {g["key"] for gr in groupings for g in gr["groups"] if g["suppressed"]}
    # a warning is shown only when none of the groups it is about is hidden
    warnings: list[str] = []
    for part in [doc, *doc.get("marginal", {}).values()]:
        for w in part.get("warning_records", []):
            if w["message"] not in warnings and not hidden.intersection(w["groups"]):
                warnings.append(w["message"])
    return {
        "task": doc["task"],
        "target": str(doc["target"]),
        "sensitive_features": features,
        "pos_label": doc.get("pos_label"),
        "classes": doc.get("classes"),
        "n_rows": doc["n_rows"],
        "n_boot": doc["n_boot"],
        "ci": doc["ci"],
        "min_group_size": doc["min_group_size"],
        "reference_group": doc.get("reference_group"),
        "thresholds": doc["thresholds"],
        "threshold_note": doc["threshold_note"],
        "bootstrap": doc.get("bootstrap"),
        "warnings": warnings,
        "groupings": groupings,
        "verdicts": verdicts,
    }


def robustness_section(robustness: Any, plan: SuppressionPlan) -> dict[str, Any]:
    """Build the robustness part of the document, hiding small groups.

    Parameters
    ----------
    robustness : RobustnessReport
        Read through its ``to_dict()``.
    plan : SuppressionPlan
        Groups to hide.

    Returns
    -------
    dict
        ``to_dict()`` with hidden groups' rows reduced to ``{"sensitive_feature",
        "group", "suppressed": true}``, gaps hidden when a hidden group is the
        least or most robust, and a summary written from the shown numbers.
    """
    doc = robustness.to_dict()
    rows = []
    hidden_features = set()
    by_feature: dict[str, list[dict[str, Any]]] = {}
    for r in doc["by_group"]:
        by_feature.setdefault(r["sensitive_feature"], []).append(r)
    for feature, group_rows in by_feature.items():
        labels = {str(g): g for g in plan.suppressed_groups(feature)}
        all_rates = [x["overall"] for x in group_rows if x["overall"] is not None]
        for r in group_rows:
            if r["group"] in labels:
                rows.append({"sensitive_feature": feature, "group": r["group"], "suppressed": True})
                if r["overall"] is not None and (r["overall"] in (max(all_rates), min(all_rates))):
                    hidden_features.add(feature)
            else:
                rows.append({**r, "suppressed": False})
    gaps = {f: (None if f in hidden_features else g) for f, g in doc["gaps"].items()}
    overall = doc["overall"]
    parts = [
        f"Under small perturbations (numeric noise of +/-{doc['epsilon']:g} x IQR, clipped to "
        f"each column's observed range and rounded for integer columns; single swaps "
        f"of a categorical value) {_pct(overall.get('overall'))} of predictions flip (numeric "
        f"noise alone: {_pct(overall.get('numeric'))}; one categorical swap: "
        f"{_pct(overall.get('categorical'))})."
    ]
    fragile = [f for f in doc["by_feature"] if (f.get("flip_rate") or 0) > 0][:3]
    if fragile:
        parts.append(
            "Most fragile features: "
            + ", ".join(f"{f['feature']} ({_pct(f['flip_rate'])})" for f in fragile)
            + "."
        )
    for feature, gap in gaps.items():
        if gap is None:
            parts.append(f"The gap across {feature} groups is hidden (it involves a small group).")
        elif gap > 0:
            parts.append(f"Across {feature} groups, flip rates differ by up to {_pct(gap)}.")
    return {
        "epsilon": doc["epsilon"],
        "n_repeats": doc["n_repeats"],
        "n_rows": doc["n_rows"],
        "overall": overall,
        "by_feature": doc["by_feature"],
        "by_group": rows,
        "gaps": gaps,
        "concern_threshold": robustness.concern_threshold,
        "interpretation": " ".join(parts),
    }


def _pct(value: Any) -> str:
    v = _num(value)
    return "n/a" if v is None else f"{v:.1%}"
