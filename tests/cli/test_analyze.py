"""`rai-toolkit analyze`: bad inputs give one error line and write nothing; good ones work."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.security import save_model


def _nothing_written(folder, name="r.html"):
    assert not (folder / name).exists()
    assert not list(folder.glob(".*.tmp")), list(folder.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"data": "missing.csv"}, "--data file"),
        ({"target": "nope"}, "Column 'nope' given as `target` not found"),
        ({"sensitive": "nope"}, "given as `sensitive_features` not found"),
        ({"model": "missing.skops"}, "does not exist"),
        ({"model": "model.txt"}, "unknown file extension '.txt'"),
    ],
)
def test_bad_arguments_exit_2_with_one_error_line(
    cli_files, run_cli, analyze_argv, assert_error_line, change, match
):
    d = cli_files["dir"]
    change = {k: (d / v if k in ("data", "model") else v) for k, v in change.items()}
    code, _, err = run_cli(*analyze_argv(d / "r.html", **change))
    assert_error_line(code, err, match)
    _nothing_written(d)


def test_missing_data_file_names_the_flag(cli_files, run_cli, analyze_argv, assert_error_line):
    d = cli_files["dir"]
    code, _, err = run_cli(*analyze_argv(d / "r.html", data=d / "missing.csv"))
    assert_error_line(code, err, f"--data file '{d / 'missing.csv'}' does not exist")


def test_parquet_input_gives_the_same_report_as_csv(cli_files, run_cli, analyze_argv, tmp_path):
    runs = {}
    for kind in ("data", "parquet"):
        out, js = tmp_path / f"{kind}.html", tmp_path / f"{kind}.json"
        code, stdout, err = run_cli(*analyze_argv(out, "--json", js, data=cli_files[kind]))
        assert code == 0, err
        assert f"Wrote {out}" in stdout
        runs[kind] = json.loads(js.read_text())
    csv_doc, parquet_doc = runs["data"], runs["parquet"]
    assert parquet_doc["model_card"]["n_rows"] == csv_doc["model_card"]["n_rows"] == 1000
    # equal up to the last digits a CSV float round trip may change (pandas 1.5's parser)
    for from_parquet, from_csv in zip(
        parquet_doc["fairness"]["verdicts"], csv_doc["fairness"]["verdicts"], strict=True
    ):
        for key, value in from_csv.items():
            if isinstance(value, float):
                assert from_parquet[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
            else:
                assert from_parquet[key] == value, key
    group = next(g for g in csv_doc["fairness"]["groupings"] if g["name"] == "group")
    frame = cli_files["frame"]
    predicted = cli_files["model_object"].predict(frame[["x0", "x1", "x2", "x3", "x4", "proxy"]])
    for entry in group["groups"]:
        rows = (frame["group"] == entry["labels"][0]).to_numpy()
        assert entry["metrics"]["selection_rate"] == pytest.approx(predicted[rows].mean())


def test_parquet_with_a_named_index_keeps_it_as_a_column(
    cli_files, run_cli, analyze_argv, tmp_path
):
    path = tmp_path / "indexed.parquet"
    cli_files["frame"].set_index("x4").to_parquet(path)  # x4 is a model feature
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert code == 0, err


def test_empty_csv(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=empty))
    assert_error_line(code, err, "is empty")
    _nothing_written(tmp_path)


def test_header_only_csv(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("group,x0,y\n")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "has a header but no data rows")


def test_non_csv_data(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=binary))
    assert_error_line(code, err, "is not UTF-8 text")
    other = tmp_path / "data.xlsx"
    other.write_text("x")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=other))
    assert_error_line(code, err, "has extension '.xlsx'; expected .csv, .parquet, .pq")
    _nothing_written(tmp_path)


def test_corrupt_parquet(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"group,x0,y\na,1,0\n")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "could not be read as Parquet (ArrowInvalid")


def test_folder_as_data(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=tmp_path))
    assert_error_line(code, err, f"--data '{tmp_path}' is a folder")


def test_repeated_csv_header_is_refused_not_renamed(
    cli_files, run_cli, analyze_argv, assert_error_line, tmp_path
):
    path = tmp_path / "dup.csv"
    frame = cli_files["frame"]
    frame.rename(columns={"x4": "x0"}).to_csv(path, index=False)
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "names column(s) 'x0' more than once")


def test_corrupt_model(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    bad = tmp_path / "bad.skops"
    bad.write_bytes(b"not a zip file")
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", model=bad))
    assert_error_line(code, err, "is not a readable skops file")
    _nothing_written(tmp_path)


def test_pickle_needs_opt_in(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", model=cli_files["pickle"]))
    assert_error_line(code, err, "--trust-pickle")
    _nothing_written(tmp_path)


def test_pickle_refusal_is_phrased_from_the_errors_argument_field(
    cli_files, run_cli, analyze_argv, assert_error_line, tmp_path, monkeypatch
):
    from rai_toolkit.exceptions import UnsafeModelError

    def refuse(path, **kwargs):
        err = UnsafeModelError("pickles are refused unless allow_pickle=True")
        err.argument = "allow_pickle"  # the structured field the library sets
        raise err

    monkeypatch.setattr("rai_toolkit.security.load_model", refuse)
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", model=cli_files["pickle"]))
    assert_error_line(code, err, "only if you trust the file's source, add --trust-pickle")
    assert "allow_pickle" not in err


def test_pickle_with_opt_in_warns_and_runs(cli_files, run_cli, analyze_argv, tmp_path):
    out = tmp_path / "pickled.html"
    code, _, err = run_cli(*analyze_argv(out, "--trust-pickle", model=cli_files["pickle"]))
    assert code == 0 and out.exists()
    assert "warning: loading pickle file" in err and "execute arbitrary code" in err
    assert "WARNING" not in err


def test_all_nan_target(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    path = tmp_path / "nan.csv"
    cli_files["frame"].assign(y=np.nan).to_csv(path, index=False)
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "entirely missing")
    _nothing_written(tmp_path)


def test_single_group(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    path = tmp_path / "single.csv"
    cli_files["frame"].assign(group="a").to_csv(path, index=False)
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "takes a single value")


def test_data_lacking_model_columns(cli_files, run_cli, analyze_argv, assert_error_line, tmp_path):
    path = tmp_path / "lacking.csv"
    cli_files["frame"].drop(columns=["x0"]).to_csv(path, index=False)
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", data=path))
    assert_error_line(code, err, "lacks 1 column(s) the model was trained on: 'x0'")


def test_library_argument_errors_exit_2_with_one_error_line(
    cli_files, run_cli, analyze_argv, assert_error_line, error_lines_only, tmp_path
):
    # assess() announces its first step before checking n_boot, hence the filter
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", n_boot=50))
    assert_error_line(code, error_lines_only(err), "n_boot must be 0")
    _nothing_written(tmp_path)


def test_no_arguments(run_cli, assert_error_line):
    code, _, err = run_cli("analyze")
    assert_error_line(
        code, err, "the following arguments are required: --model, --data, --target, --sensitive"
    )
    assert "(see `rai-toolkit analyze --help`)" in err


def test_fail_on_returns_1_when_a_verdict_fails(cli_files, run_cli, analyze_argv, tmp_path):
    out, js = tmp_path / "ok.html", tmp_path / "ok.json"
    code, stdout, err = run_cli(*analyze_argv(out, "--json", js, fail_on="demographic_parity"))
    assert code == 1
    assert out.exists() and js.exists()
    assert "demographic_parity failed" in err
    doc = json.loads(js.read_text())
    statuses = {v["criterion"]: v["status"] for v in doc["fairness"]["verdicts"]}
    assert statuses["demographic_parity"] == "fail"
    assert "FAIL" in stdout and "Wrote" in stdout


def test_fail_on_exits_0_when_no_named_criterion_fails(cli_files, run_cli, analyze_argv, tmp_path):
    fair = cli_files["frame"].copy()
    fair["group"] = np.random.default_rng(0).permutation(fair["group"].to_numpy())
    path = tmp_path / "shuffled.csv"
    fair.to_csv(path, index=False)
    out, js = tmp_path / "p.html", tmp_path / "p.json"
    code, _, err = run_cli(*analyze_argv(out, "--json", js, data=path, fail_on="any"))
    assert code == 0, err
    statuses = {v["status"] for v in json.loads(js.read_text())["fairness"]["verdicts"]}
    assert "fail" not in statuses and "pass" in statuses
    assert "fail-on" not in err


def test_success_exits_0_and_reports_progress(cli_files, run_cli, analyze_argv, tmp_path):
    out = tmp_path / "pass.html"
    code, stdout, err = run_cli(*analyze_argv(out, train=cli_files["train"]))
    assert code == 0 and out.stat().st_size > 0
    assert "fairness (100 bootstrap replicates) ..." in err
    assert all(line.startswith(("[", "warning: ")) for line in err.splitlines()), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pass.html"]


def test_untrusted_skops_types_are_refused_with_the_cli_flag_to_trust_them(
    cli_files, run_cli, analyze_argv, assert_error_line, tmp_path
):
    from lightgbm import LGBMClassifier
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from rai_toolkit.security import load_model

    frame = pd.read_csv(cli_files["data"])
    # LightGBM's types are outside skops' trusted set on every scikit-learn version
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["group"]), remainder="passthrough"),
        LGBMClassifier(n_estimators=5, n_jobs=1, verbose=-1),
    ).fit(frame[["group", "x0"]], frame["y"])
    path = tmp_path / "pipeline.skops"
    save_model(model, path)
    with pytest.raises(Exception) as info:
        load_model(path)
    refused = info.value.untrusted_types
    out = tmp_path / "trust.html"
    code, _, err = run_cli(*analyze_argv(out, model=path))
    assert_error_line(code, err, "add --trust " + " ".join(refused))
    code, _, err = run_cli(*analyze_argv(out, "--trust", *refused, model=path))
    assert code == 0, err
    assert out.exists()


def test_fairness_json_is_the_full_fairness_report(cli_files, run_cli, analyze_argv, tmp_path):
    from rai_toolkit import analyze_fairness

    frame = cli_files["frame"].copy()
    frame.loc[:4, "group"] = "tiny"  # 5 rows: hidden from the shared report (min cell size 10)
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    fair, doc = tmp_path / "fairness.json", tmp_path / "doc.json"
    code, stdout, err = run_cli(
        *analyze_argv(tmp_path / "r.html", "--json", doc, "--fairness-json", fair, data=data)
    )
    assert code == 0, err
    assert f"Wrote {fair}" in stdout
    written = json.loads(fair.read_text())
    assert written["kind"] == "fairness_report" and written["count_tables"] is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = analyze_fairness(
            cli_files["model_object"], frame, target="y", sensitive_features="group",
            n_boot=100, random_state=0,
        )  # fmt: skip
    assert written == json.loads(alone.to_json())
    # unlike the shared document, the small group's numbers are there
    tiny = [g for g in written["results"][0]["groups"] if g["key"] == "group=tiny"]
    assert tiny[0]["count"] == 5 and tiny[0]["metrics"]["selection_rate"] is not None
    shared = json.loads(doc.read_text())["fairness"]["groupings"][0]["groups"]
    hidden = [g for g in shared if g["key"] == "group=tiny"]
    assert hidden[0]["suppressed"] and hidden[0]["count"] is None


def test_bad_fairness_json_fails_before_any_work(cli_files, run_cli, analyze_argv,
                                                assert_error_line, tmp_path):  # fmt: skip
    code, _, err = run_cli(
        *analyze_argv(tmp_path / "r.html", "--fairness-json", tmp_path / "f.txt")
    )
    assert_error_line(code, err, "--fairness-json")
    assert "should end in .json; received .txt" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
