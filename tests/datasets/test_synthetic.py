import re

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.datasets import Dataset, make_biased_classification
from rai_toolkit.exceptions import ArgumentError


def _rates(ds):
    return ds.frame.groupby("group")["y"].mean()


def test_returns_dataset_with_documented_columns():
    ds = make_biased_classification(100, n_features=3, random_state=0)
    assert isinstance(ds, Dataset)
    assert ds.name == "biased_classification"
    assert ds.frame.columns.tolist() == ["group", "x0", "x1", "x2", "proxy", "y"]
    assert ds.target == "y"
    assert ds.sensitive_features == ["group"]
    assert ds.metadata["biased_feature"] == "x0"


def test_same_random_state_gives_same_data():
    first = make_biased_classification(500, label_bias=0.3, feature_bias=1.0, random_state=7)
    second = make_biased_classification(500, label_bias=0.3, feature_bias=1.0, random_state=7)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    third = make_biased_classification(500, label_bias=0.3, feature_bias=1.0, random_state=8)
    assert not first.frame.equals(third.frame)


def test_group_sizes_are_exact():
    ds = make_biased_classification(1000, group_proportion=0.3, random_state=0)
    assert ds.frame["group"].value_counts().to_dict() == {"a": 700, "b": 300}
    assert ds.metadata["group_sizes"] == {"a": 700, "b": 300}


def test_no_bias_gives_equal_base_rates():
    rates = _rates(make_biased_classification(20_000, random_state=0))
    assert rates["a"] == pytest.approx(0.5, abs=0.02)
    assert rates["b"] == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("label_bias", [0.2, 0.5, 0.8])
def test_label_bias_matches_expected_base_rate(label_bias):
    ds = make_biased_classification(20_000, label_bias=label_bias, random_state=1)
    rates = _rates(ds)
    assert ds.metadata["expected_base_rate"]["b"] == pytest.approx(0.5 * (1 - label_bias))
    assert rates["b"] == pytest.approx(0.5 * (1 - label_bias), abs=0.02)
    assert rates["a"] == pytest.approx(0.5, abs=0.02)


def test_disparity_grows_with_label_bias():
    gaps = []
    for label_bias in [0.0, 0.25, 0.5, 0.75, 1.0]:
        rates = _rates(make_biased_classification(20_000, label_bias=label_bias, random_state=2))
        gaps.append(rates["a"] - rates["b"])
    assert all(later > earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] == pytest.approx(0.5, abs=0.02)


def test_label_bias_only_flips_positive_labels_of_group_b():
    ds = make_biased_classification(5000, label_bias=0.6, random_state=3)
    y_unbiased = ds.metadata["y_unbiased"]
    changed = ds.y != y_unbiased
    assert int(changed.sum()) == ds.metadata["n_flipped"] > 0
    assert (ds.frame.loc[changed, "group"] == "b").all()
    assert (y_unbiased[changed] == 1).all()
    assert (
        ds.frame.loc[ds.frame["group"] == "a", "y"] == y_unbiased[ds.frame["group"] == "a"]
    ).all()


@pytest.mark.parametrize("feature_bias", [0.5, 1.0, 2.0])
def test_feature_bias_shifts_x0_by_requested_sds(feature_bias):
    ds = make_biased_classification(40_000, feature_bias=feature_bias, random_state=4)
    means = ds.frame.groupby("group")["x0"].mean()
    sd_a = ds.frame.loc[ds.frame["group"] == "a", "x0"].std()
    assert (means["a"] - means["b"]) / sd_a == pytest.approx(feature_bias, abs=0.05)
    other = ds.frame.groupby("group")["x1"].mean()
    assert other["a"] - other["b"] == pytest.approx(0.0, abs=0.05)


def test_feature_bias_leaves_labels_unbiased():
    rates = _rates(make_biased_classification(20_000, feature_bias=2.0, random_state=5))
    assert rates["a"] - rates["b"] == pytest.approx(0.0, abs=0.03)


def test_feature_bias_lowers_model_scores_for_group_b():
    from sklearn.linear_model import LogisticRegression

    ds = make_biased_classification(20_000, feature_bias=1.5, proxy_strength=0.0, random_state=6)
    features = [c for c in ds.X.columns if c.startswith("x")]
    model = LogisticRegression().fit(ds.X[features], ds.y)
    selected = pd.Series(model.predict(ds.X[features]), index=ds.frame.index)
    by_group = selected.groupby(ds.frame["group"]).mean()
    assert by_group["a"] - by_group["b"] > 0.15


def test_proxy_encodes_group():
    ds = make_biased_classification(20_000, proxy_strength=2.0, random_state=0)
    means = ds.frame.groupby("group")["proxy"].mean()
    assert means["b"] - means["a"] == pytest.approx(2.0, abs=0.05)


def test_accepts_a_generator():
    ds = make_biased_classification(50, random_state=np.random.default_rng(0))
    assert len(ds.frame) == 50


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 5}, "n_samples must be an integer >= 10; received 5."),
        ({"n_samples": 100.0}, "n_samples must be an integer >= 10; received 100.0."),
        ({"n_features": 0}, "n_features must be an integer >= 1; received 0."),
        ({"group_proportion": 0.0}, "group_proportion must be in (0, 1); received 0.0."),
        ({"group_proportion": 1.5}, "group_proportion must be in (0, 1); received 1.5."),
        ({"label_bias": -0.1}, "label_bias must be in [0, 1]; received -0.1."),
        ({"label_bias": 1.2}, "label_bias must be in [0, 1]; received 1.2."),
        (
            {"feature_bias": float("nan")},
            "feature_bias must be a finite real number in [-10, 10]; received nan.",
        ),
        (
            {"feature_bias": "1"},
            "feature_bias must be a finite real number in [-10, 10]; received '1'.",
        ),
        ({"feature_bias": 1e300}, "feature_bias must be in [-10, 10]; received 1e+300."),
        ({"feature_bias": -10.5}, "feature_bias must be in [-10, 10]; received -10.5."),
        ({"proxy_strength": 11}, "proxy_strength must be in [-10, 10]; received 11. A shift of "
                                 "10 SDs already separates the groups."),
        ({"random_state": "seed"}, "random_state must be None, a non-negative integer"),
        ({"random_state": -1}, "random_state must be None, a non-negative integer"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, message):
    with pytest.raises(ArgumentError, match=re.escape(message)):
        make_biased_classification(**kwargs)


@pytest.mark.parametrize("shift", [-10, 10])
def test_the_largest_shift_is_accepted_and_applied(shift):
    ds = make_biased_classification(20_000, feature_bias=shift, proxy_strength=shift,
                                    random_state=1)
    means = ds.frame.groupby("group")[["x0", "proxy"]].mean()
    assert means.loc["a", "x0"] - means.loc["b", "x0"] == pytest.approx(shift, abs=0.05)
    assert means.loc["b", "proxy"] - means.loc["a", "proxy"] == pytest.approx(shift, abs=0.05)


def test_empty_group_raises():
    message = "group_proportion=0.01 with n_samples=10 gives group 'b' no rows"
    with pytest.raises(ArgumentError, match=re.escape(message)):
        make_biased_classification(10, group_proportion=0.01)


def test_huge_sizes_are_refused_before_allocating():
    for kwargs, argument in [({"n_samples": 10**12}, "n_samples"),
                             ({"n_samples": 1000, "n_features": 10**9}, "n_samples")]:
        with pytest.raises(ArgumentError, match=r"A synthetic data set of .* rows x .* features "
                           r"would need about .* of memory, more than the") as info:
            make_biased_classification(**kwargs)
        assert info.value.argument == argument


def test_accepts_a_random_state_instance_on_every_numpy():
    a = make_biased_classification(50, random_state=np.random.RandomState(0))
    b = make_biased_classification(50, random_state=np.random.RandomState(0))
    pd.testing.assert_frame_equal(a.frame, b.frame)
    # an int gives the same data as before the shared seed validator
    c = make_biased_classification(50, random_state=7)
    rng = np.random.default_rng(7)
    is_b = rng.permutation(np.arange(50) < 25)
    np.testing.assert_array_equal(c.frame["group"].to_numpy() == "b", is_b)
