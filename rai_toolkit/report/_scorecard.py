"""The Responsible AI scorecard: the six Microsoft principles, each tied to its evidence.

A status is only given where something was measured. Inclusiveness and
accountability are questions about people and process (who was consulted, who
answers for the system); the scorecard shows the measured facts that inform
them but their status is always ``"human review"``, never a score.

Statuses: ``"meets policy"`` (every measured check passed), ``"concern"``
(a check failed or showed a high risk), ``"inconclusive"`` (the data cannot
decide, e.g. intervals too wide or groups too small), ``"not assessed"`` (the
check was not run) and ``"human review"``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRINCIPLES", "build_scorecard", "findings"]

#: (key, title, report section anchor) of the six principles.
PRINCIPLES = (
    ("fairness", "Fairness", "fairness"),
    ("reliability_safety", "Reliability and safety", "errors"),
    ("privacy_security", "Privacy and security", "security"),
    ("inclusiveness", "Inclusiveness", "fairness-groups"),
    ("transparency", "Transparency", "explanations"),
    ("accountability", "Accountability", "impact"),
)


def _fairness(doc: dict[str, Any]) -> tuple[str, str]:
    verdicts = doc["fairness"]["verdicts"]
    statuses = [v["status"] for v in verdicts]
    failed = sorted({v["criterion"] for v in verdicts if v["status"] == "fail"})
    unclear = sorted({v["criterion"] for v in verdicts if v["status"] == "inconclusive"})
    if failed:
        return "concern", f"Fails {len(failed)} criterion(s): {', '.join(failed)}."
    if unclear:
        return "inconclusive", (
            f"No criterion fails, but {', '.join(unclear)} cannot be decided from this data "
            f"(interval straddles the threshold or groups are small)."
        )
    if statuses:
        return "meets policy", f"All {len(statuses)} verdicts pass at the agreed thresholds."
    return "not assessed", "No fairness criterion applies to this task."


def _reliability(doc: dict[str, Any]) -> tuple[str, str]:
    ea = doc.get("error_analysis")
    rob = doc.get("security", {}).get("robustness")
    parts = []
    status = "not assessed"
    if ea:
        overall = ea["overall"]
        if ea["metric"] == "error_rate":
            parts.append(f"Overall error rate {overall['error_rate']:.1%}.")
            worst = [c for c in ea["cohorts"] if c.get("significant")]
            if worst:
                c = worst[0]
                parts.append(
                    f"{len(worst)} listed cohort(s) err significantly more often; worst: "
                    f"{c['cohort']} ({c['error_rate']:.1%} of {c['count']} rows)."
                )
                status = (
                    "concern"
                    if c["error_rate"] >= ea["concern_lift"] * overall["error_rate"]
                    else "inconclusive"
                )
            else:
                status = "meets policy"
        else:
            parts.append(f"Overall mean absolute error {overall['mean_absolute_error']:.4g}.")
            status = "inconclusive"
    if rob:
        flip = rob["overall"].get("overall")
        if flip is not None:
            parts.append(f"{flip:.1%} of predictions flip under small perturbations.")
            if flip > rob["concern_threshold"]:
                status = "concern"
            elif status == "not assessed":
                status = "meets policy"
    if not parts:
        parts.append("Neither error analysis nor robustness was run.")
    return status, " ".join(parts)


def _privacy(doc: dict[str, Any]) -> tuple[str, str]:
    """Privacy and security status from the privacy scan and the membership attack.

    ``"concern"`` when direct identifiers are in the data, k-anonymity is not
    satisfied, or the membership-inference risk is moderate or high.
    Special-category columns are named as evidence but do not fail the check
    by themselves when they are the sensitive features a fairness analysis needs.
    """
    sec = doc.get("security") or {}
    parts: list[str] = []
    concerns: list[str] = []
    assessed = False
    privacy = sec.get("privacy")
    if privacy:
        assessed = True
        findings = privacy["findings"]
        direct = [f for f in findings if f["kind"] in _DIRECT]
        if direct:
            concerns.append("direct identifiers")
            parts.append(
                "Direct identifiers in the data: "
                + ", ".join(f"{f['column']} ({f['kind']})" for f in direct)
                + "; remove or pseudonymise them before analysis."
            )
        ka = privacy.get("k_anonymity")
        if ka is None:
            parts.append("k-anonymity not computed (no quasi-identifier found).")
        else:
            qis = ", ".join(ka["quasi_identifiers"])
            size = f"smallest group {ka['min_class_size']} row(s)"
            if ka["satisfied"]:
                parts.append(f"k-anonymity satisfied at k={ka['k']} on {qis} ({size}).")
            else:
                concerns.append(f"k-anonymity (k={ka['k']}) not satisfied")
                parts.append(
                    f"k-anonymity not satisfied: the quasi-identifiers {qis} leave "
                    f"{ka['share_rows_below_k']:.1%} of rows ({ka['n_rows_below_k']}) in groups "
                    f"smaller than k={ka['k']} ({size}), so those people could be singled out."
                )
        special = sorted({f["column"] for f in findings if f["kind"] == "special_category"})
        if special:
            sensitive = set(doc.get("settings", {}).get("sensitive_features") or [])
            expected = [c for c in special if c in sensitive]
            other = [c for c in special if c not in sensitive]
            if expected:
                parts.append(
                    f"Special-category data present: {', '.join(expected)}. Expected here: "
                    f"fairness testing needs it as a sensitive feature; keep it stored apart "
                    f"with restricted access."
                )
            if other:
                parts.append(
                    f"Special-category data not used as a sensitive feature: {', '.join(other)}; "
                    f"check that it is needed."
                )
        rest = [
            f"{f['column']} ({f['kind']})"
            for f in findings
            if f["kind"] not in _DIRECT and f["kind"] != "special_category"
        ]
        if rest:
            parts.append(f"Other personal data: {', '.join(rest)}.")
    mia = sec.get("membership")
    if mia:
        assessed = True
        parts.append(f"Membership-inference risk {mia['risk']} (attack AUC {mia['auc']:.3f}).")
        if mia["risk"] in ("moderate", "high"):
            concerns.append(f"{mia['risk']} membership-inference risk")
    elif privacy:
        parts.append("Membership inference not run (needs the training rows).")
    if not assessed:
        return "not assessed", "No privacy check was run."
    if sec.get("model_source"):
        parts.append(sec["model_source"])
    if concerns:
        return "concern", f"Concern: {'; '.join(concerns)}. " + " ".join(parts)
    return "meets policy", " ".join(parts)


# kinds of personal data that identify a person on their own (as in rai_toolkit.security)
_DIRECT = {
    "email", "phone", "national_id", "credit_card", "iban", "bank_account", "ip_address",
    "person_name", "username", "identifier", "address",
}  # fmt: skip


def _inclusiveness(doc: dict[str, Any]) -> tuple[str, str]:
    plan = doc["suppression"]
    hidden = len(plan["groups"])
    small = sorted({s for g in doc["fairness"]["groupings"] for s in g["small_groups"]})
    parts = [
        "Human judgment: were the people affected, including under-represented groups, "
        "consulted, and can they use and contest the system?"
    ]
    if small:
        parts.append(f"Measured: {len(small)} group(s) have too few rows for reliable metrics.")
    if hidden:
        parts.append(f"{hidden} group cell(s) are hidden in this report to protect small groups.")
    return "human review", " ".join(parts)


def _transparency(doc: dict[str, Any]) -> tuple[str, str]:
    ex = doc.get("explanations")
    if not ex:
        return "not assessed", "No explanation was computed."
    top = list(ex["global_importance"])[:3]
    return "meets policy", (
        f"SHAP explanations ({ex['method']}, {ex['output']}) of {ex['n_rows']} rows; additivity "
        f"error {ex['additivity_error']:.1e}. Most influential: {', '.join(top)}. Whether the "
        f"explanations are understandable to the people affected is a human judgment."
    )


def _accountability(doc: dict[str, Any]) -> tuple[str, str]:
    return "human review", (
        "Human judgment: name the owner, the reviewers and the escalation path in the impact "
        "assessment. This report records its settings, thresholds and data provenance so that "
        "the review can be repeated."
    )


def build_scorecard(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Build the scorecard rows from the assessment document.

    Parameters
    ----------
    doc : dict
        The document of :meth:`Assessment.to_dict` (without the scorecard).

    Returns
    -------
    list of dict
        One row per principle: ``{"principle", "title", "status", "evidence",
        "anchor", "human_judgment"}``.
    """
    builders = {
        "fairness": _fairness,
        "reliability_safety": _reliability,
        "privacy_security": _privacy,
        "inclusiveness": _inclusiveness,
        "transparency": _transparency,
        "accountability": _accountability,
    }
    rows = []
    for key, title, anchor in PRINCIPLES:
        status, evidence = builders[key](doc)
        rows.append(
            {
                "principle": key,
                "title": title,
                "status": status,
                "evidence": evidence,
                "anchor": anchor,
                "human_judgment": key in ("inclusiveness", "accountability"),
            }
        )
    return rows


def findings(doc: dict[str, Any]) -> list[str]:
    """Plain-language top findings, most important first.

    Parameters
    ----------
    doc : dict
        The assessment document.

    Returns
    -------
    list of str
        Sentences for the summary.
    """
    out = []
    fair = doc["fairness"]
    ci = f"{100 * fair['ci']:g}%"
    by_grouping: dict[str, list[dict[str, Any]]] = {}
    for v in fair["verdicts"]:
        if v["status"] == "fail":
            by_grouping.setdefault(v["grouping"], []).append(v)
    for grouping, failed in by_grouping.items():
        where = "intersectional groups" if grouping == "intersectional" else f"groups of {grouping}"
        parts = []
        for v in failed:
            rel = "\u2264" if v["direction"] == "at_most" else "\u2265"
            if v["value"] is None:
                parts.append(f"{_label(v['criterion'])} (value hidden)")
                continue
            interval = (
                f" [{v['lower']:.3f}, {v['upper']:.3f}]"
                if v["lower"] is not None and v["upper"] is not None
                else ""
            )
            parts.append(
                f"{_label(v['criterion'])} {v['value']:.3f}{interval}, policy {rel} "
                f"{v['threshold']:g}"
            )
        out.append(
            f"Across {where}, {len(failed)} criterion(s) fail ({ci} intervals): "
            + "; ".join(parts)
            + "."
        )
    for grouping in fair["groupings"]:
        if grouping["name"] == "intersectional" or fair["task"] != "binary":
            continue
        shown = [
            g
            for g in grouping["groups"]
            if not g["suppressed"] and g["metrics"].get("selection_rate") is not None
        ]
        if len(shown) >= 2:
            hi = max(shown, key=lambda g: g["metrics"]["selection_rate"])
            lo = min(shown, key=lambda g: g["metrics"]["selection_rate"])
            out.append(
                f"By {grouping['name']}, the model selects {hi['labels'][0]} at "
                f"{hi['metrics']['selection_rate']:.1%} and {lo['labels'][0]} at "
                f"{lo['metrics']['selection_rate']:.1%}."
            )
    for feature, gap in (doc.get("explanations") or {}).get("disparity", {}).items():
        top = gap["top_contributions"][:2]
        if top:
            out.append(
                f"The gap in model output between {gap['groups'][0]} and {gap['groups'][1]} "
                f"({feature}) comes mostly from "
                + " and ".join(f"{t['feature']} ({t['contribution']:+.3f})" for t in top)
                + "."
            )
    ea = doc.get("error_analysis")
    if ea and ea["cohorts"] and ea["metric"] == "error_rate":
        c = ea["cohorts"][0]
        out.append(
            f"The model errs most on {c['cohort']}: {c['error_rate']:.1%} wrong of {c['count']} "
            f"rows, against {ea['overall']['error_rate']:.1%} overall."
        )
    privacy = (doc.get("security") or {}).get("privacy")
    if privacy:
        direct = [f["column"] for f in privacy["findings"] if f["kind"] in _DIRECT]
        if direct:
            out.append(f"The data holds direct identifiers: {', '.join(direct)}.")
        ka = privacy.get("k_anonymity")
        if ka and not ka["satisfied"]:
            out.append(
                f"k-anonymity is not satisfied: {ka['share_rows_below_k']:.1%} of rows are in "
                f"groups of fewer than k={ka['k']} people sharing "
                f"{', '.join(ka['quasi_identifiers'])}."
            )
    mia = doc.get("security", {}).get("membership")
    if mia:
        out.append(f"Membership-inference risk is {mia['risk']} (attack AUC {mia['auc']:.3f}).")
    return out


def _label(criterion: str) -> str:
    return criterion.replace("_", " ").capitalize()
