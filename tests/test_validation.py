"""The shared input-validation core: one clear error per bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from rai_toolkit._validation import (
    MISSING_GROUP,
    call_model,
    check_data_frame,
    encode_sensitive,
    model_features,
    prepare_data,
)
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    MissingGroupWarning,
    ModelError,
    NotFittedError,
    RaiToolkitError,
)


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "colour": rng.choice(["red", "blue"], n),
        "sex": rng.choice(["f", "m"], n),
        "age": rng.integers(18, 90, n),
    })
    df["y"] = (df["x"] + rng.normal(scale=0.5, size=n) > 0).astype(int)
    return df


@pytest.fixture(scope="module")
def pipeline(frame):
    ct = ColumnTransformer([("oh", OneHotEncoder(), ["colour"])], remainder="passthrough")
    return make_pipeline(ct, LogisticRegression()).fit(frame[["x", "colour"]], frame["y"])


def test_predictions_and_scores_come_from_the_model(frame, pipeline):
    checked = prepare_data(pipeline, frame, target="y", sensitive_features="sex")
    X = frame[["x", "colour"]]
    np.testing.assert_array_equal(checked.y_pred, pipeline.predict(X))
    np.testing.assert_allclose(checked.y_score, pipeline.predict_proba(X)[:, 1])
    assert checked.task == "binary"
    assert checked.features == ["x", "colour"]
    assert checked.n_rows == len(frame)


def test_pos_label_zero_picks_the_other_probability(frame, pipeline):
    checked = prepare_data(pipeline, frame, target="y", sensitive_features="sex", pos_label=0)
    proba = pipeline.predict_proba(frame[["x", "colour"]])
    np.testing.assert_allclose(checked.y_score, proba[:, 0])


def test_y_pred_as_column_name_or_array(frame):
    a = prepare_data(None, frame, target="y", sensitive_features="sex", y_pred="y")
    b = prepare_data(None, frame, target="y", sensitive_features="sex", y_pred=frame["y"].values)
    np.testing.assert_array_equal(a.y_pred, b.y_pred)
    assert a.y_score is None


def test_missing_sensitive_values_form_an_explicit_group(frame):
    df = frame.copy()
    df.loc[:4, "sex"] = None
    with pytest.warns(MissingGroupWarning, match="5 missing value"):
        checked = prepare_data(None, df, target="y", sensitive_features="sex", y_pred="y")
    assert (checked.sensitive["sex"] == MISSING_GROUP).sum() == 5
    assert checked.n_rows == len(df)


def test_bins_make_readable_groups(frame):
    groups = encode_sensitive(frame, ["age"], bins={"age": [18, 40, 65, 90]})
    assert set(groups["age"]) == {"[18, 40]", "(40, 65]", "(65, 90]"}
    expected = ((frame.age <= 40).sum(), ((frame.age > 40) & (frame.age <= 65)).sum())
    assert (groups["age"] == "[18, 40]").sum() == expected[0]
    assert (groups["age"] == "(40, 65]").sum() == expected[1]


def test_bins_for_columns_not_among_sensitive_features_are_refused(frame):
    with pytest.raises(ArgumentError, match=r"bins names 'agee', 'x', which are not among "
                       r"sensitive_features: 'age', 'sex'\. Did you mean 'age' for 'agee'\? "
                       r"Bin only columns named in sensitive_features\.") as info:
        encode_sensitive(frame, ["age", "sex"], bins={"age": 4, "agee": 4, "x": 3})
    assert info.value.argument == "bins"


def test_quantile_bins(frame):
    groups = encode_sensitive(frame, ["age"], bins={"age": 4})
    assert groups["age"].nunique() == 4


def test_regression_task_is_inferred():
    df = pd.DataFrame({"x": np.linspace(0, 1, 50), "g": ["a", "b"] * 25})
    df["y"] = 2.5 * df["x"] + 0.1
    model = LinearRegression().fit(df[["x"]], df["y"])
    checked = prepare_data(model, df, target="y", sensitive_features="g", features=["x"])
    assert checked.task == "regression"
    np.testing.assert_allclose(checked.y_pred, df["y"], atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target": "nope"}, DataValidationError,
         r"'nope' given as `target` not found.*columns are: x"),
        ({"sensitive_features": ["race"]}, DataValidationError,
         r"'race' given as `sensitive_features`"),
        ({"sensitive_features": "age"}, DataValidationError, r"'age' looks continuous.*bins="),
        ({"y_pred": [0, 1]}, DataValidationError, r"`y_pred` has 2 values but `data` has 300 rows"),
        ({"y_pred": "x"}, DataValidationError, r"y_pred must hold the binary labels"),
        ({"y_pred": "y", "y_score": "x"}, DataValidationError,
         r"y_score must be probabilities in \[0, 1\]"),
        ({"y_pred": "y", "pos_label": 7}, ArgumentError, r"pos_label=7 is not among the labels"),
        ({"task": "ranking", "y_pred": "y"}, ArgumentError, r"task='ranking' is not valid"),
        ({"y_pred": "y", "y_score": "colour"}, DataValidationError,
         r"y_score must hold numbers \(probabilities\); received values of dtype object\. "
         r"Pass model\.predict_proba\(X\) output\."),
        ({"task": "regression", "target": "colour", "y_pred": "x"}, DataValidationError,
         r"Regression needs a numeric target 'colour'; received values of dtype object\. "
         r"Pass task='binary' or 'multiclass' for labels\."),
        ({"task": "regression", "y_pred": "colour"}, DataValidationError,
         r"Regression needs numeric predictions; received values of dtype object\. Pass task="),
        ({"y_pred": "y", "y_score": "score_text"}, DataValidationError,
         r"y_score must hold numbers \(probabilities\); received values of dtype object\."),
        ({"task": "regression", "target": "x_text", "y_pred": "x"}, DataValidationError,
         r"Regression needs a numeric target 'x_text'; received values of dtype object\."),
        ({"bins": {"x": 3}, "y_pred": "y"}, ArgumentError,
         r"bins names 'x', which is not among sensitive_features: 'sex'\."),
        ({}, ArgumentError, r"Pass either a fitted `model` or `y_pred`"),
    ],
)
def test_bad_inputs_raise_one_clear_error(frame, kwargs, error, match):
    # numbers held as text ('0.25') are refused, not parsed
    frame = frame.assign(score_text=(frame["x"].rank(pct=True) / 2).map(str),
                         x_text=frame["x"].map(str))
    args = {"target": "y", "sensitive_features": "sex", **kwargs}
    with pytest.raises(error, match=match):
        prepare_data(None, frame, **args)


def test_errors_are_toolkit_and_builtin_types(frame):
    with pytest.raises(RaiToolkitError):
        prepare_data(None, frame, target="nope", sensitive_features="sex", y_pred="y")
    with pytest.raises(ValueError):
        prepare_data(None, frame, target="nope", sensitive_features="sex", y_pred="y")


def test_not_a_frame_and_empty_frame():
    with pytest.raises(DataValidationError, match="must be a pandas DataFrame; received ndarray"):
        check_data_frame(np.zeros((3, 2)))
    with pytest.raises(DataValidationError, match=r"is empty \(0 rows\)"):
        check_data_frame(pd.DataFrame({"a": []}))


def test_duplicated_columns():
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(DataValidationError, match="duplicated column names: a"):
        check_data_frame(df)


def test_all_nan_and_partly_nan_target(frame):
    df = frame.copy()
    df["y"] = np.nan
    with pytest.raises(DataValidationError, match="entirely missing"):
        prepare_data(None, df, target="y", sensitive_features="sex", y_pred="x")
    df = frame.copy().astype({"y": float})
    df.loc[0, "y"] = np.nan
    with pytest.raises(DataValidationError, match="1 missing value.*Drop or impute"):
        prepare_data(None, df, target="y", sensitive_features="sex", y_pred="x")


def test_unhashable_group_values(frame):
    df = frame.copy()
    df["tags"] = [[1]] * len(df)
    with pytest.raises(DataValidationError, match="'tags' holds unhashable values"):
        prepare_data(None, df, target="y", sensitive_features="tags", y_pred="y")


def test_unfitted_model(frame):
    with pytest.raises(NotFittedError, match=r"LogisticRegression\) is not fitted"):
        prepare_data(LogisticRegression(), frame, target="y", sensitive_features="sex")


def test_model_without_predict(frame):
    with pytest.raises(ArgumentError, match="a fitted model with a `predict` method.*an object"):
        prepare_data(object(), frame, target="y", sensitive_features="sex")


def test_data_lacking_model_columns_names_them(frame, pipeline):
    with pytest.raises(DataValidationError, match=r"lacks 1 column.*'colour'"):
        model_features(pipeline, frame.drop(columns="colour"))


def test_model_raising_is_wrapped_with_context(frame):
    class Broken:
        def predict(self, X):
            raise RuntimeError("boom")

    with pytest.raises(ModelError, match=r"Broken.predict failed on 300 rows.*RuntimeError: boom"):
        call_model(Broken(), frame[["x"]])


def test_model_returning_wrong_length(frame):
    class Short:
        def predict(self, X):
            return np.zeros(3)

    with pytest.raises(ModelError, match="returned 3 rows for 300 input rows"):
        call_model(Short(), frame[["x"]])


def test_target_among_the_model_columns_is_refused_everywhere(frame):
    model = LogisticRegression().fit(frame[["x", "y"]], frame["y"])
    with pytest.raises(ArgumentError, match="input columns include the target 'y'"):
        model_features(model, frame, target="y")
    with pytest.raises(ArgumentError, match="input columns include the target 'y'"):
        model_features(None, frame, target="y", features=["x", "y"])
    with pytest.raises(ArgumentError, match="input columns include the target 'y'"):
        prepare_data(model, frame, target="y", sensitive_features="sex")
    assert "y" not in model_features(None, frame, target="y")


def test_public_calls_share_the_target_check(frame):
    from rai_toolkit import explain_model, membership_inference_risk, mitigate

    model = LogisticRegression().fit(frame[["x", "y"]], frame["y"])
    half = len(frame) // 2
    calls = [
        lambda: explain_model(model, frame, target="y"),
        lambda: membership_inference_risk(model, frame[:half], frame[half:], target="y"),
        lambda: mitigate(model, frame[:half], frame[half:], target="y", sensitive_features="sex"),
    ]
    for call in calls:
        with pytest.raises(ArgumentError, match="input columns include the target 'y'"):
            call()


# ---------------------------------------------------------------- analyses without groups or scores
class _NoProba:
    """A fitted classifier whose predict_proba must not be called."""

    def __init__(self, model):
        self.model = model
        self.feature_names_in_ = model.feature_names_in_
        self.classes_ = model.classes_

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        return self.model.predict(X)

    def predict_proba(self, X):
        raise AssertionError("predict_proba called although scores=False")


def test_groups_false_accepts_no_sensitive_features(frame, pipeline):
    checked = prepare_data(pipeline, frame, target="y", sensitive_features=None, groups=False)
    assert checked.sensitive.shape == (len(frame), 0)
    assert checked.sensitive.index.equals(frame.index)
    np.testing.assert_array_equal(checked.y_pred, pipeline.predict(frame[["x", "colour"]]))


def test_sensitive_features_are_still_required_by_default(frame, pipeline):
    with pytest.raises(ArgumentError, match=r"`sensitive_features` is required"):
        prepare_data(pipeline, frame, target="y", sensitive_features=None)


def test_scores_false_reads_labels_only_and_needs_no_positive_class(frame, pipeline):
    labelled = frame.assign(y=np.where(frame["y"] == 1, "yes", "no"))
    model = LogisticRegression().fit(labelled[["x", "age"]], labelled["y"])
    checked = prepare_data(
        _NoProba(model), labelled, target="y", sensitive_features="sex", pos_label=None,
        scores=False,
    )  # fmt: skip
    assert checked.y_score is None and checked.pos_label is None
    assert checked.task == "binary" and list(checked.classes) == ["no", "yes"]
    # with scores, pos_label None is still refused: the positive class must exist
    with pytest.raises(ArgumentError, match=r"pos_label=None is not among the labels of target"):
        prepare_data(None, labelled, target="y", sensitive_features="sex", y_pred="y",
                     pos_label=None)  # fmt: skip


def test_purpose_explains_a_missing_target(frame):
    holed = frame.assign(y=frame["y"].astype(float).where(frame.index != 3))
    with pytest.raises(DataValidationError, match=r"1 missing value\(s\); errors need outcomes"):
        prepare_data(None, holed, target="y", sensitive_features="sex", y_pred="x",
                     purpose="errors need outcomes")  # fmt: skip
