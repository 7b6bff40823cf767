import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from rai_toolkit.error_analysis import analyze_errors
from rai_toolkit.exceptions import ArgumentError, DataValidationError


@pytest.fixture(scope="module")
def planted():
    """Errors planted at 40% in colour=red & size=L, 5% elsewhere."""
    rng = np.random.default_rng(0)
    n = 6000
    frame = pd.DataFrame(
        {
            "colour": rng.choice(["red", "blue", "green"], size=n),
            "size": rng.choice(["S", "M", "L"], size=n),
            "weight": rng.normal(size=n),
            "y": rng.integers(0, 2, size=n),
        }
    )
    bad = (frame["colour"] == "red") & (frame["size"] == "L")
    wrong = rng.random(n) < np.where(bad, 0.4, 0.05)
    frame["pred"] = np.where(wrong, 1 - frame["y"], frame["y"])
    return frame


def test_planted_worst_cohort_is_ranked_first(planted):
    ea = analyze_errors(None, planted, target="y", y_pred="pred")
    assert ea.cohorts.iloc[0]["cohort"] == "colour = red and size = L"


def test_cohort_error_rates_match_pandas(planted):
    ea = analyze_errors(None, planted, target="y", y_pred="pred", max_conditions=1)
    wrong = planted["pred"] != planted["y"]
    expected = wrong.groupby(planted["colour"]).agg(["mean", "size", "sum"])
    for _, row in ea.cohorts.iterrows():
        ((feature, level),) = row["conditions"]
        if feature == "colour":
            assert row["count"] == expected.loc[level, "size"]
            assert row["errors"] == expected.loc[level, "sum"]
            assert row["error_rate"] == pytest.approx(expected.loc[level, "mean"])


def test_intervals_are_wilson_intervals(planted):
    ea = analyze_errors(None, planted, target="y", y_pred="pred")
    for _, row in ea.cohorts.head(5).iterrows():
        lo, hi = proportion_confint(row["errors"], row["count"], alpha=0.05, method="wilson")
        assert row["lower"] == pytest.approx(lo, abs=1e-9)
        assert row["upper"] == pytest.approx(hi, abs=1e-9)


def test_settings_are_the_limits_of_the_search_as_in_to_dict(planted):
    ea = analyze_errors(
        None, planted, target="y", y_pred="pred", max_conditions=1, min_cohort_size=50, n_bins=3
    )
    expected = {
        "max_conditions": 1, "min_cohort_size": 50, "min_cell_size": 10, "n_bins": 3,
        "max_levels": 10,
    }
    assert ea.settings == expected
    assert ea.to_dict()["settings"] == expected


def test_cohorts_are_ranked_by_lower_bound(planted):
    lower = analyze_errors(None, planted, target="y", y_pred="pred").cohorts["lower"]
    assert lower.is_monotonic_decreasing


def test_cohort_whose_complement_is_small_is_not_listed():
    frame = pd.DataFrame({"f": ["a"] * 95 + ["b"] * 5, "y": [0] * 100, "pred": [1] * 100})
    ea = analyze_errors(
        None,
        frame,
        target="y",
        y_pred="pred",
        min_cohort_size=1,
        min_cell_size=10,
        max_conditions=1,
    )
    # f = a has 95 rows, but shown with the total it reveals f = b (5 rows)
    assert ea.cohorts.empty


def test_excluded_levels_are_never_listed(planted):
    ea = analyze_errors(
        None,
        planted,
        target="y",
        y_pred="pred",
        exclude=[{"colour": "red"}, {"size": "S", "colour": "blue"}],
    )
    conds = [dict(c) for c in ea.cohorts["conditions"]]
    assert not any(c.get("colour") == "red" for c in conds)
    assert not any(c.get("colour") == "blue" and c.get("size") == "S" for c in conds)
    assert any(c == {"colour": "blue"} for c in conds)


def test_regression_ranks_by_mean_absolute_error():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"g": rng.choice(["u", "v"], size=2000), "y": rng.normal(size=2000)})
    frame["pred"] = frame["y"] + np.where(frame["g"] == "u", 2.0, 0.1)
    ea = analyze_errors(None, frame, target="y", y_pred="pred")
    top = ea.cohorts.iloc[0]
    assert ea.metric == "mean_absolute_error" and top["cohort"] == "g = u"
    assert top["mean_absolute_error"] == pytest.approx(2.0)


def test_bad_settings_raise_clear_errors(planted):
    with pytest.raises(ArgumentError, match=r"max_conditions must be an integer in \[1, 2\]; rece"):
        analyze_errors(None, planted, target="y", y_pred="pred", max_conditions=3)
    with pytest.raises(DataValidationError, match="'nope' given as `cohort_features` not found"):
        analyze_errors(None, planted, target="y", y_pred="pred", cohort_features=["nope"])


def test_misaligned_predictions_and_malformed_options(planted):
    shifted = planted["pred"].set_axis(planted.index + 10_000)
    with pytest.raises(DataValidationError, match=r"`y_pred` is a pandas Series whose index "
                       r"does not match the index of `data`"):
        analyze_errors(None, planted, target="y", y_pred=shifted)
    with pytest.raises(DataValidationError, match=r"Column 'nope' given as `y_pred` not found"):
        analyze_errors(None, planted, target="y", y_pred="nope")
    with pytest.raises(ArgumentError, match=r"exclude must be a dict \{feature: \[levels\]\} or a "
                       r"list of dicts \{feature: level, \.\.\.\}; received 'colour'"):
        analyze_errors(None, planted, target="y", y_pred="pred", exclude="colour")
    with pytest.raises(ArgumentError, match=r"exclude\['colour'\] must be a list of levels; "
                       r"received 'red'"):
        analyze_errors(None, planted, target="y", y_pred="pred", exclude={"colour": "red"})
    with pytest.raises(ArgumentError, match=r"n_bins must be an integer in \[2, 1000\]; "
                       r"received 1000000000"):
        analyze_errors(None, planted, target="y", y_pred="pred", n_bins=10**9)
    with pytest.raises(DataValidationError, match=r"Predictions contain 1 missing value"):
        analyze_errors(None, planted, target="y",
                       y_pred=planted["pred"].astype(float).where(planted.index != 5))


def test_series_target_and_cohort_feature(planted):
    by_name = analyze_errors(None, planted, target="y", y_pred="pred")
    X = planted.drop(columns=["y", "colour"])
    by_series = analyze_errors(None, X, target=planted["y"], y_pred="pred",
                               cohort_features=[planted["colour"], "size", "weight"])
    pd.testing.assert_frame_equal(by_name.cohorts, by_series.cohorts)


def test_text_labels_need_no_positive_class(planted):
    labelled = planted.assign(
        y=np.where(planted["y"] == 1, "approved", "refused"),
        pred=np.where(planted["pred"] == 1, "approved", "refused"),
    )
    by_text = analyze_errors(None, labelled, target="y", y_pred="pred")
    by_code = analyze_errors(None, planted, target="y", y_pred="pred")
    pd.testing.assert_frame_equal(by_text.cohorts, by_code.cohorts)
    assert by_text.overall == by_code.overall


def test_predictions_outside_the_target_labels_are_refused(planted):
    bad = planted["pred"].where(planted.index != 7, 2)
    with pytest.raises(DataValidationError, match=r"y_pred must hold the binary labels of target "
                       r"'y' \(\['0', '1'\]\); it also holds \['2'\]"):
        analyze_errors(None, planted, target="y", y_pred=bad)


def test_the_model_is_called_for_labels_only(planted):
    from sklearn.tree import DecisionTreeClassifier

    X = planted[["colour", "size"]].apply(lambda c: c.astype("category").cat.codes)
    data = X.assign(y=planted["y"])
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, planted["y"])
    calls = []
    original = model.predict_proba
    model.predict_proba = lambda *a: calls.append("predict_proba") or original(*a)
    ea = analyze_errors(model, data, target="y")
    assert calls == []
    expected = (model.predict(X) != planted["y"]).mean()
    assert ea.overall["error_rate"] == pytest.approx(expected)
    assert ea.features == ["colour", "size"]


def test_worst_and_to_dict_refuse_counts_that_are_not_counts(planted):
    ea = analyze_errors(None, planted, target="y", y_pred="pred")
    assert len(ea.worst(3)) == 3
    assert len(ea.to_dict(top=2)["cohorts"]) == 2
    assert len(ea.to_dict(top=None)["cohorts"]) == len(ea.cohorts)
    for bad in ("3", 0.5, True, [3], -1):
        with pytest.raises(ArgumentError, match=r"n must be an integer >= 1") as info:
            ea.worst(bad)
        assert info.value.argument == "n"
        with pytest.raises(ArgumentError, match=r"top must be .*None includes every cohort"):
            ea.to_dict(top=bad)
