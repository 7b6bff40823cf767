"""Warnings of one mitigate call: each reaches the caller once."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.exceptions import SmallGroupWarning
from rai_toolkit.mitigation import mitigate


@pytest.fixture()
def with_small_group():
    """Groups F and M of about 200 rows each and a group X of 10 rows, in train and in test."""
    rng = np.random.default_rng(1)
    n = 420
    sex = np.array(["F", "M"] * 200 + ["X"] * 20)
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n), "sex": sex})
    frame["y"] = (frame["x1"] + 0.5 * (frame["sex"] == "M") + rng.normal(size=n) > 0).astype(int)
    train = pd.concat([frame.iloc[:200], frame.iloc[400:410]], ignore_index=True)
    test = pd.concat([frame.iloc[200:400], frame.iloc[410:]], ignore_index=True)
    model = LogisticRegression().fit(train[["x1", "x2"]], train["y"])
    return model, train, test


def _small_group_warnings(model, train, test, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mitigate(model, train, test, target="y", sensitive_features="sex",
                          features=["x1", "x2"], random_state=0, n_boot=0, **options)
    return result, [w for w in caught if issubclass(w.category, SmallGroupWarning)]


def test_small_group_warning_is_given_once_although_both_reports_see_the_group(with_small_group):
    result, small = _small_group_warnings(*with_small_group)
    assert len(small) == 1
    assert "sex=X" in str(small[0].message)
    # both reports did find the small group: the warning stands for both
    assert result.before.small_groups == result.after.small_groups == ["sex=X"]


def test_warning_points_at_the_callers_line(with_small_group):
    _, small = _small_group_warnings(*with_small_group)
    assert small[0].filename == __file__


def test_reduction_gives_the_small_group_warning_once(with_small_group):
    _, small = _small_group_warnings(*with_small_group, method="reduction", grid_size=2)
    assert len(small) == 1
