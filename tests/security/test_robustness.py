import json

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.security import RobustnessReport, check_robustness


class ThresholdModel:
    """Predicts 1 when `feature` > `threshold`; ignores every other column."""

    def __init__(self, feature="x", threshold=0.5):
        self.feature, self.threshold, self.calls = feature, threshold, []

    def predict(self, X):
        self.calls.append(len(X))
        return (X[self.feature].to_numpy(dtype=float) > self.threshold).astype(int)


class CategoryModel:
    """Predicts 1 when column `c` equals 'a'."""

    def predict(self, X):
        return (X["c"].to_numpy() == "a").astype(int)


N = 20_000


@pytest.fixture(scope="module")
def synthetic():
    # A seed unlike the random_state of the checks: with the same seed the noise
    # would replay the very uniforms that generated x.
    rng = np.random.default_rng(12345)
    x = rng.uniform(0, 1, N)
    return pd.DataFrame(
        {
            "x": x,
            "z": rng.normal(size=N),
            "c": rng.choice(["a", "b", "c"], N, p=[0.5, 0.3, 0.2]),
            "group": np.where(np.arange(N) % 4 == 0, "near", "far"),
            "y": (x > 0.5).astype(int),
        }
    )


@pytest.fixture(scope="module")
def threshold_report(synthetic):
    return check_robustness(
        ThresholdModel(),
        synthetic,
        target="y",
        sensitive_features="group",
        epsilon=0.2,
        n_repeats=5,
        random_state=0,
        features=["x", "z", "c"],
    )


def test_threshold_flip_rate_matches_analytic(synthetic, threshold_report):
    # x ~ U[0, 1], noise ~ U[-d, d]: a point at distance t < d from 0.5 flips with
    # probability (d - t) / (2d); integrating over t gives d / 2.
    q1, q3 = np.quantile(synthetic["x"], [0.25, 0.75])
    d = 0.2 * (q3 - q1)
    rows = threshold_report.by_feature.set_index("feature")
    assert rows.loc["x", "scale"] == pytest.approx(d)
    assert rows.loc["x", "flip_rate"] == pytest.approx(d / 2, abs=0.004)
    assert threshold_report.overall["numeric"] == pytest.approx(d / 2, abs=0.004)


def test_ignored_features_never_flip(threshold_report):
    rows = threshold_report.by_feature.set_index("feature")
    assert rows.loc["z", "flip_rate"] == 0.0
    assert rows.loc["c", "flip_rate"] == 0.0
    assert threshold_report.overall["categorical"] == 0.0
    assert threshold_report.by_feature["feature"].iloc[0] == "x"  # most fragile first


def test_categorical_swap_flip_rate_matches_analytic(synthetic):
    # A swap draws another observed value by frequency: 'a' always leaves 'a'; a 'b'
    # becomes 'a' with probability p_a / (1 - p_b), a 'c' with p_a / (1 - p_c).
    report = check_robustness(
        CategoryModel(),
        synthetic,
        target="y",
        sensitive_features="group",
        n_repeats=2,
        random_state=1,
        features=["x", "c"],
    )
    p = synthetic["c"].value_counts(normalize=True)
    expected = p["a"] + p["b"] * p["a"] / (1 - p["b"]) + p["c"] * p["a"] / (1 - p["c"])
    rows = report.by_feature.set_index("feature")
    assert rows.loc["c", "flip_rate"] == pytest.approx(expected, abs=0.01)
    assert rows.loc["x", "flip_rate"] == 0.0


def test_by_group_counts_and_rates(synthetic):
    data = synthetic.assign(x=np.where(synthetic["group"] == "far", 0.9, synthetic["x"]))
    report = check_robustness(
        ThresholdModel(),
        data,
        target="y",
        sensitive_features="group",
        n_repeats=2,
        random_state=0,
        features=["x", "z"],
    )
    table = report.by_group.loc["group"]
    assert table.loc["near", "count"] == N // 4
    assert table.loc["far", "count"] == N - N // 4
    assert table.loc["far", "overall"] == 0.0
    assert table.loc["near", "overall"] > 0.0
    assert report.gaps["group"] == pytest.approx(table.loc["near", "overall"])
    assert "near" in report.interpretation


def test_one_model_call_per_perturbation_set(synthetic):
    model = ThresholdModel()
    check_robustness(
        model,
        synthetic.iloc[:500],
        target="y",
        sensitive_features="group",
        n_repeats=3,
        features=["x", "z", "c"],
    )
    # baseline + 2 numeric features + all numeric + 1 categorical + combined
    assert len(model.calls) == 6
    assert model.calls[1:] == [1500] * 5


def test_input_rows_unchanged(synthetic):
    before = synthetic.copy()
    check_robustness(
        ThresholdModel(),
        synthetic.iloc[:200],
        target="y",
        sensitive_features="group",
        features=["x", "z", "c"],
    )
    pd.testing.assert_frame_equal(synthetic, before)


def test_adult_pipeline_report(adult_split, adult_logreg):
    ds, _, holdout = adult_split
    report = check_robustness(
        adult_logreg,
        holdout.iloc[:500],
        target=ds.target,
        sensitive_features=["sex", "race"],
        n_repeats=1,
        random_state=0,
    )
    assert set(report.by_feature["feature"]) == set(ds.X.columns)
    kinds = report.by_feature.set_index("feature")["kind"]
    assert kinds["age"] == "numeric" and kinds["sex"] == "categorical"
    assert set(report.by_group.index.get_level_values(0)) == {"sex", "race"}
    assert report.by_group.loc["sex", "count"].sum() == 500
    assert 0 < report.overall["overall"] < 1


def test_to_dict_and_views(threshold_report):
    d = json.loads(threshold_report.to_json())
    assert set(d) == {
        "epsilon",
        "n_repeats",
        "n_rows",
        "overall",
        "by_feature",
        "by_group",
        "gaps",
        "interpretation",
    }
    assert set(d["overall"]) == {"numeric", "categorical", "overall"}
    assert d["by_feature"][0]["feature"] == "x"
    assert {g["group"] for g in d["by_group"]} == {"near", "far"}
    assert isinstance(threshold_report, RobustnessReport)
    assert repr(threshold_report).startswith("<RobustnessReport epsilon=0.2")
    assert "<table" in threshold_report._repr_html_()


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("epsilon", [0, -0.1, float("nan")])
def test_epsilon_must_be_positive(synthetic, epsilon):
    with pytest.raises(ArgumentError, match=r"epsilon must be (a finite real number )?> 0"):
        check_robustness(
            ThresholdModel(), synthetic, target="y", sensitive_features="group", epsilon=epsilon
        )


def test_n_repeats_positive(synthetic):
    with pytest.raises(ArgumentError, match="n_repeats must be an integer >= 1; received 0"):
        check_robustness(
            ThresholdModel(), synthetic, target="y", sensitive_features="group", n_repeats=0
        )


def test_regression_target_refused(synthetic):
    with pytest.raises(ArgumentError, match="needs a classifier"):
        check_robustness(
            ThresholdModel(),
            synthetic.assign(y=synthetic["z"]),
            target="y",
            sensitive_features="group",
            features=["x"],
        )


def test_empty_frame():
    with pytest.raises(DataValidationError, match="`data` is empty"):
        check_robustness(
            ThresholdModel(),
            pd.DataFrame({"x": [], "y": [], "g": []}),
            target="y",
            sensitive_features="g",
        )


def test_unknown_sensitive_feature(synthetic):
    with pytest.raises(DataValidationError, match="'sex' given as `sensitive_features`"):
        check_robustness(ThresholdModel(), synthetic, target="y", sensitive_features="sex")


# ------------------------------------------------- zero-inflated integer columns
class GainModel:
    """Predicts 1 for any non-zero `gain` (Adult models split capital_gain at 0); keeps inputs."""

    def __init__(self):
        self.frames = []

    def predict(self, X):
        self.frames.append(X.copy())
        return (X["gain"].to_numpy(dtype=float) != 0).astype(int)


@pytest.fixture(scope="module")
def gains():
    """A capital_gain-like column: 0 for 90% of rows, else integers 3000..20000 and some 99999."""
    rng = np.random.default_rng(7)
    n = 10_000
    gain = np.zeros(n, dtype=np.int64)
    has = rng.random(n) < 0.10
    gain[has] = rng.integers(3000, 20_000, has.sum())
    gain[np.flatnonzero(has)[:30]] = 99_999
    return pd.DataFrame({"gain": gain, "g": np.where(np.arange(n) % 2, "a", "b"), "y": has * 1})


@pytest.fixture(scope="module")
def gain_run(gains):
    model = GainModel()
    report = check_robustness(
        model, gains, target="y", sensitive_features="g", n_repeats=4, random_state=0,
        features=["gain"], epsilon=0.1,
    )
    return model, report


def test_zero_iqr_column_uses_iqr_of_non_modal_values(gains, gain_run):
    _, report = gain_run
    nonzero = gains.loc[gains["gain"] != 0, "gain"]
    q1, q3 = np.quantile(nonzero, [0.25, 0.75])
    row = report.by_feature.set_index("feature").loc["gain"]
    assert row["scale"] == pytest.approx(0.1 * (q3 - q1))
    assert row["scale_basis"] == "iqr_non_modal"


def test_perturbed_integers_stay_integers_within_observed_range(gains, gain_run):
    model, _ = gain_run
    perturbed = model.frames[1:]  # the first call predicts the unperturbed rows
    assert perturbed
    for frame in perturbed:
        assert frame["gain"].dtype == np.int64
        assert frame["gain"].min() == 0  # clipped: no negative gains
        assert frame["gain"].max() <= 99_999
    # the noise did move values (the check is not vacuous)
    assert (perturbed[0]["gain"].to_numpy() != np.tile(gains["gain"], 4)).mean() > 0.4


def test_zero_inflated_flip_rate_matches_analytic(gains, gain_run):
    # Non-zero gains are >= 3000 > s, so they never reach 0. A zero gets U[-s, s],
    # is clipped at 0 and rounded: it becomes non-zero only when the noise exceeds
    # 0.5, with probability (s - 0.5) / (2 s). Unclipped, almost every zero would.
    _, report = gain_run
    row = report.by_feature.set_index("feature").loc["gain"]
    s = row["scale"]
    p_zero = (gains["gain"] == 0).mean()
    assert row["flip_rate"] == pytest.approx(p_zero * (s - 0.5) / (2 * s), abs=0.006)


def test_integer_column_below_one_step_is_not_perturbed(synthetic):
    # hours-like integers with IQR 4: a half-width of 0.1 x 4 = 0.4 rounds back to the value
    data = synthetic.assign(h=np.arange(len(synthetic)) % 5 + 38)
    report = check_robustness(
        ThresholdModel(), data, target="y", sensitive_features="group", n_repeats=1,
        random_state=0, features=["x", "h"], epsilon=0.1,
    )
    row = report.by_feature.set_index("feature").loc["h"]
    assert row["scale_basis"] == "below_integer_step"
    assert np.isnan(row["flip_rate"]) and row["n_evaluations"] == 0


def test_huge_n_repeats_is_refused_before_allocating(synthetic):
    model = ThresholdModel()
    with pytest.raises(ArgumentError, match=r"n_repeats=1,000,000,000 perturbed copies of "
                       rf"{len(synthetic):,} rows x \d+ columns would need about .* of memory, "
                       r"more than the .* one call may use") as info:
        check_robustness(model, synthetic, target="y", sensitive_features="group",
                         n_repeats=10**9)
    assert info.value.argument == "n_repeats"
    assert model.calls == []  # nothing was computed


def test_series_target_and_groups_give_the_named_result(synthetic):
    X = synthetic.drop(columns=["y", "group"])
    by_name = check_robustness(ThresholdModel(), synthetic, target="y",
                               sensitive_features="group", features=list(X.columns),
                               random_state=0)
    by_series = check_robustness(ThresholdModel(), X, target=synthetic["y"],
                                 sensitive_features=synthetic["group"], features=list(X.columns),
                                 random_state=0)
    pd.testing.assert_frame_equal(by_name.by_group, by_series.by_group)
