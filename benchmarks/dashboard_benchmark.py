"""Plain RAIInsights defaults vs build_insights on Adult, and the runtime boundary's cost.

``build_insights`` runs the way a user runs it: from this (modern) environment, through
the isolated dashboard runtime, with the model in this process answering predictions
over the loopback channel. The anchor, plain ``RAIInsights`` with its defaults, runs the
way a 2024 user ran it: inside the runtime (responsibleai 0.36 needs its stack), with the
same data and the same model specification trained there. Both compute explainer, error
analysis, 10 counterfactuals per test row (desired_class="opposite") and causal analysis
of hours_per_week, after a warm-up run of every component. Counterfactual quality (share
that flips the prediction, share of rows with all 10, mean number of features changed) is
checked with each side's model.predict.

The boundary's cost is reported separately:

* build: the runtime built into an empty folder (uv's cache is warm on this machine, so
  this is not a cold first install, which downloads ~300 MB);
* start-up: spawning the runtime until it answers (it imports responsibleai), and
  ``launch_dashboard`` until the dashboard serves;
* transfer: train/test written as Arrow files; the prediction requests the runtime made
  during the build (count, rows, MB, time inside the model); and one ``predict_proba`` of
  the test rows through the channel against the same call made directly.

``--search-only`` times just our counterfactual search (``search_counterfactuals``), in
this process and without the runtime, so it runs on any supported stack (the oldest one
included). Its anchor is the time spent inside the model's own ``predict_proba`` calls
during the search, which no search of this design can avoid; ``--profile N`` adds the N
costliest functions by cumulative time (cProfile).

    .venv/bin/python benchmarks/dashboard_benchmark.py                # 3,000 / 1,000 rows
    .venv/bin/python benchmarks/dashboard_benchmark.py --train-rows 600 --test-rows 100
    .venv/bin/python benchmarks/dashboard_benchmark.py --skip-baseline   # ours only
    .venv-oldest/bin/python benchmarks/dashboard_benchmark.py --search-only --profile 25
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

TARGET = "income"
TREATMENT = ["hours_per_week"]
ROOT = Path(__file__).resolve().parents[1]


def adult(train_rows: int, test_rows: int, seed: int):
    """Same rows on both stacks: DataFrame.sample draws from numpy's legacy RandomState."""
    from rai_toolkit.datasets import load_adult

    ds = load_adult()
    frame = ds.frame.copy()
    cats = list(ds.categorical_features)
    # counterfactuals need complete rows: make the missing categories explicit, for both runs
    frame[cats] = frame[cats].fillna("(missing)")
    train = frame.sample(train_rows, random_state=seed)
    # causal analysis needs every test category to occur in train
    rest = frame.drop(train.index)
    seen = np.ones(len(rest), dtype=bool)
    for col in cats:
        seen &= rest[col].isin(set(train[col])).to_numpy()
    test = rest[seen].sample(test_rows, random_state=seed + 1)
    return train, test, cats


def fit_model(train, cats):
    from lightgbm import LGBMClassifier
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), cats)], remainder="passthrough"
    )
    return Pipeline(
        [("encode", encode), ("clf", LGBMClassifier(n_estimators=100, verbose=-1))]
    ).fit(train.drop(columns=TARGET), train[TARGET])


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


# ------------------------------------------------------------------ the anchor (runtime)
def run_baseline_here(args) -> None:
    """Inside the runtime: plain RAIInsights defaults, after a warm-up; print JSON."""
    import contextlib
    import io

    from responsibleai import RAIInsights

    train, test, cats = adult(args.train_rows, args.test_rows, args.seed)
    model = fit_model(train, cats)

    def run(train, test, per_row):
        times = {}
        t_all = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            rai = RAIInsights(model, train, test, TARGET, "classification",
                              categorical_features=cats)
            rai.explainer.add()
            rai.error_analysis.add()
            rai.counterfactual.add(total_CFs=per_row, desired_class="opposite")
            rai.causal.add(treatment_features=TREATMENT)
            times["setup"] = time.perf_counter() - t_all
            for name, manager in [("explainer", rai.explainer),
                                  ("error_analysis", rai.error_analysis),
                                  ("counterfactual", rai.counterfactual),
                                  ("causal", rai.causal)]:
                t0 = time.perf_counter()
                manager.compute()
                times[name] = time.perf_counter() - t0
        times["total"] = time.perf_counter() - t_all
        return rai, times

    run(train, test.iloc[:10], 10)  # warm-up: imports, joblib workers
    rai, times = run(train, test, args.counterfactuals)
    obj = rai.counterfactual.get()[0]
    cfs = [
        (ex.final_cfs_df_sparse if ex.final_cfs_df_sparse is not None else ex.final_cfs_df)
        for ex in obj.cf_examples_list
    ]
    print(json.dumps({**times, **cf_quality(model, test, cfs, args.counterfactuals)}))


def run_baseline(args, python) -> dict:
    cmd = [str(python), "-I", str(Path(__file__).resolve()), "--in-runtime",
           "--train-rows", str(args.train_rows), "--test-rows", str(args.test_rows),
           "--counterfactuals", str(args.counterfactuals), "--seed", str(args.seed)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"baseline failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the search alone
class TimedModel:
    """Delegates to a model, adding up the calls, rows and seconds spent inside it."""

    def __init__(self, model):
        self._model = model
        self.classes_ = model.classes_
        self.calls = self.rows = 0
        self.seconds = 0.0

    def _timed(self, method, X):
        t0 = time.perf_counter()
        out = getattr(self._model, method)(X)
        self.seconds += time.perf_counter() - t0
        self.calls += 1
        self.rows += len(X)
        return out

    def predict(self, X):
        return self._timed("predict", X)

    def predict_proba(self, X):
        return self._timed("predict_proba", X)


def run_search_only(args) -> None:
    """Time search_counterfactuals alone (after a warm-up), against the model's own time."""
    import cProfile
    import platform
    import pstats

    import sklearn

    from rai_toolkit.dashboard._counterfactuals import search_counterfactuals

    train, test, cats = adult(args.train_rows, args.test_rows, args.seed)
    fitted = fit_model(train, cats)
    X_train, X_test = train.drop(columns=TARGET), test.drop(columns=TARGET)
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, scikit-learn {sklearn.__version__}; Adult {len(train)} train / "
          f"{len(test)} test rows, {args.counterfactuals} counterfactuals per row")

    def search(model, query):
        return search_counterfactuals(model, X_train, query, categorical_features=cats,
                                      total_cfs=args.counterfactuals, random_state=args.seed)

    search(fitted, X_test.iloc[:10])  # warm-up
    model = TimedModel(fitted)
    t0 = time.perf_counter()
    found = search(model, X_test)
    seconds = time.perf_counter() - t0
    print(f"search: {seconds:.2f} s ({len(test) / seconds:.1f} rows/s); inside the model: "
          f"{model.seconds:.2f} s in {model.calls} calls on {model.rows:,} rows; search / "
          f"model time: {seconds / model.seconds:.2f}x")
    print(f"validity {found.validity:.1%}, rows with all {args.counterfactuals}: "
          f"{found.complete:.1%}, mean features changed {found.mean_changed_features:.2f}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(search, fitted, X_test)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


# ------------------------------------------------------------------ ours (this process)
def run_ours(model, train, test, cats, per_row, seed, channels):
    from rai_toolkit.dashboard import build_insights

    ins = build_insights(
        model, train, test, target=TARGET, sensitive_features=["sex", "race"],
        counterfactuals=per_row, treatment_features=TREATMENT, categorical_features=cats,
        random_state=seed, progress=False,
    )
    return ins, ins.timings.to_dict(), dict(channels[-1].stats) if channels else {}


def served_counterfactuals(url):
    req = urllib.request.Request(url + "model_data", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=600) as r:
        [cf] = json.loads(r.read())["data"]["counterfactualData"]
    cols = cf["feature_names_including_target"]
    return [pd.DataFrame(rows, columns=cols) for rows in cf["cfs_list"]]


def boundary(model, train, test) -> dict:
    from rai_toolkit.dashboard import build_runtime
    from rai_toolkit.dashboard._bridge import PredictionChannel, RuntimeProcess
    from rai_toolkit.dashboard._wire import write_frame
    from rai_toolkit.dashboard._worker._proxy import ClassifierProxy, bind_channel

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        build_runtime(cache_dir=tmp, progress=False)
        out["build into an empty folder (warm uv cache)"] = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        out["runtime size on disk (MB, hard links to uv's cache)"] = size / 2**20
    t0 = time.perf_counter()
    runtime = RuntimeProcess(build_progress=False)
    runtime.request({"op": "ping"}, timeout=600)
    out["runtime start-up (spawn until it answers)"] = time.perf_counter() - t0
    runtime.stop()
    runtime.close_log()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        write_frame(train, Path(tmp) / "train.arrow")
        write_frame(test, Path(tmp) / "test.arrow")
        out["train + test written as Arrow"] = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        out["train + test Arrow size (MB)"] = size / 2**20
    X = test.drop(columns=TARGET)
    direct, channel_s = [], []
    with PredictionChannel(model) as channel:
        bind_channel(channel.spec())
        proxy = ClassifierProxy(features=list(X.columns), classes=model.classes_.tolist())
        for _ in range(5):
            t0 = time.perf_counter()
            expected = model.predict_proba(X)
            direct.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            got = proxy.predict_proba(X)
            channel_s.append(time.perf_counter() - t0)
        bind_channel(None)
    assert np.array_equal(got, expected)
    out[f"predict_proba of {len(X)} rows, direct (best of 5)"] = min(direct)
    out[f"predict_proba of {len(X)} rows, through the channel (best of 5)"] = min(channel_s)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-rows", type=int, default=3000)
    parser.add_argument("--test-rows", type=int, default=1000)
    parser.add_argument("--counterfactuals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--search-only", action="store_true",
                        help="time our counterfactual search alone, in this process")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="with --search-only: print the N costliest functions (cProfile)")
    parser.add_argument("--in-runtime", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if args.search_only:
        sys.path.insert(0, str(ROOT))
        run_search_only(args)
        return
    if args.in_runtime:  # run by main() with the runtime's Python
        sys.path.insert(0, str(ROOT))
        run_baseline_here(args)
        return

    from rai_toolkit.dashboard import _bridge, _insights, build_runtime, launch_dashboard

    python = build_runtime()
    train, test, cats = adult(args.train_rows, args.test_rows, args.seed)
    model = fit_model(train, cats)
    channels = []
    real_channel = _bridge.PredictionChannel

    class CountingChannel(real_channel):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            channels.append(self)

    _bridge.PredictionChannel = CountingChannel
    search_s = []  # the counterfactual step's part in this process (search, files, statistics)
    real_search = _insights._search_counterfactuals

    def timed_search(*a, **k):
        t0 = time.perf_counter()
        out = real_search(*a, **k)
        search_s.append(time.perf_counter() - t0)
        return out

    _insights._search_counterfactuals = timed_search
    # warm-up: every component once on a few rows, so no timed run pays first-use costs
    run_ours(model, train, test.iloc[:10], cats, 2, 0, channels)
    print(f"Adult: {len(train)} train rows, {len(test)} test rows, "
          f"{args.counterfactuals} counterfactuals per row")

    t0 = time.perf_counter()
    ins, t_ours, stats = run_ours(model, train, test, cats, args.counterfactuals, args.seed,
                                  channels)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    url = launch_dashboard(ins)
    launch_s = time.perf_counter() - t0
    cfs = served_counterfactuals(url)
    url.stop()
    rows = {"build_insights": {**t_ours, **cf_quality(model, test, cfs, args.counterfactuals)}}
    if not args.skip_baseline:
        rows["RAIInsights defaults"] = run_baseline(args, python)
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
    print(f"\nbuild_insights wall time {wall:.2f} s (its total includes starting the runtime, "
          f"overlapped with the counterfactual search)")
    print(f"counterfactual {t_ours['counterfactual']:.2f} s = {search_s[-1]:.2f} s in this "
          f"process (search, files, statistics) + "
          f"{t_ours['counterfactual'] - search_s[-1]:.2f} s in the runtime (dice-ml objects, "
          f"schema check)")
    print(f"prediction requests from the runtime during the build: {stats.get('requests')} "
          f"requests, {stats.get('rows')} rows, "
          f"{(stats.get('bytes_in', 0) + stats.get('bytes_out', 0)) / 2**20:.2f} MB, "
          f"{stats.get('model_s', 0.0):.2f} s inside the model")
    print(f"launch_dashboard until served: {launch_s:.2f} s")
    print("runtime boundary:")
    for name, value in boundary(model, train, test).items():
        print(f"  {name}: {value:.3f}" + ("" if "MB" in name else " s"))


if __name__ == "__main__":
    main()
