"""Benchmark: analyze_fairness vs the installed fairlearn's MetricFrame on the same synthetic data.

Run it on both stacks: ``.venv`` (fairlearn 0.15) and ``.venv-oldest`` (fairlearn 0.7).

Run: ``.venv/bin/python benchmarks/fairness_benchmark.py [--rows 1000000] [--boot 1000]``

Data: binary labels, a score correlated with them, predictions = score > 0.5,
two sensitive features (5 x 2 = 10 intersectional groups) as string columns.
Measures, in one process:

* our call: every group metric (13 label + 4 score metrics) with ``--boot``
  bootstrap intervals, disparities and verdicts, for the intersectional groups
  and each feature alone, starting from the DataFrame (validation included);
* fairlearn ``MetricFrame`` with 7 metrics (selection_rate, accuracy, precision,
  TPR, FPR, TNR, FNR) and no intervals, the same two sensitive features;
* phases of our call, and its peak traced memory (tracemalloc) against the
  bytes of the input columns (y_true + y_pred + y_score + sensitive codes).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    race = rng.choice(
        np.array(["A", "B", "C", "D", "E"], dtype=object), n, p=[0.5, 0.2, 0.15, 0.1, 0.05]
    )
    sex = rng.choice(np.array(["Female", "Male"], dtype=object), n)
    base = 0.25 + 0.05 * (race == "A") + 0.08 * (sex == "Male")
    y = (rng.random(n) < base).astype(np.int64)
    score = np.clip(0.35 * y + 0.65 * rng.random(n) + 0.04 * (sex == "Male"), 0, 1)
    return pd.DataFrame(
        {"race": race, "sex": sex, "y": y, "score": score, "pred": (score > 0.5).astype(np.int64)}
    )


def time_ours(df: pd.DataFrame, n_boot: int) -> tuple[float, object]:
    from rai_toolkit.fairness import analyze_fairness

    start = time.perf_counter()
    report = analyze_fairness(
        None,
        df,
        target="y",
        sensitive_features=["race", "sex"],
        y_pred="pred",
        y_score="score",
        n_boot=n_boot,
        random_state=0,
    )
    return time.perf_counter() - start, report


def time_fairlearn(df: pd.DataFrame) -> float:
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    metrics = {
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "precision": precision_score,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "true_negative_rate": true_negative_rate,
        "false_negative_rate": false_negative_rate,
    }
    start = time.perf_counter()
    MetricFrame(
        metrics=metrics,
        y_true=df["y"],
        y_pred=df["pred"],
        sensitive_features=df[["race", "sex"]],
    )
    return time.perf_counter() - start


def phases(df: pd.DataFrame, n_boot: int) -> dict[str, float]:
    from rai_toolkit._validation import prepare_data
    from rai_toolkit.fairness._analyze import _classification
    from rai_toolkit.fairness._groups import encode_groups

    out = {}
    t = time.perf_counter()
    checked = prepare_data(
        None, df, target="y", sensitive_features=["race", "sex"], y_pred="pred", y_score="score"
    )
    out["prepare_data"] = time.perf_counter() - t
    t = time.perf_counter()
    groups = encode_groups(checked.sensitive)
    out["encode_groups"] = time.perf_counter() - t
    groupings = [groups.intersectional(), groups.marginal(0), groups.marginal(1), groups.overall()]
    y, y_hat = checked.y_true == 1, checked.y_pred == 1
    for label, boot in (("tables+point estimates", 0), (f"... + {n_boot} replicates", n_boot)):
        t = time.perf_counter()
        _classification(
            groups, groupings, y, y_hat, checked.y_score, n_boot=boot, rng=np.random.default_rng(0)
        )
        out[label] = time.perf_counter() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    df = make_data(args.rows)
    time_ours(df.head(2000), 100)  # warm imports
    ours = min(time_ours(df, args.boot)[0] for _ in range(args.repeat))
    fl = min(time_fairlearn(df) for _ in range(args.repeat))
    print(f"rows={args.rows:,} groups=10 n_boot={args.boot}")
    print(f"analyze_fairness (17 metrics, {args.boot}-replicate intervals): {ours:.3f} s")
    import fairlearn

    print(f"fairlearn {fairlearn.__version__} MetricFrame (7 metrics, no intervals): {fl:.3f} s")
    print(f"speed-up: {fl / ours:.1f}x")
    for name, seconds in phases(df, args.boot).items():
        print(f"  phase {name:<28} {seconds:.3f} s")

    input_bytes = (
        df["y"].to_numpy().nbytes
        + df["pred"].to_numpy().nbytes
        + df["score"].to_numpy().nbytes
        + 2 * args.rows * np.dtype(np.intp).itemsize  # one integer code per row per feature
    )
    tracemalloc.start()
    time_ours(df, args.boot)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak traced memory of our call: {peak / 2**20:.1f} MiB = {peak / input_bytes:.2f}x the "
        f"input columns ({input_bytes / 2**20:.1f} MiB)"
    )


if __name__ == "__main__":
    main()
