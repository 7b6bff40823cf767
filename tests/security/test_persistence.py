import pickle
import warnings

import joblib
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from rai_toolkit.exceptions import ArgumentError, ModelError, SecurityWarning, UnsafeModelError
from rai_toolkit.security import load_model, save_model

LGBM_TYPES = ["lightgbm.basic.Booster", "lightgbm.sklearn.LGBMClassifier"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "c": rng.choice(list("xyz"), 300)})
    y = ((X["a"] + (X["c"] == "x")) > 0.5).astype(int)
    return X, y


@pytest.fixture(scope="module")
def logreg(data):
    X, y = data
    return LogisticRegression().fit(X[["a"]], y)


@pytest.fixture(scope="module")
def lgbm_pipeline(data):
    X, y = data
    return make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["c"]), remainder="passthrough"
        ),
        lgb.LGBMClassifier(n_estimators=10, verbose=-1),
    ).fit(X, y)


def test_logreg_round_trip_identical_predictions(tmp_path, data, logreg):
    X, _ = data
    path = save_model(logreg, tmp_path / "lr.skops")
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(X[["a"]]), logreg.predict_proba(X[["a"]]))


def test_lightgbm_pipeline_needs_trusted_types(tmp_path, data, lgbm_pipeline):
    path = save_model(lgbm_pipeline, tmp_path / "sub" / "lgbm.skops")  # parent dir created
    with pytest.raises(UnsafeModelError, match="lightgbm.sklearn.LGBMClassifier") as info:
        load_model(path)
    assert set(LGBM_TYPES) <= set(info.value.untrusted_types)
    assert "trusted=" in str(info.value)
    loaded = load_model(path, trusted=info.value.untrusted_types)
    X, _ = data
    np.testing.assert_array_equal(loaded.predict_proba(X), lgbm_pipeline.predict_proba(X))


def test_partially_trusted_lists_only_the_rest(tmp_path, lgbm_pipeline):
    path = save_model(lgbm_pipeline, tmp_path / "lgbm.skops")
    with pytest.raises(UnsafeModelError) as info:
        load_model(path, trusted=[lgb.LGBMClassifier])  # a type works like its name
    assert "lightgbm.sklearn.LGBMClassifier" not in info.value.untrusted_types
    assert "lightgbm.basic.Booster" in info.value.untrusted_types


@pytest.mark.parametrize("suffix", [".pkl", ".pickle", ".joblib"])
def test_pickle_refused_by_default(tmp_path, logreg, suffix):
    path = tmp_path / f"model{suffix}"
    joblib.dump(logreg, path)
    with pytest.raises(UnsafeModelError, match="can execute arbitrary code.*allow_pickle=True"):
        load_model(path)


def test_pickle_allowed_with_security_warning(tmp_path, data, logreg):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(logreg))
    with pytest.warns(SecurityWarning, match="unpickling can execute arbitrary code"):
        loaded = load_model(path, allow_pickle=True)
    X, _ = data
    np.testing.assert_array_equal(loaded.predict(X[["a"]]), logreg.predict(X[["a"]]))


def test_unknown_extension_on_load(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"data")
    with pytest.raises(ArgumentError, match=r"unknown file extension '\.bin'.*\.skops"):
        load_model(path)


def test_unknown_extension_on_save(tmp_path, logreg):
    with pytest.raises(ArgumentError, match=r"unknown file extension '\.pkl'"):
        save_model(logreg, tmp_path / "model.pkl")
    assert list(tmp_path.iterdir()) == []


def test_corrupt_skops_file(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(b"not a zip archive")
    with pytest.raises(ModelError, match="is not a readable skops file"):
        load_model(path)


def test_truncated_skops_file(tmp_path, logreg):
    good = save_model(logreg, tmp_path / "good.skops").read_bytes()
    path = tmp_path / "cut.skops"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ModelError, match="corrupt, truncated"):
        load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(ArgumentError, match="does not exist"):
        load_model(tmp_path / "nope.skops")


def test_failed_save_leaves_no_file(tmp_path):
    unsaveable = LogisticRegression()
    unsaveable.hook = (v for v in [])  # generators cannot be persisted
    target = tmp_path / "bad.skops"
    with pytest.raises(ModelError, match="skops could not serialise LogisticRegression"):
        save_model(unsaveable, target)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_is_atomic_replacement(tmp_path, data, logreg, lgbm_pipeline):
    path = save_model(lgbm_pipeline, tmp_path / "m.skops")
    save_model(logreg, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(load_model(path), LogisticRegression)
    assert [p.name for p in tmp_path.iterdir()] == ["m.skops"]


def test_trusted_true_refused(tmp_path, logreg):
    path = save_model(logreg, tmp_path / "m.skops")
    with pytest.raises(ArgumentError, match="trusted must be a list"):
        load_model(path, trusted=True)
