import matplotlib.pyplot as plt
import pytest

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.explain import (
    explain_disparity,
    plot_beeswarm,
    plot_dependence,
    plot_disparity,
    plot_importance,
    plot_waterfall,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_importance_bars_follow_importance(lgbm_report):
    ax = plot_importance(lgbm_report, top=5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(lgbm_report.global_importance.index[:5])[::-1]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx(list(lgbm_report.global_importance.iloc[:5])[::-1])


def test_beeswarm_draws_one_row_per_feature(lgbm_report):
    fig, ax = plt.subplots()
    assert plot_beeswarm(lgbm_report, top=4, max_points=300, ax=ax) is ax
    assert len(ax.get_yticklabels()) == 4
    assert "300 of 1,500 rows" in ax.get_title()


def test_waterfall_runs_from_base_to_model_output(lgbm_report):
    ax = plot_waterfall(lgbm_report, 0, top=5)
    bars = ax.patches
    assert len(bars) == 6  # five features and "9 other features"
    assert ax.get_yticklabels()[0].get_text() == "9 other features"
    assert bars[0].get_x() == pytest.approx(lgbm_report.base_values.iloc[0])
    assert bars[-1].get_x() + bars[-1].get_width() == pytest.approx(
        lgbm_report.model_output.iloc[0])


def test_dependence_for_categorical_feature(lgbm_report):
    ax = plot_dependence(lgbm_report, "sex")
    assert {t.get_text() for t in ax.get_xticklabels()} == {"Male", "Female"}


def test_dependence_unknown_feature(lgbm_report):
    with pytest.raises(ArgumentError, match="feature='salary' is not a feature"):
        plot_dependence(lgbm_report, "salary")


def test_disparity_bars_sum_to_total(biased_model, biased):
    expl = explain_disparity(biased_model, biased.frame, sensitive_feature="group", target="y")
    ax = plot_disparity(expl, top=3)
    assert sum(p.get_width() for p in ax.patches) == pytest.approx(expl.total)
    assert ax.get_yticklabels()[0].get_text() == "x0"


@pytest.fixture(scope="module")
def disparity_both_ways(biased_model, biased):
    """The a - b gap (largest bar positive) and the b - a gap (largest bar negative)."""
    kw = dict(sensitive_feature="group", target="y")
    ab = explain_disparity(biased_model, biased.frame, **kw)
    ba = explain_disparity(biased_model, biased.frame, groups=ab.groups[::-1], **kw)
    return ab, ba


@pytest.mark.parametrize("which", [0, 1], ids=["largest-positive", "largest-negative"])
@pytest.mark.parametrize("figsize", [None, (4, 3)], ids=["default-size", "small-figure"])
def test_disparity_value_labels_stay_inside_the_axes(disparity_both_ways, which, figsize):
    expl = disparity_both_ways[which]
    largest = expl.contributions.abs().idxmax()
    assert (expl.contributions[largest] < 0) == (which == 1)
    ax = plot_disparity(expl, ax=plt.subplots(figsize=figsize)[1] if figsize else None)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text()]
    assert labels[0].get_text().strip() == f"{expl.contributions[largest]:+.3g}"
    ticks = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
    inside = ax.get_window_extent(renderer)
    for text in labels:
        box = text.get_window_extent(renderer)
        assert not any(box.overlaps(tick) for tick in ticks), text.get_text()
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, (text.get_text(), box, inside)
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1, text.get_text()


@pytest.mark.parametrize(
    "plot", [plot_importance, plot_beeswarm, plot_waterfall, plot_dependence, plot_disparity]
)
def test_every_plot_documents_ax_and_what_it_returns(plot):
    import inspect

    doc = inspect.getdoc(plot)
    assert "{" not in doc
    assert "ax : matplotlib.axes.Axes, optional\n    Axes to draw on (None: a new figure)." in doc
    assert "\nReturns\n-------\nmatplotlib.axes.Axes\n    The axes drawn on." in doc
    # each shared block stands once, at the indent of the section it belongs to
    assert doc.count("Returns\n-------") == 1
