import json
import threading
import warnings

import numpy as np
import pandas as pd
import pytest
import shap
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.compose import make_column_transformer
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    FallbackWarning,
    ModelError,
    NotFittedError,
)
from rai_toolkit.explain import ExplanationReport, explain_model
from rai_toolkit.explain._shap_values import RawCodec

from .conftest import CATEGORICAL, transformed


def _logit(p):
    return np.log(p) - np.log1p(-p)


def _onehot_sources(model, raw_columns):
    """Raw column of each transformed column, parsed from get_feature_names_out."""
    sources = []
    for name in model[:-1].get_feature_names_out():
        rest = name.split("__", 1)[1]
        hits = [c for c in raw_columns if rest == c or rest.startswith(c + "_")]
        sources.append(max(hits, key=len))
    return np.array(sources)


# ----------------------------------------------------------------------- tree route
def test_onehot_lightgbm_is_additive_in_log_odds(lgbm_report):
    assert lgbm_report.method == "tree"
    assert lgbm_report.output == "log_odds"
    assert lgbm_report.additivity_error < 1e-6


def test_onehot_lightgbm_model_output_is_its_logit(lgbm_report, lgbm_pipeline, adult_xy):
    X, _ = adult_xy
    proba = lgbm_pipeline.predict_proba(X)[:, 1]
    np.testing.assert_allclose(lgbm_report.model_output, _logit(proba), atol=1e-8)


def test_feature_names_are_raw_columns_in_input_order(lgbm_report, adult_xy):
    X, _ = adult_xy
    assert lgbm_report.feature_names == list(X.columns)
    assert lgbm_report.shap_values.feature_names == list(X.columns)
    assert lgbm_report.shap_values.values.shape == X.shape


def test_explanation_data_holds_raw_values(lgbm_report, adult_xy):
    X, _ = adult_xy
    data = lgbm_report.shap_values.data
    assert data[:, X.columns.get_loc("sex")].tolist() == X["sex"].tolist()


def test_raw_values_equal_sum_of_onehot_columns_from_shap(lgbm_report, lgbm_pipeline, adult_xy):
    X, _ = adult_xy
    Xt = transformed(lgbm_pipeline, X)
    explainer = shap.TreeExplainer(lgbm_pipeline[-1])
    phi = explainer.shap_values(Xt)
    phi = phi[1] if isinstance(phi, list) else phi
    sources = _onehot_sources(lgbm_pipeline, list(X.columns))
    expected = pd.DataFrame(phi).T.groupby(sources).sum().T[list(X.columns)]
    np.testing.assert_allclose(lgbm_report.values.to_numpy(), expected.to_numpy(), atol=1e-10)
    assert lgbm_report.base_value == pytest.approx(float(np.ravel(explainer.expected_value)[-1]))


def test_ordinal_histgradientboosting_is_additive(hgb_pipeline, adult):
    report = explain_model(hgb_pipeline, adult, target="income")
    assert (report.method, report.output) == ("tree", "log_odds")
    assert report.additivity_error < 1e-6
    np.testing.assert_allclose(
        report.model_output, hgb_pipeline.decision_function(adult.drop(columns="income"))
    )


def test_probability_output_for_boosting_is_interventional(hgb_pipeline, adult):
    report = explain_model(hgb_pipeline, adult.iloc[:200], target="income",
                           output="probability", max_background=50, random_state=0)
    assert report.output == "probability"
    assert "interventional" in report.detail
    proba = hgb_pipeline.predict_proba(adult.iloc[:200].drop(columns="income"))[:, 1]
    np.testing.assert_allclose(report.values.sum(axis=1) + report.base_values, proba, atol=1e-6)


def test_random_forest_auto_output_is_probability(adult_xy, adult):
    X, y = adult_xy
    pre = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["sex", "race"]),
                                  remainder="passthrough")
    cols = ["sex", "race", "age", "education_num", "hours_per_week"]
    model = make_pipeline(pre, RandomForestClassifier(n_estimators=10, max_depth=5,
                                                      random_state=0)).fit(X[cols], y)
    report = explain_model(model, adult, target="income", features=cols)
    assert (report.method, report.output) == ("tree", "probability")
    np.testing.assert_allclose(report.model_output, model.predict_proba(X[cols])[:, 1])
    assert report.additivity_error < 1e-9


def test_forest_refuses_log_odds_with_tree_method(adult_xy, adult):
    X, y = adult_xy
    cols = ["age", "education_num"]
    model = RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0).fit(X[cols], y)
    with pytest.raises(ArgumentError, match="method='tree' cannot explain.*probability"):
        explain_model(model, adult.iloc[:50], target="income", method="tree", output="log_odds")


def test_lightgbm_regressor_raw_output(adult_xy, adult):
    X, _ = adult_xy
    cols = ["age", "education_num", "capital_gain"]
    model = LGBMRegressor(n_estimators=30, verbose=-1).fit(X[cols], X["hours_per_week"])
    report = explain_model(model, adult, features=cols)
    assert (report.method, report.output) == ("tree", "raw")
    np.testing.assert_allclose(report.model_output, model.predict(X[cols]))
    assert report.additivity_error < 1e-6


def test_pos_label_zero_flips_sign(lgbm_pipeline, adult, lgbm_report):
    report0 = explain_model(lgbm_pipeline, adult, target="income", pos_label=0)
    np.testing.assert_allclose(report0.values, -lgbm_report.values)
    assert report0.explained_class == 0


# --------------------------------------------------------------------- linear route
def test_scaler_logistic_matches_shap_linear_explainer(logistic_pipeline, adult):
    X = adult.drop(columns="income")
    report = explain_model(logistic_pipeline, adult, target="income", max_background=100,
                           random_state=0)
    assert (report.method, report.output) == ("linear", "log_odds")
    assert report.additivity_error < 1e-6
    rows = np.sort(np.random.default_rng(0).choice(len(X), 100, replace=False))
    bg = transformed(logistic_pipeline, X.iloc[rows])
    explainer = shap.LinearExplainer(logistic_pipeline[-1], bg)
    phi = explainer.shap_values(transformed(logistic_pipeline, X))
    sources = _onehot_sources(logistic_pipeline, list(X.columns))
    expected = pd.DataFrame(phi).T.groupby(sources).sum().T[list(X.columns)]
    np.testing.assert_allclose(report.values.to_numpy(), expected.to_numpy(), atol=1e-8)


# ---------------------------------------------------------------- model-agnostic route
@pytest.fixture(scope="module")
def svc_data(adult):
    cols = ["age", "education_num", "hours_per_week", "sex", "race"]
    return adult.iloc[:300], cols


def _svc(svc_data, **kwargs):
    data, cols = svc_data
    pre = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["sex", "race"]),
                                  remainder=StandardScaler())
    return make_pipeline(pre, SVC(random_state=0, **kwargs)).fit(data[cols], data["income"])


def test_svc_probability_uses_permutation_on_raw_rows(svc_data):
    data, cols = svc_data
    model = _svc(svc_data, probability=True)
    report = explain_model(model, data.iloc[:8], target="income", features=cols,
                           max_background=15, random_state=0)
    assert (report.method, report.output) == ("permutation", "probability")
    assert report.feature_names == cols
    np.testing.assert_allclose(report.model_output,
                               model.predict_proba(data[cols].iloc[:8])[:, 1])
    assert report.additivity_error < 1e-9


def test_svc_decision_function_with_kernel(svc_data):
    data, cols = svc_data
    model = _svc(svc_data)
    report = explain_model(model, data.iloc[:4], target="income", features=cols,
                           max_background=15, method="kernel")
    assert (report.method, report.output) == ("kernel", "raw")
    np.testing.assert_allclose(report.model_output,
                               model.decision_function(data[cols].iloc[:4]))
    assert report.additivity_error < 1e-6


def test_unmappable_step_falls_back_with_warning(adult_xy, adult):
    X, y = adult_xy
    cols = ["age", "education_num", "hours_per_week", "capital_gain"]
    model = make_pipeline(StandardScaler(), PCA(n_components=3),
                          LGBMClassifier(n_estimators=10, verbose=-1)).fit(X[cols], y)
    with pytest.warns(FallbackWarning, match="PCA"):
        report = explain_model(model, adult.iloc[:5], target="income", max_background=10,
                               random_state=0)
    assert report.method == "permutation"
    assert report.feature_names == cols
    assert report.additivity_error < 1e-9


def test_raw_codec_round_trips_strings_missing_and_categories():
    frame = pd.DataFrame({
        "s": ["a", None, "b"],
        "c": pd.Categorical(["x", "y", "x"]),
        "i": [1, 2, 3],
        "f": [0.5, np.nan, 2.0],
    })
    codec = RawCodec([frame])
    back = codec.decode(codec.encode(frame))
    pd.testing.assert_frame_equal(back, frame)


# ---------------------------------------------------------------------- the result
def test_global_importance_is_sorted_mean_abs(lgbm_report):
    imp = lgbm_report.global_importance
    assert imp.is_monotonic_decreasing
    expected = lgbm_report.values.abs().mean()
    pd.testing.assert_series_equal(imp, expected[imp.index], check_names=False)


def test_local_row_adds_up_to_model_output(lgbm_report):
    row = lgbm_report.local(3)
    assert row["shap"].sum() + row.attrs["base_value"] == pytest.approx(
        lgbm_report.model_output.iloc[3], abs=1e-9)
    assert row["shap"].abs().is_monotonic_decreasing
    assert row.loc["age", "value"] == lgbm_report.data["age"].iloc[3]


def test_local_out_of_range(lgbm_report):
    with pytest.raises(ArgumentError, match="i=5000 is out of range.*1500 rows"):
        lgbm_report.local(5000)


def test_by_group_for_column_that_is_not_a_model_input(lgbm_pipeline, adult):
    cols = [c for c in adult.columns if c not in ("income", "sex")]
    X = adult[cols]
    pre = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), [c for c in CATEGORICAL if c != "sex"]),
        remainder="passthrough")
    model = make_pipeline(pre, LGBMClassifier(n_estimators=10, verbose=-1))
    model.fit(X, adult["income"])
    report = explain_model(model, adult, target="income")
    assert "sex" not in report.feature_names
    table = report.by_group("sex")
    expected = report.values.abs().groupby(adult["sex"].to_numpy()).mean()
    assert table.loc["Female", "age"] == pytest.approx(expected.loc["Female", "age"])
    assert table["count"].to_dict() == adult["sex"].value_counts().to_dict()


def test_by_group_missing_column(lgbm_report):
    with pytest.raises(DataValidationError, match="'gender'.*sensitive_feature"):
        lgbm_report.by_group("gender")


def test_to_dict_schema_and_json(lgbm_report):
    d = json.loads(lgbm_report.to_json())
    assert d["schema"] == "rai_toolkit.explanation/1"
    assert d["method"] == "tree" and d["output"] == "log_odds"
    assert list(d["global_importance"]) == list(lgbm_report.global_importance.index)
    assert d["features"] == lgbm_report.feature_names
    assert "values" not in d
    assert len(lgbm_report.to_dict(include_values=True)["values"]) == lgbm_report.n_rows
    for bad in ("yes", pd.DataFrame(), 1):
        with pytest.raises(ArgumentError, match=r"include_values must be True or False"):
            lgbm_report.to_dict(include_values=bad)


def test_repr_and_html(lgbm_report):
    assert repr(lgbm_report).startswith("<ExplanationReport method='tree'")
    assert "marital_status" in lgbm_report._repr_html_()
    assert isinstance(lgbm_report, ExplanationReport)


# --------------------------------------------------------------------------- errors
def test_unfitted_model(adult):
    with pytest.raises(NotFittedError, match="not fitted"):
        explain_model(make_pipeline(StandardScaler(), LogisticRegression()), adult,
                      target="income")


def test_data_lacking_model_columns_names_them(lgbm_pipeline, adult):
    with pytest.raises(DataValidationError, match="'age', 'sex'"):
        explain_model(lgbm_pipeline, adult.drop(columns=["age", "sex"]), target="income")


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "deep"}, "method='deep' is not valid"),
    ({"output": "odds"}, "output='odds' is not valid"),
    ({"max_background": 0}, "max_background must be an integer >= 1"),
])
def test_bad_arguments(lgbm_pipeline, adult, kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        explain_model(lgbm_pipeline, adult, target="income", **kwargs)


def test_tree_method_on_linear_model(logistic_pipeline, adult):
    with pytest.raises(ArgumentError, match="method='tree' needs a tree-ensemble.*LogisticReg"):
        explain_model(logistic_pipeline, adult, target="income", method="tree")


def test_probability_for_regressor(adult_xy, adult):
    X, _ = adult_xy
    model = LGBMRegressor(n_estimators=5, verbose=-1).fit(X[["age"]], X["hours_per_week"])
    with pytest.raises(ArgumentError, match="applies to classifiers.*regressor"):
        explain_model(model, adult, features=["age"], output="probability")


class _StringModel:
    """Predicts labels as strings and has no predict_proba."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.where(X["age"] > 40, "yes", "no")


def test_non_numeric_output(adult):
    with pytest.raises(ModelError, match="non-numeric values.*'(yes|no)'.*predict_proba"):
        explain_model(_StringModel(), adult, features=["age"])


def test_no_warnings_on_exact_route(lgbm_pipeline, adult):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explain_model(lgbm_pipeline, adult.iloc[:100], target="income")


def test_duplicated_rows_are_explained_once_with_identical_values(lgbm_pipeline, adult,
                                                                  lgbm_report):
    doubled = pd.concat([adult, adult.iloc[:500]], ignore_index=True)
    report = explain_model(lgbm_pipeline, doubled, target="income")
    assert "distinct rows" in report.detail
    np.testing.assert_allclose(report.values.iloc[:1500], lgbm_report.values, atol=1e-12)
    np.testing.assert_allclose(report.values.iloc[1500:], lgbm_report.values.iloc[:500],
                               atol=1e-12)
    assert report.additivity_error < 1e-6


def test_model_agnostic_background_is_refused_when_it_cannot_fit(monkeypatch, logistic_pipeline,
                                                                  adult):
    from rai_toolkit import _scalars

    # 1 MiB allowed: 10 masks x 200 background rows x 14 features x 32 bytes needs ~0.9 MiB,
    # 10 x 1000 x 14 x 32 needs ~4.3 MiB
    monkeypatch.setattr(_scalars, "memory_limit", lambda: 2**20)
    explain_model(logistic_pipeline, adult.iloc[:2], target="income", method="permutation",
                  max_background=200)
    with pytest.raises(ArgumentError, match=r"The permutation explainer with 1,000 background "
                       r"rows and 14 features would need about 4\.3 MiB of memory.*Pass a smaller "
                       r"max_background") as info:
        explain_model(logistic_pipeline, adult.iloc[:2], target="income",
                      background=adult.iloc[:1000], method="permutation", max_background=1000)
    assert info.value.argument == "max_background"


def test_target_as_series_and_by_group_series(lgbm_pipeline, adult):
    X = adult.drop(columns="income")
    report = explain_model(lgbm_pipeline, X, target=adult["income"])
    assert report.feature_names == list(X.columns)
    sex = adult["sex"].rename("gender")
    table = report.by_group(sex)
    assert table.index.name == "gender"
    assert table["count"].to_dict() == adult["sex"].value_counts().to_dict()
    with pytest.raises(ArgumentError, match=r"signed must be True or False"):
        report.by_group("sex", signed="yes")


@pytest.mark.parametrize(("i", "match"), [(1.5, r"i must be an integer; received 1\.5"),
                                          (True, r"i must be an integer; received True")])
def test_local_row_position_is_an_integer(lgbm_report, i, match):
    with pytest.raises(ArgumentError, match=match):
        lgbm_report.local(i)


def test_seeded_permutation_explanations_in_two_threads_match_the_same_calls_alone():

    from rai_toolkit.datasets import make_biased_classification

    ds = make_biased_classification(80, n_features=2, random_state=0)
    features = ["x0", "x1", "proxy"]
    rows = ds.frame.iloc[:4]
    both_in = threading.Barrier(2, timeout=3)
    met = threading.local()

    class Meeting(KNeighborsClassifier):
        """Each thread's first batch waits (briefly) for the other thread's first batch."""

        def predict_proba(self, X):
            if len(X) > len(rows) and not getattr(met, "done", False):
                met.done = True
                try:
                    both_in.wait()
                except threading.BrokenBarrierError:  # the other thread waits its turn
                    pass
            return super().predict_proba(X)

    model = Meeting(n_neighbors=5).fit(ds.frame[features], ds.frame[ds.target])

    def call():
        return explain_model(model, rows, target=ds.target, features=features,
                             method="permutation", max_background=20, random_state=0).values

    alone = call()
    met.done = False
    np.random.seed(7)
    callers_state = np.random.get_state()[1].copy()
    results = []
    threads = [threading.Thread(target=lambda: results.append(call())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 2
    for values in results:
        pd.testing.assert_frame_equal(values, alone)
    # the caller's global generator is as they left it
    np.testing.assert_array_equal(np.random.get_state()[1], callers_state)


def test_kernel_shap_is_reproducible_with_random_state():
    # 14 features: 2**14 coalitions exceed shap's sample budget, so the kernel explainer samples
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 14)), columns=[f"x{i}" for i in range(14)])
    y = (X["x0"] + X["x1"] > 0).astype(int)
    model = KNeighborsClassifier().fit(X, y)
    rows = X.iloc[:4]

    def kernel(seed):
        return explain_model(model, rows, method="kernel", background=X,
                             random_state=seed)

    np.random.seed(3)
    callers_state = np.random.get_state()[1].copy()
    first, again, other = kernel(0), kernel(0), kernel(1)
    pd.testing.assert_frame_equal(first.values, again.values)
    assert not np.allclose(first.values.to_numpy(), other.values.to_numpy())
    # sampled values still add up to the model output (shap's additivity)
    total = first.values.sum(axis=1) + first.base_values
    np.testing.assert_allclose(total.to_numpy(), first.model_output.to_numpy(), atol=1e-6)
    np.testing.assert_array_equal(np.random.get_state()[1], callers_state)
