"""Fixtures of the command-line tests: one small model saved once, and helpers to run the CLI."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.cli import main
from rai_toolkit.datasets import make_biased_classification
from rai_toolkit.security import save_model

FEATURES = ["x0", "x1", "x2", "x3", "x4", "proxy"]


@pytest.fixture(scope="session")
def cli_files(tmp_path_factory):
    """A fitted model (.skops and .pkl) and its evaluation data (.csv and .parquet)."""
    d = tmp_path_factory.mktemp("cli")
    ds = make_biased_classification(2000, label_bias=0.8, feature_bias=0.5, random_state=0)
    frame = ds.frame
    train, test = frame.iloc[:1000].reset_index(drop=True), frame.iloc[1000:].reset_index(drop=True)
    model = LogisticRegression(max_iter=500).fit(train[FEATURES], train["y"])
    paths = {
        "dir": d,
        "frame": test,
        "train_frame": train,
        "model_object": model,
        "model": d / "model.skops",
        "pickle": d / "model.pkl",
        "data": d / "test.csv",
        "parquet": d / "test.parquet",
        "train": d / "train.csv",
    }
    save_model(model, paths["model"])
    paths["pickle"].write_bytes(pickle.dumps(model))
    test.to_csv(paths["data"], index=False)
    test.to_parquet(paths["parquet"], index=False)
    train.to_csv(paths["train"], index=False)
    return paths


@pytest.fixture
def run_cli(capsys):
    """Run ``main(argv)`` in this process; return (exit status, stdout, stderr)."""

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def analyze_argv(cli_files):
    """Build an ``analyze`` command line on the fixture files, with overrides (None drops one)."""

    def build(out, *extra, **over):
        options = {
            "--model": cli_files["model"],
            "--data": cli_files["data"],
            "--target": "y",
            "--sensitive": "group",
            "--out": out,
            "--n-boot": 100,
        }
        options.update({"--" + k.replace("_", "-"): v for k, v in over.items()})
        argv = ["analyze", "--no-explain"]
        for key, value in options.items():
            if value is not None:
                argv += [key, value]
        return [*argv, *extra]

    return build


@pytest.fixture
def assert_error_line():
    """Assert: the exit status, ONE ``error:`` line on stderr holding ``match``, no traceback."""

    def check(code, err, match, *, status=2):
        assert code == status, err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("error: "), err
        assert match in lines[0], lines[0]
        assert "Traceback" not in err

    return check


@pytest.fixture
def error_lines_only():
    """Stderr without the progress and warning lines an analysis prints before failing."""

    def keep(err):
        kept = [
            line
            for line in err.splitlines()
            if not line.startswith("[") and not line.startswith("warning: ")
        ]
        return "\n".join(kept) + ("\n" if kept else "")

    return keep


@pytest.fixture
def modules_loaded_by():
    """Run the CLI in a fresh interpreter; return (exit status, stderr, heavy modules loaded)."""

    def run(*argv):
        code = (
            "import sys\n"
            "from rai_toolkit.cli import main\n"
            f"status = main({list(argv)!r})\n"
            "heavy = sorted(m for m in ('pandas', 'numpy', 'scipy', 'sklearn', 'pyarrow', "
            "'shap', 'fairlearn', 'responsibleai') if m in sys.modules)\n"
            "print('HEAVY=' + ','.join(heavy))\n"
            "raise SystemExit(status)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
        heavy_line = [line for line in result.stdout.splitlines() if line.startswith("HEAVY=")]
        assert heavy_line, result.stdout + result.stderr
        heavy = [m for m in heavy_line[-1][len("HEAVY=") :].split(",") if m]
        return result.returncode, result.stderr, heavy

    return run
