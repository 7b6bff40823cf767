"""Error analysis and report rendering on UCI Adult.

Anchor: the Responsible AI dashboard's error analysis (``erroranalysis``
ModelAnalyzer.compute_error_tree, the tree the dashboard shows), on the same
model and rows. Ours: ``analyze_errors`` (exhaustive cohorts of one and two
conditions), then ``Assessment.to_html`` rendering time and file size.

Run: .venv/bin/python benchmarks/report_benchmark.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from rai_toolkit.datasets import load_adult
from rai_toolkit.error_analysis import analyze_errors
from rai_toolkit.report import assess
from rai_toolkit.report._demo import ADULT_FEATURES, adult_reference_model


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    train, test = load_adult().train_test()
    model = adult_reference_model(train.frame)
    X = test.frame[ADULT_FEATURES].copy()
    y = test.frame["income"].to_numpy()
    pred = model.predict(X)

    ours_t, ea = best(
        lambda: analyze_errors(None, test.frame, target="income", y_pred=pred,
                               features=ADULT_FEATURES), args.repeat)

    from erroranalysis._internal.error_analyzer import ModelAnalyzer

    categorical = [c for c in ADULT_FEATURES if X[c].dtype == object]
    X_filled = X.copy()
    for c in categorical:
        X_filled[c] = X_filled[c].fillna("(missing)")

    def anchor():
        analyzer = ModelAnalyzer(model, X_filled, y, ADULT_FEATURES, categorical)
        return analyzer.compute_error_tree(ADULT_FEATURES, None, None, max_depth=3,
                                           num_leaves=31, min_child_samples=20)

    anchor_t, tree = best(anchor, args.repeat)
    nodes = [n for n in tree if n.get("size", 0) >= 30]
    worst_leaf = max(nodes, key=lambda n: n.get("metricValue", 0)) if nodes else {}
    print(f"rows={len(X)}  error analysis: ours {ours_t:.3f}s ({len(ea.cohorts)} cohorts), "
          f"erroranalysis tree {anchor_t:.3f}s ({len(tree)} nodes); ratio ours/anchor "
          f"{ours_t / anchor_t:.2f}")
    print(f"  ours worst: {ea.cohorts.iloc[0]['cohort']} "
          f"({ea.cohorts.iloc[0]['error_rate']:.3f} of {ea.cohorts.iloc[0]['count']})")
    if worst_leaf:
        print(f"  tree worst node (>= 30 rows): error {worst_leaf.get('metricValue', 0):.3f} of "
              f"{worst_leaf.get('size')} rows, {worst_leaf.get('condition') or 'root'}")

    a = assess(model, test.frame, target="income", sensitive_features=["sex", "race"],
               n_boot=200, robustness=False, privacy=False, max_explain_rows=1000,
               random_state=0, features=ADULT_FEATURES)
    render_t, html = best(a.to_html, args.repeat)
    print(f"render: {render_t * 1000:.0f} ms, {len(html.encode()) / 1024:.0f} KiB")
    np.testing.assert_(len(html) < 5 * 1024 * 1024)


if __name__ == "__main__":
    main()
