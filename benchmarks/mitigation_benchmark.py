"""Benchmark: rai_toolkit.mitigate vs hand-wired fairlearn 0.7 on Adult.

Run: ``.venv/bin/python benchmarks/mitigation_benchmark.py [--reduction-rows 3000] [--boot 1000]``

Model: OneHotEncoder + LGBMClassifier(n_estimators=100, n_jobs=1) on Adult's
original train split, sensitive feature ``sex``, demographic parity.

* postprocess -- ours: ``mitigate(..., method="postprocess")`` on the original
  split (validation, ThresholdOptimizer, predictions, two FairnessReports with
  ``--boot`` bootstrap intervals, trade-off). Anchor: what a user wires by hand
  -- ThresholdOptimizer on the one-hot encoded matrix (fairlearn rejects the raw
  string/NaN frame), predict on test, two MetricFrames (selection rate,
  accuracy) without intervals.
* reduction -- ours: ``mitigate(..., method="reduction", grid_size=10)`` on a
  stratified sample of ``--reduction-rows`` train and test rows. Anchor:
  ExponentiatedGradient + GridSearch(grid_size=10) on the encoded matrix with
  the LGBM final step, plus MetricFrames.

Prints seconds, the ratio ours / anchor, and the held-out numbers of both.
"""

from __future__ import annotations

import argparse
import time
import warnings

import lightgbm as lgb
from fairlearn.metrics import MetricFrame, selection_rate
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import DemographicParity, ExponentiatedGradient, GridSearch
from sklearn.compose import make_column_transformer
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from rai_toolkit.datasets import load_adult
from rai_toolkit.mitigation import mitigate

TARGET, SENSITIVE = "income", "sex"


def pipeline(categorical):
    return make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), list(categorical)), remainder="passthrough"
        ),
        lgb.LGBMClassifier(n_estimators=100, verbose=-1, n_jobs=1),
    )


def frames(y, pred, groups):
    mf = MetricFrame(metrics={"selection_rate": selection_rate, "accuracy": accuracy_score},
                     y_true=y, y_pred=pred, sensitive_features=groups)
    return mf.difference()["selection_rate"], mf.overall["accuracy"]


def sample(frame, n):
    strata = frame[SENSITIVE].astype(str) + "|" + frame[TARGET].astype(str)
    part, _ = train_test_split(frame, train_size=n, stratify=strata, random_state=0)
    return part


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench_postprocess(ds, train, test, n_boot):
    feats = [c for c in train.columns if c != TARGET]
    model = pipeline(ds.categorical_features).fit(train[feats], train[TARGET])

    def ours():
        return mitigate(model, train, test, target=TARGET, sensitive_features=SENSITIVE,
                        random_state=0, n_boot=n_boot)

    def anchor():
        enc, clf = model[:-1], model[-1]
        # fairlearn 0.7 needs a dense numeric matrix (no strings, NaN or sparse)
        Xtr = enc.transform(train[feats]).toarray()
        Xte = enc.transform(test[feats]).toarray()
        to = ThresholdOptimizer(estimator=clf, constraints="demographic_parity", prefit=True,
                                predict_method="predict_proba")
        to.fit(Xtr, train[TARGET], sensitive_features=train[SENSITIVE])
        pred = to.predict(Xte, sensitive_features=test[SENSITIVE], random_state=0)
        before = frames(test[TARGET], clf.predict(Xte), test[SENSITIVE])
        return before, frames(test[TARGET], pred, test[SENSITIVE])

    t_ours, result = timed(ours)
    t_anchor, (before, after) = timed(anchor)
    t = result.tradeoff.set_index("kind")
    print(f"postprocess ({len(train)} train / {len(test)} test rows, n_boot={n_boot})")
    print(f"  ours   {t_ours:7.2f} s  selection_rate_difference "
          f"{t.loc['unmitigated', 'disparity']:.4f} -> "
          f"{t.loc['threshold_optimizer', 'disparity']:.4f}"
          f", accuracy {t.loc['unmitigated', 'objective']:.4f} -> "
          f"{t.loc['threshold_optimizer', 'objective']:.4f}")
    print(f"  anchor {t_anchor:7.2f} s  selection_rate_difference {before[0]:.4f} -> "
          f"{after[0]:.4f}, accuracy {before[1]:.4f} -> {after[1]:.4f}")
    print(f"  ratio ours/anchor: {t_ours / t_anchor:.2f}")


def bench_reduction(ds, train, test, n_boot, grid_size):
    feats = [c for c in train.columns if c != TARGET]

    def ours():
        return mitigate(pipeline(ds.categorical_features), train, test, target=TARGET,
                        sensitive_features=SENSITIVE, method="reduction", grid_size=grid_size,
                        prefit=False, random_state=0, n_boot=n_boot)

    def anchor():
        model = pipeline(ds.categorical_features).fit(train[feats], train[TARGET])
        enc = model[:-1]
        # fairlearn 0.7 needs a dense numeric matrix (no strings, NaN or sparse)
        Xtr = enc.transform(train[feats]).toarray()
        Xte = enc.transform(test[feats]).toarray()
        clf = lgb.LGBMClassifier(n_estimators=100, verbose=-1, n_jobs=1)
        eg = ExponentiatedGradient(clf, constraints=DemographicParity())
        eg.fit(Xtr, train[TARGET], sensitive_features=train[SENSITIVE])
        gs = GridSearch(clf, constraints=DemographicParity(), grid_size=grid_size)
        gs.fit(Xtr, train[TARGET], sensitive_features=train[SENSITIVE])
        points = [frames(test[TARGET], p.predict(Xte), test[SENSITIVE]) for p in gs.predictors_]
        pred = eg.predict(Xte, random_state=0)
        return frames(test[TARGET], pred, test[SENSITIVE]), points

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_ours, result = timed(ours)
        t_anchor, (after, points) = timed(anchor)
    t = result.tradeoff.set_index("kind")
    eg = t.loc["exponentiated_gradient"]
    grid = t.loc[["grid_search"]]
    useful = int(((grid["disparity"] < 0.99) & (grid["objective"] > 0.6)).sum())
    useful_anchor = sum(1 for d, a in points if d < 0.99 and a > 0.6)
    print(f"reduction ({len(train)} train / {len(test)} test rows, grid_size={grid_size}, "
          f"n_boot={n_boot})")
    print(f"  ours   {t_ours:7.2f} s  EG selection_rate_difference {eg['disparity']:.4f}, "
          f"accuracy {eg['objective']:.4f}; non-degenerate grid candidates {useful}/{len(grid)}")
    print(f"  anchor {t_anchor:7.2f} s  EG selection_rate_difference {after[0]:.4f}, "
          f"accuracy {after[1]:.4f}; non-degenerate grid candidates "
          f"{useful_anchor}/{len(points)}")
    print(f"  ratio ours/anchor: {t_ours / t_anchor:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reduction-rows", type=int, default=3000)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--grid-size", type=int, default=10)
    args = parser.parse_args()
    ds = load_adult()
    tr, te = ds.train_test()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bench_postprocess(ds, tr.frame, te.frame, args.boot)
    bench_reduction(ds, sample(tr.frame, args.reduction_rows),
                    sample(te.frame, args.reduction_rows), args.boot, args.grid_size)


if __name__ == "__main__":
    main()
