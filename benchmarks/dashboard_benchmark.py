"""Plain ``RAIInsights`` defaults vs ``rai_toolkit.build_insights`` on Adult.

Both compute the same components on the same data and model: explainer, error
analysis, 10 counterfactuals per test row (desired_class="opposite") and
causal analysis of hours_per_week. Prints seconds per component, the speed-up
and counterfactual quality (share that flips the prediction, share of rows
with all 10, mean number of features changed), checked with model.predict.

    .venv/bin/python benchmarks/dashboard_benchmark.py                # 3,000 / 1,000 rows
    .venv/bin/python benchmarks/dashboard_benchmark.py --train-rows 600 --test-rows 100
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
import warnings

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from rai_toolkit.dashboard import build_insights
from rai_toolkit.datasets import load_adult

TARGET = "income"
TREATMENT = ["hours_per_week"]


def adult(train_rows: int, test_rows: int, seed: int):
    ds = load_adult()
    frame = ds.frame.copy()
    cats = list(ds.categorical_features)
    # counterfactuals need complete rows: make the missing categories explicit, for both runs
    frame[cats] = frame[cats].fillna("(missing)")
    train = frame.sample(train_rows, random_state=seed)
    # causal analysis and counterfactuals need every test category to occur in train
    rest = frame.drop(train.index)
    seen = np.ones(len(rest), dtype=bool)
    for col in cats:
        seen &= rest[col].isin(set(train[col])).to_numpy()
    test = rest[seen].sample(test_rows, random_state=seed + 1)
    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), cats)], remainder="passthrough"
    )
    model = Pipeline(
        [("encode", encode), ("clf", LGBMClassifier(n_estimators=100, verbose=-1))]
    ).fit(train.drop(columns=TARGET), train[TARGET])
    return model, train, test, cats


def cf_quality(model, test, cfs_per_row, per_row):
    """Validity / completeness / sparsity of counterfactual frames (one per test row)."""
    X = test.drop(columns=TARGET).reset_index(drop=True)
    pred = model.predict(X)
    valid = total = complete = 0
    changed = []
    for i, cfs in enumerate(cfs_per_row):
        if cfs is None or len(cfs) == 0:
            continue
        cfs = cfs[X.columns]
        p = model.predict(cfs)
        valid += int(np.sum(p != pred[i]))
        total += len(cfs)
        complete += len(cfs) >= per_row
        changed.append(float((cfs.reset_index(drop=True) != X.iloc[[i] * len(cfs)].reset_index(
            drop=True)).sum(axis=1).mean()))
    return {
        "validity": valid / total if total else float("nan"),
        "complete_rows": complete / len(X),
        "mean_changed": float(np.mean(changed)) if changed else float("nan"),
    }


def warm_up(model, train, test, cats) -> None:
    """Run every component once on a few rows, so neither timed run pays import or
    worker start-up costs (joblib's process pool used by causal analysis)."""
    run_ours(model, train.iloc[:400], test.iloc[:20], cats, 2, 0)


def run_baseline(model, train, test, cats, per_row):
    from responsibleai import RAIInsights

    out = io.StringIO()
    times = {}
    t_all = time.perf_counter()
    with contextlib.redirect_stdout(out):
        rai = RAIInsights(model, train, test, TARGET, "classification", categorical_features=cats)
        rai.explainer.add()
        rai.error_analysis.add()
        rai.counterfactual.add(total_CFs=per_row, desired_class="opposite")
        rai.causal.add(treatment_features=TREATMENT)
        setup = time.perf_counter() - t_all
        for name, manager in [
            ("explainer", rai.explainer),
            ("error_analysis", rai.error_analysis),
            ("counterfactual", rai.counterfactual),
            ("causal", rai.causal),
        ]:
            t0 = time.perf_counter()
            manager.compute()
            times[name] = time.perf_counter() - t0
    times["total"] = time.perf_counter() - t_all
    times["setup"] = setup
    obj = rai.counterfactual.get()[0]
    cfs = [
        (ex.final_cfs_df_sparse if ex.final_cfs_df_sparse is not None else ex.final_cfs_df)
        for ex in obj.cf_examples_list
    ]
    return times, cf_quality(model, test, cfs, per_row)


def run_ours(model, train, test, cats, per_row, seed):
    ins = build_insights(
        model,
        train,
        test,
        target=TARGET,
        sensitive_features=["sex", "race"],
        counterfactuals=per_row,
        treatment_features=TREATMENT,
        categorical_features=cats,
        random_state=seed,
        progress=False,
    )
    times = ins.timings.to_dict()
    obj = ins.rai_insights.counterfactual.get()[0]
    cfs = [ex.final_cfs_df for ex in obj.cf_examples_list]
    return times, cf_quality(model, test, cfs, per_row), ins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=3000)
    parser.add_argument("--test-rows", type=int, default=1000)
    parser.add_argument("--counterfactuals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    model, train, test, cats = adult(args.train_rows, args.test_rows, args.seed)
    warm_up(model, train, test, cats)
    print(f"Adult: {len(train)} train rows, {len(test)} test rows, "
          f"{args.counterfactuals} counterfactuals per row")

    t_ours, q_ours, ins = run_ours(model, train, test, cats, args.counterfactuals, args.seed)
    rows = {"build_insights": {**t_ours, **q_ours}}
    if not args.skip_baseline:
        t_base, q_base = run_baseline(model, train, test, cats, args.counterfactuals)
        rows["RAIInsights defaults"] = {**t_base, **q_base}
    table = pd.DataFrame(rows).T
    cols = ["explainer", "error_analysis", "counterfactual", "causal", "total",
            "validity", "complete_rows", "mean_changed"]
    with pd.option_context(
        "display.float_format", "{:.3f}".format, "display.width", 200, "display.max_columns", 20
    ):
        print(table[[c for c in cols if c in table.columns]])
    if not args.skip_baseline:
        base, ours = rows["RAIInsights defaults"], rows["build_insights"]
        print(f"speed-up total: {base['total'] / ours['total']:.1f}x; "
              f"counterfactuals: {base['counterfactual'] / ours['counterfactual']:.1f}x "
              f"({len(test) / base['counterfactual']:.1f} vs "
              f"{len(test) / ours['counterfactual']:.1f} rows/s)")


if __name__ == "__main__":
    main()
