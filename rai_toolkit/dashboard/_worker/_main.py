"""The runtime process: one command from stdin, events to stdout, libraries' noise to stderr.

Protocol (JSON, one object per line). The user's process sends one command:

* ``{"op": "ping"}``: answer the runtime's package versions, exit;
* ``{"op": "build", "workdir", "channel", "spec"}``: compute ``RAIInsights`` from the
  frames in ``workdir`` with a proxy of the user's model, store the counterfactuals found
  in the user's process, save it to ``workdir/rai_insights``, answer, exit;
* ``{"op": "serve", "folder", "fd", "loopback", "port", "cohorts", "channel"}``: load the
  saved ``RAIInsights``, serve the dashboard on the inherited listening socket ``fd``,
  answer, and serve until stdin closes (or ``{"op": "stop"}``).

The process answers with ``{"event": "progress", "step", "message"}`` lines, then one
``{"event": "result", "value"}`` or ``{"event": "error", "type", "message"}``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from rai_toolkit.exceptions import DashboardError, ModelError, RaiToolkitError

__all__ = ["main"]

Say = Callable[[str, str], None]


class _Events:
    def __init__(self, stream: TextIO):
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, default=_json_default)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def say(self, step: str, message: str) -> None:
        self.send({"event": "progress", "step": step, "message": message})


def _json_default(obj: Any) -> Any:
    item = getattr(obj, "item", None)
    return item() if callable(item) else str(obj)


def _chain(err: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while err is not None and all(err is not e for e in out):
        out.append(err)
        err = err.__cause__ or err.__context__
    return out


def _error_event(err: BaseException, context: str) -> dict[str, Any]:
    """Describe ``err``: the user's model failing wins over any wrapper, then our errors."""
    chain = _chain(err)
    for e in chain:
        if isinstance(e, ModelError):
            return {"event": "error", "type": "ModelError", "message": str(e)}
    for e in chain:
        if isinstance(e, RaiToolkitError):
            return {"event": "error", "type": type(e).__name__, "message": str(e)}
    return {"event": "error", "type": "DashboardError",
            "message": f"{context}: {type(err).__name__}: {err}"}


def _build(job: dict[str, Any], say: Say) -> dict[str, Any]:
    from responsibleai import FeatureMetadata, RAIInsights

    from rai_toolkit.dashboard._wire import read_frame
    from rai_toolkit.dashboard._worker import _compat
    from rai_toolkit.dashboard._worker._proxy import ChannelSerializer

    work = Path(job["workdir"])
    spec = job["spec"]
    target, task = spec["target"], spec["task"]
    train = read_frame(work / "train.arrow")
    test = read_frame(work / "test.arrow")
    features = [c for c in test.columns if c != target]
    serializer = ChannelSerializer(task=task, features=features, classes=spec.get("classes"))
    names = list(spec["components"])
    say("preparing RAIInsights",
        f"RAIInsights: {len(train)} train rows, {len(test)} test rows, components: {names}")
    try:
        rai = RAIInsights(
            serializer.proxy(),
            train,
            test,
            target_column=target,
            task_type=task,
            maximum_rows_for_test=max(len(test), 1),
            feature_metadata=FeatureMetadata(categorical_features=list(spec["categorical"])),
            serializer=serializer,
        )
    except Exception as err:  # noqa: BLE001 - RAIInsights raises many types
        if any(isinstance(e, ModelError) for e in _chain(err)):
            raise
        raise DashboardError(
            f"responsibleai.RAIInsights rejected the inputs: {type(err).__name__}: {err}"
        ) from err
    timings: dict[str, float] = {}
    for name in names:
        step = f"computing the {name!r} component"
        say(step, f"{name} ...")
        t0 = time.perf_counter()
        try:
            if name == "explainer":
                rai.explainer.add()
                rai.explainer.compute()
            elif name == "error_analysis":
                rai.error_analysis.add()
                rai.error_analysis.compute()
            elif name == "causal":
                rai.causal.add(
                    treatment_features=list(spec["treatment_features"]),
                    random_state=spec.get("random_state"),
                )
                rai.causal.compute()
            elif name == "counterfactual":
                from rai_toolkit.dashboard._wire import read_search
                from rai_toolkit.dashboard._worker._dice import to_dice_explanations

                importance = bool(spec["counterfactual_importance"])
                continuous = _compat.continuous_features(rai)
                explanations = to_dice_explanations(
                    read_search(work),
                    train,
                    target=target,
                    continuous_features=continuous,
                    importance=importance,
                )
                _compat.store_counterfactuals(
                    rai, explanations, total_cfs=spec["counterfactuals"],
                    continuous=continuous, importance=importance,
                )
        except Exception as err:  # noqa: BLE001 - report which component failed
            if any(isinstance(e, (ModelError, RaiToolkitError)) for e in _chain(err)):
                raise
            raise DashboardError(
                f"Computing the {name!r} component failed: {type(err).__name__}: {err}. "
                f"Leave it out of `components` to build the others."
            ) from err
        timings[name] = time.perf_counter() - t0
        say(step, f"{name} done in {timings[name]:.1f} s")
    say("saving the insights", "saving the computed insights")
    rai.save(str(work / "rai_insights"))
    return {"timings": timings, "n_test": int(len(rai.test))}


def _serve(job: dict[str, Any], say: Say) -> Any:
    from raiutils.cohort import Cohort
    from raiwidgets.responsibleai_dashboard_input import ResponsibleAIDashboardInput
    from responsibleai import RAIInsights
    from werkzeug.serving import WSGIRequestHandler, make_server

    from rai_toolkit.dashboard._worker._app import build_app

    say("loading the insights", "loading the saved insights")
    try:
        rai = RAIInsights.load(job["folder"])
    except Exception as err:  # noqa: BLE001 - report any load failure with context
        raise DashboardError(
            f"RAIInsights.load failed on {job['folder']!r}: {type(err).__name__}: {err}. The "
            f"folder may be truncated or corrupt; save the insights again with save_insights."
        ) from err
    cohorts = [Cohort.from_json(json.dumps(c)) for c in job["cohorts"]]
    say("preparing the dashboard", "preparing the dashboard data")
    try:
        board = ResponsibleAIDashboardInput(rai, cohort_list=cohorts)
    except Exception as err:  # noqa: BLE001 - raiwidgets validation raises many types
        if any(isinstance(e, ModelError) for e in _chain(err)):
            raise
        raise DashboardError(
            f"raiwidgets could not prepare the dashboard data: {type(err).__name__}: {err}"
        ) from err
    app = build_app(board, loopback=bool(job["loopback"]), port=int(job["port"]))

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    server = make_server(
        job["bind"], int(job["port"]), app, threaded=True, request_handler=QuietHandler,
        fd=int(job["fd"]),
    )
    thread = threading.Thread(target=server.serve_forever, name="rai-dashboard", daemon=True)
    thread.start()
    return server


def _versions() -> dict[str, str]:
    import platform

    import numpy
    import pandas
    import raiwidgets
    import responsibleai
    import sklearn

    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "pandas": pandas.__version__, "scikit-learn": sklearn.__version__,
            "responsibleai": responsibleai.__version__, "raiwidgets": raiwidgets.__version__}


def main() -> int:
    """Run one command from stdin; return the exit status."""
    events = _Events(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)  # print() and C libraries write to stderr (the log), never the protocol
    sys.stdout = sys.stderr
    try:
        from rai_toolkit.dashboard._worker import _compat

        _compat.check_versions()  # imports responsibleai and raiwidgets (the slow part)
    except BaseException as err:  # noqa: BLE001 - report, then exit
        traceback.print_exc()
        events.send(_error_event(err, "The dashboard runtime could not start"))
        return 1
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the user's process went away before asking anything
    job = json.loads(line)
    op = job.get("op")
    from rai_toolkit.dashboard._worker._proxy import bind_channel

    bind_channel(job.get("channel"))
    try:
        if op == "ping":
            events.send({"event": "result", "value": _versions()})
            return 0
        if op == "build":
            events.send({"event": "result", "value": _build(job, events.say)})
            return 0
        if op != "serve":
            raise DashboardError(f"unknown runtime command {op!r}")
        server = _serve(job, events.say)
    except BaseException as err:  # noqa: BLE001 - report, then exit
        traceback.print_exc()
        events.send(_error_event(err, f"The dashboard runtime failed ({op})"))
        return 1
    events.send({"event": "result", "value": {"ready": True}})
    for line in sys.stdin:  # serve until told to stop, or until the user's process is gone
        if line.strip() and json.loads(line).get("op") == "stop":
            break
    server.shutdown()
    server.server_close()
    return 0
