"""compare_reports: how fairness changed between two reports of the same question.

Each report keeps the count table its estimates came from (schema 1.4,
``count_tables``). Both tables are bootstrapped again, independently (a row
bootstrap of each sample is a multinomial draw over its cells,
:func:`~rai_toolkit.fairness._cells.bootstrap_tables`, through the same
:func:`~rai_toolkit.fairness._analyze.table_estimates` that made the reports),
and every compared row -- a criterion's statistic per grouping, a metric per
group -- gets the change ``current - baseline`` with an interval that holds for
all compared rows at once:

* ``tau_r`` is the bootstrap standard deviation of row ``r``'s replicate change;
* ``c`` is the ``ceil(ci (B + 1))``-th smallest over replicates of
  ``max_r |change*_r - change_r| / tau_r`` (a replicate in which a row is
  undefined counts as infinite);
* the interval is ``change_r -+ c tau_r``.

A row is ``worse`` when its interval excludes 0 on the harmful side.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._scalars import (
    SeedLike,
    as_generator,
    check_fraction,
    check_int,
    check_random_state,
)
from rai_toolkit.compare._result import CHANGE_COLUMNS, ReportComparison
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["HARMFUL", "compare_reports", "load_report_document"]

#: Metric -> the change that is harmful ("increase" / "decrease"); None: no harmful direction.
HARMFUL: dict[str, str | None] = {
    "base_rate": None,
    "selection_rate": None,
    "accuracy": "decrease",
    "balanced_accuracy": "decrease",
    "precision": "decrease",
    "true_positive_rate": "decrease",
    "false_positive_rate": "increase",
    "true_negative_rate": "decrease",
    "false_negative_rate": "increase",
    "false_discovery_rate": "increase",
    "false_omission_rate": "increase",
    "f1": "decrease",
    "roc_auc": "decrease",
    "brier_score": "increase",
    "calibration_error": "increase",
    "calibration_error_debiased": "increase",
}

#: How the schema name of an Assessment document starts (``report._assessment.SCHEMA``).
ASSESSMENT_SCHEMA_PREFIX = "rai_toolkit.assessment/"

#: Smallest accepted n_boot (as in analyze_fairness).
MIN_BOOT = 100

#: The member of an evidence bundle that holds its fairness report (``report._bundle.FAIRNESS``).
FAIRNESS_MEMBER = "fairness.json"

_HOW = (
    "Pass a FairnessReport, the dict of its to_dict(), its to_json() text, the path of a "
    "file written by report.to_json(path), or an evidence bundle (.zip)."
)


# ----------------------------------------------------------------------------- loading
def load_report_document(value: Any, *, argument: str) -> dict[str, Any]:
    """Return the ``to_dict()`` document of a report given as an object, dict, JSON or path.

    Parameters
    ----------
    value : FairnessReport, dict, str or path-like
        The report. A string starting with ``{`` is JSON text, any other string a
        path: of the JSON file, or of an evidence bundle (a zip), whose
        ``fairness.json`` is read once the bundle verifies.
    argument : str
        Parameter name, for messages.

    Returns
    -------
    dict
        The document.

    Raises
    ------
    ArgumentError
        For a value of another type.
    DataValidationError
        For a missing file, malformed JSON, a document that is not a fairness
        report, or a bundle that fails verification or holds no fairness report.
    """
    from rai_toolkit.fairness import FairnessReport

    if isinstance(value, FairnessReport):
        return value.to_dict()
    if isinstance(value, Mapping):
        doc = dict(value)
    elif isinstance(value, str | os.PathLike):
        text = value.strip() if isinstance(value, str) else ""
        if text.startswith("{"):
            doc = _parse(text, argument=argument, source="the JSON text")
        else:
            path = Path(value)
            if not path.is_file():
                raise DataValidationError(
                    f"{argument}: no file at {str(path)!r}. {_HOW}", argument=argument
                )
            if _is_bundle(path):
                text = _bundle_report(path, argument=argument)
                source = f"{FAIRNESS_MEMBER} of bundle {str(path)!r}"
            else:
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as err:
                    raise DataValidationError(
                        f"{argument}: cannot read {str(path)!r} ({err}). {_HOW}",
                        argument=argument,
                    ) from err
                source = repr(str(path))
            doc = _parse(text, argument=argument, source=source)
    else:
        raise ArgumentError(
            f"{argument} must be a FairnessReport or its saved JSON; received "
            f"{type(value).__name__}. {_HOW}",
            argument=argument,
        )
    if _is_assessment(doc):
        raise DataValidationError(
            f"{argument} is an assessment document (assess(...).to_json(), rai-toolkit analyze "
            f"--json), not a fairness report: it has no count tables to compare. Write the "
            f"fairness report of each run with rai-toolkit analyze --fairness-json PATH, or "
            f"with report.to_json(path) for a FairnessReport (assessment.fairness.to_json(path)).",
            argument=argument,
        )
    if not isinstance(doc, dict) or doc.get("kind") != "fairness_report":
        kind = doc.get("kind") if isinstance(doc, dict) else type(doc).__name__
        raise DataValidationError(
            f"{argument} is not a fairness report (its kind is {kind!r}, expected "
            f"'fairness_report'). {_HOW}",
            argument=argument,
        )
    return doc


def _is_bundle(path: Path) -> bool:
    """Whether a file is an evidence bundle: a ``.zip`` name, or a zip archive's bytes."""
    import zipfile

    return path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)


def _bundle_report(path: Path, *, argument: str) -> str:
    """Return the fairness report JSON of an evidence bundle, read once the bundle verifies."""
    from rai_toolkit.report._bundle import read_verified_member

    content = read_verified_member(path, FAIRNESS_MEMBER, argument=argument)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as err:  # verified bytes that are not text: not our writer's
        raise DataValidationError(
            f"{argument}: {FAIRNESS_MEMBER} of bundle {str(path)!r} is not UTF-8 text ({err}).",
            argument=argument,
        ) from err


def _is_assessment(doc: Any) -> bool:
    """Whether a document is an Assessment's (``"schema": "rai_toolkit.assessment/..."``)."""
    if not isinstance(doc, dict) or "kind" in doc:
        return False
    schema = doc.get("schema")
    return (isinstance(schema, str) and schema.startswith(ASSESSMENT_SCHEMA_PREFIX)) or (
        isinstance(doc.get("fairness"), dict)
    )


def _parse(text: str, *, argument: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DataValidationError(
            f"{argument}: {source} is not valid JSON ({err.msg} at line {err.lineno}, column "
            f"{err.colno}). {_HOW}",
            argument=argument,
        ) from err


# ----------------------------------------------------------------------------- one side
@dataclass(frozen=True)
class _Side:
    """What one report contributes: its settings, tables and groupings."""

    doc: dict[str, Any]
    tables: Any  # CountTables
    metrics: tuple[str, ...]
    criteria: tuple[dict[str, Any], ...]
    references: dict[Hashable, Any]
    results: dict[Hashable, dict[str, Any]]  # grouping name -> result entry


def _side(doc: dict[str, Any], *, argument: str) -> _Side:
    from rai_toolkit.fairness._report import count_tables_from_dict

    version = doc.get("schema_version")
    task = doc.get("task")
    if task == "regression":
        raise DataValidationError(
            f"{argument} is a regression report; compare_reports compares classification "
            f"reports only (a regression report's bootstrap resamples per-row sums, which are "
            f"not saved). Compare the two reports' by_group tables by eye, or analyse a "
            f"classification target.",
            argument=argument,
        )
    if task == "multiclass":
        raise DataValidationError(
            f"{argument} is a multiclass report; compare one class at a time: pass "
            f"report.for_class(label) for the baseline and the current report.",
            argument=argument,
        )
    if doc.get("count_tables") is None:
        raise DataValidationError(
            f"{argument} has no count tables (schema_version {version!r}; they are saved from "
            f"schema 1.4 on). Re-run analyze_fairness with the current rai_toolkit and save "
            f"the report again with report.to_json(path).",
            argument=argument,
        )
    try:
        tables = count_tables_from_dict(doc["count_tables"], source=argument)
        first = tables.groupings[0].name
        results = {first: doc["results"][0]}
        references = {first: doc.get("reference_group")}
        for gr in tables.groupings[1:]:
            part = doc["marginal"][str(gr.name)]
            results[gr.name] = part["results"][0]
            references[gr.name] = part.get("reference_group")
        metrics = tuple(doc["results"][0]["metrics"])
        criteria = tuple(
            {k: v[k] for k in ("criterion", "metrics", "statistic", "direction")}
            for v in doc["results"][0]["verdicts"]
        )
        for gr in tables.groupings:
            keys = [g["key"] for g in results[gr.name]["groups"]]
            if keys != list(gr.index):
                raise ValueError(f"the groups of {gr.name!r} differ from its count table's")
    except DataValidationError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise DataValidationError(
            f"{argument} is malformed ({type(err).__name__}: {err}); it must be what "
            f"FairnessReport.to_dict() writes (schema 1.4). Save the report again with "
            f"report.to_json(path).",
            argument=argument,
        ) from err
    return _Side(doc, tables, metrics, criteria, references, results)


def _check_same(base: _Side, cur: _Side) -> None:
    """One error naming everything that differs between the two reports' questions."""
    differ = []

    def same(what: str, a: Any, b: Any) -> None:
        if a != b:
            differ.append(f"{what} (baseline {a!r}, current {b!r})")

    for key in ("task", "target", "pos_label", "sensitive_features"):
        same(key, base.doc.get(key), cur.doc.get(key))
    same("metrics", list(base.metrics), list(cur.metrics))
    same(
        "criteria", [c["criterion"] for c in base.criteria], [c["criterion"] for c in cur.criteria]
    )
    names = [str(g.name) for g in base.tables.groupings]
    same("groupings", names, [str(g.name) for g in cur.tables.groupings])
    if not differ:
        for a, b in zip(base.tables.groupings, cur.tables.groupings):
            only_a = [k for k in a.index if k not in set(b.index)]
            only_b = [k for k in b.index if k not in set(a.index)]
            if only_a or only_b:
                differ.append(
                    f"the groups of {a.name!r} (only in the baseline: {only_a or 'none'}; only in "
                    f"the current: {only_b or 'none'})"
                )
            elif list(a.index) != list(b.index):
                differ.append(f"the order of the groups of {a.name!r}")
            same(f"reference group of {a.name!r}", base.references[a.name], cur.references[b.name])
    if differ:
        raise DataValidationError(
            "The two reports do not answer the same question, so their fairness cannot be "
            "compared: they differ in " + "; ".join(differ) + ". Analyse both samples with "
            "the same target, pos_label, sensitive_features, reference_group and kind of "
            "predictions (labels, or labels and scores).",
            argument="current",
        )


def _check_memory(side: _Side, *, n_boot: int) -> None:
    """Refuse an ``n_boot`` whose replicates of both reports would not fit in memory."""
    from rai_toolkit.fairness._cells import CHUNK_CELLS
    from rai_toolkit.fairness._memory import BootstrapSize, check_memory

    table = side.tables.tables[None]
    size = BootstrapSize(
        # the replicates of both reports are held at once
        group_counts=[gr.n_groups for gr in side.tables.groupings] * 2,
        n_metrics=len(side.metrics),
        n_classes=1,
        n_cells=table.counts.size,
        chunk_cells=CHUNK_CELLS,
    )
    features = side.doc.get("sensitive_features") or []
    check_memory(size, n_boot=n_boot, features=features, min_boot=MIN_BOOT,
                 caller="compare_reports")  # fmt: skip


def _estimates(side: _Side, *, n_boot: int, rng: np.random.Generator) -> dict[Hashable, dict]:
    """Point values, support and replicates of every metric per grouping, from the tables."""
    from rai_toolkit.fairness._analyze import table_estimates

    table = side.tables.tables[None]
    exact = None
    if table.has_scores:
        exact = {
            name: np.array(
                [
                    np.nan if g["metrics"]["roc_auc"] is None else g["metrics"]["roc_auc"]
                    for g in result["groups"]
                ]
            )  # fmt: skip
            for name, result in side.results.items()
        }
    metrics, out = table_estimates(
        table, list(side.tables.groupings), exact_auc=exact, n_boot=n_boot, rng=rng
    )
    if tuple(metrics) != side.metrics:
        raise DataValidationError(
            f"The count tables of the report hold metrics {list(metrics)} but its results "
            f"list {list(side.metrics)}; save the report again with report.to_json(path)."
        )
    return out


# ----------------------------------------------------------------------------- statistics
def _statistic(
    values: np.ndarray,
    crit: dict[str, Any],
    col: dict[str, int],
    keep: dict[str, np.ndarray],
    ref: int | None,
) -> np.ndarray:
    """Compute a criterion's statistic over the kept groups, along the leading axes."""
    from rai_toolkit.fairness._disparities import difference_and_ratio

    parts = []
    for m in crit["metrics"]:
        rows = np.flatnonzero(keep[m])
        x = values[..., rows, col[m]]
        if crit["statistic"] == "max_group":
            with np.errstate(all="ignore"):
                parts.append(
                    np.where(
                        np.isnan(x).all(axis=-1),
                        np.nan,
                        np.nanmax(np.where(np.isnan(x), -np.inf, x), axis=-1),
                    )
                )
            continue
        r = None if ref is None else int(np.searchsorted(rows, ref))
        d, ratio = difference_and_ratio(x, reference=r)
        parts.append(d if crit["statistic"] == "difference" else ratio)
    stacked = np.stack(parts, axis=-1)
    worst = np.max if crit["statistic"] != "ratio" else np.min
    return np.where(np.isnan(stacked).any(axis=-1), np.nan, worst(stacked, axis=-1))


def _rows(
    base: _Side, cur: _Side, b_est: dict, c_est: dict, min_group_size: int
) -> tuple[list[dict[str, Any]], list[np.ndarray | None]]:
    """List the compared rows (identifiers and points) and their replicate changes."""
    col = {m: j for j, m in enumerate(base.metrics)}
    rows: list[dict[str, Any]] = []
    reps: list[np.ndarray | None] = []
    for gr in base.tables.groupings:
        b, c = b_est[gr.name], c_est[gr.name]
        enough = (b["support"] >= min_group_size) & (c["support"] >= min_group_size)
        keys = list(gr.index)
        ref_label = base.references[gr.name]
        ref = None
        if ref_label is not None:
            labels = [g["labels"] for g in base.results[gr.name]["groups"]]
            wanted = ref_label if isinstance(ref_label, list) else [ref_label]
            ref = next((i for i, lab in enumerate(labels) if list(lab.values()) == wanted), None)
            if ref is None:
                raise DataValidationError(
                    f"The reference group {ref_label!r} of {gr.name!r} is not one of its groups in "
                    f"the baseline report; save the report again with report.to_json(path).",
                    argument="baseline",
                )
        for crit in base.criteria:
            keep = {m: enough[:, col[m]] for m in crit["metrics"]}
            left_out = sorted({keys[i] for m in crit["metrics"] for i in np.flatnonzero(~keep[m])})
            note = ""
            usable = all(k.sum() >= (1 if crit["statistic"] == "max_group" else 2)
                         for k in keep.values())  # fmt: skip
            if ref is not None and crit["statistic"] != "max_group":
                usable = usable and all(k[ref] for k in keep.values())
            harmful = "decrease" if crit["statistic"] == "ratio" else "increase"
            row = {
                "kind": "criterion", "grouping": str(gr.name), "criterion": crit["criterion"],
                "group": None, "metric": " & ".join(crit["metrics"]),
                "statistic": crit["statistic"], "harmful": harmful,
                "excluded_groups": tuple(left_out),
            }  # fmt: skip
            if not usable:
                row.update(
                    baseline=np.nan,
                    current=np.nan,
                    note="too few groups with support >= min_group_size in both reports",
                )
                rows.append(row)
                reps.append(None)
                continue
            point_b = float(_statistic(b["point"], crit, col, keep, ref))
            point_c = float(_statistic(c["point"], crit, col, keep, ref))
            if left_out:
                note = "groups below min_group_size support left out"
            row.update(baseline=point_b, current=point_c, note=note)
            rows.append(row)
            reps.append(
                None if b["replicates"] is None else
                _statistic(c["replicates"], crit, col, keep, ref)
                - _statistic(b["replicates"], crit, col, keep, ref)
            )  # fmt: skip
        for i, key in enumerate(keys):
            for m, j in col.items():
                if m == "count":
                    continue
                row = {
                    "kind": "group_metric", "grouping": str(gr.name), "criterion": None,
                    "group": key, "metric": m, "statistic": "value", "harmful": HARMFUL.get(m),
                    "excluded_groups": (), "baseline": float(b["point"][i, j]),
                    "current": float(c["point"][i, j]), "note": "",
                }  # fmt: skip
                if not enough[i, j]:
                    row["note"] = "support below min_group_size in a report: not tested"
                    reps.append(None)
                elif b["replicates"] is None:
                    reps.append(None)
                else:
                    reps.append(c["replicates"][:, i, j] - b["replicates"][:, i, j])
                rows.append(row)
    return rows, reps


def _simultaneous(
    change: np.ndarray, reps: list[np.ndarray | None], *, ci: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Intervals ``change -+ c tau`` holding jointly over the rows that have replicates."""
    from rai_toolkit.fairness._disparities import critical_value

    lower = np.full(change.shape, np.nan)
    upper = np.full(change.shape, np.nan)
    tested = [
        r
        for r, rep in enumerate(reps)
        if rep is not None
        and np.isfinite(change[r])
        and np.isfinite(rep).mean() >= 1.0 - (1.0 - ci) / 2  # fmt: skip
    ]
    if not tested:
        return lower, upper, np.nan
    dev = np.stack([reps[r] for r in tested], axis=1) - change[tested]
    ok = np.isfinite(dev)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_ok = ok.sum(axis=0)
        mean = np.where(ok, dev, 0.0).sum(axis=0) / n_ok
        tau = np.sqrt((np.where(ok, dev - mean, 0.0) ** 2).sum(axis=0) / (n_ok - 1))
        t = np.where(dev == 0.0, 0.0, np.abs(dev) / tau)
    t = np.where(ok, t, np.inf)
    c = critical_value(t.max(axis=1), ci=ci)
    if not np.isfinite(c):
        return lower, upper, c
    half = np.where(tau == 0.0, 0.0, c * tau)
    lower[tested] = change[tested] - half
    upper[tested] = change[tested] + half
    return lower, upper, c


@public
def compare_reports(
    baseline: Any,
    current: Any,
    *,
    ci: float = 0.95,
    n_boot: int = 1000,
    random_state: SeedLike = None,
) -> ReportComparison:
    """Compare two fairness reports of the same question: what changed, and what got worse.

    Both reports' count tables are bootstrapped again, independently, and every
    compared row -- each criterion's statistic (difference, ratio or worst group)
    per grouping, and each metric per group -- gets ``change = current -
    baseline`` with an interval that holds for all rows at once (a studentized
    maximum over rows, like the verdicts' intervals), so that comparing many
    groups does not manufacture a finding. A row is ``worse`` when its interval
    excludes 0 on the harmful side: a larger difference or worst-group value, a
    smaller ratio; for group metrics see :data:`HARMFUL` (lower accuracy, higher
    false positive rate, ...; ``selection_rate`` and ``base_rate`` have no
    harmful direction, their ``worse`` is NA).

    Groups whose support for a metric is below ``min_group_size`` (the larger of
    the two reports') in either report are left out of the criteria reading it
    and their metric rows are not tested (``note`` says so).

    Parameters
    ----------
    baseline, current : FairnessReport, dict, str or path-like
        The reports, or their saved JSON (``report.to_json(path)``: a path, the
        JSON text, or the dict of ``to_dict()``), schema 1.4 or later, or the
        path of an evidence bundle (``Assessment.to_bundle``, ``rai-toolkit
        bundle``): its hashes are verified first and its ``fairness.json`` is
        compared. Both
        binary classification reports with the same target, ``pos_label``,
        sensitive features, groups, reference group and metrics.
    ci : float, default=0.95
        Simultaneous coverage of the change intervals.
    n_boot : int, default=1000
        Bootstrap replicates of each report (at least 100).
    random_state : int, numpy.random.Generator, RandomState or None
        Seed of the bootstrap.

    Returns
    -------
    ReportComparison
        ``.changes``, ``.any_worse`` and the views.

    Raises
    ------
    ArgumentError
        A report of another type, or ``ci``, ``n_boot`` or ``random_state`` out of range.
    DataValidationError
        A missing file, malformed JSON, a bundle that fails verification (the
        message holds :func:`~rai_toolkit.verify_bundle`'s finding), a report
        without count tables (saved before schema 1.4: re-run with the current
        toolkit), a regression or multiclass report, or two reports that differ
        in target, groupings, groups, metrics or task (the message says what
        differs).

    Examples
    --------
    >>> cmp = compare_reports("audit_2025.json", "audit_2026.json")  # doctest: +SKIP
    >>> cmp.changes[cmp.changes["worse"] == True]  # doctest: +SKIP
    """
    check_fraction(ci, argument="ci", expected="a coverage strictly between 0 and 1 (e.g. 0.95)")
    n_boot = check_int(n_boot, argument="n_boot", low=MIN_BOOT,
                       hint="Use n_boot=1000 for reported intervals.")  # fmt: skip
    random_state = check_random_state(random_state)
    base = _side(load_report_document(baseline, argument="baseline"), argument="baseline")
    cur = _side(load_report_document(current, argument="current"), argument="current")
    _check_same(base, cur)
    _check_memory(base, n_boot=n_boot)
    min_group_size = max(int(base.doc["min_group_size"]), int(cur.doc["min_group_size"]))
    rng = as_generator(random_state)
    b_est = _estimates(base, n_boot=n_boot, rng=rng)
    c_est = _estimates(cur, n_boot=n_boot, rng=rng)
    rows, reps = _rows(base, cur, b_est, c_est, min_group_size)
    frame = pd.DataFrame(rows)
    frame["harmful"] = pd.Series([r["harmful"] for r in rows], dtype=object)
    frame["change"] = frame["current"] - frame["baseline"]
    lower, upper, c = _simultaneous(frame["change"].to_numpy(dtype=float), reps, ci=ci)
    frame["change_lower"], frame["change_upper"] = lower, upper
    worse = pd.array([pd.NA] * len(frame), dtype="boolean")
    for r, (harmful, lo, hi) in enumerate(zip(frame["harmful"], lower, upper)):
        if not isinstance(harmful, str) or np.isnan(lo):
            continue
        worse[r] = bool(lo > 0) if harmful == "increase" else bool(hi < 0)
    frame["worse"] = worse
    frame = frame[list(CHANGE_COLUMNS)]
    settings = {
        "ci": float(ci),
        "n_boot": n_boot,
        "random_state": random_state if isinstance(random_state, int | None) else None,
        "critical_value": float(c),
        "min_group_size": min_group_size,
        "n_tested": int(np.isfinite(lower).sum()),
        "target": base.doc.get("target"),
        "pos_label": base.doc.get("pos_label"),
        "sensitive_features": list(base.doc.get("sensitive_features", [])),
        "baseline": _about(base),
        "current": _about(cur),
    }
    return ReportComparison(frame, settings)


def _about(side: _Side) -> dict[str, Any]:
    d = side.doc
    return {
        "n_rows": d.get("n_rows"),
        "n_boot": d.get("n_boot"),
        "schema_version": d.get("schema_version"),
        "random_state": d.get("random_state"),
    }
