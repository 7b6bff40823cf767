"""Every plot function rejects what it cannot draw with one clear error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

import rai_toolkit as rai  # noqa: E402
from rai_toolkit.datasets import make_biased_classification  # noqa: E402
from rai_toolkit.exceptions import ArgumentError  # noqa: E402


@pytest.fixture(scope="module")
def results():
    frame = make_biased_classification(600, label_bias=0.3, random_state=0).frame
    features = [c for c in frame.columns if c.startswith("x")]
    model = LogisticRegression().fit(frame[features], frame["y"])
    fairness = rai.analyze_fairness(model, frame, target="y", sensitive_features="group",
                                    n_boot=100, random_state=0)
    explanation = rai.explain_model(model, frame[features])
    return fairness, explanation


def test_fairness_plots_need_a_fairness_report(results):
    _, explanation = results
    with pytest.raises(ArgumentError, match="plot_disparities needs a FairnessReport; received"):
        rai.plot_disparities(explanation)
    with pytest.raises(ArgumentError, match="needs a FairnessReport"):
        rai.plot_group_metrics("report")


def test_group_metrics_plot_rejects_unknown_metric(results):
    fairness, _ = results
    with pytest.raises(ArgumentError, match=r"metrics names 'nope', which is not among the "
                       r"columns of report\.by_group: 'count', 'base_rate', 'selection_rate', "
                       ) as info:
        rai.plot_group_metrics(fairness, metrics=["nope"])
    assert info.value.argument == "metrics"
    with pytest.raises(ArgumentError, match=r"metrics names 'f11', 'acuracy', which are not among "
                       r".*'f1'.* Did you mean 'f1' for 'f11', 'accuracy' for 'acuracy'\?"):
        rai.plot_group_metrics(fairness, metrics=["f1", "f11", "acuracy"])


def test_explanation_plots_need_an_explanation_report(results):
    fairness, _ = results
    for plot in (rai.plot_importance, rai.plot_beeswarm):
        with pytest.raises(ArgumentError, match="needs an ExplanationReport .*received Fairness"):
            plot(fairness)


def test_explanation_plots_reject_bad_arguments(results):
    _, explanation = results
    with pytest.raises(ArgumentError, match="top must be an integer >= 1; received 0"):
        rai.plot_importance(explanation, top=0)
    with pytest.raises(ArgumentError, match="i=600 is out of range; the report explains 600 rows"):
        rai.plot_waterfall(explanation, 600)
    with pytest.raises(ArgumentError, match="feature='nope' is not a feature of the report"):
        rai.plot_dependence(explanation, "nope")


@pytest.mark.parametrize("feature", [pd.DataFrame(), pd.DataFrame({"x0": [1]}), ["x0"],
                                     np.array(["x0"]), {"x0"}])
def test_plot_dependence_refuses_a_feature_that_is_not_a_name(results, feature):
    _, explanation = results
    with pytest.raises(ArgumentError, match=r"feature=a \w+.* is not a feature of the report; "
                       r"features are: .*Pass one of them by name") as info:
        rai.plot_dependence(explanation, feature)
    assert info.value.argument == "feature"


def test_tradeoff_plot_needs_a_mitigation_result(results):
    fairness, _ = results
    with pytest.raises(ArgumentError):
        rai.plot_tradeoff(fairness)


PLOTS = ["plot_group_metrics", "plot_disparities", "plot_importance", "plot_beeswarm",
         "plot_waterfall", "plot_dependence", "plot_disparity", "plot_tradeoff"]


@pytest.mark.parametrize("name", PLOTS)
def test_a_call_that_does_not_fit_the_signature_is_one_argument_error(name):
    plot = getattr(rai, name)
    with pytest.raises(ArgumentError, match=rf"{name}\(\) got an unexpected keyword argument "
                       r"'colour'\. Its arguments are: ") as info:
        plot(None, colour="red")
    assert info.value.argument == "colour"
    with pytest.raises(ArgumentError, match=rf"{name}\(\) is missing the required argument"):
        plot()


def test_a_plot_missing_its_row_or_feature_names_it(results):
    _, explanation = results
    with pytest.raises(ArgumentError, match=r"plot_waterfall\(\) is missing the required "
                       r"argument 'i'; pass i=\.\.\.") as info:
        rai.plot_waterfall(explanation)
    assert info.value.argument == "i"
    with pytest.raises(ArgumentError, match=r"plot_dependence\(\) is missing the required "
                       r"argument 'feature'"):
        rai.plot_dependence(explanation)


@pytest.mark.parametrize("metrics", [-1, 0.5, object(), [], ["accuracy", "accuracy"]])
def test_group_metrics_must_be_names(results, metrics):
    fairness, _ = results
    with pytest.raises(ArgumentError, match=r"`metrics`|metrics names") as info:
        rai.plot_group_metrics(fairness, metrics=metrics)
    assert info.value.argument == "metrics"


def test_one_metric_name_is_one_metric(results):
    fairness, _ = results
    ax = rai.plot_group_metrics(fairness, metrics="accuracy")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["accuracy"]
