import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.report import plan_suppression
from rai_toolkit.report._suppression import INTERSECTIONAL, OVERALL

from .conftest import PAYLOAD_SCRIPT, shown_counts


def _published(counts: pd.Series, intersectional: bool):
    """Independent construction of every number a report shows, as rows over the joint cells."""
    joint = [k if isinstance(k, tuple) else (k,) for k in counts.index]
    names = list(counts.index.names)
    cells, rows = [(OVERALL, OVERALL)], [np.ones(len(joint))]
    for j, f in enumerate(names):
        for level in sorted({k[j] for k in joint}):
            cells.append((f, level))
            rows.append(np.array([float(k[j] == level) for k in joint]))
    if intersectional and len(names) > 1:
        for i, k in enumerate(joint):
            cells.append((INTERSECTIONAL, k))
            rows.append(np.eye(len(joint))[i])
    return cells, np.vstack(rows)


def _determined(counts, plan, intersectional):
    """Hidden cells whose value follows linearly from the shown ones (null-space test)."""
    cells, matrix = _published(counts, intersectional)
    shown = np.array([not plan.is_suppressed(*c) for c in cells])
    free = null_space(matrix[shown]) if shown.any() else np.eye(matrix.shape[1])
    out = []
    for i, cell in enumerate(cells):
        if not shown[i] and np.allclose(matrix[i] @ free, 0, atol=1e-9):
            out.append(cell)
    return out


def test_single_small_group_gets_a_complementary_partner():
    counts = pd.Series([500, 300, 4], index=pd.Index(["a", "b", "c"], name="race"))
    plan = plan_suppression(counts, min_cell_size=10)
    assert plan.reasons == {("race", "c"): "below minimum", ("race", "b"): "complementary"}


def test_nothing_hidden_when_every_group_is_large():
    counts = pd.Series([500, 300, 40], index=pd.Index(["a", "b", "c"], name="race"))
    assert not plan_suppression(counts, min_cell_size=10).any


def test_two_tiny_groups_summing_below_k_get_a_third():
    # 1 + 1 hidden: subtraction gives 2, and two groups of at least one row are then 1 and 1
    counts = pd.Series([500, 300, 1, 1], index=pd.Index(list("abcd"), name="race"))
    plan = plan_suppression(counts, min_cell_size=10)
    assert set(plan.suppressed_groups("race")) == {"b", "c", "d"}


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_count_follows_from_shown_counts(seed):
    rng = np.random.default_rng(seed)
    sexes, races = ["F", "M"], ["a", "b", "c", "d"]
    keys = list(itertools.product(sexes, races))
    values = rng.choice([1, 2, 3, 5, 8, 15, 40, 120, 600], size=len(keys))
    counts = pd.Series(values, index=pd.MultiIndex.from_tuples(keys, names=["sex", "race"]))
    for intersectional in (True, False):
        plan = plan_suppression(counts, min_cell_size=10, intersectional=intersectional)
        assert _determined(counts, plan, intersectional) == []
        # every shown number is at least k, or the plan hid it
        cells, matrix = _published(counts, intersectional)
        for cell, row in zip(cells, matrix):
            if row @ counts.to_numpy() < 10 and (intersectional or cell[0] != INTERSECTIONAL):
                assert plan.is_suppressed(*cell)


@pytest.mark.parametrize("seed", range(8))
def test_the_plan_does_not_depend_on_the_order_of_the_counts(seed):
    # equal small counts make ties: an engine's table and a shuffled frame list the groups in
    # other orders than pandas' sorted group-by, and must hide the same groups
    rng = np.random.default_rng(seed)
    keys = list(itertools.product(["F", "M", "(missing)"], ["a", "b", "c", "d"]))
    values = rng.choice([2, 3, 3, 12, 12, 40, 200], size=len(keys))
    counts = pd.Series(values, index=pd.MultiIndex.from_tuples(keys, names=["sex", "race"]))
    plans = [
        plan_suppression(counts.iloc[rng.permutation(len(counts))], min_cell_size=10)
        for _ in range(4)
    ]
    assert all(p.reasons == plans[0].reasons for p in plans[1:])


def test_labels_that_do_not_compare_are_ordered_too():
    index = pd.Index(["a", 1, "b", 2.5], dtype=object, name="g")
    counts = pd.Series([3, 3, 500, 400], index=index)
    forward = plan_suppression(counts, min_cell_size=10).reasons
    backward = plan_suppression(counts.iloc[::-1], min_cell_size=10).reasons
    assert forward == backward
    assert {g for (_, g), r in forward.items() if r == "below minimum"} == {"a", 1}


def test_a_missing_group_label_is_refused_with_the_label_to_use():
    counts = pd.Series([500, 3], index=pd.Index(["a", np.nan], dtype=object, name="g"))
    with pytest.raises(ArgumentError, match=r"missing group label.*'\(missing\)'"):
        plan_suppression(counts, min_cell_size=10)


def test_hidden_groups_of_one_feature_sum_to_at_least_k():
    counts = pd.Series([900, 6, 3, 50], index=pd.Index(list("abcd"), name="g"))
    plan = plan_suppression(counts, min_cell_size=10)
    hidden = plan.suppressed_groups("g")
    assert len(hidden) >= 2 and counts[hidden].sum() >= 10


def test_min_cell_size_must_be_a_positive_integer():
    counts = pd.Series([5, 5], index=pd.Index(["a", "b"], name="g"))
    with pytest.raises(ArgumentError, match="min_cell_size must be an integer >= 1; received 0"):
        plan_suppression(counts, min_cell_size=0)


def test_report_hides_tiny_group_and_no_subtraction_recovers_it(assessment):
    doc = assessment.to_dict()
    region = shown_counts(doc, "region")
    assert region[(PAYLOAD_SCRIPT,)] is None
    hidden = [k for k, v in region.items() if v is None]
    assert len(hidden) >= 2
    total = doc["model_card"]["n_rows"]
    remainder = total - sum(v for v in region.values() if v is not None)
    true = assessment.fairness.by_feature("region").by_group["count"]
    assert remainder == sum(true[k[0]] for k in hidden)
    assert all(remainder != true[k[0]] for k in hidden)
    # intersectional cells containing the tiny group are hidden too
    inter = shown_counts(doc, "intersectional")
    assert all(v is None for k, v in inter.items() if PAYLOAD_SCRIPT in k)


def test_hidden_groups_show_no_rates_intervals_or_undefined_notes(assessment):
    doc = assessment.to_dict()
    for grouping in doc["fairness"]["groupings"]:
        hidden_keys = {g["key"] for g in grouping["groups"] if g["suppressed"]}
        for g in grouping["groups"]:
            if g["suppressed"]:
                assert g["metrics"] is None and g["lower"] is None and g["count"] is None
        assert not any(u["group"] in hidden_keys for u in grouping["undefined"])


def test_disparity_is_hidden_when_a_hidden_group_holds_the_extreme(assessment):
    doc = assessment.to_dict()
    region = next(g for g in doc["fairness"]["groupings"] if g["name"] == "region")
    by_group = assessment.fairness.by_feature("region").by_group
    hidden = [g["labels"][0] for g in region["groups"] if g["suppressed"]]
    for d in region["disparities"]:
        values = by_group[d["metric"]].dropna()
        extreme = {values.idxmax(), values.idxmin()} if len(values) else set()
        if extreme & set(hidden):
            assert d["suppressed"] and d["difference"] is None
        else:
            assert not d["suppressed"]


def test_error_analysis_names_no_hidden_group(assessment):
    doc = assessment.to_dict()
    hidden = {
        (g["grouping"], g["group"] if isinstance(g["group"], str) else None)
        for g in doc["suppression"]["groups"]
    }
    for cohort in doc["error_analysis"]["cohorts"]:
        for cond in cohort["conditions"]:
            assert (cond["feature"], cond["level"]) not in hidden


def test_verdict_reasons_do_not_name_or_count_hidden_groups(assessment):
    doc = assessment.to_dict()
    sanitised = 0
    for grouping in doc["fairness"]["groupings"]:
        hidden_keys = {g["key"] for g in grouping["groups"] if g["suppressed"]}
        for v in grouping["verdicts"]:
            reason = v["reason"] or ""
            assert not any(key in reason for key in hidden_keys)
            if "too small to show in this report were left out" in reason:
                sanitised += 1
                assert "with all groups" not in reason and "including them" not in reason
                assert not v["suppressed"] and v["value"] is not None
    # the fixture's tiny groups are left out of verdicts by the fairness rule, so verdicts
    # over the remaining groups are shown, with their reasons sanitised
    assert sanitised >= 3


def test_sanitised_reason_says_why_a_verdict_is_inconclusive_without_numbers():
    from rai_toolkit.report._document import _safe_reason

    verdict = {
        "reason": "full reason naming g=tiny (3 positives) with all-groups value 0.05",
        "reason_with_supported_groups": "the 95% interval [0.2, 0.3] lies entirely on the "
        "wrong side of 0.1",
        "decided_by": "left_out_groups_change_status",
        "excluded_groups": ["g=tiny"],
    }
    text = _safe_reason(verdict, {"g=tiny"})
    assert text.startswith("the 95% interval [0.2, 0.3] lies entirely on the wrong side")
    assert "1 group(s) too small to show" in text
    assert text.endswith(
        "the outcome would differ with those groups, so the verdict is inconclusive"
    )
    assert "tiny" not in text and "0.05" not in text and "3 positives" not in text
    # the status stood without the hidden group: no claim that it would differ
    stood = {**verdict, "decided_by": "interval"}
    assert not _safe_reason(stood, {"g=tiny"}).endswith("so the verdict is inconclusive")
    # a group that is shown keeps the full reason
    assert _safe_reason(verdict, set()) == verdict["reason"]


def _fairness_doc(biased, plan):
    """The fairness section of the fixture's assessment, recomputed (same inputs as assess)."""
    import warnings

    from rai_toolkit.fairness import analyze_fairness
    from rai_toolkit.report._document import fairness_section

    test, model = biased["test"], biased["model"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None,
            test,
            target="y",
            sensitive_features=["group", "region"],
            y_pred=model.predict(test[biased["features"]]),
            y_score=model.predict_proba(test[biased["features"]])[:, 1],
            n_boot=200,
            random_state=0,
        )
    return fairness_section(report, plan)


def test_suppression_does_not_depend_on_fairness_wording(biased, assessment, monkeypatch):
    """Reword every fairness reason and warning: the document hides exactly what it hid."""
    import rai_toolkit.fairness._verdicts as verdicts_module

    plan = assessment.suppression
    before = _fairness_doc(biased, plan)
    assert before["verdicts"] == assessment.to_dict()["fairness"]["verdicts"]

    # new wording that names every group it is about, in other words and another order
    def explain(v):
        return f"[{v.decided_by}] left out: {' + '.join(reversed(v.excluded_groups))}"

    def judgement_text(v, *, name_groups=True):
        return f"<{v.status_with_supported_groups} on {v.value:.3f}>"

    monkeypatch.setattr(verdicts_module, "explain", explain)
    monkeypatch.setattr(verdicts_module, "judgement_text", judgement_text)
    _reword_warnings(monkeypatch)
    after = _fairness_doc(biased, plan)

    hidden_keys = set()
    for a, b in zip(before["groupings"], after["groupings"]):
        assert [g["suppressed"] for g in a["groups"]] == [g["suppressed"] for g in b["groups"]]
        assert [d["suppressed"] for d in a["disparities"]] == [
            d["suppressed"] for d in b["disparities"]
        ]
        hidden_keys |= {g["key"] for g in b["groups"] if g["suppressed"]}
    assert hidden_keys
    reworded = 0
    for v_before, v_after in zip(before["verdicts"], after["verdicts"]):
        for key in ("suppressed", "value", "lower", "upper", "status"):
            assert v_before[key] == v_after[key], key
        sanitised = "too small to show in this report" in (v_before["reason"] or "")
        assert sanitised == ("too small to show in this report" in (v_after["reason"] or ""))
        assert not any(k in (v_after["reason"] or "") for k in hidden_keys)
        reworded += (v_after["reason"] or "").startswith(("[", "<"))
    assert reworded > 0
    # (every warning of this fixture names a hidden group; see the next test for kept ones)
    assert len(before["warnings"]) == len(after["warnings"])
    for w in after["warnings"]:
        assert not any(k in w for k in hidden_keys)


def _reword_warnings(monkeypatch):
    import rai_toolkit.fairness._analyze as analyze_module
    from rai_toolkit.fairness._report import ReportWarning

    original = analyze_module.small_group_warnings

    def small_group_warnings(est, names, *, min_group_size):
        return [
            ReportWarning(w.category, "NOTE about " + " & ".join(w.groups), w.groups)
            for w in original(est, names, min_group_size=min_group_size)
        ]

    monkeypatch.setattr(analyze_module, "small_group_warnings", small_group_warnings)


@pytest.mark.parametrize("reworded", [False, True])
def test_a_hidden_group_key_hides_only_warnings_about_that_group(reworded, monkeypatch):
    """Key "g=1" hidden: a warning about "g=10" stays (no substring matching), in any wording."""
    import warnings

    from rai_toolkit.fairness import analyze_fairness
    from rai_toolkit.report._document import fairness_section

    sizes = {"1": 4, "2": 120, "3": 300, "10": 1000}
    positives = {"1": 2, "2": 60, "3": 150, "10": 5}  # "10": many rows, 5 positives
    rows = []
    for g, n in sizes.items():
        y = [1] * positives[g] + [0] * (n - positives[g])
        rows += [(g, yy, (k % 2 == 0) * 1) for k, yy in enumerate(y)]
    frame = pd.DataFrame(rows, columns=["g", "y", "p"])
    if reworded:
        _reword_warnings(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(None, frame, target="y", sensitive_features="g", y_pred="p",
                                  n_boot=0)  # fmt: skip
    records = {w.groups: w.message for w in report.warning_records}
    assert set(records) == {("g=1",), ("g=10",)}
    plan = plan_suppression(frame.groupby("g").size().rename_axis("g"), min_cell_size=10)
    assert plan.is_suppressed("g", "1") and not plan.is_suppressed("g", "10")
    section = fairness_section(report, plan)
    assert section["warnings"] == [records[("g=10",)]]
    assert "g=10" in section["warnings"][0]
    assert section["warnings"][0].startswith("NOTE about") == reworded
