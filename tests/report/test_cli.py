import pickle

import numpy as np
import pytest

from rai_toolkit.cli import main
from rai_toolkit.security import save_model

from .conftest import FEATURES


@pytest.fixture(scope="module")
def files(biased, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    test = biased["test"]
    paths = {"dir": d, "model": d / "model.skops", "data": d / "test.csv"}
    save_model(biased["model"], paths["model"])
    test.to_csv(paths["data"], index=False)
    paths["pickle"] = d / "model.pkl"
    paths["pickle"].write_bytes(pickle.dumps(biased["model"]))
    return paths


def _run(capsys, argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_usage_error(code, err, out_file, match):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert match in lines[0], lines[0]
    assert "Traceback" not in err
    assert not out_file.exists()
    assert not list(out_file.parent.glob(f".{out_file.name}*"))


def _args(files, out, **over):
    args = {
        "--model": files["model"],
        "--data": files["data"],
        "--target": "y",
        "--sensitive": "group",
        "--out": out,
        "--n-boot": 100,
    }
    args.update(over)
    argv = ["analyze", "--no-explain"]
    for k, v in args.items():
        if v is not None:
            argv += [k, v]
    return argv


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"--data": "missing.csv"}, "does not exist"),
        ({"--target": "nope"}, "Column 'nope' given as `target` not found"),
        ({"--sensitive": "nope"}, "given as `sensitive_features` not found"),
        ({"--model": "missing.skops"}, "does not exist"),
        ({"--fail-on": "fairness"}, "--fail-on names unknown criterion fairness"),
    ],
)
def test_bad_arguments_exit_2_with_one_error_line(files, capsys, change, match):
    out = files["dir"] / "r.html"
    change = {k: (files["dir"] / v if k in ("--data", "--model") else v) for k, v in change.items()}
    code, _, err = _run(capsys, _args(files, out, **change))
    _assert_usage_error(code, err, out, match)


def test_empty_csv(files, capsys):
    empty = files["dir"] / "empty.csv"
    empty.write_text("")
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--data": empty}))
    _assert_usage_error(code, err, out, "is empty")


def test_non_csv_data(files, capsys):
    binary = files["dir"] / "data.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--data": binary}))
    _assert_usage_error(code, err, out, "could not be read as CSV")
    other = files["dir"] / "data.xlsx"
    other.write_text("x")
    code, _, err = _run(capsys, _args(files, out, **{"--data": other}))
    _assert_usage_error(code, err, out, "expected .csv or .parquet")


def test_corrupt_model(files, capsys):
    bad = files["dir"] / "bad.skops"
    bad.write_bytes(b"not a zip file")
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--model": bad}))
    _assert_usage_error(code, err, out, "is not a readable skops file")


def test_pickle_needs_opt_in(files, capsys):
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--model": files["pickle"]}))
    _assert_usage_error(code, err, out, "--trust-pickle")


def test_pickle_with_opt_in_warns_and_runs(files, capsys):
    out = files["dir"] / "pickled.html"
    code, _, err = _run(
        capsys, [*_args(files, out, **{"--model": files["pickle"]}), "--trust-pickle"]
    )
    assert code == 0 and out.exists()
    assert "warning: loading pickle file" in err and "execute arbitrary code" in err


def test_all_nan_target(files, biased, capsys):
    frame = biased["test"].assign(y=np.nan)
    path = files["dir"] / "nan.csv"
    frame.to_csv(path, index=False)
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--data": path}))
    _assert_usage_error(code, err, out, "entirely missing")


def test_single_group(files, biased, capsys):
    frame = biased["test"].assign(group="a")
    path = files["dir"] / "single.csv"
    frame.to_csv(path, index=False)
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--data": path}))
    _assert_usage_error(code, err, out, "takes a single value")


def test_data_lacking_model_columns(files, biased, capsys):
    path = files["dir"] / "lacking.csv"
    biased["test"].drop(columns=[FEATURES[0]]).to_csv(path, index=False)
    out = files["dir"] / "r.html"
    code, _, err = _run(capsys, _args(files, out, **{"--data": path}))
    _assert_usage_error(code, err, out, "lacks 1 column(s) the model was trained on: 'x0'")


def test_no_arguments(files, capsys):
    code, _, err = _run(capsys, ["analyze"])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the following arguments are required")


def test_fail_on_returns_1_when_a_verdict_fails(files, capsys):
    out, js = files["dir"] / "ok.html", files["dir"] / "ok.json"
    code, stdout, err = _run(
        capsys, [*_args(files, out, **{"--fail-on": "demographic_parity"}), "--json", js]
    )
    assert code == 1
    assert out.exists() and js.exists()
    assert "demographic_parity failed" in err
    assert "FAIL" in stdout and "Wrote" in stdout


def test_success_exits_0_and_reports_progress(files, capsys):
    out = files["dir"] / "pass.html"
    code, stdout, err = _run(capsys, _args(files, out))
    assert code == 0 and out.stat().st_size > 0
    assert "fairness (100 bootstrap replicates)" in err


def test_untrusted_skops_types_are_refused_with_the_cli_flag_to_trust_them(files, capsys):
    import pandas as pd
    from lightgbm import LGBMClassifier
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from rai_toolkit.security import load_model

    frame = pd.read_csv(files["data"])
    # LightGBM's types are outside skops' trusted set on every scikit-learn version
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["group"]), remainder="passthrough"),
        LGBMClassifier(n_estimators=5, n_jobs=1, verbose=-1),
    ).fit(frame[["group", "x0"]], frame["y"])
    path = files["dir"] / "pipeline.skops"
    save_model(model, path)
    with pytest.raises(Exception) as info:
        load_model(path)
    refused = info.value.untrusted_types
    out = files["dir"] / "trust.html"
    code, _, err = _run(capsys, _args(files, out, **{"--model": path}))
    _assert_usage_error(code, err, out, "add --trust " + " ".join(refused))
    code, _, err = _run(capsys, [*_args(files, out, **{"--model": path}), "--trust", *refused])
    assert code == 0, err
    assert out.exists()
