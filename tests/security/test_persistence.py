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


# ---------------------------------------------------------------- reviewed scikit-learn internals
def _pipelines(data):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    X, y = data
    encoder = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["c"]), remainder="passthrough"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLP convergence on tiny data; not under test
        return {
            "column_transformer_passthrough": make_pipeline(encoder, LogisticRegression()),
            "calibrated": make_pipeline(
                make_column_transformer((OneHotEncoder(), ["c"]), (StandardScaler(), ["a"])),
                CalibratedClassifierCV(LogisticRegression(), cv=3),
            ),
            "mlp_adam": make_pipeline(
                make_column_transformer((OneHotEncoder(), ["c"]), remainder="passthrough"),
                MLPClassifier(hidden_layer_sizes=(4,), max_iter=30, random_state=0),
            ),
        }, X, y


@pytest.mark.parametrize("name", ["column_transformer_passthrough", "calibrated", "mlp_adam"])
def test_plain_sklearn_pipelines_round_trip_without_trusted(tmp_path, data, name):
    models, X, y = _pipelines(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = models[name].fit(X, y)
    path = save_model(model, tmp_path / f"{name}.skops")
    loaded = load_model(path)  # no trusted=, on scikit-learn 1.5 (oldest stack) as on 1.9
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_known_safe_types_are_pure_python_classes():
    import importlib
    import inspect

    import sklearn

    from rai_toolkit.security._persistence import KNOWN_SAFE_TYPES

    present = 0
    for name, reason in KNOWN_SAFE_TYPES.items():
        assert name.startswith("sklearn.") and len(reason) > 40
        module_name, _, cls_name = name.rpartition(".")
        cls = getattr(importlib.import_module(module_name), cls_name, None)
        if cls is None:  # e.g. _RemainderColsList is gone from scikit-learn >= 1.7
            assert name.endswith("_RemainderColsList")
            assert tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 7)
            continue
        present += 1
        # defined in a .py file (no Cython state indexed by values read from the file)
        assert inspect.getsourcefile(cls).endswith(".py")
        assert not hasattr(cls, "__pyx_vtable__")
    assert present >= 4


def test_tree_storage_still_needs_explicit_trust(tmp_path, data):
    from sklearn.tree import DecisionTreeClassifier

    X, y = data
    model = DecisionTreeClassifier(max_depth=2).fit(X[["a"]], y)
    path = save_model(model, tmp_path / "tree.skops")
    with pytest.raises(UnsafeModelError, match=r"sklearn\.tree\._tree\.Tree.*out-of-bounds "
                       r"memory") as info:
        load_model(path)
    assert info.value.untrusted_types == ["sklearn.tree._tree.Tree"]
    assert info.value.argument == "trusted"
    loaded = load_model(path, trusted=info.value.untrusted_types)
    np.testing.assert_array_equal(loaded.predict(X[["a"]]), model.predict(X[["a"]]))


# ---------------------------------------------------------------- path and flag arguments
def test_swapped_arguments(tmp_path, logreg):
    with pytest.raises(ArgumentError, match=r"save_model\(model, path\) takes the model first "
                       r"and the file path second; the arguments look swapped") as info:
        save_model(str(tmp_path / "m.skops"), logreg)
    assert info.value.argument == "path"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("path", "shown"), [(None, "None"), (3, "3"), (b"m.skops", "b'm.skops'"), ("", "''")]
)
def test_save_path_must_be_a_path(logreg, path, shown):
    with pytest.raises(ArgumentError, match=rf"`path` must be a str or os\.PathLike naming a "
                       rf"\.skops file to write; received {shown}"):
        save_model(logreg, path)


def test_save_none_model(tmp_path):
    with pytest.raises(ArgumentError, match=r"`model` is None; pass the fitted model to save"):
        save_model(None, tmp_path / "m.skops")


@pytest.mark.parametrize(
    ("model", "shown"),
    [("m", "'m'"), (3, "3"), (0.5, "0.5"), (True, "True"), (np.zeros(3), "a numpy array"),
     (pd.DataFrame({"a": [1]}), "a pandas DataFrame")],
)
def test_data_is_not_saved_as_a_model(tmp_path, model, shown):
    # any of these used to be written to a .skops file as if it were the model
    with pytest.raises(ArgumentError, match=rf"`model` must be a fitted model \(an estimator, a "
                       rf"pipeline or another object holding one\); received {shown}.*, which "
                       r"is data, not a model") as info:
        save_model(model, tmp_path / "m.skops")
    assert info.value.argument == "model"
    assert list(tmp_path.iterdir()) == []


def test_load_none_or_a_model_object(logreg):
    with pytest.raises(ArgumentError, match=r"`path` must be a str or os\.PathLike naming a "
                       r"model file to read \(\.skops\); received None\.$"):
        load_model(None)
    with pytest.raises(ArgumentError, match=r"received a LogisticRegression\. load_model reads "
                       r"a model file; a fitted model object can be used as it is\."):
        load_model(logreg)


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_allow_pickle_must_be_a_bool(tmp_path, logreg, flag):
    path = tmp_path / "model.pkl"
    joblib.dump(logreg, path)
    with pytest.raises(ArgumentError, match=r"allow_pickle must be True or False; received "):
        load_model(path, allow_pickle=flag)


def test_pickle_refusal_names_the_argument_not_a_cli_flag(tmp_path, logreg):
    path = tmp_path / "model.pkl"
    joblib.dump(logreg, path)
    with pytest.raises(UnsafeModelError) as info:
        load_model(path)
    assert info.value.argument == "allow_pickle"
    assert "--" not in str(info.value) and "CLI" not in str(info.value)


def test_trusted_must_list_names(tmp_path, logreg):
    path = save_model(logreg, tmp_path / "m.skops")
    for bad in ("lightgbm.basic.Booster", 3):
        with pytest.raises(ArgumentError, match="trusted must be a list of type names or types"):
            load_model(path, trusted=bad)
    with pytest.raises(ArgumentError, match=r"trusted must list type names \(str\) or types; "
                       r"received 3"):
        load_model(path, trusted=[3])
